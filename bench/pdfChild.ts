/**
 * Child-process side of the bench's PDF extraction figures (bench/pdfSpeed.ts), one reader per process so
 * each runs as it would on its own (pdf-parse's process never loads figtrail's modules):
 *   node dist/bench/pdfChild.js figtrail-1 <pdf...>   readPdfTextLayer (positions, layout) in this thread
 *   node dist/bench/pdfChild.js figtrail-N <n> <pdf...>  the same over a pool of n workers (timed once they have started)
 *   node dist/bench/pdfChild.js pdf-parse <pdf...>    pdf-parse getText(), in this thread
 * Prints one JSON line {seconds[, cpuSeconds], pages[, startSeconds][, jsThreadCpuSeconds]}; the clocks start after the
 * modules are loaded (cpuSeconds: the whole process's CPU time, every thread, over the same span; jsThreadCpuSeconds:
 * the JavaScript thread's own share, where Linux says it, the rest being V8's compiler and GC threads).
 */
import { readFileSync } from 'node:fs';

const [mode, ...rest] = process.argv.slice(2);

const cpu = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return since ? (u.user + u.system) / 1e6 : u;
};

/**
 * CPU seconds of the calling thread alone (Linux: /proc/thread-self/stat, in clock ticks of 10 ms), or null. It
 * tells the reader's own work from what V8 does beside it on other threads (optimising compiles, GC).
 */
function threadCpu(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** The thread's CPU seconds since `t0` (threadCpu), when known. */
function jsThreadSince(t0: number | null): { jsThreadCpuSeconds?: number } {
  const t1 = threadCpu();
  return t0 === null || t1 === null ? {} : { jsThreadCpuSeconds: t1 - t0 };
}

async function main(): Promise<{ seconds: number; cpuSeconds?: number; pages: number; startSeconds?: number; jsThreadCpuSeconds?: number }> {
  if (mode === 'figtrail-1') {
    const { readPdfTextLayer } = await import('../extract/pdf.js');
    const t0 = performance.now();
    const c0 = cpu() as NodeJS.CpuUsage;
    const j0 = threadCpu();
    let pages = 0;
    for (const f of rest) pages += (await readPdfTextLayer(new Uint8Array(readFileSync(f)), { sourceId: 'bench', sha256: '0'.repeat(64) })).pages.length;
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu(c0) as number, pages, ...jsThreadSince(j0) };
  }
  if (mode === 'figtrail-N') {
    const { WorkerPool } = await import('../pipeline/pool.js');
    const [n, ...files] = rest;
    const t0 = performance.now();
    const pool = new WorkerPool(Number(n), undefined, { log: () => {} });
    try {
      await pool.whenReady();
      const t1 = performance.now();
      const outs = await Promise.all(files.map((file) => pool.run({ kind: 'pdfText', file })));
      const pages = outs.reduce((s, o) => s + (o.kind === 'text' ? o.pages : 0), 0);
      // no CPU time: the pool's workers are child processes (pipeline/pool.ts), whose CPU this process's clock leaves out
      return { seconds: (performance.now() - t1) / 1000, pages, startSeconds: (t1 - t0) / 1000 };
    } finally {
      await pool.close();
    }
  }
  if (mode === 'pdf-parse') {
    const { PDFParse } = await import('pdf-parse');
    const t0 = performance.now();
    const c0 = cpu() as NodeJS.CpuUsage;
    const j0 = threadCpu();
    let pages = 0;
    for (const f of rest) {
      const parser = new PDFParse({ data: new Uint8Array(readFileSync(f)) });
      try {
        pages += (await parser.getText()).total;
      } finally {
        await parser.destroy();
      }
    }
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu(c0) as number, pages, ...jsThreadSince(j0) };
  }
  throw new Error('usage: pdfChild.js figtrail-1 PDF... | figtrail-N N PDF... | pdf-parse PDF...');
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
