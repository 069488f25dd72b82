import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex, type ManifestEntry } from '../extract/manifest.js';
import { BudgetExceeded, DEFAULT_BUDGET } from './budget.js';
import { manyFiguresHtml, pdfkitPdf } from './hostileInputs.js';
import { loadLexicon } from '../extract/lexicon.js';
import { readPdfPageTexts } from '../extract/pdf.js';
import { WorkerPool } from './pool.js';
import type { Outcome, SourceOutcome, TextLayerOutcome } from './worker.js';

/**
 * The worker pool keeps its workers across tasks (start-up, pdf.js and the lexicon, is paid once per worker), and
 * keeps each task's budget: the watchdog counts the task, not the worker's start-up; a task over its heap costs
 * its worker, which is replaced. (Uses the compiled worker, dist/pipeline/worker.js: `npm test` compiles first.)
 */
const root = path.resolve(import.meta.dirname, '..');
const lexiconDir = path.join(root, 'dataset', 'vocabulary');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function htmlFile(name: string, body: string | Uint8Array): string {
  const file = path.join(tmp, name);
  writeFileSync(file, body);
  return file;
}

const quiet = { log: () => {} };

describe('worker pool', () => {
  it('a pool started before the vocabulary was read is handed it; a PDF is sent when extracted and its page texts follow', async () => {
    const bytes = await pdfkitPdf((doc) => {
      doc.text('In 2023 the park had 120 firms.');
      doc.addPage().text('Its staff numbered 9,000.');
    });
    writeFileSync(path.join(tmp, 'two-pages.pdf'), bytes);
    const entry = { id: 'two-pages', file: 'two-pages.pdf', media_type: 'application/pdf', title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex(bytes) } as ManifestEntry;
    const pool = new WorkerPool(1, undefined, quiet);
    try {
      // a folder no worker could read: the source can only be read with the vocabulary handed over
      const dir = path.join(tmp, 'no-such-vocabulary');
      pool.provideLexicon({ dir, lexicon: loadLexicon(lexiconDir) });
      const partials: Outcome[] = [];
      const outcome = await pool.run({ kind: 'source', sourcesDir: tmp, entry, lexiconDir: dir, cacheDir: null, pageTextsLater: true }, (o) => partials.push(o));
      expect(partials).toHaveLength(1);
      const sent = partials[0] as SourceOutcome;
      expect(sent.encoded.result.error).toBeNull();
      expect(sent.encoded.pageTexts).toBeNull();
      expect(sent.encoded.mentionsNdjson.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { quote: string }).quote)).toEqual(['120 firms', '9,000']);
      expect(outcome).toEqual({ kind: 'pageTexts', pageTexts: await readPdfPageTexts(bytes) });
      // and those page texts are the pages' own words (not only what the same reader gives twice)
      const pageTexts = (outcome as { pageTexts: string[] }).pageTexts;
      expect(pageTexts).toHaveLength(2);
      expect(pageTexts[0]).toContain('In 2023 the park had 120 firms.');
      expect(pageTexts[1]).toContain('Its staff numbered 9,000.');
    } finally {
      await pool.close();
    }
  });

  it('reads many files with the workers it started, in submission order of results', async () => {
    const files = [0, 1, 2, 3, 4, 5].map((i) => htmlFile(`p${i}.html`, `<html><body><p>${'In 2023 there were 178 zones. '.repeat(i + 1)}</p></body></html>`));
    const pool = new WorkerPool(2, undefined, quiet);
    try {
      const outs = (await Promise.all(files.map((file) => pool.run({ kind: 'htmlText', file })))) as TextLayerOutcome[];
      expect(outs.map((o) => o.chars)).toEqual([29, 59, 89, 119, 149, 179]);
      expect(pool.workersStarted).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('grows to more workers once its work is known, without restarting the first', async () => {
    const files = [0, 1, 2, 3].map((i) => htmlFile(`g${i}.html`, `<html><body><p>${'There are 178 zones. '.repeat(i + 1)}</p></body></html>`));
    const pool = new WorkerPool(1, undefined, quiet);
    try {
      pool.grow(3);
      pool.grow(2); // never shrinks
      expect(pool.size).toBe(3);
      const outs = (await Promise.all(files.map((file) => pool.run({ kind: 'htmlText', file })))) as TextLayerOutcome[];
      expect(outs.map((o) => o.chars)).toEqual([20, 41, 62, 83]);
      expect(pool.workersStarted).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it("starts a task's watchdog when its worker is ready, not while the worker loads pdf.js and the lexicon", async () => {
    const file = htmlFile('small.html', '<html><body><p>There are 178 zones.</p></body></html>');
    // loading the worker's modules and the vocabulary takes longer than this; reading the page does not
    const pool = new WorkerPool(1, undefined, { ...quiet, lexiconDir, budget: { ...DEFAULT_BUDGET, timeoutMs: 400 } });
    try {
      const o = (await pool.run({ kind: 'htmlText', file })) as TextLayerOutcome;
      expect(o.chars).toBe(20);
      expect(pool.workersStarted).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('gives up, naming why, when its workers cannot even start (a heap too small for its modules), rather than replacing them forever', async () => {
    const file = htmlFile('never.html', '<html><body><p>There are 178 zones.</p></body></html>');
    const pool = new WorkerPool(1, undefined, { ...quiet, lexiconDir, budget: { ...DEFAULT_BUDGET, maxHeapMb: 2 } });
    try {
      await expect(pool.run({ kind: 'htmlText', file })).rejects.toThrow(/ran out of its 2 MB heap while starting, before reading any source/);
      await expect(pool.run({ kind: 'htmlText', file })).rejects.toThrow(/while starting/);
      expect(pool.workersStarted).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker that ran out of heap on a task, names that task, and goes on with the next', { timeout: 120_000 }, async () => {
    const big = manyFiguresHtml(20_000);
    const small = new Uint8Array(Buffer.from('<html><body><p>In 2023 there were 178 national high-tech zones.</p></body></html>'));
    writeFileSync(path.join(tmp, 'big.html'), big);
    writeFileSync(path.join(tmp, 'small-source.html'), small);
    const entry = (id: string, file: string, bytes: Uint8Array) =>
      ({ id, file, media_type: 'text/html', title: id, publisher: null, original_url: null, published: '2024-03-01', capture: 'test', notes: null, sha256: sha256Hex(bytes) }) as ManifestEntry;
    const task = (e: ManifestEntry) => ({ kind: 'source' as const, sourcesDir: tmp, entry: e, lexiconDir, cacheDir: null });
    // 64 MB: a worker's modules, pdf.js and the compiled vocabulary now take about 32 MB of heap at start-up, so
    // under 32 MB its replacements died while starting (3 to 4 workers started, not 2); the big page needs > 96 MB
    const pool = new WorkerPool(1, undefined, { ...quiet, lexiconDir, budget: { ...DEFAULT_BUDGET, maxHeapMb: 64, timeoutMs: 60_000 } });
    try {
      const first = pool.run(task(entry('a-big', 'big.html', big)));
      const second = pool.run(task(entry('b-small', 'small-source.html', small)));
      const err = await first.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BudgetExceeded);
      expect((err as BudgetExceeded).reason).toBe('too_complex');
      expect((err as BudgetExceeded).message).toMatch(/^a-big: ran out of its 64 MB heap/);
      const ok = (await second) as SourceOutcome;
      expect(ok.encoded.result.error).toBeNull();
      expect(pool.workersStarted).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

/**
 * A stand-in for dist/pipeline/extractChild.js that speaks its protocol (say it is ready, acknowledge a task, then
 * answer it) but takes `startupMs` to load, as a real child does on a busy machine, and `taskMs` per task.
 */
function slowStartingWorker(startupMs: number, taskMs: number): string {
  const file = path.join(tmp, `worker-${startupMs}-${taskMs}.mjs`);
  writeFileSync(
    file,
    `const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
process.on('disconnect', () => process.exit(0));
sleep(${startupMs}); // module loading: before the child listens for tasks
process.send({ id: -1, ready: true }); // started: the pool hands it tasks from now on
process.on('message', (msg) => {
  if (!msg.task) return;
  process.send({ id: msg.id, started: true });
  sleep(${taskMs});
  process.send({ id: msg.id, outcome: { kind: 'text', pages: 1, chars: ${taskMs} } });
});
`,
  );
  return file;
}

/**
 * A stand-in child that counts the vocabularies it is sent (in its init message and after) and answers each task,
 * after `taskMs`, with that count as `chars` and its process id as `pages`.
 */
function lexiconCountingChild(taskMs: number): string {
  const file = path.join(tmp, `lexicon-counting-${taskMs}.mjs`);
  writeFileSync(
    file,
    `const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
process.on('disconnect', () => process.exit(0));
let received = 0;
process.on('message', (msg) => {
  if (msg.init) {
    if (msg.init.lexicon) received++;
    process.send({ id: -1, ready: true });
    return;
  }
  if (msg.lexicon) received++;
  if (!msg.task) return;
  process.send({ id: msg.id, started: true });
  sleep(${taskMs});
  process.send({ id: msg.id, outcome: { kind: 'text', pages: process.pid, chars: received } });
});
`,
  );
  return file;
}

/**
 * A stand-in child that dies on some tasks as a real one can: `crash` writes an uncaught error's line and exits 3;
 * `abort` aborts with V8's out-of-heap report on stderr (as --max-old-space-size ends a process); others succeed.
 */
function dyingChild(): string {
  const file = path.join(tmp, 'dying-child.mjs');
  writeFileSync(
    file,
    `process.on('disconnect', () => process.exit(0));
process.on('message', (msg) => {
  if (msg.init) return void process.send({ id: -1, ready: true });
  if (!msg.task) return;
  process.send({ id: msg.id, started: true });
  if (msg.task.file === 'crash') {
    process.stderr.write('TypeError: cannot read the page\\n    at read (reader.js:1:1)\\n');
    process.exit(3);
  }
  if (msg.task.file === 'abort') {
    process.stderr.write('\\n<--- Last few GCs --->\\n\\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\\n', () => process.abort());
    return;
  }
  process.send({ id: msg.id, outcome: { kind: 'text', pages: 1, chars: msg.task.file.length } });
});
`,
  );
  return file;
}

describe('a child that dies on a task', () => {
  it('fails only that task, out of heap as too_complex and otherwise saying how it died, and the next task runs on a new child', { timeout: 60_000 }, async () => {
    const pool = new WorkerPool(1, dyingChild(), { ...quiet, budget: { timeoutMs: 30_000, maxHeapMb: 50, slowAfterMs: 0 } });
    try {
      const crash = pool.run({ kind: 'htmlText', file: 'crash' });
      const abort = pool.run({ kind: 'htmlText', file: 'abort' });
      const fine = pool.run({ kind: 'htmlText', file: 'fine' });
      await expect(crash).rejects.toThrow('the extraction process reading crash exited with code 3: TypeError: cannot read the page');
      const err = await abort.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BudgetExceeded);
      expect({ reason: (err as BudgetExceeded).reason, message: (err as BudgetExceeded).message }).toEqual({ reason: 'too_complex', message: 'abort: ran out of its 50 MB heap (--max-heap-mb)' });
      await expect(fine).resolves.toEqual({ kind: 'text', pages: 1, chars: 4 });
      expect(pool.workersStarted).toBe(3);
    } finally {
      await pool.close();
    }
  });
});

describe('the vocabulary', () => {
  it('is sent to each child once, however often the pool is handed it, whether the child started before or after', { timeout: 60_000 }, async () => {
    const provided = { dir: lexiconDir, lexicon: loadLexicon(lexiconDir) };
    const budget = { timeoutMs: 30_000, maxHeapMb: 0, slowAfterMs: 0 };
    const counts = async (pool: WorkerPool) => {
      pool.grow(2); // the second child starts after the vocabulary was provided
      await pool.whenReady();
      // two tasks at once on two ready children: one each
      const outs = (await Promise.all([0, 1].map(() => pool.run({ kind: 'htmlText', file: 'unused' })))) as TextLayerOutcome[];
      expect(new Set(outs.map((o) => o.pages)).size).toBe(2);
      return outs.map((o) => o.chars);
    };
    // started without it (as cli.ts starts its pool), then handed it by the build and again by extractAll
    const late = new WorkerPool(1, lexiconCountingChild(300), { ...quiet, budget });
    try {
      late.provideLexicon(provided);
      late.provideLexicon({ ...provided });
      expect(await counts(late)).toEqual([1, 1]);
    } finally {
      await late.close();
    }
    // started with it (as build.ts starts its pool), then handed it again
    const early = new WorkerPool(1, lexiconCountingChild(300), { ...quiet, budget, lexicon: provided });
    try {
      early.provideLexicon(provided);
      expect(await counts(early)).toEqual([1, 1]);
    } finally {
      await early.close();
    }
  });
});

describe('closing the pool', () => {
  // A build whose sources all came from the cache closed its idle (unref'd) worker while the worker's ready
  // message was still queued behind the main thread's work: terminate() then held nothing open, the process ended
  // in the middle of the build (exit 0 from the CLI, 13 here) and wrote no output.
  it('keeps the process alive until its workers have exited, even when the main thread was busy while they started', () => {
    const script = [
      `import { WorkerPool } from ${JSON.stringify(path.join(root, 'dist', 'pipeline', 'pool.js'))};`,
      `const pool = new WorkerPool(1, undefined, { lexiconDir: ${JSON.stringify(lexiconDir)}, log: () => {} });`,
      // busy past the worker's start-up, as the main thread is when it reads hundreds of cache entries
      'const t = Date.now(); while (Date.now() - t < 2500) {}',
      'await pool.close();',
      "process.stdout.write('closed');",
    ].join('\n');
    const file = path.join(tmp, 'close-busy.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: 'closed' });
  });
});

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
