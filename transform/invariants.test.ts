import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { InvariantError, listModels, parseAsserts, runAsserts, runTransform } from './run.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const here = path.dirname(fileURLToPath(import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('assert files', () => {
  it('parses one named query per "-- assert:" block', () => {
    const parsed = parseAsserts('-- header\n\n-- assert: a holds\nSELECT 1 WHERE false;\n\n-- assert: b holds\nSELECT 2\nWHERE false;\n');
    expect(parsed).toEqual([
      { name: 'a holds', sql: 'SELECT 1 WHERE false' },
      { name: 'b holds', sql: 'SELECT 2\nWHERE false' },
    ]);
  });

  it('every model runs in number order and the reconcile model has its invariants', () => {
    const models = listModels();
    const names = models.map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('049_facts.sql');
    const reconcile = models.find((m) => m.name === '049_facts.sql')!;
    expect(reconcile.asserts.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'every fact has at least one mention, and n_mentions counts them',
        'mention_ids are mentions (no invented provenance)',
        'a non-conflict fact has a value, with lo <= value <= hi',
      ]),
    );
  });

  it('each reconcile model (040–049) builds one table, named after its file', () => {
    const reconcile = listModels().filter((m) => /^04\d_/.test(m.name));
    expect(reconcile.length).toBeGreaterThan(1);
    for (const m of reconcile) {
      const created = [...m.sql.matchAll(/^CREATE OR REPLACE (?:TABLE|VIEW) (\w+)/gm)].map((x) => x[1]);
      expect(created, m.name).toEqual([m.name.replace(/^\d{3}_|\.sql$/g, '')]);
    }
  });
});

describe('invariants catch a broken model', () => {
  async function builtDb() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-inv-'));
    made.push(dir);
    const dbPath = path.join(dir, 't.duckdb');
    await runTransform({
      mentionsPath: fixture('nested.json'),
      sourcesPath: fixture('sources.json'),
      metricsPath: fixture('metrics.json'),
      rulesPath: fixture('rules.yaml'),
      dbPath,
    });
    const instance = await DuckDBInstance.create(dbPath);
    const con = await instance.connect();
    const asserts = parseAsserts(readFileSync(path.join(here, '049_facts.assert.sql'), 'utf8'));
    return { instance, con, asserts };
  }

  it('a sound build passes every reconcile invariant', async () => {
    const { instance, con, asserts } = await builtDb();
    try {
      await expect(runAsserts(con, '049_facts.sql', asserts)).resolves.toBeUndefined();
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });

  it('a value outside [lo, hi] is caught', async () => {
    const { instance, con, asserts } = await builtDb();
    try {
      await con.run(`UPDATE facts SET value = hi * 2`);
      const err = await runAsserts(con, '049_facts.sql', asserts).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvariantError);
      expect((err as InvariantError).assertion).toBe('a non-conflict fact has a value, with lo <= value <= hi');
      expect((err as Error).message).toContain('049_facts.sql');
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });

  it('a fact citing a mention that does not exist is caught', async () => {
    const { instance, con, asserts } = await builtDb();
    try {
      await con.run(`UPDATE facts SET mention_ids = list_append(mention_ids, 'm_ffffffffffffffff'), n_mentions = n_mentions + 1`);
      const err = await runAsserts(con, '049_facts.sql', asserts).catch((e: unknown) => e);
      expect((err as InvariantError).assertion).toBe('mention_ids are mentions (no invented provenance)');
      expect((err as Error).message).toContain('m_ffffffffffffffff');
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });

  it('a mention listed twice, or swapped for another mention, is caught though every id listed is a mention', async () => {
    const { instance, con, asserts } = await builtDb();
    try {
      // one fact lists its first mention a second time (its count follows, so only the exactly-once check sees it)
      await con.run(`UPDATE facts SET mention_ids = list_append(mention_ids, mention_ids[1]), n_mentions = n_mentions + 1 WHERE fact_id = (SELECT min(fact_id) FROM facts)`);
      const twice = await runAsserts(con, '049_facts.sql', asserts).catch((e: unknown) => e);
      expect((twice as InvariantError).assertion).toBe('every mention kept for reconciliation is in exactly one fact');
      expect((twice as InvariantError).rows).toEqual([{ mention_id: 'm_00000000000000a1', n_facts: '2' }]);
      // as many ids as kept mentions, each a mention, but one kept mention left out for another listed twice
      await con.run(`UPDATE facts SET mention_ids = [mention_ids[1], mention_ids[1]], n_mentions = 2 WHERE fact_id = (SELECT min(fact_id) FROM facts)`);
      const swapped = await runAsserts(con, '049_facts.sql', asserts).catch((e: unknown) => e);
      expect((swapped as InvariantError).assertion).toBe('every mention kept for reconciliation is in exactly one fact');
      expect((swapped as InvariantError).rows.map((r) => r.mention_id).sort()).toEqual(['m_00000000000000a1', 'm_00000000000000a2']);
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });

  it('a mention given two fates (reconciled and left out), or none, is caught', async () => {
    const { instance, con } = await builtDb();
    const fates = parseAsserts(readFileSync(path.join(here, '060_mention_fates.assert.sql'), 'utf8'));
    try {
      await expect(runAsserts(con, '060_mention_fates.sql', fates)).resolves.toBeUndefined();
      await con.run(`UPDATE mentions_scoped SET excluded_reason = 'unscoped' WHERE mention_id = 'm_00000000000000a1'`);
      const two = await runAsserts(con, '060_mention_fates.sql', fates).catch((e: unknown) => e);
      expect((two as InvariantError).rows).toEqual([{ fates: '3', mentions: '2' }]);
      // as many fates as mentions, but one mention's fate given to another id
      await con.run(`DELETE FROM fact_mentions WHERE mention_id = 'm_00000000000000a1'`);
      await con.run(`UPDATE mentions_scoped SET mention_id = 'm_00000000000000ff' WHERE mention_id = 'm_00000000000000a1'`);
      const other = await runAsserts(con, '060_mention_fates.sql', fates).catch((e: unknown) => e);
      expect((other as InvariantError).assertion).toBe('one fate per mention, for every mention');
      expect((other as InvariantError).rows).toEqual([{ fates: '2', mentions: '2' }]);
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });

  it('a fact with no mention is caught', async () => {
    const { instance, con, asserts } = await builtDb();
    try {
      await con.run(`INSERT INTO facts BY NAME SELECT * REPLACE ('f_0000000000000000' AS fact_id, CAST([] AS VARCHAR[]) AS mention_ids) FROM facts`);
      const err = await runAsserts(con, '049_facts.sql', asserts).catch((e: unknown) => e);
      expect((err as InvariantError).assertion).toBe('every fact has at least one mention, and n_mentions counts them');
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });
});

describe('the scope invariants catch a flow or ratio dated by its publication date', () => {
  async function scopedDb() {
    const dbPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'figtrail-inv-')), 't.duckdb');
    await runTransform({
      mentionsPath: fixture('scope_ratio_publication.json'),
      sourcesPath: fixture('sources.json'),
      metricsPath: fixture('metrics.json'),
      rulesPath: fixture('rules.yaml'),
      dbPath,
    });
    const instance = await DuckDBInstance.create(dbPath);
    const con = await instance.connect();
    const asserts = parseAsserts(readFileSync(path.join(here, '030_scope.assert.sql'), 'utf8'));
    return { instance, con, asserts, dir: path.dirname(dbPath) };
  }

  it('a sound scope passes, and a ratio let through with the publication date fails', async () => {
    const { instance, con, asserts, dir } = await scopedDb();
    try {
      await expect(runAsserts(con, '030_scope.sql', asserts)).resolves.toBeUndefined();
      // the scope rule of v1.1.0: a ratio kept its publication date
      await con.run(`UPDATE mentions_scoped SET excluded_reason = NULL, period = '2017-09-29', period_basis = 'publication'
        WHERE mention_id = 'm_00000000000000e4'`);
      const err = await runAsserts(con, '030_scope.sql', asserts).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvariantError);
      expect((err as InvariantError).assertion).toMatch(/^only stocks are dated by their publication date/);
      expect((err as Error).message).toContain('m_00000000000000e4');
      // a kept period that does not parse (month 13) is named by the period check
      await con.run(`UPDATE mentions_scoped SET period_basis = 'stated', period = '2017-13' WHERE mention_id = 'm_00000000000000e4'`);
      const bad = await runAsserts(con, '030_scope.sql', asserts).catch((e: unknown) => e);
      expect((bad as InvariantError).assertion).toMatch(/^every period kept for reconciliation parses to dates/);
      expect((bad as InvariantError).rows).toEqual([{ period: '2017-13', period_start: null, period_end: null }]);
    } finally {
      con.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('period and number macros', () => {
  it('turn period strings into first and last days', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
      await con.run(readFileSync(path.join(here, '000_macros.sql'), 'utf8'));
      const cases: [string, string | null, string | null][] = [
        ['2012', '2012-01-01', '2012-12-31'],
        ['2012-H1', '2012-01-01', '2012-06-30'],
        ['2012-H2', '2012-07-01', '2012-12-31'],
        ['2013-Q1', '2013-01-01', '2013-03-31'],
        ['2013-Q4', '2013-10-01', '2013-12-31'],
        ['2012-02', '2012-02-01', '2012-02-29'],
        ['2024-07-24', '2024-07-24', '2024-07-24'],
        ['2013-Q1/2013-Q3', '2013-01-01', '2013-09-30'],
        ['2010/2012', '2010-01-01', '2012-12-31'],
        ['last year', null, null],
      ];
      for (const [p, start, end] of cases) {
        const rows = (await con.runAndReadAll(`SELECT period_start(?) AS s, period_end(?) AS e`, [p, p])).getRowObjectsJson();
        expect([p, rows[0]?.s, rows[0]?.e]).toEqual([p, start, end]);
      }
      const nums = (await con.runAndReadAll(`SELECT fmt_num(3e12) a, fmt_num(27.9e12) b, fmt_num(1234.5) c, fmt_num(156) d`)).getRowObjectsJson();
      expect(nums[0]).toEqual({ a: '3e12', b: '2.79e13', c: '1234.5', d: '156' });
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });
});
