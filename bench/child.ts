/**
 * Child-process side of the bench, so wall time and peak RSS are the child's own:
 *   node dist/bench/child.js cli <figtrail args...>      runs the CLI
 *   node dist/bench/child.js reconcile <n> <mentions.json template> <workdir>
 *   node dist/bench/child.js site <build dir> <sources dir> <site dir> <page cache dir>   the site stage alone
 * On exit the child writes {maxRssKb, ...} as JSON to the file named by FIGTRAIL_BENCH_REPORT.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Mention } from '../extract/records.js';
import { metricKinds } from '../pipeline/build.js';
import { loadDataset } from '../pipeline/dataset.js';
import { sourcesFor, syntheticSources, writeSyntheticMentions } from './syntheticMentions.js';

const report: Record<string, unknown> = {};
process.on('exit', (code) => {
  const file = process.env.FIGTRAIL_BENCH_REPORT;
  // the build's stage marks (pipeline/build.ts), in ms since this process started
  const stages = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('figtrail:')).map((m) => [m.name.slice('figtrail:'.length), m.startTime]);
  if (file) writeFileSync(file, JSON.stringify({ ...report, stages, exitCode: code, maxRssKb: process.resourceUsage().maxRSS }));
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
} else {
  process.stderr.write('usage: child.js cli ARGS... | reconcile N TEMPLATE WORKDIR | site BUILD SOURCES SITE CACHE\n');
  process.exitCode = 2;
}
