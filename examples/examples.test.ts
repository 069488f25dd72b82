import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fact } from '../contracts/index.js';
import { build } from '../pipeline/build.js';
import { initDataset } from '../pipeline/init.js';

/**
 * A second dataset proves the engine/dataset split: examples/airport-passengers (another domain, documents
 * written for it) builds, reconciles, checks and publishes with no engine change; so does a fresh
 * `figtrail init` scaffold. Expected facts are the ones its README table states, written before the build ran.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const facts = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'facts.json'), 'utf8')) as Fact[];
const key = (f: Fact) => `${f.metric}:${f.subject}@${f.period}`;

describe('examples/airport-passengers', () => {
  it('builds with its own vocabulary and rules, every check passing, with one real conflict and one resolved', async () => {
    const out = path.join(tmp, 'airport');
    const r = await build({ datasetDir: path.join(import.meta.dirname, 'airport-passengers'), outDir: out, quiet: true, cacheDir: null, site: false });
    expect(r.errors).toEqual([]);
    expect(r.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(r.exitCode).toBe(0);
    const byKey = new Map(facts(out).map((f) => [key(f), f]));
    // agreeing figures from two documents: 41.2 million inside "more than 40 million"
    expect(byKey.get('passenger_count:harbourview_airport@2023')).toMatchObject({ value: 41_200_000, unit: 'count', status: 'corroborated', n_sources: 2 });
    // 36.8 million (statistics bulletin) against 35 million (newspaper): the statistical release wins (R2)
    expect(byKey.get('passenger_count:harbourview_airport@2022')).toMatchObject({ value: 36_800_000, status: 'resolved', rule: 'R2' });
    // 1.45 against 1.52 billion dollars, an official report and an undated briefing: no rule may settle it
    expect(byKey.get('airport_revenue:harbourview_airport@2023')).toMatchObject({ value: null, unit: 'USD', status: 'conflict', rule: null, n_sources: 2 });
    expect(byKey.get('flight_count:harbourview_airport@2023')).toMatchObject({ value: 298_000, status: 'single' });
  });
});

describe('figtrail init', () => {
  it('scaffolds a dataset that builds as it is, and refuses a folder that is not empty', async () => {
    const dir = path.join(tmp, 'fresh');
    const made = initDataset(dir);
    expect(made).toEqual(expect.arrayContaining(['dataset.yaml', 'sources/manifest.json', 'vocabulary/metrics.yaml', 'rules.yaml', 'relations.yaml', 'README.md']));
    const r = await build({ datasetDir: dir, quiet: true, cacheDir: null, site: false });
    expect(r.outDir).toBe(path.join(dir, 'out', 'build'));
    expect(r.exitCode).toBe(0);
    const byKey = new Map(facts(r.outDir).map((f) => [key(f), f]));
    expect(byKey.get('visitor_count:riverside_central_library@2023')).toMatchObject({ value: 1_200_000 });
    expect(byKey.get('collection_size:riverside_central_library@2023')).toMatchObject({ value: 452_000, unit: 'count' });
    expect(() => initDataset(dir)).toThrow(/not empty/);
  });
});
