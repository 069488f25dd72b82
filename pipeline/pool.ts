/**
 * A small pool of extraction child processes running pipeline/worker.ts tasks (entry: the compiled
 * dist/pipeline/extractChild.js; one process per slot). Tasks are handed to idle children in submission order; a
 * child that dies fails only its current task and is replaced. Each child has a heap limit (--max-old-space-size)
 * and each task a watchdog (pipeline/budget.ts), whose clock starts when the child begins the task (it says so),
 * not when it was forked: a task over its time is stopped by killing its child, one that runs out of heap takes
 * down only its own process (V8 aborts it); both fail with BudgetExceeded and the pool forks a new child.
 * Processes, not worker threads: a worker thread's fatal out-of-heap error sometimes aborted the whole build
 * (pipeline/extractChild.ts says more). A task still running after budget.slowAfterMs is named in the log, so a
 * build that seems stuck says on what.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BudgetExceeded, DEFAULT_BUDGET, type SourceBudget } from './budget.js';
import type { Outcome, ProvidedLexicon, Task } from './worker.js';

/**
 * What tells pipeline/extractChild.js it was started by this pool (its first argument). Defined here, not there:
 * the main thread starts children (cli.ts, first thing) without loading worker.ts and what it imports (the lexicon
 * and cache modules).
 */
export const WORKER_MARK = 'figtrail-extract-worker';

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * The compiled child entry: next to this module when it runs from dist/, else dist/pipeline/extractChild.js under
 * the project root (vitest runs the .ts sources; `npm test` compiles dist/ first).
 */
export function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'extractChild.js');
  let dir = path.dirname(here);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the figtrail project root');
    dir = up;
  }
  const entry = path.join(dir, 'dist', 'pipeline', 'extractChild.js');
  if (!existsSync(entry)) throw new Error(`the extraction child ${entry} is missing: compile first (npx tsc -p tsconfig.json)`);
  return entry;
}

/** What a child may take to load its modules before it begins a task (only a child that never starts hits it). */
const STARTUP_ALLOWANCE_MS = 60_000;
/** Children in a row that may die while starting before the pool stops replacing them. */
const MAX_START_FAILURES = 3;
/** How much of a child's stderr is kept to say why it died. */
const STDERR_TAIL_CHARS = 8_192;
/**
 * What V8 writes when a process runs out of heap: "FATAL ERROR: … JavaScript heap out of memory" after a report
 * that opens with "<--- Last few GCs --->", or "# Fatal javascript OOM in …" (seen when the limit is below what
 * Node needs to start).
 */
const OUT_OF_HEAP = /JavaScript heap out of memory|Fatal javascript OOM|<--- Last few GCs --->/;

interface Current {
  id: number;
  label: string;
  /** told of a result the child sends before the task's outcome (SourceTask.pageTextsLater) */
  onPartial: ((o: Outcome) => void) | undefined;
  started: number;
  timers: NodeJS.Timeout[];
  resolve: (o: Outcome) => void;
  reject: (e: Error) => void;
}

interface Slot {
  child: ChildProcess;
  current: Current | null;
  /** the child has loaded its modules (and the vocabulary it was sent): only now does it get tasks */
  ready: boolean;
  /** the pool stopped this child itself (watchdog, close): its death is no task's failure */
  stopped: boolean;
  /** resolves once the process has exited and its stderr is read */
  closed: Promise<void>;
}

export interface PoolOptions {
  budget?: Pick<SourceBudget, 'timeoutMs' | 'maxHeapMb' | 'slowAfterMs'>;
  /** where the "still working on" lines go (default: stderr) */
  log?: (line: string) => void;
  /** the vocabulary folder the source tasks will name: each child loads it while starting, before any task */
  lexiconDir?: string;
  /** that vocabulary already loaded (by the main thread): sent to each child once instead (see provideLexicon) */
  lexicon?: ProvidedLexicon;
}

/** What a task is about, for the log: the source id, or the file. */
function labelOf(task: Task): string {
  if (task.kind === 'source') return task.entry.id;
  if (task.kind === 'render') return task.label;
  return task.file;
}

/** The line of a child's stderr that says what killed it (an uncaught error's message), if any. */
function lastErrorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim());
  return lines.find((l) => /^[A-Za-z]*Error\b.*:/.test(l)) ?? lines.filter(Boolean).at(-1);
}

export class WorkerPool {
  /** children in the pool (it starts with the size it was made with; grow() adds) */
  get size(): number {
    return this.slots.length;
  }
  private readonly entry: string;
  private readonly slots: Slot[] = [];
  private readonly queue: { id: number; task: Task; onPartial: ((o: Outcome) => void) | undefined; resolve: (o: Outcome) => void; reject: (e: Error) => void }[] = [];
  private nextId = 0;
  private closed = false;
  private started = 0;
  /** children in a row that died before they were ready (reset by any child that starts) */
  private startFailures = 0;
  /** set when children cannot start at all: every task then fails with it instead of waiting forever */
  private broken: Error | null = null;
  private readonly budget: Pick<SourceBudget, 'timeoutMs' | 'maxHeapMb' | 'slowAfterMs'>;
  /** where the "still working on" lines go; a build that adopts a pool started before it points it at its own log */
  log: (line: string) => void;
  private readonly lexiconDir: string | undefined;
  private lexicon: ProvidedLexicon | undefined;
  /** children that were stopped or died, until they have exited (close() waits for them too) */
  private readonly leaving = new Set<Promise<void>>();

  /**
   * Starts `size` children at once; they load pdf.js and the lexicon while the caller goes on (hashing the
   * manifest, probing the cache), and each then takes tasks one after another until closed.
   */
  constructor(size = defaultJobs(), entry = childEntry(), opts: PoolOptions = {}) {
    this.entry = entry;
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.lexiconDir = opts.lexiconDir;
    this.lexicon = opts.lexicon;
    for (let i = Math.max(1, size); i > 0; i--) this.slots.push(this.spawn());
  }

  /** Starts more children, up to `size` in all (a pool started early grows once its work is known). */
  grow(size: number): void {
    while (!this.closed && !this.broken && this.slots.length < size) this.slots.push(this.spawn());
  }

  /**
   * Sends a vocabulary the caller has loaded to every child, running or yet to start, so that none parses it
   * again (for a pool started before the dataset was read: cli.ts starts one first thing). Running children get it
   * as a message, which they read before any task sent after this call. Each child is sent a vocabulary once: the
   * same one provided again (same folder, same hash) sends nothing.
   */
  provideLexicon(provided: ProvidedLexicon): void {
    if (this.lexicon && this.lexicon.dir === provided.dir && this.lexicon.lexicon.hash === provided.lexicon.hash) return;
    this.lexicon = provided;
    for (const slot of this.slots) this.send(slot, { id: -1, lexicon: provided });
  }

  /** Resolves once every child has started (loaded its modules and lexicon); for measuring throughput alone. */
  async whenReady(): Promise<void> {
    while (!this.closed && !this.broken && this.slots.some((s) => !s.ready)) await new Promise((r) => setTimeout(r, 5));
  }

  /** How many children this pool has started: its size, plus one for each child stopped or lost on a task. */
  get workersStarted(): number {
    return this.started;
  }

  /** A message to a child; one that cannot be sent (the child is gone) is answered by the child's exit. */
  private send(slot: Slot, msg: object): void {
    if (slot.child.connected) slot.child.send(msg, undefined, undefined, () => {});
  }

  /** Holds the event loop open for this child (its process, IPC channel and stderr pipe) or lets it go. */
  private hold(slot: Slot, on: boolean): void {
    const handles: ({ ref(): unknown; unref(): unknown } | null | undefined)[] = [slot.child, slot.child.channel, slot.child.stderr as Socket | null];
    for (const h of handles) if (h) on ? h.ref() : h.unref();
  }

  private spawn(): Slot {
    this.started++;
    // only the heap limit: not this process's own flags (a profiler's, a test runner's loader)
    const execArgv = this.budget.maxHeapMb > 0 ? [`--max-old-space-size=${this.budget.maxHeapMb}`] : [];
    const child = fork(this.entry, [WORKER_MARK], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    let closedResolve!: () => void;
    const slot: Slot = { child, current: null, ready: false, stopped: false, closed: new Promise<void>((r) => (closedResolve = r)) };
    // the vocabulary goes once, first; a child started before the pool had it gets it from provideLexicon
    this.send(slot, { id: -1, init: { ...(this.lexiconDir === undefined ? {} : { lexiconDir: this.lexiconDir }), ...(this.lexicon === undefined ? {} : { lexicon: this.lexicon }) } });
    // stderr passes through to ours, except V8's out-of-heap report (the pool names the source instead); its
    // tail is kept to say why a child died
    let tail = '';
    let outOfHeap = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
      if (outOfHeap) return;
      const at = chunk.search(OUT_OF_HEAP);
      if (at >= 0 || OUT_OF_HEAP.test(tail)) outOfHeap = true;
      const shown = at >= 0 ? chunk.slice(0, at).replace(/\n+$/, '\n') : outOfHeap ? '' : chunk;
      if (shown.trim()) process.stderr.write(shown);
    });
    // an idle pool does not keep the process alive (a build that stops before extracting need not close it)
    if (this.idle()) this.hold(slot, false);
    // a child that never gets ready is stopped (and counts as one that could not start)
    let startTimedOut = false;
    const startGuard = setTimeout(() => {
      startTimedOut = true;
      child.kill('SIGKILL');
    }, STARTUP_ALLOWANCE_MS).unref();
    const finish = (): Current | null => {
      const cur = slot.current;
      slot.current = null;
      if (cur) for (const t of cur.timers) clearTimeout(t), clearInterval(t);
      return cur;
    };
    child.on('message', (msg: { id: number; ready?: true; started?: true; partial?: Outcome; outcome?: Outcome; error?: string }) => {
      if (msg.ready) {
        clearTimeout(startGuard);
        slot.ready = true;
        this.startFailures = 0;
        this.pump();
        return;
      }
      if (!slot.current || slot.current.id !== msg.id) return;
      if (msg.started) {
        // the child has begun this task: its budget counts from here, not from the fork (a fresh child
        // spends its first second or more loading modules, and that is no source's doing)
        this.arm(slot, slot.current, 0);
        return;
      }
      if (msg.partial) {
        // the task goes on (its budget too): only its outcome ends it
        slot.current.onPartial?.(msg.partial);
        return;
      }
      const cur = finish()!;
      if (msg.error !== undefined) cur.reject(new Error(msg.error));
      else cur.resolve(msg.outcome!);
      this.pump();
    });
    let dead = false;
    const die = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (dead) return;
      dead = true;
      clearTimeout(startGuard);
      closedResolve();
      const cur = finish();
      const i = this.slots.indexOf(slot);
      if (this.closed || slot.stopped || i < 0) return;
      const oom = outOfHeap || OUT_OF_HEAP.test(tail);
      const how = spawnError ? spawnError.message : signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = spawnError ? undefined : lastErrorLine(tail);
      // a child that cannot even start (its modules and lexicon over the heap limit, a broken install) would be
      // replaced forever while the tasks wait: after a few in a row the pool gives up, naming why
      if (!slot.ready && ++this.startFailures >= MAX_START_FAILURES) {
        this.broken = oom
          ? new Error(`the extraction process ran out of its ${this.budget.maxHeapMb} MB heap while starting, before reading any source (--max-heap-mb)`)
          : startTimedOut
            ? new Error(`the extraction process did not start within ${STARTUP_ALLOWANCE_MS / 1000} s`)
            : new Error(`the extraction process cannot start: it ${how}${said ? ` (${said})` : ''}`);
        this.slots.splice(i, 1);
        for (const job of this.queue.splice(0)) job.reject(this.broken);
        return;
      }
      this.slots[i] = this.spawn();
      if (cur) {
        cur.reject(
          oom
            ? new BudgetExceeded('too_complex', `${cur.label}: ran out of its ${this.budget.maxHeapMb} MB heap (--max-heap-mb)`)
            : new Error(`the extraction process reading ${cur.label} ${how}${said ? `: ${said}` : ''}`),
        );
      }
      this.pump();
    };
    // 'close', not 'exit': by then the child's stderr has been read to its end (V8's out-of-heap report included)
    child.on('close', (code, signal) => die(code, signal));
    // the process could not be forked at all (no 'close' follows then)
    child.on('error', (err) => {
      if (child.pid === undefined) die(null, null, err);
    });
    return slot;
  }

  /** Stops a child the pool no longer wants (over its time, or closing); close() waits for it to exit. */
  private stop(slot: Slot): void {
    slot.stopped = true;
    const gone = slot.closed.then(() => void this.leaving.delete(gone));
    this.leaving.add(gone);
    // killed, not asked: a task over its time may be stuck in one synchronous call
    if (slot.child.exitCode === null && slot.child.signalCode === null) slot.child.kill('SIGKILL');
  }

  /** Runs a task on the next free child; `onPartial` is told of a result the child sends before the outcome. */
  run(task: Task, onPartial?: (o: Outcome) => void): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, onPartial, resolve, reject });
      this.pump();
    });
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.slots.every((s) => !s.current);
  }

  private pump(): void {
    this.dispatch();
    // children hold the process only while there is work: queued tasks wait for starting children, so they count
    const idle = this.idle();
    for (const slot of this.slots) this.hold(slot, !idle);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      // a starting child gets no task yet: tasks go to children that have loaded pdf.js and the lexicon
      if (slot.current || !slot.ready) continue;
      const job = this.queue.shift();
      if (!job) return;
      const cur: Current = { id: job.id, label: labelOf(job.task), onPartial: job.onPartial, started: Date.now(), timers: [], resolve: job.resolve, reject: job.reject };
      slot.current = cur;
      // armed now, with room for the child's start-up, as a guard for a child that never starts; armed again
      // with the source's own budget when the child says it began
      this.arm(slot, cur, STARTUP_ALLOWANCE_MS);
      this.send(slot, { id: job.id, task: job.task });
    }
  }

  /** (Re)starts a task's clock: the "still working" log and the timeout watchdog count from now. */
  private arm(slot: Slot, cur: Current, allowanceMs: number): void {
    for (const t of cur.timers) clearTimeout(t), clearInterval(t);
    cur.timers = [];
    cur.started = Date.now();
    const { timeoutMs, slowAfterMs } = this.budget;
    if (slowAfterMs > 0) {
      cur.timers.push(setInterval(() => this.log(`figtrail: still working on ${cur.label} (${Math.round((Date.now() - cur.started) / 1000)} s)`), slowAfterMs).unref());
    }
    if (timeoutMs > 0) {
      cur.timers.push(
        setTimeout(() => {
          if (slot.current !== cur) return;
          for (const t of cur.timers) clearTimeout(t), clearInterval(t);
          slot.current = null;
          const i = this.slots.indexOf(slot);
          if (i >= 0 && !this.closed) this.slots[i] = this.spawn();
          this.stop(slot);
          this.log(`figtrail: stopped ${cur.label} after ${Math.round(timeoutMs / 1000)} s (--timeout-per-source)`);
          cur.reject(new BudgetExceeded('timeout', `${cur.label}: took longer than ${timeoutMs} ms (--timeout-per-source)`));
          this.pump();
        }, timeoutMs + allowanceMs).unref(),
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the worker pool is closed'));
    for (const slot of this.slots) if (slot.current) for (const t of slot.current.timers) clearTimeout(t), clearInterval(t);
    for (const slot of this.slots) this.stop(slot);
    // an unref'd child does not keep the event loop alive while it exits: the process could then end mid-await
    // (as it did with idle worker threads: exit 13, or 0 from a build, and no output). A ref'd timer holds the
    // loop until every child has exited.
    const keepAlive = setInterval(() => {}, 1_000);
    try {
      await Promise.all([...this.leaving]);
    } finally {
      clearInterval(keepAlive);
    }
  }
}
