/**
 * Child-process side of the 10,000,000-mention bench (bench/scale10m.ts), one process per job as a CI
 * matrix would run them, so each job's wall time and peak RSS are its own:
 *   node dist/bench/scale10mChild.js shard <mentions.json template> <out.ndjson> <out.parquet> <i> <n> <from> <to> <nSources> <seed>
 *       one extraction shard's output: mentions [from, to) as NDJSON, streamed (bounded memory), then as the
 *       Parquet file of their columns that `extract --shard` writes beside its JSON (pipeline/shards.ts)
 *   node dist/bench/scale10mChild.js reconcile <workdir> <nSources> <memory limit> <shard.mentions.parquet>...
 *       the one reconcile job: every shard's Parquet file read as one input by runTransform under the memory limit
 * On exit the child writes {maxRssKb, ...} as JSON to the file named by FIGTRAIL_BENCH_REPORT.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Mention } from '../extract/records.js';
import { metricKinds } from '../pipeline/build.js';
import { loadDataset } from '../pipeline/dataset.js';
import { syntheticSources, writeSyntheticMentions } from './syntheticMentions.js';
import { SHARD_FORMAT, writeShardMentions } from '../pipeline/shards.js';

const report: Record<string, unknown> = {};
process.on('exit', (code) => {
  const file = process.env.FIGTRAIL_BENCH_REPORT;
  if (file) writeFileSync(file, JSON.stringify({ ...report, exitCode: code, maxRssKb: process.resourceUsage().maxRSS }));
});

const [mode, ...args] = process.argv.slice(2);
if (mode === 'shard' && args.length === 9) {
  const [template, out, parquetOut, index, count, from, to, nSources, seed] = args as [string, string, string, string, string, string, string, string, string];
  const templates = JSON.parse(readFileSync(template, 'utf8')) as Mention[];
  const t0 = performance.now();
  report.mentions = writeSyntheticMentions(out, templates, { from: Number(from), to: Number(to), nSources: Number(nSources), seed: Number(seed) });
  // what `figtrail extract --shard` writes beside its JSON: the mentions' columns as Parquet, the header in it
  const t1 = performance.now();
  const header = { format: SHARD_FORMAT, shard: { index: Number(index), count: Number(count) }, versions: 'bench', lexicon_hash: 'bench', manifest_sha256: 'bench', manifest_sources: Number(nSources) };
  await writeShardMentions(out, parquetOut, header);
  report.parquetSeconds = (performance.now() - t1) / 1000;
  report.seconds = (performance.now() - t0) / 1000;
} else if (mode === 'reconcile' && args.length >= 4) {
  const [work, sourceCount, memoryLimit, ...shards] = args as [string, string, string, ...string[]];
  const nSources = Number(sourceCount);
  const sourcesPath = path.join(work, 'sources.json');
  const metricsPath = path.join(work, 'metrics.json');
  writeFileSync(sourcesPath, JSON.stringify(syntheticSources(nSources)));
  const dataset = await loadDataset();
  writeFileSync(metricsPath, JSON.stringify(metricKinds(dataset.lexicon)));
  const { runTransform } = await import('../transform/run.js');
  // the steps done so far are reported even when one fails (DuckDB out of memory is a figure, not a crash)
  // each step with the process's peak RSS (KB) so far (where the peak was reached) and its CPU seconds (all
  // threads: on a shared machine a step's wall time also counts waiting for a core)
  const steps: [string, number, number, number][] = [];
  report.steps = steps;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let stepCpu = cpu0;
  const cpuSince = (from: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(from);
    return (d.user + d.system) / 1e6;
  };
  try {
    const out = await runTransform({
      mentionsPath: shards, sourcesPath, metricsPath, rulesPath: dataset.rulesPath, memoryLimit,
      // FIGTRAIL_BENCH_ON_DISK=1|0 forces the reconcile's on-disk or in-memory database (else: chosen by input size)
      ...(process.env.FIGTRAIL_BENCH_ON_DISK === undefined ? {} : { onDisk: process.env.FIGTRAIL_BENCH_ON_DISK === '1' }),
      onStepTimed: (step, seconds) => {
        steps.push([step, seconds, process.resourceUsage().maxRSS, cpuSince(stepCpu)]);
        stepCpu = process.cpuUsage();
      },
    });
    report.facts = out.facts.length;
    // FIGTRAIL_BENCH_FACTS_HASH=1: a digest of the facts and series, to compare two runs (after the timing)
    if (process.env.FIGTRAIL_BENCH_FACTS_HASH === '1') {
      const h = createHash('sha256');
      for (const f of out.facts) h.update(JSON.stringify(f));
      for (const r of out.series) h.update(JSON.stringify(r));
      report.factsSha256 = h.digest('hex');
    }
    report.series = out.series.length;
    report.byStatus = out.summary.by_status;
  } catch (e) {
    report.error = (e as Error).message.split('\n')[0];
    process.exitCode = 1;
  }
  report.seconds = (performance.now() - t0) / 1000;
  // CPU time beside wall time: on a shared machine the wall time says as much about the neighbours
  report.cpuSeconds = cpuSince(cpu0);
} else {
  process.stderr.write('usage: scale10mChild.js shard TEMPLATE OUT.ndjson OUT.parquet I N FROM TO NSOURCES SEED | reconcile WORKDIR NSOURCES MEMORY_LIMIT SHARD...\n');
  process.exitCode = 2;
}
