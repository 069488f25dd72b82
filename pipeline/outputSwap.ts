/**
 * Replacing the output folder so that a kill at any instant leaves something the next run can repair.
 *
 * A build is assembled in a stage folder next to --out (`.O.tmp-<pid>-xxxxxx`) and a work folder in the
 * system temp folder (`figtrail-work-<pid>-xxxxxx`). Moving the stage into place takes two renames (O → backup,
 * stage → O), and a kill between them used to leave O missing with nothing to put it back. Now a journal
 * (`.O.swap.json`, written atomically before the first rename) names the three folders; every step after it
 * is idempotent, so `recoverOutput` — run at the start of every build — simply finishes whatever swap the
 * journal describes: the stage (complete, or there would be no journal) moves in, the backup goes. With no
 * stage left it restores the backup if O is missing.
 *
 * Temporary folders are removed when the process exits or gets SIGINT/SIGTERM; SIGKILL leaves them behind, so
 * `recoverOutput` also sweeps those of dead runs (the PID in the name no longer runs) and any older than a day.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from './releaseLock.js';

/** The instants a swap can be interrupted at, in order (the fault hook is called at each). */
export const SWAP_STEPS = ['start', 'journal-written', 'old-moved-aside', 'new-moved-in', 'old-removed', 'done'] as const;
export type SwapStep = (typeof SWAP_STEPS)[number];

const JOURNAL_FORMAT = 'figtrail-output-swap/1';
const DAY_MS = 86_400_000;

interface Journal {
  format: typeof JOURNAL_FORMAT;
  pid: number;
  /** names inside the parent folder of --out */
  out: string;
  stage: string;
  old: string;
}

const journalFile = (outDir: string) => path.join(path.dirname(outDir), `.${path.basename(outDir)}.swap.json`);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------
// temporary folders: removed on exit, SIGINT and SIGTERM

const live = new Set<string>();
let handlersInstalled = false;

function removeLive(): void {
  for (const d of live) rmSync(d, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeLive();
  uninstall();
  // the default action (exit by the signal) unless someone else also listens and decides
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
const onSigint = () => onSignal('SIGINT');
const onSigterm = () => onSignal('SIGTERM');

function install(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removeLive);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
}

function uninstall(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', removeLive);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
}

function track(dir: string): void {
  live.add(dir);
  install();
}

function untrack(dir: string): void {
  live.delete(dir);
  if (live.size === 0) uninstall();
}

export interface TempDirs {
  /** where the new build is assembled, next to --out (same file system: the final move is a rename) */
  stage: string;
  /** scratch files that are never published */
  work: string;
  /** removes both (what is left of them) and stops watching for signals */
  remove(): void;
}

/** The stage and work folders of one build, named after this PID and removed on exit, SIGINT or SIGTERM. */
export function makeTempDirs(outDir: string, opts: { tmpRoot?: string } = {}): TempDirs {
  const out = path.resolve(outDir);
  mkdirSync(path.dirname(out), { recursive: true });
  // listening before the first folder exists: a signal between its creation and track() then waits for this
  // synchronous code to end (and finds the folder tracked) instead of ending the process by default
  install();
  const stage = mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}-`));
  track(stage);
  const work = mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), `figtrail-work-${process.pid}-`));
  track(work);
  return {
    stage,
    work,
    remove() {
      for (const d of [work, stage]) {
        rmSync(d, { recursive: true, force: true });
        untrack(d);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// the swap

function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(path.dirname(file));
}

/** Makes renames in dir durable before the next step relies on them (best effort: not every system allows it). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here */
  }
}

/**
 * Moves the complete build in `stage` to `outDir`, replacing what is there. `fault` is called at each step
 * (tests kill the process there); after the journal is written, every later step is also what recovery does.
 */
export function replaceOutput(stage: string, outDir: string, opts: { fault?: (step: SwapStep) => void } = {}): void {
  const fault = opts.fault ?? (() => {});
  const out = path.resolve(outDir);
  const parent = path.dirname(out);
  if (path.dirname(path.resolve(stage)) !== parent) throw new Error(`internal: stage ${stage} is not next to ${out}`);
  fault('start');
  const journal: Journal = { format: JOURNAL_FORMAT, pid: process.pid, out: path.basename(out), stage: path.basename(stage), old: `.${path.basename(out)}.old-${process.pid}` };
  // from here the journal owns the stage: an exit handler must not delete a build that is being moved in
  untrack(path.resolve(stage));
  writeFileDurably(journalFile(out), `${JSON.stringify(journal)}\n`);
  fault('journal-written');
  finishSwap(parent, journal, fault);
}

/** The steps after the journal; each one checks what is already done, so running them again is safe. */
function finishSwap(parent: string, j: Journal, fault: (step: SwapStep) => void = () => {}): string | null {
  const out = path.join(parent, j.out);
  const stage = path.join(parent, j.stage);
  const old = path.join(parent, j.old);
  let did: string | null = null;
  if (existsSync(stage)) {
    if (existsSync(out)) {
      rmSync(old, { recursive: true, force: true });
      renameSync(out, old);
      did = 'moved the previous build aside';
    }
    fault('old-moved-aside');
    renameSync(stage, out);
    syncDir(parent);
    did = 'moved the new build in';
    fault('new-moved-in');
  } else if (!existsSync(out) && existsSync(old)) {
    renameSync(old, out);
    did = 'restored the previous build (the new one was gone)';
  }
  if (existsSync(old)) {
    rmSync(old, { recursive: true, force: true });
    did ??= 'removed the previous build';
  }
  fault('old-removed');
  rmSync(journalFile(out), { force: true });
  fault('done');
  return did;
}

// ---------------------------------------------------------------------------------------------
// recovery at the start of a build

function olderThanADay(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > DAY_MS;
  } catch {
    return false;
  }
}

/** Stale: its run is dead (PID in the name), or it is older than a day (no PID in the name, or a reused PID). */
function stale(file: string, pid: number | null): boolean {
  if (pid === process.pid) return false;
  return (pid !== null && !pidAlive(pid)) || olderThanADay(file);
}

function readJournal(file: string): Journal | null {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<Journal>;
    const name = (s: unknown) => typeof s === 'string' && s !== '' && !s.includes('/') && !s.includes('\\') && s !== '.' && s !== '..';
    if (j.format !== JOURNAL_FORMAT || typeof j.pid !== 'number' || !name(j.out) || !name(j.stage) || !name(j.old)) return null;
    return j as Journal;
  } catch {
    return null;
  }
}

/**
 * Run before a build touches --out: finishes a swap a killed run left half done (its journal), puts back a
 * build the old code left as O.old-PID, and removes the stage and work folders of dead runs. Says what it did.
 */
export function recoverOutput(outDir: string, opts: { log: (line: string) => void; tmpRoot?: string }): void {
  const out = path.resolve(outDir);
  const parent = path.dirname(out);
  const base = path.basename(out);
  const log = opts.log;
  if (!existsSync(parent)) return;

  const jf = journalFile(out);
  if (existsSync(jf)) {
    const j = readJournal(jf);
    if (j === null) {
      log(`recover: ${jf} is not a swap journal figtrail can read; left alone`);
    } else if (j.out !== base) {
      log(`recover: ${jf} names another folder (${j.out}); left alone`);
    } else if (j.pid !== process.pid && pidAlive(j.pid)) {
      log(`recover: another build (PID ${j.pid}) is replacing ${out}; left alone`);
    } else {
      const did = finishSwap(parent, j);
      if (did) log(`recover: finished the interrupted replacement of ${out} (PID ${j.pid} was killed during it): ${did}`);
    }
  }

  const stageRe = new RegExp(`^\\.${escapeRe(base)}\\.tmp-(?:(\\d+)-)?[A-Za-z0-9]{6}$`);
  const oldRe = new RegExp(`^\\.?${escapeRe(base)}\\.old-(\\d+)$`);
  const journalTmpRe = new RegExp(`^\\.${escapeRe(base)}\\.swap\\.json\\.tmp-(\\d+)$`);
  for (const name of readdirSync(parent).sort()) {
    const full = path.join(parent, name);
    let m: RegExpExecArray | null;
    if ((m = stageRe.exec(name)) && stale(full, m[1] ? Number(m[1]) : null)) {
      rmSync(full, { recursive: true, force: true });
      log(`recover: removed ${name}, the unfinished build of a run that was killed`);
    } else if ((m = oldRe.exec(name)) && stale(full, Number(m[1])) && !existsSync(jf)) {
      if (!existsSync(out)) {
        renameSync(full, out);
        log(`recover: restored ${out} from ${name}, left by a run killed while replacing it`);
      } else {
        rmSync(full, { recursive: true, force: true });
        log(`recover: removed ${name}, a previous build a killed run had moved aside`);
      }
    } else if ((m = journalTmpRe.exec(name)) && stale(full, Number(m[1]))) {
      rmSync(full, { force: true });
    }
  }

  const tmpRoot = opts.tmpRoot ?? os.tmpdir();
  const workRe = /^figtrail-work-(?:(\d+)-)?[A-Za-z0-9]{6}$/;
  let entries: string[] = [];
  try {
    entries = readdirSync(tmpRoot);
  } catch {
    return;
  }
  let swept = 0;
  for (const name of entries.sort()) {
    const m = workRe.exec(name);
    if (m && stale(path.join(tmpRoot, name), m[1] ? Number(m[1]) : null)) {
      rmSync(path.join(tmpRoot, name), { recursive: true, force: true });
      swept++;
    }
  }
  if (swept) log(`recover: removed ${swept} work folder(s) of killed runs from ${tmpRoot}`);
}
