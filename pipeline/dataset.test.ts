import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, defaultDatasetDir, loadDataset } from './dataset.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-dataset-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A copy of the default dataset's configuration (not its sources) with one file edited. */
function edited(file: string, edit: (s: string) => string): string {
  const dir = path.join(tmp, `d${n++}`);
  cpSync(defaultDatasetDir(), dir, { recursive: true });
  const p = path.join(dir, file);
  writeFileSync(p, edit(readFileSync(p, 'utf8')));
  return dir;
}

/** The 1-based line of the first line of `file` in `dir` that contains `needle`. */
function lineOf(dir: string, file: string, needle: string): number {
  return readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('loadDataset', () => {
  it('loads the default dataset: vocabulary, rules, decisions, relations, and a hash for every declared file', async () => {
    const d = await loadDataset();
    expect(d.name).toBe('china-zones');
    expect(path.basename(d.sourcesDir)).toBe('sources');
    expect(d.lexicon.metrics.some((m) => m.id === 'operating_revenue')).toBe(true);
    expect(d.rules.rules.map((r) => r.id)).toEqual(['R1', 'R2', 'R3']);
    expect(Object.keys(d.files)).toEqual([
      'dataset.yaml',
      'decisions.yaml',
      'relations.yaml',
      'rules.yaml',
      'vocabulary/metrics.yaml',
      'vocabulary/periods.yaml',
      'vocabulary/subjects.yaml',
    ]);
    for (const sha of Object.values(d.files)) expect(sha).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a relation naming a metric the vocabulary lacks is refused, with file, line and the bad id', async () => {
    const dir = edited('relations.yaml', (s) => s.replace('share_metric: share_of_high_tech_enterprises', 'share_metric: high_tech_enterprise_share'));
    const line = lineOf(dir, 'relations.yaml', 'share_metric: high_tech_enterprise_share');
    await expect(loadDataset(dir)).rejects.toThrow(new RegExp(`relations\\.yaml:${line}: relation high-tech-enterprise-share: unknown metric 'high_tech_enterprise_share' in share_metric`));
  });

  it('a relation naming an unknown subject is refused', async () => {
    const dir = edited('relations.yaml', (s) => s.replace('subject: national', 'subject: nation'));
    await expect(loadDataset(dir)).rejects.toThrow(/relations\.yaml:\d+: .*unknown subject 'nation'/);
  });

  it('a decision pinning an unknown metric is refused', async () => {
    const dir = edited('decisions.yaml', () => "decisions:\n  - id: D1\n    source_id: s\n    exact: '105'\n    pin: { metric: zone_cnt }\n    reason: for the test\n");
    await expect(loadDataset(dir)).rejects.toThrow(/decisions\.yaml:5: decision D1: unknown metric 'zone_cnt'/);
  });

  it("a metric whose units disagree with its kind is refused (a stock in percent, a ratio in yuan)", async () => {
    const dir = edited('vocabulary/metrics.yaml', (s) => s.replace(/(- id: area\n {4}kind: stock\n {4}unit_kinds: )\[km2\]/, '$1[percent]'));
    const line = lineOf(dir, 'vocabulary/metrics.yaml', 'unit_kinds: [percent]');
    await expect(loadDataset(dir)).rejects.toThrow(new RegExp(`metrics\\.yaml:${line}: metric area: a stock cannot take percent`));
  });

  it('a rule pattern that JavaScript accepts but DuckDB (RE2) cannot run is refused', async () => {
    // a look-behind: valid in JavaScript, not in RE2
    const dir = edited('rules.yaml', (s) => s.replace("publisher_pattern: 'China Daily|Xinhua|Newsletter|News'", "publisher_pattern: '(?<!Not )News'"));
    await expect(loadDataset(dir)).rejects.toThrow(/rules\.yaml:\d+: source kind press_report: publisher_pattern does not compile in DuckDB/);
  });

  it('a declaration that is not of the dataset shape is a DatasetError naming the line', async () => {
    const dir = edited('dataset.yaml', (s) => s.replace('format: figtrail-dataset/1', 'format: figtrail-dataset/9'));
    await expect(loadDataset(dir)).rejects.toBeInstanceOf(DatasetError);
    await expect(loadDataset(dir)).rejects.toThrow(/dataset\.yaml:\d+: format/);
    await expect(loadDataset(path.join(tmp, 'missing'))).rejects.toThrow(/no such dataset folder/);
  });
});

describe('loadDataset: every file is validated where it is', () => {
  it('a relation regex that does not compile is refused with its line', async () => {
    const dir = edited('relations.yaml', (s) => s.replace("last_part_joiner: '\\band\\b'", "last_part_joiner: '(and'"));
    const line = lineOf(dir, 'relations.yaml', "last_part_joiner: '(and'");
    await expect(loadDataset(dir)).rejects.toThrow(new RegExp(`relations\\.yaml:${line}: relations\\.\\d+\\.last_part_joiner: not a valid regular expression`));
  });
  it('a rule with an unknown rule name is refused with its line', async () => {
    const dir = edited('rules.yaml', (s) => s.replace('name: latest_publication', 'name: newest_first'));
    const line = lineOf(dir, 'rules.yaml', 'name: newest_first');
    await expect(loadDataset(dir)).rejects.toThrow(new RegExp(`rules\\.yaml:${line}: rules\\.2\\.name`));
  });
});

describe('loadDataset: site charts', () => {
  it('the default dataset charts its zone count and revenue; a chart of an unknown metric is refused', async () => {
    expect((await loadDataset()).charts.map((c) => `${c.metric}:${c.subject}`)).toEqual(['zone_count:national', 'operating_revenue:national']);
    const dir = edited('dataset.yaml', (s) => s.replace('metric: operating_revenue', 'metric: revenue'));
    await expect(loadDataset(dir)).rejects.toThrow(/dataset\.yaml:\d+: chart 2: unknown metric 'revenue'/);
  });
});
