import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { MentionSchema } from '../extract/records.js';
import { duckdbVersion, listFiles, PARQUET_ROW_GROUP_ROWS, PublishedJsonFile, prepareRows, publishTables, PublishError, verifySha256Sums, type PublishMeta } from './publish.js';
import { columnsOf, TABLE_NAMES, TABLE_SCHEMAS, type TableName } from '../contracts/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = path.join(here, 'fixtures', 'publish');
const fixture = JSON.parse(readFileSync(path.join(fixtureDir, 'tables.json'), 'utf8')) as Record<TableName, Record<string, unknown>[]>;

const meta: PublishMeta = {
  datasetVersion: "1.2.3-it's",
  figtrailVersion: '0.1.0',
  gitCommit: 'abc123',
  inputHashes: { 'source:demo-news': '3'.repeat(64), 'source:demo-brochure': '1'.repeat(64), lexicon: 'f'.repeat(64) },
  sourceDateEpoch: null,
};

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let tmp: string;
let dirA: string;
let dirB: string;

function prepareDir(name: string): string {
  const d = path.join(tmp, name);
  mkdirSync(d, { recursive: true });
  cpSync(path.join(fixtureDir, 'text'), path.join(d, 'text'), { recursive: true });
  mkdirSync(path.join(d, 'site'));
  writeFileSync(path.join(d, 'site', 'index.html'), '<p>site</p>\n');
  return d;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-publish-test-'));
  dirA = prepareDir('a');
  dirB = prepareDir('b');
  await publishTables(dirA, structuredClone(fixture), meta);
  await publishTables(dirB, structuredClone(fixture), meta);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** the fixture row as it should be published: checks place flattened */
function expectedRow(name: TableName, row: Record<string, unknown>): Record<string, unknown> {
  if (name !== 'checks') return row;
  const { place, ...rest } = row as { place: Record<string, unknown> };
  const out: Record<string, unknown> = { ...rest };
  for (const [k, v] of Object.entries(place)) out[`place_${k}`] = v;
  return out;
}

describe('publishTables', () => {
  it('writes every file byte-identically for the same input', () => {
    const files = listFiles(dirA);
    expect(listFiles(dirB)).toEqual(files);
    for (const name of TABLE_NAMES) for (const ext of ['json', 'schema.json', 'parquet']) expect(files).toContain(`${name}.${ext}`);
    for (const f of ['dictionary.md', 'datapackage.json', 'SHA256SUMS', 'text/demo-news.txt', 'site/index.html']) expect(files).toContain(f);
    for (const f of files) expect(readFileSync(path.join(dirB, f)).equals(readFileSync(path.join(dirA, f))), f).toBe(true);
  });

  it('writes JSON rows with keys in schema order and the values given', () => {
    for (const name of TABLE_NAMES) {
      const text = readFileSync(path.join(dirA, `${name}.json`), 'utf8');
      const rows = JSON.parse(text) as Record<string, unknown>[];
      expect(rows.length).toBe(fixture[name].length);
      // one row per line
      expect(text.split('\n').length).toBe(rows.length === 0 ? 2 : rows.length + 3);
      rows.forEach((row, i) => {
        expect(Object.keys(row)).toEqual(columnsOf(name).map((c) => c.name));
        expect(row).toEqual(expectedRow(name, fixture[name][i]!));
      });
    }
  });

  it('JSON files validate against their published JSON Schemas', () => {
    const Ajv = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;
    const ajv = new (Ajv as unknown as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } })({ strict: true });
    addFormats(ajv);
    for (const name of TABLE_NAMES) {
      const schema = JSON.parse(readFileSync(path.join(dirA, `${name}.schema.json`), 'utf8')) as object;
      expect(schema).toEqual(JSON.parse(JSON.stringify(TABLE_SCHEMAS[name])));
      const validate = ajv.compile(schema);
      expect(validate(JSON.parse(readFileSync(path.join(dirA, `${name}.json`), 'utf8'))), name).toBe(true);
      expect(validate([{ nope: 1 }])).toBe(false);
    }
  });

  it('the mentions schema has exactly the MentionSchema columns, in order', () => {
    expect(columnsOf('mentions').map((c) => c.name)).toEqual(Object.keys(MentionSchema.shape));
  });

  it('Parquet files read with hyparquet give the same rows as the JSON', async () => {
    for (const name of TABLE_NAMES) {
      const buf = readFileSync(path.join(dirA, `${name}.parquet`));
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      const rows = (await parquetReadObjects({ file: ab, compressors })) as Record<string, unknown>[];
      const json = JSON.parse(readFileSync(path.join(dirA, `${name}.json`), 'utf8')) as Record<string, unknown>[];
      expect(rows.length, name).toBe(json.length);
      const cols = columnsOf(name);
      rows.forEach((r, i) => {
        const norm: Record<string, unknown> = {};
        for (const c of cols) {
          const v = r[c.name];
          if (v === null || v === undefined) norm[c.name] = v ?? null;
          else if (c.kind === 'date') {
            expect(v, `${name}.${c.name} is a DATE`).toBeInstanceOf(Date);
            norm[c.name] = (v as Date).toISOString().slice(0, 10);
          } else if (c.kind === 'integer') {
            expect(typeof v, `${name}.${c.name} is INT64`).toBe('bigint');
            norm[c.name] = Number(v);
          } else norm[c.name] = v;
        }
        expect(norm, `${name}[${i}]`).toEqual(json[i]);
      });
    }
  });

  it('Parquet columns are typed (DATE, LIST, DOUBLE, INT64, BOOLEAN) and zstd-compressed', () => {
    const buf = readFileSync(path.join(dirA, 'facts.parquet'));
    const md = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    const schema = parquetSchema(md);
    const byName = new Map(schema.children.map((c) => [c.element.name, c]));
    expect(byName.get('period_end')?.element.type).toBe('INT32');
    expect(byName.get('period_end')?.element.logical_type?.type ?? byName.get('period_end')?.element.converted_type).toBe('DATE');
    expect(byName.get('value')?.element.type).toBe('DOUBLE');
    expect(byName.get('n_mentions')?.element.type).toBe('INT64');
    expect(byName.get('is_target')?.element.type).toBe('BOOLEAN');
    const list = byName.get('mention_ids');
    expect(list?.element.logical_type?.type ?? list?.element.converted_type).toBe('LIST');
    const codecs = new Set(md.row_groups.flatMap((rg) => rg.columns.map((c) => c.meta_data?.codec)));
    expect([...codecs]).toEqual(['ZSTD']);
  });

  it('Parquet key-value metadata carries version, commit, input hashes and the DuckDB version', () => {
    for (const name of TABLE_NAMES) {
      const buf = readFileSync(path.join(dirA, `${name}.parquet`));
      const md = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
      const kv = Object.fromEntries((md.key_value_metadata ?? []).map((e) => [e.key, e.value]));
      expect(kv.dataset_version).toBe("1.2.3-it's");
      expect(kv.figtrail_version).toBe('0.1.0');
      expect(kv.git_commit).toBe('abc123');
      expect(JSON.parse(kv.input_hashes ?? 'null')).toEqual(meta.inputHashes);
      expect(kv.duckdb_version).toBe(duckdbVersion());
      expect(kv.duckdb_version).toMatch(/^v1\.5\.6/);
    }
  });

  it('SHA256SUMS lists every file but itself, sorted, and verifies', () => {
    const text = readFileSync(path.join(dirA, 'SHA256SUMS'), 'utf8');
    const lines = text.trimEnd().split('\n');
    const paths = lines.map((l) => l.slice(66));
    const all = readdirSync(dirA, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dirA, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((p) => p !== 'SHA256SUMS');
    expect([...paths].sort()).toEqual([...all].sort());
    expect(paths).toEqual([...paths].sort());
    for (const l of lines) expect(l.slice(0, 64)).toBe(sha(readFileSync(path.join(dirA, l.slice(66)))));
    expect(verifySha256Sums(dirA)).toEqual([]);
  });

  it('verifySha256Sums reports changed, missing and unlisted files', () => {
    const d = path.join(tmp, 'tamper');
    cpSync(dirA, d, { recursive: true });
    appendFileSync(path.join(d, 'text', 'demo-news.txt'), 'x');
    rmSync(path.join(d, 'dictionary.md'));
    writeFileSync(path.join(d, 'extra.txt'), 'extra');
    expect(verifySha256Sums(d).sort()).toEqual(['dictionary.md: missing', 'extra.txt: not listed in SHA256SUMS', 'text/demo-news.txt: sha256 mismatch']);
    rmSync(path.join(d, 'SHA256SUMS'));
    expect(verifySha256Sums(d)).toEqual(['SHA256SUMS: missing']);
  });

  it('datapackage.json lists every table per format and the text layers with correct hash and bytes', () => {
    const pkg = JSON.parse(readFileSync(path.join(dirA, 'datapackage.json'), 'utf8')) as {
      name: string;
      version: string;
      created?: string;
      sources: { title: string; path?: string }[];
      resources: { name: string; path: string; format: string; mediatype: string; hash: string; bytes: number; schema?: { fields: { name: string; type: string }[] } }[];
    };
    expect(pkg.name).toBe('figtrail');
    expect(pkg.version).toBe(meta.datasetVersion);
    expect('created' in pkg).toBe(false);
    const paths = pkg.resources.map((r) => r.path);
    for (const name of TABLE_NAMES) {
      expect(paths).toContain(`${name}.json`);
      expect(paths).toContain(`${name}.parquet`);
    }
    expect(paths).toContain('text/demo-brochure.txt');
    expect(paths).toContain('text/demo-news.txt');
    for (const r of pkg.resources) {
      const bytes = readFileSync(path.join(dirA, r.path));
      expect(r.hash).toBe(`sha256:${sha(bytes)}`);
      expect(r.bytes).toBe(bytes.length);
    }
    const facts = pkg.resources.find((r) => r.path === 'facts.parquet');
    expect(facts?.mediatype).toBe('application/vnd.apache.parquet');
    expect(facts?.schema?.fields.find((f) => f.name === 'mention_ids')?.type).toBe('list');
    expect(facts?.schema?.fields.find((f) => f.name === 'period_end')?.type).toBe('date');
    expect(pkg.sources.map((s) => s.title)).toEqual(fixture.sources.map((s) => s.title));
    expect(pkg.sources[1]?.path).toBe(fixture.sources[1]?.original_url);
  });

  it('dictionary.md describes every column of every table', () => {
    const md = readFileSync(path.join(dirA, 'dictionary.md'), 'utf8');
    for (const name of TABLE_NAMES) {
      expect(md).toContain(`## ${name}`);
      for (const c of columnsOf(name)) expect(md).toContain(`| \`${c.name}\` | ${c.duckdbType} |`);
    }
    expect(md).toContain('| `mention_ids` | VARCHAR[] |');
    expect(md).toContain('| `char_start` | BIGINT | no | Unicode code points |');
  });

  it('ships the definitions: metrics and subjects are tables of the package, and no repo file is pointed at', () => {
    const md = readFileSync(path.join(dirA, 'dictionary.md'), 'utf8');
    expect(md).toContain('[metrics](#metrics)');
    // no path into the repository (extract/lexicon/metrics.yaml …): readers of the data do not have it
    expect(md).not.toMatch(/\b[\w-]+\/[\w./-]+\.yaml\b/);
    const pkg = JSON.parse(readFileSync(path.join(dirA, 'datapackage.json'), 'utf8')) as { resources: { name: string }[] };
    const names = pkg.resources.map((r) => r.name);
    for (const t of ['metrics', 'subjects']) expect(names).toEqual(expect.arrayContaining([`${t}-json`, `${t}-parquet`, `${t}-json-schema`]));
    const metrics = JSON.parse(readFileSync(path.join(dirA, 'metrics.json'), 'utf8')) as { id: string; definition: string }[];
    expect(metrics.map((m) => m.id)).toEqual(fixture.metrics.map((m) => m.id));
  });

  it('dictionary.md defines corroborated as independent confirmation and consistent as agreement within one source', () => {
    const md = readFileSync(path.join(dirA, 'dictionary.md'), 'utf8');
    const status = md.split('\n').find((l) => l.startsWith('| `status` | VARCHAR | no |  | Reconciliation status:')) ?? '';
    expect(status).toContain('consistent (two or more mentions agree (their intervals intersect), but not from independent sources: one document stating it twice');
    expect(status).toContain('corroborated (two or more mentions agree, stated by independent sources: at least two documents whose named publishers differ)');
    expect(status).toContain('One of: `single`, `consistent`, `corroborated`, `resolved`, `conflict`.');
  });

  it('datapackage created comes from SOURCE_DATE_EPOCH when set', async () => {
    const d = path.join(tmp, 'epoch');
    await publishTables(d, structuredClone(fixture), { ...meta, sourceDateEpoch: 1700000000 });
    const pkg = JSON.parse(readFileSync(path.join(d, 'datapackage.json'), 'utf8')) as { created?: string };
    expect(pkg.created).toBe('2023-11-14T22:13:20Z');
  });
});

describe('prepareRows', () => {
  const good = () => structuredClone(fixture.facts[0]!);
  it('accepts a good row', () => {
    expect(prepareRows('facts', [good()])).toHaveLength(1);
  });
  it.each([
    ['missing column', (r: Record<string, unknown>) => void delete r.unit, /missing column unit/],
    ['unknown column', (r: Record<string, unknown>) => void (r.extra = 1), /unknown column extra/],
    ['string number', (r: Record<string, unknown>) => void (r.value = '27.9'), /facts\[0\]\.value: must be number,null/],
    ['NaN', (r: Record<string, unknown>) => void (r.value = Number.NaN), /not a finite number/],
    ['bad date', (r: Record<string, unknown>) => void (r.period_end = '2022-13-45'), /period_end: must match format "date"/],
    ['bad unit', (r: Record<string, unknown>) => void (r.unit = 'furlongs'), /unit: must be equal to one of the allowed values/],
    ['non-integer count', (r: Record<string, unknown>) => void (r.n_mentions = 1.5), /n_mentions: must be integer/],
  ])('rejects a row with a %s', (_label, mutate, message) => {
    const r = good();
    mutate(r);
    expect(() => prepareRows('facts', [r])).toThrow(PublishError);
    expect(() => prepareRows('facts', [r])).toThrow(message);
  });
  it('coerces BIGINT strings and bigints from DuckDB rows to numbers', () => {
    const r = good();
    r.n_mentions = '2';
    r.n_sources = 2n;
    const [out] = prepareRows('facts', [r]);
    expect(out?.n_mentions).toBe(2);
    expect(out?.n_sources).toBe(2);
  });
  it('accepts mention_ids flattened to a JSON or comma-separated string', () => {
    const a = good();
    a.mention_ids = '["m_00000000000000a1","m_00000000000000c3"]';
    const b = good();
    b.mention_ids = 'm_00000000000000a1, m_00000000000000c3';
    const c = good();
    c.mention_ids = 'm_00000000000000a1,not-an-id';
    expect(prepareRows('facts', [a, b]).map((r) => r.mention_ids)).toEqual([
      ['m_00000000000000a1', 'm_00000000000000c3'],
      ['m_00000000000000a1', 'm_00000000000000c3'],
    ]);
    expect(() => prepareRows('facts', [c])).toThrow(/mention_ids\.1: must match pattern/);
  });
  it('writes the same bytes from rows given as iterables (read from disk) as from arrays, past a chunk of rows', async () => {
    // mentions past the 2,000-row chunk: copies of the fixture's mentions under new ids
    const many = structuredClone(fixture);
    const base = fixture.mentions[0]!;
    many.mentions = Array.from({ length: 4100 }, (_, i) => ({ ...base, mention_id: `m_${i.toString(16).padStart(16, '0')}` }));
    const asIterables = Object.fromEntries(Object.entries(structuredClone(many)).map(([k, rows]) => [k, { *[Symbol.iterator]() { yield* rows; } }])) as unknown as Record<TableName, Iterable<unknown>>;
    const [x, y] = [path.join(tmp, 'iter-array'), path.join(tmp, 'iter-lazy')];
    await publishTables(x, many, meta);
    await publishTables(y, asIterables, meta);
    expect(listFiles(y)).toEqual(listFiles(x));
    for (const f of listFiles(x)) expect(readFileSync(path.join(y, f)).equals(readFileSync(path.join(x, f))), f).toBe(true);
    expect(JSON.parse(readFileSync(path.join(y, 'mentions.json'), 'utf8'))).toHaveLength(4100);
  });
  it('writes a table of more rows than a Parquet row group in several groups, all rows kept in order', async () => {
    // DuckDB's writer holds a whole row group in memory: a large table is cut into groups of PARQUET_ROW_GROUP_ROWS
    const n = 2 * PARQUET_ROW_GROUP_ROWS + 5;
    const many = structuredClone(fixture);
    const base = fixture.mentions[0]!;
    many.mentions = Array.from({ length: n }, (_, i) => ({ ...base, mention_id: `m_${i.toString(16).padStart(16, '0')}` }));
    const dir = path.join(tmp, 'row-groups');
    await publishTables(dir, many, meta);
    const buf = readFileSync(path.join(dir, 'mentions.parquet'));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const md = parquetMetadata(ab);
    expect(md.row_groups.map((g) => Number(g.num_rows))).toEqual([PARQUET_ROW_GROUP_ROWS, PARQUET_ROW_GROUP_ROWS, 5]);
    const ids = (await parquetReadObjects({ file: ab, columns: ['mention_id'], compressors })).map((r) => r.mention_id);
    expect(ids).toEqual(many.mentions.map((m) => m.mention_id));
    // a table below one group (every table of the fixture) is a single group
    const small = readFileSync(path.join(dirA, 'mentions.parquet'));
    expect(parquetMetadata(small.buffer.slice(small.byteOffset, small.byteOffset + small.byteLength)).row_groups).toHaveLength(1);
  });
  it('takes a JSON file made on another pass (PublishedJsonFile) for a checked table: the same bytes as its own', async () => {
    const many = structuredClone(fixture);
    const base = fixture.mentions[0]!;
    many.mentions = Array.from({ length: 2500 }, (_, i) => ({ ...base, mention_id: `m_${i.toString(16).padStart(16, '0')}` }));
    const own = path.join(tmp, 'written-own');
    await publishTables(own, many, meta);
    const pre = path.join(tmp, 'written-pre');
    mkdirSync(pre);
    // the rows' newline-delimited JSON as a build writes it (one line per row), read a source at a time (two slices)
    const nd = path.join(tmp, 'written-rows.ndjson');
    writeFileSync(nd, many.mentions.map((m) => `${JSON.stringify(m)}\n`).join(''));
    const file = new PublishedJsonFile(path.join(pre, 'mentions.json'), 'mentions', nd);
    file.add(many.mentions.slice(0, 1000));
    file.add(many.mentions.slice(1000));
    expect(file.end()).toBe(true);
    // publish is given rows that would fail, to show that it reads none of them
    await publishTables(pre, { ...many, mentions: [{ not: 'a mention' }] }, meta, { schemaChecked: ['mentions'], written: ['mentions'] });
    for (const f of listFiles(own)) expect(readFileSync(path.join(pre, f)).equals(readFileSync(path.join(own, f))), f).toBe(true);
    // an empty table
    writeFileSync(nd, '');
    const empty = new PublishedJsonFile(path.join(pre, 'skips.json'), 'skips', nd);
    expect(empty.end()).toBe(true);
    expect(readFileSync(path.join(pre, 'skips.json'), 'utf8')).toBe('[]\n');
  });
  it('does not take a written file whose rows were not in published form, not all given, or not known valid', async () => {
    const dir = path.join(tmp, 'written-not');
    mkdirSync(dir);
    const nd = path.join(tmp, 'written-not.ndjson');
    const rows = fixture.mentions.slice(0, 2);
    writeFileSync(nd, rows.map((m) => `${JSON.stringify(m)}\n`).join(''));
    // keys out of column order: the line is not the published one
    const { mention_id, ...rest } = rows[0]! as Record<string, unknown>;
    const reordered = new PublishedJsonFile(path.join(dir, 'mentions.json'), 'mentions', nd);
    reordered.add([{ ...rest, mention_id }, rows[1]]);
    expect(reordered.end()).toBe(false);
    // a list given as a string (prepareRow splits it), a row left out
    const listAsText = new PublishedJsonFile(path.join(dir, 'facts.json'), 'facts', nd);
    listAsText.add([{ ...fixture.facts[0]!, mention_ids: 'm_00000000000000a1' }]);
    expect(listAsText.end()).toBe(false);
    const short = new PublishedJsonFile(path.join(dir, 'mentions.json'), 'mentions', nd);
    short.add(rows.slice(0, 1));
    expect(short.end()).toBe(false);
    // whole and in form, but not in schemaChecked: validated and written from the rows, which name the bad one
    const whole = new PublishedJsonFile(path.join(dir, 'mentions.json'), 'mentions', nd);
    whole.add(rows);
    expect(whole.end()).toBe(true);
    const bad = [{ ...fixture.mentions[0]!, char_end: -1 }];
    await expect(publishTables(dir, { ...structuredClone(fixture), mentions: bad }, meta, { written: ['mentions'] })).rejects.toThrow(/mentions\[0\]\.char_end: must be >= 0/);
  });
  it('names a bad row past the first chunk by its index in the table, as over an array', async () => {
    const bad = structuredClone(fixture);
    const base = fixture.mentions[0]!;
    bad.mentions = Array.from({ length: 2500 }, (_, i) => ({ ...base, mention_id: `m_${i.toString(16).padStart(16, '0')}`, ...(i === 2345 ? { char_end: -1 } : {}) }));
    await expect(publishTables(path.join(tmp, 'bad-late-row'), { ...bad, mentions: { *[Symbol.iterator]() { yield* bad.mentions; } } } as unknown as Record<TableName, Iterable<unknown>>, meta)).rejects.toThrow(/^invalid mentions rows:\n  mentions\[2345\]\.char_end: must be >= 0$/);
  });
  it('rejects a publish with a missing table', async () => {
    const t = structuredClone(fixture) as Partial<Record<TableName, unknown[]>>;
    delete t.skips;
    await expect(publishTables(path.join(tmp, 'missing'), t as Record<TableName, unknown[]>, meta)).rejects.toThrow(/table skips is missing/);
  });
});
