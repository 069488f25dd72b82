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
import { WORKER_MARK, type Outcome, type Task } from './worker.js';

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

interface Current {
  id: number;
  label: string;
  started: number;
  timers: NodeJS.Timeout[];
  resolve: (o: Outcome) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  current: Current | null;
}

export interface PoolOptions {
  budget?: Pick<SourceBudget, 'timeoutMs' | 'maxHeapMb' | 'slowAfterMs'>;
  /** where the "still working on" lines go (default: stderr) */
  log?: (line: string) => void;
}

/** What a task is about, for the log: the source id, or the file. */
function labelOf(task: Task): string {
  if (task.kind === 'source') return task.entry.id;
  if (task.kind === 'render') return task.label;
  return task.file;
}

export class WorkerPool {
  readonly size: number;
  private readonly entry: string;
  private readonly slots: Slot[] = [];
  private readonly queue: { id: number; task: Task; resolve: (o: Outcome) => void; reject: (e: Error) => void }[] = [];
  private nextId = 0;
  private closed = false;
  private readonly budget: Pick<SourceBudget, 'timeoutMs' | 'maxHeapMb' | 'slowAfterMs'>;
  private readonly log: (line: string) => void;

  constructor(size = defaultJobs(), entry = workerEntry(), opts: PoolOptions = {}) {
    this.size = Math.max(1, size);
    this.entry = entry;
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const resourceLimits = this.budget.maxHeapMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: this.budget.maxHeapMb } } : {};
    const worker = new Worker(this.entry, { workerData: { mark: WORKER_MARK }, ...resourceLimits });
    const slot: Slot = { worker, current: null };
    const finish = (): Current | null => {
      const cur = slot.current;
      slot.current = null;
      if (cur) for (const t of cur.timers) clearTimeout(t), clearInterval(t);
      return cur;
    };
    worker.on('message', (msg: { id: number; started?: true; outcome?: Outcome; error?: string }) => {
      if (!slot.current || slot.current.id !== msg.id) return;
      if (msg.started) {
        // the worker has begun this task: its budget counts from here, not from the spawn (a fresh worker
        // spends its first second or more loading modules, and that is no source's doing)
        this.arm(slot, slot.current, 0);
        return;
      }
      const cur = finish()!;
      if (msg.error !== undefined) cur.reject(new Error(msg.error));
      else cur.resolve(msg.outcome!);
      this.pump();
    });
    const die = (err: Error) => {
      const cur = finish();
      const i = this.slots.indexOf(slot);
      if (this.closed || i < 0) return;
      this.slots[i] = this.spawn();
      const oom = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      cur?.reject(oom ? new BudgetExceeded('too_complex', `${cur.label}: ran out of its ${this.budget.maxHeapMb} MB heap (--max-heap-mb)`) : err);
      this.pump();
    };
    worker.on('error', (err) => die(err));
    worker.on('exit', (code) => die(new Error(`extraction worker exited with code ${code}`)));
    return slot;
  }

  run(task: Task): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.current) continue;
      const job = this.queue.shift();
      if (!job) return;
      const cur: Current = { id: job.id, label: labelOf(job.task), started: Date.now(), timers: [], resolve: job.resolve, reject: job.reject };
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
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
