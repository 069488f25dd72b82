import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './pool.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A stand-in for dist/pipeline/worker.js that speaks its protocol (acknowledge a task, then answer it) but
 * takes `startupMs` to load, as a real worker does on a busy machine, and `taskMs` per task.
 */
function slowStartingWorker(startupMs: number, taskMs: number): string {
  const file = path.join(tmp, `worker-${startupMs}-${taskMs}.mjs`);
  writeFileSync(
    file,
    `import { parentPort } from 'node:worker_threads';
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
sleep(${startupMs}); // module loading: before the worker listens for tasks
parentPort.on('message', (msg) => {
  parentPort.postMessage({ id: msg.id, started: true });
  sleep(${taskMs});
  parentPort.postMessage({ id: msg.id, outcome: { kind: 'text', pages: 1, chars: ${taskMs} } });
});
`,
  );
  return file;
}

describe('the per-source watchdog', () => {
  it('counts from when the worker begins the source, not from when it was spawned', async () => {
    // start-up alone (3 s) is longer than the budget (2 s); the task itself (0.2 s) is well within it
    const pool = new WorkerPool(1, slowStartingWorker(3000, 200), { budget: { timeoutMs: 2000, maxHeapMb: 0, slowAfterMs: 0 }, log: () => {} });
    try {
      await expect(pool.run({ kind: 'htmlText', file: 'unused' })).resolves.toEqual({ kind: 'text', pages: 1, chars: 200 });
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('still stops a task that runs over its budget once begun', async () => {
    const pool = new WorkerPool(1, slowStartingWorker(0, 4000), { budget: { timeoutMs: 1000, maxHeapMb: 0, slowAfterMs: 0 }, log: () => {} });
    try {
      await expect(pool.run({ kind: 'htmlText', file: 'unused' })).rejects.toThrow(/took longer than 1000 ms/);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
