import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalCli } from './command.js';
import { loadGold } from './gold.js';
import { checkThresholds, formatReport } from './report.js';
import { periodSpan, readMentions, score } from './score.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const BUILD = path.join(here, 'fixtures', 'build');
const GOLD = path.join(here, 'fixtures', 'gold');

// Expected figures worked out by hand from fixtures/gold/tiny-news.yaml and fixtures/build/mentions.json:
// 5 gold figures, 7 mentions (2 on no gold row, 1 extra on the range).
describe('score (hand-made build fixture)', () => {
  const result = score(loadGold(GOLD, BUILD), readMentions(BUILD));

  it('counts per field', () => {
    const f = result.fields;
    expect([f.value.gold, f.value.found, f.value.right]).toEqual([5, 7, 3]);
    expect([f.value_unit.right, f.bound.right, f.full.right]).toEqual([2, 3, 1]);
    expect([f.metric.gold, f.metric.found, f.metric.right]).toEqual([1, 2, 1]);
    expect([f.subject.gold, f.subject.found, f.subject.right]).toEqual([3, 5, 3]);
    expect([f.period.gold, f.period.found, f.period.right]).toEqual([3, 4, 2]);
    expect(f.value.f1).toBe(0.5);
    expect(f.value_unit.f1).toBe(0.3333);
    expect(f.full).toMatchObject({ precision: 0.1429, recall: 0.2, f1: 0.1667 });
    expect(f.metric.f1).toBe(0.6667);
    expect(f.subject.f1).toBe(0.75);
    expect(f.period.f1).toBe(0.5714);
    expect([result.unexpected, result.extra, result.mentions, result.must_not]).toEqual([2, 1, 7, 3]);
  });

  it('reports every must-not row the build violated', () => {
    expect(result.negatives.map((n) => [n.line, n.quote, n.rule.split(':')[0]])).toEqual([
      [4, '€3 billion', 'must not be metric=enterprise_count'],
      [32, '500', 'not a figure'],
      [35, '12', 'not a figure'],
    ]);
  });

  it('lists the worst misses first: missing, then wrong value, unit … period', () => {
    expect(result.worst.map((m) => [m.quote, m.wrong])).toEqual([
      ['45 cents', ['missing']],
      ['between 150 and 160', ['value', 'bound']],
      ['€3 billion', ['unit']],
      ['120 incubators', ['period']],
    ]);
  });

  it('prints a deterministic table', () => {
    const text = formatReport(result, 'fixture');
    expect(text).toBe(formatReport(score(loadGold(GOLD, BUILD), readMentions(BUILD)), 'fixture'));
    expect(text).toContain('value+unit       5      7      2      0.286   0.400  0.333');
    expect(text).toContain('negatives hit: 3');
  });
});

describe('thresholds', () => {
  const result = score(loadGold(GOLD, BUILD), readMentions(BUILD));
  it('fails when a floor is missed and passes when it is met', () => {
    expect(checkThresholds(result, { minF1: { value_unit: 0.95, full: 0.1 }, maxNegatives: 0 })).toEqual([
      { what: 'F1 value+unit', actual: 0.3333, limit: 0.95 },
      { what: 'negatives hit', actual: 3, limit: 0 },
    ]);
    expect(checkThresholds(result, { minF1: { value: 0.5, full: 0.16 }, maxNegatives: 3 })).toEqual([]);
  });

  it('figtrail eval exits 1 below a threshold, 0 above, and --json carries the numbers', () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    expect(runEvalCli([GOLD, '--build', BUILD, '--min-f1-value-unit', '0.95', '--min-f1-full', '0.9', '--max-negatives', '0'], BUILD, io)).toBe(1);
    expect(err.join('')).toContain('below threshold: F1 full reading 0.167 (min 0.9)');
    out.length = 0;
    expect(runEvalCli([GOLD, '--build', BUILD, '--json', '--min-f1-value', '0.5'], BUILD, io)).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json.fields.value.f1).toBe(0.5);
    expect(json.threshold_failures).toEqual([]);
  });
});

describe('gold files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-gold-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('names file and line of a row that does not validate', () => {
    const f = write('bad.yaml', 'source: tiny-news\nfigures:\n  - quote: 45 cents\n    value: 0.45\n    unit: dollars\n');
    expect(() => loadGold(f, BUILD)).toThrow(/bad\.yaml:5: figures\.0\.unit: unit must be one of/);
    const v = write('badvalue.yaml', 'source: tiny-news\nfigures:\n  - quote: 45 cents\n    unit: USD\n    value: lots\n');
    expect(() => loadGold(v, BUILD)).toThrow(/badvalue\.yaml:5: figures\.0\.value: value must be a number/);
  });

  it('refuses an anchor that is ambiguous, absent, or overlaps another figure', () => {
    const amb = write('amb.yaml', 'source: tiny-news\nfigures:\n  - quote: "1"\n    value: 1\n    unit: count\n');
    expect(() => loadGold(amb, BUILD)).toThrow(/amb\.yaml:3: quote "1" occurs \d+ times/);
    const absent = write('absent.yaml', 'source: tiny-news\nfigures:\n  - quote: "46 cents"\n    value: 0.46\n    unit: USD\n');
    expect(() => loadGold(absent, BUILD)).toThrow(/absent\.yaml:3: quote "46 cents" is not in the text layer/);
    const overlap = write('overlap.yaml', 'source: tiny-news\nfigures:\n  - quote: "150 and 160"\n    value: [150, 160]\n    unit: count\n    bound: range\n  - quote: "160"\n    value: 160\n    unit: count\n');
    expect(() => loadGold(overlap, BUILD)).toThrow(/overlap\.yaml:7: quote "160" overlaps the figure of line 3/);
  });

  it('pins a repeated anchor by occurrence and matches across line breaks', () => {
    const f = write('occ.yaml', 'source: tiny-news\nfigures:\n  - quote: "in"\n    occurrence: 2\n    value: 1\n    unit: count\n  - quote: "which had 120"\n    value: 120\n    unit: count\n');
    const [doc] = loadGold(f, BUILD);
    expect(doc!.figures[0]!.span).toEqual({ start: 22, end: 24 });
    expect(doc!.figures[1]!.text).toBe('which had\n120');
  });
});

describe('periodSpan', () => {
  it('equates ids that cover the same days', () => {
    expect(periodSpan('2023-H1')).toBe(periodSpan('2023-01/2023-06'));
    expect(periodSpan('2023-Q1/2023-Q3')).toBe('2023-01-01..2023-09-30');
    expect(periodSpan('2024-02')).toBe('2024-02-01..2024-02-29');
    expect(periodSpan('2023')).not.toBe(periodSpan('2023-H1'));
    expect(periodSpan('someday')).toBe('someday');
  });
});
