import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../checks/index.js';
import { contextFromFixture, type Fixture } from '../../checks/testing.js';
import type { CheckContext, Finding } from '../../checks/types.js';
import { TABLE_SCHEMAS } from '../../contracts/index.js';
import type { ManifestEntry } from '../../extract/manifest.js';
import { CheckStep } from './check.js';

// text written for this test: shares, a growth rate, and figures of a metric over two years
const TEXT = 'The share was 36.5 percent and later 130 percent. Revenue was 200 yuan in 2020 and 240 yuan in 2021, up 20 percent.';
const at = (quote: string, from = 0) => {
  const start = TEXT.indexOf(quote, from);
  return { char_start: start, char_end: start + quote.length, quote, prefix: TEXT.slice(Math.max(0, start - 32), start), suffix: TEXT.slice(start + quote.length, start + quote.length + 32), sentence: TEXT };
};
const fixture: Fixture = {
  description: 'one source read by the build',
  sources: [{ source_id: 's', file: 's.html', media_type: 'text/html' }],
  texts: { s: TEXT },
  mentions: [
    { mention_id: 'm_0000000000000001', source_id: 's', ...at('36.5 percent'), value: 36.5, value_text: '36.5', unit: 'percent', metric: 'share_of_high_tech_enterprises', subject: 'national' },
    { mention_id: 'm_0000000000000002', source_id: 's', ...at('130 percent'), value: 130, value_text: '130', unit: 'percent', metric: 'share_of_high_tech_enterprises', subject: 'national' },
    { mention_id: 'm_0000000000000003', source_id: 's', ...at('200 yuan'), value: 200, value_text: '200', unit: 'CNY', metric: 'operating_revenue', subject: 'national', period: '2020' },
    { mention_id: 'm_0000000000000004', source_id: 's', ...at('240 yuan'), value: 240, value_text: '240', unit: 'CNY', metric: 'operating_revenue', subject: 'national', period: '2021' },
    { mention_id: 'm_0000000000000005', source_id: 's', ...at('20 percent'), value: 20, value_text: '20', unit: 'percent', metric: 'operating_revenue_growth', subject: 'national', period: '2021' },
  ],
  skips: [{ source_id: 's', char_start: TEXT.indexOf('2020'), char_end: TEXT.indexOf('2020') + 4, text: '2020', reason: 'year' }],
  facts: [
    { fact_id: 'f_1', metric: 'operating_revenue', subject: 'national', period: '2020', value: 200, unit: 'CNY', mention_ids: ['m_0000000000000003'], chosen_mention_id: 'm_0000000000000003' },
    { fact_id: 'f_2', metric: 'operating_revenue', subject: 'national', period: '2021', value: 240, unit: 'CNY', mention_ids: ['m_0000000000000004'], chosen_mention_id: 'm_0000000000000004' },
    // a fact on a mention that does not exist (facts-have-mentions) and a share over 100 (percent-range)
    { fact_id: 'f_3', metric: 'share_of_high_tech_enterprises', subject: 'national', value: 130, unit: 'percent', mention_ids: ['m_00000000000000ff'] },
  ],
};

/** Rows the way a build hands them over (read from disk on each pass), counting the passes. */
function counted<T>(rows: readonly T[]): Iterable<T> & { passes: number } {
  return {
    passes: 0,
    *[Symbol.iterator]() {
      this.passes++;
      yield* rows;
    },
  };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-checkstep-test-'));
  writeFileSync(path.join(dir, 's.html'), `<p>${TEXT}</p>`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function viaStep(ctx: CheckContext, mentions: Iterable<CheckContext['mentions'] extends Iterable<infer M> ? M : never>, rowSchemas: boolean): Promise<Finding[]> {
  const step = new CheckStep({
    manifest: [{ id: 's', file: 's.html' } as ManifestEntry],
    sourcesDir: dir,
    pageTextsDir: dir,
    relations: ctx.relations,
    ...(rowSchemas ? { rowSchemas: { mentions: TABLE_SCHEMAS.mentions, skips: TABLE_SCHEMAS.skips } } : {}),
  });
  const rows = { sources: ctx.sources, mentions, skips: ctx.skips, texts: ctx.texts };
  await step.early(rows);
  const tables = new Map<string, { rows: Iterable<unknown>; schema: object }>([
    ['mentions', { rows: mentions, schema: TABLE_SCHEMAS.mentions }],
    ['skips', { rows: ctx.skips, schema: TABLE_SCHEMAS.skips }],
    ['facts', { rows: ctx.facts, schema: TABLE_SCHEMAS.facts }],
  ]);
  return step.late(rows, ctx.facts, tables);
}

describe('CheckStep: one pass over the mentions', () => {
  for (const invalidRow of [false, true]) {
    it(`finds what every rule finds over all rows at once${invalidRow ? ' (a mention breaks its schema)' : ''}, reading the mentions once`, async () => {
      const ctx = contextFromFixture(fixture);
      const all = [...ctx.mentions] as Record<string, unknown>[];
      // a column no schema knows: schema-valid's finding, ignored by the other rules
      if (invalidRow) all[1] = { ...all[1], not_a_column: 1 };
      const mentions = counted(all as unknown as CheckContext['mentions'] extends Iterable<infer M> ? M[] : never);
      const found = await viaStep(ctx, mentions, true);
      expect(mentions.passes).toBe(1);
      const raw = await import('node:fs').then((fs) => fs.readFileSync(path.join(dir, 's.html')));
      const expected = await runChecks({
        ...ctx,
        mentions: all as unknown as CheckContext['mentions'],
        readRaw: async () => new Uint8Array(raw),
        tables: new Map([
          ['mentions', { rows: all, schema: TABLE_SCHEMAS.mentions }],
          ['skips', { rows: ctx.skips, schema: TABLE_SCHEMAS.skips }],
          ['facts', { rows: ctx.facts, schema: TABLE_SCHEMAS.facts }],
        ]),
      });
      expect(found).toEqual(expected);
      const rules = (id: string) => found.filter((f) => f.rule_id === id && f.status === 'fail').map((f) => f.message);
      expect(rules('percent-range')).toHaveLength(2);
      expect(rules('facts-have-mentions')).toEqual(['fact f_3: mention_ids not in mentions: m_00000000000000ff']);
      expect(rules('schema-valid')).toEqual(invalidRow ? ['table mentions: 1 of 5 rows invalid', 'table mentions, row 1: / must NOT have additional properties'] : []);
      expect(found.filter((f) => f.rule_id === 'stated-growth')).toHaveLength(1);
    });
  }
  it('without the row schemas, schema-valid reads the mentions table itself (a second pass)', async () => {
    const ctx = contextFromFixture(fixture);
    const mentions = counted([...ctx.mentions]);
    const found = await viaStep(ctx, mentions, false);
    expect(mentions.passes).toBe(2);
    expect(found.filter((f) => f.rule_id === 'schema-valid' && f.place.table === 'mentions').map((f) => f.message)).toEqual(['table mentions: 5 rows valid']);
  });
});
