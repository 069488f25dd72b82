import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  definitionTables,
  duckdbColumns,
  FactSchema,
  jsonSchemaOf,
  MentionSchema,
  primaryKeyOf,
  sqlSelectList,
  TABLE_NAMES,
  TABLES,
  type TableName,
} from './index.js';

type AjvCtor = typeof import('ajv/dist/2020.js').default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;
type AddFormats = typeof import('ajv-formats').default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

/** zod (what the stages validate with) and the JSON Schema (what readers validate with) give one verdict */
function verdicts(row: Record<string, unknown>): { zod: boolean; json: boolean } {
  return { zod: FactSchema.safeParse(row).success, json: ajv.validate(jsonSchemaOf('facts'), [row]) };
}

const fact = {
  fact_id: 'f_0123456789abcdef',
  metric: 'zone_count',
  subject: 'national',
  period: '2012',
  period_start: '2012-01-01',
  period_end: '2012-12-31',
  period_basis: 'stated',
  metric_kind: 'stock',
  value: 105,
  unit: 'count',
  lo: 105,
  hi: 105,
  lo_exclusive: false,
  hi_exclusive: false,
  status: 'single',
  n_mentions: 1,
  n_sources: 1,
  mention_ids: ['m_0123456789abcdef'],
  alt_mention_ids: [],
  chosen_mention_id: 'm_0123456789abcdef',
  rule: 'R1',
  resolution: '1 mention: 105 zones',
  is_target: false,
  in_series: true,
};

describe('table contracts', () => {
  it('every table has columns, and its primary key is among them', () => {
    for (const name of TABLE_NAMES) {
      const cols = columnsOf(name).map((c) => c.name);
      expect(cols.length, name).toBeGreaterThan(0);
      for (const k of primaryKeyOf(name)) expect(cols, name).toContain(k);
    }
  });

  it('every foreign key names a column of its table and the primary key of another', () => {
    let n = 0;
    for (const name of TABLE_NAMES) {
      for (const fk of TABLES[name].foreignKeys) {
        n++;
        expect(columnsOf(name).map((c) => c.name), name).toContain(fk.column);
        expect(TABLE_NAMES, name).toContain(fk.table);
        expect(primaryKeyOf(fk.table as TableName), `${name} → ${fk.table}`).toEqual([fk.key]);
      }
    }
    expect(n).toBeGreaterThan(0);
  });

  it('the zod row schema and the JSON Schema have the same columns, in the same order', () => {
    expect(Object.keys(FactSchema.shape)).toEqual(jsonSchemaOf('facts').items.required);
    expect(Object.keys(MentionSchema.shape)).toEqual(Object.keys(jsonSchemaOf('mentions').items.properties));
    for (const name of TABLE_NAMES) expect(jsonSchemaOf(name).items.required).toEqual(columnsOf(name).map((c) => c.name));
  });

  it('zod and the JSON Schema accept a sound row and both refuse each broken one', () => {
    expect(verdicts(fact)).toEqual({ zod: true, json: true });
    const broken: Record<string, unknown>[] = [
      { ...fact, status: 'maybe' }, // not one of the statuses
      { ...fact, unit: 'furlongs' }, // not a unit
      { ...fact, metric: null }, // not nullable
      { ...fact, n_mentions: -1 }, // below the minimum
      { ...fact, n_sources: 1.5 }, // not an integer
      { ...fact, mention_ids: ['f_0123456789abcdef'] }, // an item not matching the mention id pattern
      { ...fact, period_end: '31.12.2012' }, // not an ISO date
    ];
    for (const row of broken) expect(verdicts(row), JSON.stringify(row)).toEqual({ zod: false, json: false });
  });

  it('derives the DuckDB / Parquet type and the unit of each column', () => {
    const facts = new Map(columnsOf('facts').map((c) => [c.name, c]));
    expect(facts.get('value')).toMatchObject({ duckdbType: 'DOUBLE', nullable: true, unit: expect.stringContaining('unit column') });
    expect(facts.get('n_mentions')).toMatchObject({ duckdbType: 'BIGINT', nullable: false });
    expect(facts.get('period_end')).toMatchObject({ duckdbType: 'DATE' });
    expect(facts.get('mention_ids')).toMatchObject({ duckdbType: 'VARCHAR[]', pattern: '^m_[0-9a-f]{16}$' });
    expect(new Map(columnsOf('mentions').map((c) => [c.name, c.unit])).get('char_start')).toBe('Unicode code points');
  });

  it('derives the read_json column types, for some columns, dates as text when asked', () => {
    expect(duckdbColumns('errors')).toBe("{source_id: 'VARCHAR', reason: 'VARCHAR', message: 'VARCHAR'}");
    expect(duckdbColumns('sources', ['published', 'source_id'])).toBe("{source_id: 'VARCHAR', published: 'DATE'}");
    expect(duckdbColumns('sources', ['published'], { datesAsText: true })).toBe("{published: 'VARCHAR'}");
    expect(() => duckdbColumns('sources', ['nope'])).toThrow(/no column nope/);
  });

  it('derives the SQL select list, lists as one string when asked', () => {
    expect(sqlSelectList('series')).toBe('fact_id, metric, subject, period, period_end, value, unit, lo, hi, status');
    const facts = sqlSelectList('facts', { listsAsText: true });
    expect(facts).toContain("array_to_string(mention_ids, ' ') AS mention_ids");
    expect(facts.split(', ').at(-1)).toBe('in_series');
  });

  it('the definition tables keep only their columns, ordered by id', () => {
    // as the lexicon has them: with the words that find them in a text, which are not published
    const zoneCount = { id: 'zone_count', kind: 'stock' as const, unit_kinds: ['count'], definition: 'How many zones there are.', synonyms: ['zones'] };
    const t = definitionTables({
      metrics: [zoneCount, { id: 'area', kind: 'stock', unit_kinds: ['km2'], definition: 'Land area of a zone.' }],
      subjects: [
        { id: 'riverside', kind: 'city', role: 'place', name: 'Riverside', aliases: ['Riverside'], parent: null },
        { id: 'national', kind: 'aggregate', role: 'aggregate', name: 'All zones', aliases: ['the zones'], parent: null },
      ],
    });
    expect(t.metrics).toEqual([
      { id: 'area', kind: 'stock', unit_kinds: ['km2'], definition: 'Land area of a zone.' },
      { id: 'zone_count', kind: 'stock', unit_kinds: ['count'], definition: 'How many zones there are.' },
    ]);
    expect(t.subjects).toEqual([
      { id: 'national', kind: 'aggregate', role: 'aggregate', name: 'All zones', aliases: ['the zones'], parent: null },
      { id: 'riverside', kind: 'city', role: 'place', name: 'Riverside', aliases: ['Riverside'], parent: null },
    ]);
    expect(ajv.validate(jsonSchemaOf('metrics'), t.metrics)).toBe(true);
    expect(ajv.validate(jsonSchemaOf('subjects'), t.subjects)).toBe(true);
  });
});
