/**
 * The bench's 10,000,000-mention section (`--scale-10m`, and part of `--full`): a point past one machine's
 * comfort, measured the way a CI matrix would run it. Extraction shards (as `figtrail extract --shard` fan-out
 * writes them) are generated as NDJSON files by one child per shard, `cores` at a time; then one child — the
 * reconcile job — reads every shard as one input with runTransform under a 2 GB memory limit (DuckDB gets three
 * quarters of it and spills past that to its temp folder, inside the bench's). Wall time and peak RSS are the reconcile child's own;
 * each model's time is printed so that a miss shows where the time goes.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcesFor } from './syntheticMentions.js';
import { runReportingChild } from './childReport.js';
import { duckdbMemoryLimit } from '../transform/run.js';

export const SCALE_10M = { mentions: 10_000_000, shards: 8, memoryLimit: '2GB', seconds: 60, rssKb: 2.5 * 1024 * 1024 } as const;

export interface Scale10mContext {
  root: string;
  /** the bench's temp folder (removed on exit and on SIGINT/SIGTERM) */
  tmp: string;
  /** registers a child so that a signal stops it before the temp folder goes */
  track(child: ChildProcess): void;
  say(line: string): void;
  target(name: string, met: boolean, detail: string): void;
  cores: number;
  /** how many mentions (default SCALE_10M.mentions); a smaller count is for development */
  mentions?: number;
}

interface Report {
  exitCode: number;
  maxRssKb: number;
  seconds: number;
  [k: string]: unknown;
}

const childJs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scale10mChild.js');

function runChild(ctx: Scale10mContext, args: string[]): Promise<Report & { wall: number }> {
  return runReportingChild<Report>(childJs, args, { cwd: ctx.root, tmp: ctx.tmp, track: (c) => ctx.track(c) }, (r) => {
    if (r.exitCode !== 0 && typeof r.error !== 'string') throw new Error(`exit ${r.exitCode}`);
  });
}

/** The mentions of the latest published release: real extractions the synthetic ones are copied from. */
export function templateMentions(root: string): string {
  const versions = JSON.parse(readFileSync(path.join(root, 'out', 'versions.json'), 'utf8')) as { version: string }[];
  const latest = versions.at(-1);
  const file = latest && path.join(root, 'out', `v${latest.version}`, 'mentions.json');
  if (!file || !existsSync(file)) throw new Error(`bench --scale-10m: no published mentions.json to copy from (out/versions.json)`);
  return file;
}

export async function benchScale10m(ctx: Scale10mContext): Promise<void> {
  const { shards, memoryLimit } = SCALE_10M;
  const mentions = ctx.mentions ?? SCALE_10M.mentions;
  const scaled = mentions !== SCALE_10M.mentions;
  const f1 = (n: number) => n.toFixed(1);
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const work = path.join(ctx.tmp, 'scale-10m');
  mkdirSync(work);
  const template = templateMentions(ctx.root);
  const nSources = sourcesFor(mentions);
  const per = Math.ceil(mentions / shards);
  const files = Array.from({ length: shards }, (_, k) => path.join(work, `mentions-shard-${String(k + 1).padStart(2, '0')}-of-${shards}.ndjson`));

  // extraction fan-out: one job per shard, `cores` at a time (a matrix runs them on separate runners)
  const genStart = performance.now();
  const shardRuns: (Report & { wall: number })[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(ctx.cores, shards) }, async () => {
      for (let k = next++; k < shards; k = next++) {
        const from = k * per;
        const to = Math.min(mentions, from + per);
        shardRuns[k] = await runChild(ctx, ['shard', template, files[k]!, String(from), String(to), String(nSources), String(1000 + k)]);
      }
    }),
  );
  const genSeconds = (performance.now() - genStart) / 1000;
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const shardRss = Math.max(...shardRuns.map((r) => r.maxRssKb));

  const rec = await runChild(ctx, ['reconcile', work, String(nSources), memoryLimit, ...files]);
  // [step, wall seconds, peak RSS KB so far, CPU seconds of the step]
  const steps = (rec.steps as [string, number, number?, number?][]) ?? [];
  // the first step after which the peak RSS was what it is at the end: where the peak was reached
  const peakStep = steps.find(([, , kb]) => kb !== undefined && kb >= (steps.at(-1)?.[2] ?? Infinity))?.[0];
  const slowest = [...steps].sort((a, b) => b[1] - a[1]);
  const failed = typeof rec.error === 'string' ? rec.error : null;
  const okTime = failed === null && rec.seconds <= SCALE_10M.seconds;
  const okRss = failed === null && rec.maxRssKb <= SCALE_10M.rssKb;
  const how = failed === null ? '' : ` (FAILED after ${f1(rec.seconds)} s: ${failed})`;
  ctx.say('');
  ctx.say(`${mentions.toLocaleString('en-US')} mentions from ${shards} extraction shards, one reconcile job (memory limit ${memoryLimit}, DuckDB's memory_limit ${duckdbMemoryLimit(memoryLimit)} of it; ${ctx.cores} cores):`);
  ctx.say(`  shards: ${shards} NDJSON files, ${(bytes / 1024 ** 3).toFixed(2)} GB, ${nSources.toLocaleString('en-US')} synthetic sources; generated ${ctx.cores} at a time in ${f1(genSeconds)} s, peak RSS per shard job ≤ ${mb(shardRss)}`);
  if (failed === null) {
    ctx.say(`  reconcile (runTransform over the shard list): ${f1(rec.seconds)} s (child wall incl. start-up ${f1(rec.wall)} s), peak RSS ${mb(rec.maxRssKb)}, ${Number(rec.facts).toLocaleString('en-US')} facts, ${Number(rec.series).toLocaleString('en-US')} series rows`);
    ctx.say(`  CPU time ${f1(Number(rec.cpuSeconds))} s (user + system, all threads; on a shared machine the wall time above also counts waiting)${peakStep ? `; RSS peaked by the end of ${peakStep}` : ''}`);
    ctx.say(`  facts by status: ${Object.entries((rec.byStatus as Record<string, number>) ?? {}).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`);
  } else {
    ctx.say(`  reconcile (runTransform over the shard list) FAILED after ${f1(rec.seconds)} s, peak RSS ${mb(rec.maxRssKb)}: ${failed}`);
  }
  const stepped = steps.reduce((a, [, t]) => a + t, 0);
  ctx.say(`  where the time goes (steps done, slowest first): ${slowest.slice(0, 6).map(([s, t, , cpu]) => `${s} ${f1(t)} s${cpu === undefined ? '' : ` (CPU ${f1(cpu)} s)`}`).join(', ')}; rest ${f1(slowest.slice(6).reduce((a, [, t]) => a + t, 0))} s; ${failed === null ? 'reading the facts back into JS' : 'the failing step'} ${f1(rec.seconds - stepped)} s`);
  ctx.say(`  ${okTime ? 'met    ' : 'not met'}  reconcile ≤ ${SCALE_10M.seconds} s on ${ctx.cores} cores: ${f1(rec.seconds)} s${how}`);
  ctx.say(`  ${okRss ? 'met    ' : 'not met'}  peak RSS ≤ 2.5 GB: ${mb(rec.maxRssKb)}${how}`);
  if (scaled) {
    ctx.say(`  (--scale-mentions: ${mentions.toLocaleString('en-US')} mentions, not 10,000,000; the targets above are for reference, not recorded)`);
    return;
  }
  ctx.target(`10,000,000 sharded mentions reconciled ≤ ${SCALE_10M.seconds} s (memory limit ${memoryLimit})`, okTime, `${f1(rec.seconds)} s on ${ctx.cores} cores${how}`);
  ctx.target('10,000,000 sharded mentions: reconcile peak RSS ≤ 2.5 GB', okRss, `${mb(rec.maxRssKb)}${how}`);
}
