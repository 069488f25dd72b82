import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARD_FORMAT, writeShardMentions } from '../pipeline/shards.js';
import { duckdbMemoryLimit, reconcileOnDisk, runTransform, withOnDiskFallback, type Fact, type TransformInput } from './run.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(mentions: string, extra: Partial<TransformInput> = {}) {
  return runTransform({
    mentionsPath: fixture(mentions),
    sourcesPath: fixture('sources.json'),
    metricsPath: fixture('metrics.json'),
    rulesPath: fixture('rules.yaml'),
    ...extra,
  });
}

/** the fact id as documented: 'f_' + first 16 hex of sha256('metric|subject|period|unit') */
const factId = (key: string) => 'f_' + createHash('sha256').update(key).digest('hex').slice(0, 16);

function only(facts: Fact[], subject: string): Fact {
  const hits = facts.filter((f) => f.subject === subject);
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

describe('reconcile', () => {
  it('disjoint intervals → conflict, with no value and no rule', async () => {
    const { facts, summary } = await run('conflict.json');
    const f = only(facts, 'zone-conflict');
    expect(f.fact_id).toBe(factId('revenue|zone-conflict|2012|CNY'));
    expect(f.status).toBe('conflict');
    expect(f.value).toBeNull();
    expect(f.rule).toBeNull();
    expect(f.chosen_mention_id).toBeNull();
    expect(f.mention_ids).toEqual(['m_00000000000000c1', 'm_00000000000000c2']);
    expect(f.n_mentions).toBe(2);
    expect(f.n_sources).toBe(2);
    expect(f.resolution).toContain('do not intersect');
    expect(summary.by_status).toEqual({ conflict: 1 });
  });

  it('nested intervals → corroborated, valued by the tighter mention', async () => {
    const { facts } = await run('nested.json');
    const f = only(facts, 'zone-nested');
    expect(f.status).toBe('corroborated');
    expect(f.value).toBe(2.03e12);
    expect([f.lo, f.hi]).toEqual([2.03e12, 2.03e12]);
    expect(f.chosen_mention_id).toBe('m_00000000000000a2');
    expect(f.rule).toBe('R1');
    expect(f.period_start).toBe('2013-01-01');
    expect(f.period_end).toBe('2013-12-31');
  });

  it('"exceeded 3 trillion" + "over 3 trillion" → corroborated, 2 mentions, open interval at the bound', async () => {
    const { facts } = await run('lower_bounds.json');
    const f = only(facts, 'national');
    expect(f.status).toBe('corroborated');
    expect(f.n_mentions).toBe(2);
    expect(f.value).toBe(3e12);
    expect(f.lo).toBe(3e12);
    expect(f.hi).toBeNull();
    // one of the two reads "exceeded" as exclusive: the intersection keeps the stricter edge
    expect(f.lo_exclusive).toBe(true);
    expect(f.resolution).toContain("'exceeded 3 trillion yuan' (lower bound 3e12");
    expect(f.resolution).toContain("'over 3 trillion yuan' (lower bound 3e12");
    expect(f.resolution).toContain('intersection (3e12, ∞)');
    expect(f.resolution).toContain('value = 3e12 (lower bound, no mention more precise)');
  });

  it('agreeing mentions are corroborated only by independent sources (different documents, different publishers); else consistent', async () => {
    const { facts, summary } = await run('consistent.json');
    const oneSource = only(facts, 'zone-one-source');
    expect([oneSource.status, oneSource.n_mentions, oneSource.n_sources, oneSource.value]).toEqual(['consistent', 2, 1, 1.5e12]);
    expect(oneSource.resolution).toContain('2 mentions agree, all in one source (consistent, not independently corroborated)');
    // two documents of one publisher (Xinhua in fixtures/sources.json) confirm nothing independently either
    const onePublisher = only(facts, 'zone-one-publisher');
    expect([onePublisher.status, onePublisher.n_sources]).toEqual(['consistent', 2]);
    expect(onePublisher.resolution).toContain('no two of their sources have different named publishers');
    const independent = only(facts, 'zone-two-publishers');
    expect([independent.status, independent.n_sources, independent.value]).toEqual(['corroborated', 2, 1.7e12]);
    expect(summary.by_status).toEqual({ consistent: 2, corroborated: 1 });
  });

  it('a stock with no period is dated by its source; a flow with no period is unscoped', async () => {
    const { facts, summary } = await run('scope.json');
    // daily-2017 was published 2017-09-29 (fixtures/sources.json)
    expect(facts).toHaveLength(1);
    const f = facts[0]!;
    expect(f.metric).toBe('zone_count');
    expect(f.period).toBe('2017-09-29');
    expect(f.period_basis).toBe('publication');
    expect([f.period_start, f.period_end]).toEqual(['2017-09-29', '2017-09-29']);
    expect(f.mention_ids).toEqual(['m_00000000000000d1']);
    // the flow (revenue) without period, and the stock from an undated source, make no fact
    expect(facts.some((x) => x.subject === 'zone-flow')).toBe(false);
    expect(summary.unscoped).toBe(2);
    expect(summary.by_fate).toEqual({ reconciled: 1, unscoped: 2 });
  });

  it('a flow dated only by its source publication date is unscoped, not guessed', async () => {
    const { facts, summary } = await run('scope_flow_publication.json');
    expect(facts.map((f) => [f.subject, f.period])).toEqual([['zone-flow-stated', '2013']]);
    expect(summary.unscoped).toBe(1);
  });

  it('a ratio dated only by its source publication date is unscoped; a stock keeps the as-of date', async () => {
    const { facts, summary } = await run('scope_ratio_publication.json');
    expect(facts.map((f) => [f.metric, f.subject, f.period, f.period_basis])).toEqual([
      ['share_of_gdp', 'zone-ratio-stated', '2013', 'stated'],
      ['zone_count', 'zone-stock-dated-by-publication', '2017-09-29', 'publication'],
    ]);
    expect(summary.unscoped).toBe(1);
  });

  it('a USD figure paired with its CNY figure is one fact, the USD mention linked as alternate', async () => {
    const { facts, series } = await run('paired.json');
    const cny = facts.filter((f) => f.unit === 'CNY');
    expect(cny).toHaveLength(1);
    const f = cny[0]!;
    expect(f.status).toBe('single');
    expect(f.value).toBe(2.79e13);
    expect(f.mention_ids).toEqual(['m_00000000000000f1']);
    expect(f.alt_mention_ids).toEqual(['m_00000000000000f2']);
    expect(f.resolution).toContain("'$4 trillion' (USD 4e12)");
    expect(facts.some((x) => x.mention_ids.includes('m_00000000000000f2'))).toBe(false);
    expect(facts.some((x) => x.status === 'conflict')).toBe(false);
    // an unpaired USD figure stays its own fact, in USD, never converted, and is not a series point
    const usd = facts.filter((x) => x.unit === 'USD');
    expect(usd.map((x) => [x.value, x.in_series])).toEqual([[3.9e12, false]]);
    expect(series.map((s) => s.fact_id)).toEqual([f.fact_id]);
  });

  it('a figure in any other currency paired with its CNY figure is an alternate too (here EUR)', async () => {
    const { facts } = await run('paired_eur.json');
    expect(facts.map((f) => [f.unit, f.mention_ids, f.alt_mention_ids])).toEqual([['CNY', ['m_00000000000000e1'], ['m_00000000000000e2']]]);
  });

  it('conflicts are settled by the rules in rules.yaml, in order, each naming itself', async () => {
    const { facts } = await run('rules.json');
    const r1 = only(facts, 'zone-r1');
    expect([r1.status, r1.rule, r1.value, r1.chosen_mention_id]).toEqual(['resolved', 'R1', 3e12, 'm_0000000000000012']);
    expect(r1.resolution).toContain('excluded edge');
    const r2 = only(facts, 'zone-r2');
    expect([r2.status, r2.rule, r2.value, r2.chosen_mention_id]).toEqual(['resolved', 'R2', 1.7e12, 'm_0000000000000021']);
    expect(r2.resolution).toContain('statistical_release source is preferred over press_report');
    const r3 = only(facts, 'zone-r3');
    expect([r3.status, r3.rule, r3.value, r3.chosen_mention_id]).toEqual(['resolved', 'R3', 5200, 'm_0000000000000032']);
    expect(r3.resolution).toContain('2018-03-01');
  });

  it('R3 keeps every source published on the latest date as one set: their intervals are intersected together', async () => {
    // 5,000 (2017) against "more than 5,150" and 5,200, both published on 2018-03-01: the two latest agree, and
    // their intersection (5,150, ∞) ∩ [5,200] is 5,200; the set's reason names both sources
    const { facts } = await run('rules_latest_tie.json');
    const f = only(facts, 'zone-r3-tie');
    expect([f.status, f.rule, f.value, f.chosen_mention_id]).toEqual(['resolved', 'R3', 5200, 'm_0000000000000043']);
    expect(f.resolution).toContain('wire-2018');
    expect(f.resolution).toContain('bulletin-2018');
  });

  it('rules are data: without R2 and R3 in the rules file those conflicts stay conflicts', async () => {
    const { facts } = await run('rules.json', { rulesPath: fixture('rules_r1_only.yaml') });
    expect(only(facts, 'zone-r1').status).toBe('resolved');
    expect(only(facts, 'zone-r2').status).toBe('conflict');
    expect(only(facts, 'zone-r3').status).toBe('conflict');
  });

  it('series: one point per period, ordered by period end; targets are facts but not points', async () => {
    const { facts, series, summary } = await run('series.json');
    expect(series.map((s) => s.period)).toEqual(['2011', '2012-H1', '2012', '2013-Q1/2013-Q3']);
    expect(series.map((s) => s.period_end)).toEqual(['2011-12-31', '2012-06-30', '2012-12-31', '2013-09-30']);
    const y2012 = facts.filter((f) => f.period === '2012');
    expect(y2012.map((f) => [f.is_target, f.value, f.status])).toEqual([
      [false, 1.2e12, 'single'],
      [true, 2e12, 'single'],
    ]);
    const target = y2012.find((f) => f.is_target)!;
    expect(target.fact_id).toBe(factId('revenue|zone-s|2012|CNY|target'));
    expect(series.some((s) => s.fact_id === target.fact_id)).toBe(false);
    // the mention with no metric is counted, not reconciled
    expect(summary.by_fate.unattributed).toBe(1);
    expect(facts.some((f) => f.mention_ids.includes('m_0000000000000055'))).toBe(false);
  });

  it('is deterministic: same facts whatever the input order, run after run', async () => {
    const cases = ['conflict.json', 'nested.json', 'lower_bounds.json', 'scope.json', 'paired.json', 'rules.json', 'series.json'];
    const all = cases.flatMap((c) => JSON.parse(readFileSync(fixture(c), 'utf8')) as unknown[]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-transform-'));
    made.push(dir);
    writeFileSync(path.join(dir, 'forward.json'), JSON.stringify(all));
    writeFileSync(path.join(dir, 'reversed.json'), JSON.stringify([...all].reverse()));
    const input = (file: string): TransformInput => ({
      mentionsPath: path.join(dir, file),
      sourcesPath: fixture('sources.json'),
      metricsPath: fixture('metrics.json'),
      rulesPath: fixture('rules.yaml'),
    });
    const a = await runTransform(input('forward.json'));
    const b = await runTransform(input('forward.json'));
    const c = await runTransform(input('reversed.json'));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    expect(a.facts.length).toBeGreaterThan(10);
    for (const f of a.facts) {
      expect(f.fact_id).toBe(factId(`${f.metric}|${f.subject}|${f.period}|${f.unit}${f.is_target ? '|target' : ''}`));
    }
  });

  it('reads sharded extraction output (several NDJSON or Parquet files) as one input: same facts as one file', async () => {
    const cases = ['conflict.json', 'nested.json', 'scope.json', 'series.json'];
    const all = cases.flatMap((c) => JSON.parse(readFileSync(fixture(c), 'utf8')) as unknown[]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-transform-'));
    made.push(dir);
    const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    writeFileSync(path.join(dir, 'one.ndjson'), ndjson(all));
    const shards = [0, 1, 2].map((k) => path.join(dir, `shard-${k}.ndjson`));
    shards.forEach((f, k) => writeFileSync(f, ndjson(all.filter((_, i) => i % 3 === k))));
    const base = { sourcesPath: fixture('sources.json'), metricsPath: fixture('metrics.json'), rulesPath: fixture('rules.yaml') };
    const steps: string[] = [];
    const seconds: number[] = [];
    const one = await runTransform({ ...base, mentionsPath: path.join(dir, 'one.ndjson') });
    const sharded = await runTransform({ ...base, mentionsPath: shards, onStepTimed: (step, s) => {
      steps.push(step);
      seconds.push(s);
    } });
    expect(sharded.facts.length).toBeGreaterThan(5);
    expect(JSON.stringify(sharded)).toBe(JSON.stringify(one));
    // the same shards as Parquet files of the mentions' columns (what `extract --shard` writes beside its JSON)
    const parquet = shards.map((f) => f.replace(/\.ndjson$/, '.mentions.parquet'));
    for (const [k, f] of shards.entries()) {
      await writeShardMentions(f, parquet[k]!, { format: SHARD_FORMAT, shard: { index: k + 1, count: 3 }, versions: 'v', lexicon_hash: 'l', manifest_sha256: 'm', manifest_sources: 3 });
    }
    const fromParquet = await runTransform({ ...base, mentionsPath: parquet });
    expect(JSON.stringify(fromParquet)).toBe(JSON.stringify(one));
    await expect(runTransform({ ...base, mentionsPath: [parquet[0]!, shards[1]!] })).rejects.toThrow(/either all Parquet or all JSON/);
    expect(steps[0]).toBe('load');
    expect(steps).toContain('049_facts.sql');
    // one time per step, each a real duration
    expect(seconds).toHaveLength(steps.length);
    expect(seconds.every((t) => Number.isFinite(t) && t >= 0)).toBe(true);
    expect(seconds.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await expect(runTransform({ ...base, mentionsPath: [] })).rejects.toThrow(/names no file/);
  });

  it('reconciles in an on-disk database (what a large input gets) to the same facts as in memory', async () => {
    const cases = ['conflict.json', 'nested.json', 'scope.json', 'series.json'];
    const all = cases.flatMap((c) => JSON.parse(readFileSync(fixture(c), 'utf8')) as unknown[]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-transform-'));
    made.push(dir);
    writeFileSync(path.join(dir, 'all.json'), JSON.stringify(all));
    const base = { mentionsPath: path.join(dir, 'all.json'), sourcesPath: fixture('sources.json'), metricsPath: fixture('metrics.json'), rulesPath: fixture('rules.yaml') };
    const inMemory = await runTransform({ ...base, onDisk: false });
    const onDisk = await runTransform({ ...base, onDisk: true });
    expect(inMemory.facts.length).toBeGreaterThan(5);
    expect(JSON.stringify(onDisk)).toBe(JSON.stringify(inMemory));
    // the default: on disk only past eight times DuckDB's memory limit of mentions ('GB' is 10^9 bytes to DuckDB)
    expect(reconcileOnDisk(1.05e9, '1GB')).toBe(false);
    expect(reconcileOnDisk(10.5e9, '2GB')).toBe(false);
    expect(reconcileOnDisk(16.1e9, '2GB')).toBe(true);
    expect(reconcileOnDisk(15.9e9, '2GB')).toBe(false);
    // DuckDB itself gets three quarters of the run's limit: room for what it allocates outside its buffer pool
    expect(duckdbMemoryLimit('2GB')).toBe('1500MB');
    expect(duckdbMemoryLimit('200MB')).toBe('150MB');
    // a limit under 4/3 MB would floor to '0MB', which DuckDB takes as no memory at all
    expect(duckdbMemoryLimit('1MB')).toBe('1MB');
    expect(duckdbMemoryLimit('500KB')).toBe('1MB');
  });

  it('runs again on disk what ran out of memory in memory, and only that', async () => {
    const tried: boolean[] = [];
    const oom = new Error('Out of Memory Error: failed to allocate data of size 32.0 MiB');
    const run = (failInMemory: Error | null) => (onDisk: boolean) => {
      tried.push(onDisk);
      if (!onDisk && failInMemory) return Promise.reject(failInMemory);
      return Promise.resolve(onDisk ? 'disk' : 'memory');
    };
    expect(await withOnDiskFallback(false, run(oom))).toBe('disk');
    expect(tried).toEqual([false, true]);
    tried.length = 0;
    expect(await withOnDiskFallback(false, run(null))).toBe('memory');
    expect(tried).toEqual([false]);
    tried.length = 0;
    // any other error is the error; an on-disk run is not tried twice
    await expect(withOnDiskFallback(false, run(new Error('Binder Error: no such column')))).rejects.toThrow(/Binder/);
    expect(tried).toEqual([false]);
    tried.length = 0;
    await expect(withOnDiskFallback(true, () => (tried.push(true), Promise.reject(oom)))).rejects.toThrow(/Out of Memory/);
    expect(tried).toEqual([true]);
  });

  it('refuses a mention whose value lies outside its own interval', async () => {
    await expect(run('bad_interval.json')).rejects.toThrow(/value lies in its own interval/);
  });
});
