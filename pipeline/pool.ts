/**
 * A small worker_threads pool running pipeline/worker.ts tasks (compiled: dist/pipeline/worker.js). Tasks are
 * handed to idle workers in submission order; a worker that dies fails only its current task and is replaced.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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

interface Slot {
  worker: Worker;
  current: { id: number; resolve: (o: Outcome) => void; reject: (e: Error) => void } | null;
}

export class WorkerPool {
  readonly size: number;
  private readonly entry: string;
  private readonly slots: Slot[] = [];
  private readonly queue: { id: number; task: Task; resolve: (o: Outcome) => void; reject: (e: Error) => void }[] = [];
  private nextId = 0;
  private closed = false;

  constructor(size = defaultJobs(), entry = workerEntry()) {
    this.size = Math.max(1, size);
    this.entry = entry;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry, { workerData: { mark: WORKER_MARK } });
    const slot: Slot = { worker, current: null };
    worker.on('message', (msg: { id: number; outcome?: Outcome; error?: string }) => {
      const cur = slot.current;
      if (!cur || cur.id !== msg.id) return;
      slot.current = null;
      if (msg.error !== undefined) cur.reject(new Error(msg.error));
      else cur.resolve(msg.outcome!);
      this.pump();
    });
    const die = (err: Error) => {
      const cur = slot.current;
      slot.current = null;
      const i = this.slots.indexOf(slot);
      if (this.closed || i < 0) return;
      this.slots[i] = this.spawn();
      cur?.reject(err);
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
      slot.current = { id: job.id, resolve: job.resolve, reject: job.reject };
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the worker pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
