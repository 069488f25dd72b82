/**
 * Child-process side of the bench, so wall time and peak RSS are the child's own:
 *   node dist/bench/child.js cli <figtrail args...>      runs the CLI
 *   node dist/bench/child.js reconcile <n> <mentions.json template> <workdir>
 * On exit the child writes {maxRssKb, ...} as JSON to the file named by FIGTRAIL_BENCH_REPORT.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Mention } from '../extract/records.js';
import { metricKinds } from '../pipeline/build.js';
import { loadDataset } from '../pipeline/dataset.js';
import { prng } from './corpus.js';

const report: Record<string, unknown> = {};
process.on('exit', (code) => {
  const file = process.env.FIGTRAIL_BENCH_REPORT;
  if (file) writeFileSync(file, JSON.stringify({ ...report, exitCode: code, maxRssKb: process.resourceUsage().maxRSS }));
});

const [mode, ...args] = process.argv.slice(2);
if (mode === 'cli') {
  process.argv = [process.argv[0]!, 'figtrail', ...args];
  await import('../cli.js');
} else if (mode === 'reconcile') {
  const n = Number(args[0]);
  const templates = JSON.parse(readFileSync(args[1]!, 'utf8')) as Mention[];
  const work = args[2]!;
  const r = prng(7);
  const nSources = Math.max(1, Math.round(n / 500));
  const mentionsPath = path.join(work, 'mentions.ndjson');
  const fd = openSync(mentionsPath, 'w');
  let buf: string[] = [];
  // newline-delimited JSON, as the build hands mentions to the transform
  const withMetric = templates.filter((m) => m.metric !== null);
  for (let i = 0; i < n; i++) {
    const from = r() < 0.7 ? withMetric : templates;
    const t = from[Math.floor(r() * from.length)]!;
    const src = `syn-${Math.floor(r() * nSources)}`;
    const year = String(2005 + Math.floor(r() * 19));
    const factor = r() < 0.8 ? 1 : [0.9, 0.95, 1.05, 1.1][Math.floor(r() * 4)]!;
    const value = t.value * factor;
    const m: Mention = {
      ...t,
      mention_id: `m_${createHash('sha256').update(`${i}`).digest('hex').slice(0, 16)}`,
      source_id: src,
      source_sha256: createHash('sha256').update(src).digest('hex'),
      char_start: i % 100000,
      char_end: (i % 100000) + t.quote.length,
      value,
      lo: t.lo === null ? null : t.lo * factor,
      hi: t.hi === null ? null : t.hi * factor,
      period: t.period === null && r() < 0.5 ? null : year,
      period_basis: 'stated',
      paired_mention_id: null,
    };
    buf.push(JSON.stringify(m));
    if (buf.length === 5000) {
      writeSync(fd, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) writeSync(fd, `${buf.join('\n')}\n`);
  closeSync(fd);
  const sources = Array.from({ length: nSources }, (_, k) => ({
    source_id: `syn-${k}`, file: `syn-${k}.pdf`, media_type: 'application/pdf', title: `synthetic ${k}`, publisher: k % 3 ? 'bench' : 'Torch High Technology Industry Development Center, MOST',
    original_url: null, published: `20${10 + (k % 14)}-06-01`, capture: 'synthetic', notes: null, sha256: createHash('sha256').update(`syn-${k}`).digest('hex'),
    bytes: 1000, pages: 10, text_chars: 10000, text_sha256: null, status: 'ok', error_reason: null,
  }));
  const sourcesPath = path.join(work, 'sources.json');
  const metricsPath = path.join(work, 'metrics.json');
  writeFileSync(sourcesPath, JSON.stringify(sources));
  const dataset = await loadDataset();
  writeFileSync(metricsPath, JSON.stringify(metricKinds(dataset.lexicon)));
  const { runTransform } = await import('../transform/run.js');
  const t0 = performance.now();
  const out = await runTransform({ mentionsPath, sourcesPath, metricsPath, rulesPath: dataset.rulesPath });
  report.seconds = (performance.now() - t0) / 1000;
  report.facts = out.facts.length;
  report.byStatus = out.summary.by_status;
} else {
  process.stderr.write('usage: child.js cli ARGS... | reconcile N TEMPLATE WORKDIR\n');
  process.exitCode = 2;
}
