/**
 * Child-process side of the bench, so wall time and peak RSS are the child's own:
 *   node dist/bench/child.js cli <figtrail args...>      runs the CLI
 *   node dist/bench/child.js reconcile <n> <mentions.json template> <workdir>
 *   node dist/bench/child.js site <build dir> <sources dir> <site dir> <page cache dir>   the site stage alone
 *   node dist/bench/child.js html <page.html>   one sentence of 100,000 figures, then the page 3 times (text layer + mentions)
 * On exit the child writes {maxRssKb, treePeakKb, ...} as JSON to the file named by FIGTRAIL_BENCH_REPORT.
 */
import childProcess, { type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import type { Mention } from '../extract/records.js';
import { metricKinds } from '../pipeline/build.js';
import { loadDataset } from '../pipeline/dataset.js';
import { sourcesFor, syntheticSources, writeSyntheticMentions } from './syntheticMentions.js';

const report: Record<string, unknown> = {};

/**
 * Peak RSS per build stage (Linux), of this process and the extraction processes it forks: each one's kernel
 * high-water mark (VmHWM; this process's counts DuckDB's memory) read at each stage mark and then reset (`5` >
 * /proc/<pid>/clear_refs), so each stage's figure is its own peak. A child's mark is also read every 20 ms while
 * it runs, so a child that exits within a stage still counts (less what it grew in its last 20 ms). A stage's
 * figure is the sum of the marks: an upper bound of what was resident at once, since the processes need not peak
 * together. Resetting this process's mark also resets what getrusage reports, so the process's peak is the
 * largest stage figure. Elsewhere (no /proc): none, and the peak is getrusage's (this process alone).
 */
const stagePeaksKb: [string, number][] = [];
let stageNow = 'start-up';
/** A process's high-water mark and resident memory in kB, from one read of /proc/<pid>/status (NaN if absent). */
function memoryKb(pid: number | 'self'): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]), rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) };
}
/** the forked children alive now, and each child's mark in this stage (also of those that exited in it) */
const children = new Set<ChildProcess>();
const childPeakKb = new Map<number, number>();
/**
 * The tree's resident memory at once: this process's VmRSS plus each live child's, summed at each 20 ms sample.
 * A lower figure than the sum of the marks (which peak at different moments); it can miss a spike shorter than
 * a sample. The bench prints both, and reads its target on the sum of the marks.
 */
let treePeakKb = 0;
/** One sample: each live child's mark, and the tree's resident sum. */
function sampleChildren(): void {
  let treeKb: number;
  try {
    treeKb = memoryKb('self').rss;
  } catch {
    return; // not Linux: no figures
  }
  for (const c of children) {
    try {
      const { hwm, rss } = memoryKb(c.pid!);
      if (Number.isFinite(hwm)) childPeakKb.set(c.pid!, Math.max(childPeakKb.get(c.pid!) ?? 0, hwm));
      if (Number.isFinite(rss)) treeKb += rss;
    } catch {
      // exited between the check and the read: its last mark stands, nothing of it is resident
    }
  }
  if (treeKb > treePeakKb) treePeakKb = treeKb;
}
const fork = childProcess.fork;
childProcess.fork = ((...a: Parameters<typeof fork>) => {
  const c = fork(...a);
  if (c.pid !== undefined) {
    children.add(c);
    c.once('exit', () => children.delete(c));
  }
  return c;
}) as typeof fork;
syncBuiltinESMExports(); // the ESM binding `import { fork } from 'node:child_process'` now reads the one above
setInterval(sampleChildren, 20).unref();
function closeStage(): void {
  try {
    const kb = memoryKb('self').hwm;
    if (!Number.isFinite(kb)) return;
    sampleChildren();
    let childrenKb = 0;
    for (const v of childPeakKb.values()) childrenKb += v;
    stagePeaksKb.push([stageNow, kb + childrenKb]);
    writeFileSync('/proc/self/clear_refs', '5');
    childPeakKb.clear();
    for (const c of children) {
      try {
        writeFileSync(`/proc/${c.pid}/clear_refs`, '5');
      } catch {
        // exited: nothing to reset
      }
    }
  } catch {
    // not Linux, or not allowed: the whole process's peak only
  }
}
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.name.startsWith('figtrail:')) continue;
    closeStage();
    stageNow = e.name.slice('figtrail:'.length);
  }
}).observe({ entryTypes: ['mark'] });

process.on('exit', (code) => {
  const file = process.env.FIGTRAIL_BENCH_REPORT;
  closeStage();
  // the build's stage marks (pipeline/build.ts), in ms since this process started
  const stages = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('figtrail:')).map((m) => [m.name.slice('figtrail:'.length), m.startTime]);
  const maxRssKb = Math.max(process.resourceUsage().maxRSS, ...stagePeaksKb.map(([, kb]) => kb));
  if (file) writeFileSync(file, JSON.stringify({ ...report, stages, stagePeaksKb, exitCode: code, maxRssKb, treePeakKb }));
});

const [mode, ...args] = process.argv.slice(2);
if (mode === 'cli') {
  process.argv = [process.argv[0]!, 'figtrail', ...args];
  await import('../cli.js');
} else if (mode === 'reconcile') {
  const n = Number(args[0]);
  const templates = JSON.parse(readFileSync(args[1]!, 'utf8')) as Mention[];
  const work = args[2]!;
  const nSources = sourcesFor(n);
  const mentionsPath = path.join(work, 'mentions.ndjson');
  // newline-delimited JSON, as the build hands mentions to the transform
  writeSyntheticMentions(mentionsPath, templates, { from: 0, to: n, nSources, seed: 7 });
  const sourcesPath = path.join(work, 'sources.json');
  const metricsPath = path.join(work, 'metrics.json');
  writeFileSync(sourcesPath, JSON.stringify(syntheticSources(nSources)));
  const dataset = await loadDataset();
  writeFileSync(metricsPath, JSON.stringify(metricKinds(dataset.lexicon)));
  const { runTransform } = await import('../transform/run.js');
  const t0 = performance.now();
  const out = await runTransform({ mentionsPath, sourcesPath, metricsPath, rulesPath: dataset.rulesPath });
  report.seconds = (performance.now() - t0) / 1000;
  report.facts = out.facts.length;
  report.byStatus = out.summary.by_status;
} else if (mode === 'site') {
  const { writeAuditSite } = await import('../audit/site.js');
  const t0 = performance.now();
  const r = await writeAuditSite(args[0]!, args[2]!, { sourcesDir: args[1]!, pageCache: { dir: args[3]!, code: 'bench' } });
  report.seconds = (performance.now() - t0) / 1000;
  report.fromCache = r.fromCache;
  report.sourcePages = r.sourcePages;
} else if (mode === 'html') {
  const { extractHtml } = await import('./htmlSpeed.js');
  const { manyFiguresHtml } = await import('../pipeline/hostileInputs.js');
  const page = new Uint8Array(readFileSync(args[0]!));
  extractHtml(manyFiguresHtml(10)); // modules loaded, the grammar compiled
  let t0 = performance.now();
  report.sentenceMentions = extractHtml(manyFiguresHtml(100_000));
  report.sentenceSeconds = (performance.now() - t0) / 1000;
  const pageSeconds: number[] = [];
  for (let k = 0; k < 3; k++) {
    t0 = performance.now();
    report.pageMentions = extractHtml(page);
    pageSeconds.push((performance.now() - t0) / 1000);
  }
  report.pageSeconds = pageSeconds;
} else {
  process.stderr.write('usage: child.js cli ARGS... | reconcile N TEMPLATE WORKDIR | site BUILD SOURCES SITE CACHE | html PAGE\n');
  process.exitCode = 2;
}
