import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS, compareFindings, runChecks } from './index.js';
import { loadRelations, parseRelations, relationOf } from './relations.js';

const DEFAULT_RELATIONS_PATH = fileURLToPath(new URL('../dataset/relations.yaml', import.meta.url));
import { check as schemaValid, MAX_ROW_FINDINGS } from './rules/schema-valid.js';
import { contextFromFixture, mentionWithDefaults, readFixture } from './testing.js';
import type { Check, Finding } from './types.js';
import { finding, fmtPct, mentionInterval, roundingHalfUnit, type Slack } from './util.js';
import { sentenceClauses } from './sentences.js';

const SLACK: Slack = { open_bound_slack: 0.1, approx_slack: 0.05, epsilon: 1e-9 };

describe('relations', () => {
  it('the default dataset\'s relations.yaml loads and declares every kind the rules read', () => {
    const rels = loadRelations(DEFAULT_RELATIONS_PATH);
    for (const kind of ['tolerances', 'percent_range', 'monotonic', 'parts_sum_phrases', 'share_phrases', 'cumulative_thresholds', 'growth'] as const) {
      expect(() => relationOf(rels, kind)).not.toThrow();
    }
    expect(relationOf(rels, 'monotonic').metric).toBe('zone_count');
  });
  it('reads a stated share after the standard phrasings only, not after a misspelling', () => {
    const between = new RegExp(relationOf(loadRelations(DEFAULT_RELATIONS_PATH), 'share_phrases').accounting_between, 'iu');
    for (const gap of [', accounting for ', ', which accounts for ', ', and accounted for ', ', making up ', ', representing ', ', equal to ']) {
      expect({ gap, share: between.test(gap) }).toEqual({ gap, share: true });
    }
    for (const gap of [', accouting for ', ', acconting for ', ' in ']) expect({ gap, share: between.test(gap) }).toEqual({ gap, share: false });
  });
  it('rejects an unknown kind, a bad regex and a growth relation without metrics', () => {
    expect(() => parseRelations('version: 1\nrelations:\n  - kind: nonsense\n')).toThrow(/invalid relations file/);
    expect(() => parseRelations("version: 1\nrelations:\n  - kind: share_phrases\n    or_between: '('\n    of_after: x\n    accounting_between: x\n    whole_cue_before: x\n")).toThrow(/regular expression/);
    expect(() => parseRelations('version: 1\nrelations:\n  - kind: growth\n    id: g\n    tolerance_pp: 1\n')).toThrow(/growth_metric/);
    expect(() => parseRelations('version: 2\nrelations: []\n')).toThrow();
  });
});

describe('numbers', () => {
  it('rounding half unit follows the stated digits and scale', () => {
    expect(roundingHalfUnit('6.98 million', 6_980_000, 'persons')).toBeCloseTo(5_000, 6);
    expect(roundingHalfUnit('14 million', 14_000_000, 'persons')).toBeCloseTo(500_000, 6);
    expect(roundingHalfUnit('36.5', 36.5, 'percent')).toBeCloseTo(0.05, 9);
    expect(roundingHalfUnit('48', 48, 'percent')).toBe(0.5);
    expect(roundingHalfUnit('229', 229, 'count')).toBe(0);
    expect(roundingHalfUnit('78,000', 78_000, 'count')).toBe(0);
  });
  it('"more than N" is [N, N × 1.1]; "about N" N × (1 ± 0.05); published lo/hi win', () => {
    const m = (over: object) => mentionWithDefaults({ quote: 'x', value: 21_500, value_text: '21,500', ...over });
    const over = mentionInterval(m({ bound: 'lower', lo: 21_500 }), SLACK);
    expect(over.lo).toBe(21_500);
    expect(over.hi).toBeCloseTo(23_650, 6);
    expect(mentionInterval(m({ bound: 'upper', hi: 100, value: 100 }), SLACK)).toEqual({ lo: 90, hi: 100 });
    expect(mentionInterval(m({ bound: 'approx', value: 200 }), SLACK)).toEqual({ lo: 190, hi: 210 });
    expect(mentionInterval(m({ bound: 'exact', lo: 21_000, hi: 22_000 }), SLACK)).toEqual({ lo: 21_000, hi: 22_000 });
  });
  it('formats shares with one decimal', () => {
    expect(fmtPct((21_500 / 78_000) * 100)).toBe('27.6 %');
    expect(fmtPct((6.98 / 14) * 100)).toBe('49.9 %');
  });
});

describe('sentence clauses', () => {
  it('takes gaps from the text layer by code points (an astral character before the figures)', () => {
    const text = '𝟙 Zones. In 2013, 2 zones and 6 parks.';
    // code points: "𝟙" is one; "2" of "2 zones" sits at 18, "6" at 30; the head stops at "Zones. "
    const s = 'In 2013, 2 zones and 6 parks.';
    const ctx = contextFromFixture({
      description: 'x',
      texts: { a: text },
      mentions: [
        { mention_id: 'm_0000000000000001', source_id: 'a', char_start: 18, char_end: 19, quote: '2', value: 2, sentence: s },
        { mention_id: 'm_0000000000000002', source_id: 'a', char_start: 30, char_end: 31, quote: '6', value: 6, sentence: s },
      ],
    });
    const [c] = sentenceClauses(ctx);
    expect(c?.gaps).toEqual(['In 2013, ', ' zones and ', ' parks']);
  });
});

describe('runChecks', () => {
  const boom: Check = { ruleId: 'boom', description: 'throws', run: async () => { throw new Error('kaput'); } };
  const many: Check = {
    ruleId: 'many',
    description: 'unordered findings',
    run: async () => [
      finding('many', 'warning', 'fail', 'b', { source_id: 's2', char_start: 5 }),
      finding('many', 'warning', 'fail', 'a', { source_id: 's1', char_start: 50 }),
      finding('many', 'warning', 'fail', 'c', { source_id: 's1', char_start: 7 }),
      finding('many', 'info', 'pass', 'z'),
    ],
  };
  it('turns a crashing check into an error finding and sorts deterministically', async () => {
    const ctx = contextFromFixture({ description: 'empty' });
    const fs = await runChecks(ctx, [many, boom]);
    expect(fs.map((f) => `${f.rule_id}:${f.message}`)).toEqual(['boom:check boom crashed: kaput', 'many:z', 'many:c', 'many:a', 'many:b']);
    expect(fs[0]!.severity).toBe('error');
    const shuffled = [...fs].reverse().sort(compareFindings);
    expect(shuffled).toEqual(fs);
  });
  it('runs all rules on an empty context without failures', async () => {
    const fs: Finding[] = await runChecks(contextFromFixture({ description: 'empty' }));
    expect(fs.filter((f) => f.status === 'fail')).toEqual([]);
    expect(new Set(fs.map((f) => f.rule_id)).size).toBeGreaterThan(0);
    expect(CHECKS).toHaveLength(13);
  });
});

describe('schema-valid caps listed rows', () => {
  it(`lists ${MAX_ROW_FINDINGS} bad rows and a summary counting the rest`, async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ n: `x${i}` }));
    const ctx = contextFromFixture({
      description: 'cap',
      tables: { t: { rows, schema: { type: 'object', properties: { n: { type: 'integer' } } } } },
    });
    const fs = await schemaValid.run(ctx);
    expect(fs).toHaveLength(MAX_ROW_FINDINGS + 1);
    expect(fs.at(-1)!.message).toBe('table t: 25 of 25 rows invalid (5 not listed)');
  });

  it('a schema that breaks the JSON Schema meta-schema is one error finding, its rows are not validated', async () => {
    const ctx = contextFromFixture({
      description: 'bad schema',
      tables: {
        a: { rows: [{ n: 1 }], schema: { type: 'object', properties: { n: { type: 'integer' } } } },
        b: { rows: [{ n: 'x' }], schema: { type: 'object', properties: { n: { type: 'whole number' } } } },
      },
    });
    const fails = (await schemaValid.run(ctx)).filter((f) => f.status === 'fail');
    expect(fails).toHaveLength(1);
    expect(fails[0]!.place.table).toBe('b');
    expect(fails[0]!.message).toMatch(/^table b: its JSON Schema does not compile: schema is invalid: data\/properties\/n\/type must be equal to one of the allowed values/);
  });
});

describe('phrase detectors do not fire on each other\'s sentences', () => {
  const detectors = CHECKS.filter((c) => ['parts-sum', 'stated-share', 'cumulative-counts'].includes(c.ruleId));
  it.each([
    ['parts-sum/ok.json', 'parts-sum'],
    ['stated-share/not-ok.json', 'stated-share'],
    ['cumulative-counts/ok.json', 'cumulative-counts'],
  ])('%s only gives findings of %s', async (file, own) => {
    const fx = readFixture(fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url)));
    const fs = await runChecks(contextFromFixture(fx), detectors);
    expect(fs.length).toBeGreaterThan(0);
    expect(fs.filter((f) => f.rule_id !== own)).toEqual([]);
  });
});

describe('needsFacts', () => {
  it('is declared by every rule that reads facts or tables, and only by them', async () => {
    const { readFileSync } = await import('node:fs');
    for (const c of CHECKS) {
      const src = readFileSync(new URL(`./rules/${c.ruleId}.ts`, import.meta.url), 'utf8');
      expect({ rule: c.ruleId, needsFacts: c.needsFacts === true }).toEqual({ rule: c.ruleId, needsFacts: /ctx\.(facts|tables)\b/.test(src) });
    }
  });
});

describe('rules read one source at a time (bySource), as a build runs them', () => {
  // a build calls bySource on each source's rows in turn and afterSources once: for every
  // fixture, that must give exactly the findings run gives over all sources at once
  const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
  const streamed = CHECKS.filter((c) => c.bySource);
  it('covers the per-source rules', () => {
    expect(streamed.map((c) => c.ruleId).sort()).toEqual(['coverage', 'cumulative-counts', 'parts-sum', 'quote-at-bytes', 'quote-at-offsets', 'quote-on-page', 'source-sha256', 'stated-share']);
  });
  for (const c of streamed) {
    it(`${c.ruleId}: bySource over each source + afterSources = run over all`, async () => {
      const dir = path.join(fixturesDir, c.ruleId);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(0);
      let sourcesSeen = 0;
      for (const f of files) {
        const ctx = contextFromFixture(readFixture(path.join(dir, f)));
        const ids = new Set<string>([...ctx.sources.map((s) => s.source_id), ...[...ctx.mentions].map((m) => m.source_id), ...[...ctx.skips].map((s) => s.source_id), ...ctx.texts.keys()]);
        const parts: Finding[] = [];
        for (const id of ids) {
          sourcesSeen++;
          parts.push(
            ...(await c.bySource!({
              ...ctx,
              sources: ctx.sources.filter((s) => s.source_id === id),
              mentions: [...ctx.mentions].filter((m) => m.source_id === id),
              skips: [...ctx.skips].filter((s) => s.source_id === id),
              texts: new Map([...ctx.texts].filter(([k]) => k === id)),
              // as the build runs them: while DuckDB reconciles, before there are facts or tables
              facts: [],
              tables: new Map(),
            })),
          );
        }
        parts.push(...((await c.afterSources?.(ctx)) ?? []));
        expect({ f, findings: [...parts].sort(compareFindings) }).toEqual({ f, findings: [...(await c.run(ctx))].sort(compareFindings) });
      }
      expect(sourcesSeen).toBeGreaterThan(0);
    });
  }
});

describe('rules over the facts read only the parts of the mentions they declare (mentionPart), as a build runs them', () => {
  // a build keeps each mention's part while it reads the sources' rows once, and runs the rule over those parts
  const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
  const withParts = CHECKS.filter((c) => c.mentionPart);
  it('is declared by every rule over the facts that reads the mentions itself (not one source at a time)', async () => {
    const { readFileSync } = await import('node:fs');
    for (const c of CHECKS.filter((c) => c.needsFacts && !c.bySource)) {
      const src = readFileSync(new URL(`./rules/${c.ruleId}.ts`, import.meta.url), 'utf8');
      expect({ rule: c.ruleId, mentionPart: c.mentionPart !== undefined }).toEqual({ rule: c.ruleId, mentionPart: /ctx\.mentions\b/.test(src) });
    }
    expect(withParts.map((c) => c.ruleId).sort()).toEqual(['facts-have-mentions', 'percent-range', 'stated-growth']);
  });
  for (const c of withParts) {
    it(`${c.ruleId}: run over the mentions' parts = run over the mentions`, async () => {
      const dir = path.join(fixturesDir, c.ruleId);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      let kept = 0;
      for (const f of files) {
        const ctx = contextFromFixture(readFixture(path.join(dir, f)));
        const parts = [...ctx.mentions].map((m) => c.mentionPart!(m)).filter((p) => p !== null);
        kept += parts.length;
        const all = await c.run(ctx);
        expect(all.length).toBeGreaterThan(0);
        expect({ f, findings: await c.run({ ...ctx, mentions: parts as typeof ctx.mentions }) }).toEqual({ f, findings: all });
      }
      expect(kept).toBeGreaterThan(0);
    });
  }
});

describe('schema-valid over rows read from disk (an iterable, not an array)', () => {
  it('finds what it finds over the same rows as an array, at their own row indices past a chunk', async () => {
    const schema = { type: 'array', items: { type: 'object', properties: { mention_id: { type: 'string' }, n: { type: 'integer' } }, required: ['mention_id', 'n'] } };
    // 4,500 rows: bad ones on both sides of the 2,000-row chunk edges
    const rows = Array.from({ length: 4500 }, (_, i) => ({ mention_id: `m_${String(i).padStart(16, '0')}`, n: [5, 1999, 2000, 4001].includes(i) ? 'x' : i }));
    const run = async (r: Iterable<unknown>) => schemaValid.run({ ...contextFromFixture({ description: 'rows' }), tables: new Map([['mentions', { rows: r, schema }]]) });
    const fromArray = await run(rows);
    const fromIterable = await run({ *[Symbol.iterator]() { yield* rows; } });
    expect(fromIterable).toEqual(fromArray);
    expect(fromArray.filter((x) => x.place.mention_id).map((x) => x.place.mention_id)).toEqual(['m_0000000000000005', 'm_0000000000001999', 'm_0000000000002000', 'm_0000000000004001']);
    expect(fromArray.at(-1)!.message).toBe('table mentions: 4 of 4500 rows invalid');
  });
});
