/**
 * A small worker_threads pool running pipeline/worker.ts tasks (compiled: dist/pipeline/worker.js). Tasks are
 * handed to idle workers in submission order; a worker that dies fails only its current task and is replaced.
 * Each worker has a heap limit and each task a watchdog (pipeline/budget.ts), whose clock starts when the worker
 * begins the task (it says so), not when it was spawned: a task over its time is stopped
 * by terminating its worker, one that runs out of heap kills only its worker; both fail with BudgetExceeded.
 * A task still running after budget.slowAfterMs is named in the log, so a build that seems stuck says on what.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BudgetExceeded, DEFAULT_BUDGET, type SourceBudget } from './budget.js';
import type { Outcome, ProvidedLexicon, Task } from './worker.js';

/**
 * What tells pipeline/worker.js it was started by this pool. Defined here, not in worker.ts: the main thread starts
 * workers (cli.ts, first thing) without loading worker.ts and what it imports (the lexicon and cache modules).
 */
export const WORKER_MARK = 'figtrail-extract-worker';

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * The compiled worker entry: next to this module when it runs from dist/, else dist/pipeline/worker.js under
 * the project root (vitest runs the .ts sources; `npm test` compiles dist/ first).
 */
export function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'worker.js');
  let dir = path.dirname(here);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the figtrail project root');
    dir = up;
  }
  const entry = path.join(dir, 'dist', 'pipeline', 'worker.js');
  if (!existsSync(entry)) throw new Error(`the extraction worker ${entry} is missing: compile first (npx tsc -p tsconfig.json)`);
  return entry;
}

/** What a worker may take to load its modules before it begins a task (only a worker that never starts hits it). */
const STARTUP_ALLOWANCE_MS = 60_000;
/** Workers in a row that may die while starting before the pool stops replacing them. */
const MAX_START_FAILURES = 3;

interface Current {
  id: number;
  label: string;
  /** told of a result the worker sends before the task's outcome (SourceTask.pageTextsLater) */
  onPartial: ((o: Outcome) => void) | undefined;
  started: number;
  timers: NodeJS.Timeout[];
  resolve: (o: Outcome) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  current: Current | null;
  /** the worker has loaded its modules (and the lexicon it was told of): only now does it get tasks */
  ready: boolean;
}

export interface PoolOptions {
  budget?: Pick<SourceBudget, 'timeoutMs' | 'maxHeapMb' | 'slowAfterMs'>;
  /** where the "still working on" lines go (default: stderr) */
  log?: (line: string) => void;
  /** the vocabulary folder the source tasks will name: each worker loads it while starting, before any task */
  lexiconDir?: string;
  /** that vocabulary already loaded (by the main thread): handed to each worker instead (see provideLexicon) */
  lexicon?: ProvidedLexicon;
}

/** What a task is about, for the log: the source id, or the file. */
function labelOf(task: Task): string {
  if (task.kind === 'source') return task.entry.id;
  if (task.kind === 'render') return task.label;
  return task.file;
}

export class WorkerPool {
  /** workers in the pool (it starts with the size it was made with; grow() adds) */
  get size(): number {
    return this.slots.length;
  }
  private readonly entry: string;
  private readonly slots: Slot[] = [];
  private readonly queue: { id: number; task: Task; onPartial: ((o: Outcome) => void) | undefined; resolve: (o: Outcome) => void; reject: (e: Error) => void }[] = [];
  private nextId = 0;
  private closed = false;
  private started = 0;
  /** workers in a row that died before they were ready (reset by any worker that starts) */
  private startFailures = 0;
  /** set when workers cannot start at all: every task then fails with it instead of waiting forever */
  private broken: Error | null = null;
  private readonly budget: Pick<SourceBudget, 'timeoutMs' | 'maxHeapMb' | 'slowAfterMs'>;
  /** where the "still working on" lines go; a build that adopts a pool started before it points it at its own log */
  log: (line: string) => void;
  private readonly lexiconDir: string | undefined;
  private lexicon: ProvidedLexicon | undefined;

  /**
   * Starts `size` workers at once; they load pdf.js and the lexicon while the caller goes on (hashing the
   * manifest, probing the cache), and each then takes tasks one after another until closed.
   */
  constructor(size = defaultJobs(), entry = workerEntry(), opts: PoolOptions = {}) {
    this.entry = entry;
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.lexiconDir = opts.lexiconDir;
    this.lexicon = opts.lexicon;
    for (let i = Math.max(1, size); i > 0; i--) this.slots.push(this.spawn());
  }

  /** Starts more workers, up to `size` in all (a pool started early grows once its work is known). */
  grow(size: number): void {
    while (!this.closed && !this.broken && this.slots.length < size) this.slots.push(this.spawn());
  }

  /**
   * Hands a vocabulary the caller has loaded to every worker, running or yet to start, so that none parses it
   * again (for a pool started before the dataset was read: cli.ts starts one first thing). Running workers get it
   * as a message, which they read before any task posted after this call.
   */
  provideLexicon(provided: ProvidedLexicon): void {
    this.lexicon = provided;
    for (const slot of this.slots) slot.worker.postMessage({ id: -1, lexicon: provided });
  }

  /** Resolves once every worker has started (loaded its modules and lexicon); for measuring throughput alone. */
  async whenReady(): Promise<void> {
    while (!this.closed && !this.broken && this.slots.some((s) => !s.ready)) await new Promise((r) => setTimeout(r, 5));
  }

  /** How many workers this pool has started: its size, plus one for each worker stopped or lost on a task. */
  get workersStarted(): number {
    return this.started;
  }

  private spawn(): Slot {
    this.started++;
    const resourceLimits = this.budget.maxHeapMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: this.budget.maxHeapMb } } : {};
    const workerData = {
      mark: WORKER_MARK,
      ...(this.lexiconDir === undefined ? {} : { lexiconDir: this.lexiconDir }),
      ...(this.lexicon === undefined ? {} : { lexicon: this.lexicon }),
    };
    const worker = new Worker(this.entry, { workerData, ...resourceLimits });
    const slot: Slot = { worker, current: null, ready: false };
    // an idle pool does not keep the process alive (a build that stops before extracting need not close it)
    if (this.idle()) worker.unref();
    // a worker that never gets ready is stopped (and counts as one that could not start)
    let startTimedOut = false;
    const startGuard = setTimeout(() => {
      startTimedOut = true;
      void worker.terminate();
    }, STARTUP_ALLOWANCE_MS).unref();
    const finish = (): Current | null => {
      const cur = slot.current;
      slot.current = null;
      if (cur) for (const t of cur.timers) clearTimeout(t), clearInterval(t);
      return cur;
    };
    worker.on('message', (msg: { id: number; ready?: true; started?: true; partial?: Outcome; outcome?: Outcome; error?: string }) => {
      if (msg.ready) {
        clearTimeout(startGuard);
        slot.ready = true;
        this.startFailures = 0;
        this.pump();
        return;
      }
      if (!slot.current || slot.current.id !== msg.id) return;
      if (msg.started) {
        // the worker has begun this task: its budget counts from here, not from the spawn (a fresh worker
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
    const die = (err: Error) => {
      clearTimeout(startGuard);
      const cur = finish();
      const i = this.slots.indexOf(slot);
      if (this.closed || i < 0) return;
      const oom = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      // a worker that cannot even start (its modules and lexicon over the heap limit, a broken install) would be
      // replaced forever while the tasks wait: after a few in a row the pool gives up, naming why
      if (!slot.ready && ++this.startFailures >= MAX_START_FAILURES) {
        this.broken = oom
          ? new Error(`the extraction worker ran out of its ${this.budget.maxHeapMb} MB heap while starting, before reading any source (--max-heap-mb)`)
          : startTimedOut
            ? new Error(`the extraction worker did not start within ${STARTUP_ALLOWANCE_MS / 1000} s`)
            : new Error(`the extraction worker cannot start: ${err.message.split('\n')[0]}`);
        this.slots.splice(i, 1);
        for (const job of this.queue.splice(0)) job.reject(this.broken);
        return;
      }
      this.slots[i] = this.spawn();
      cur?.reject(oom ? new BudgetExceeded('too_complex', `${cur.label}: ran out of its ${this.budget.maxHeapMb} MB heap (--max-heap-mb)`) : err);
      this.pump();
    };
    worker.on('error', (err) => die(err));
    worker.on('exit', (code) => die(new Error(`extraction worker exited with code ${code}`)));
    return slot;
  }

  /** Runs a task on the next free worker; `onPartial` is told of a result the worker sends before the outcome. */
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
    // workers hold the process only while there is work: queued tasks wait for starting workers, so they count
    const idle = this.idle();
    for (const slot of this.slots) {
      if (idle) slot.worker.unref();
      else slot.worker.ref();
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      // a starting worker gets no task yet: tasks go to workers that have loaded pdf.js and the lexicon
      if (slot.current || !slot.ready) continue;
      const job = this.queue.shift();
      if (!job) return;
      const cur: Current = { id: job.id, label: labelOf(job.task), onPartial: job.onPartial, started: Date.now(), timers: [], resolve: job.resolve, reject: job.reject };
      slot.current = cur;
      // armed now, with room for the worker's start-up, as a guard for a worker that never starts; armed again
      // with the source's own budget when the worker says it began
      this.arm(slot, cur, STARTUP_ALLOWANCE_MS);
      slot.worker.postMessage({ id: job.id, task: job.task });
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
          // the worker is stopped, not asked: a task over its time may be stuck in one synchronous call
          for (const t of cur.timers) clearTimeout(t), clearInterval(t);
          slot.current = null;
          const i = this.slots.indexOf(slot);
          if (i >= 0 && !this.closed) this.slots[i] = this.spawn();
          void slot.worker.terminate();
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
    // Node does not always keep the event loop alive for terminate() of an unref'd worker (an idle one that had
    // started but whose ready message was still queued): the process then ended mid-await with exit 13, or 0
    // from a build, and wrote nothing. A ref'd timer holds the loop until every worker has exited.
    const keepAlive = setInterval(() => {}, 1_000);
    try {
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }
}
