import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../pipeline/dataset.js';
import { csvField, filterFacts, formatFacts, listMetrics, readFacts, runBrowseCli } from './browse.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const buildDir = path.join(here, 'fixtures', 'build');

async function cli(command: 'facts' | 'metrics', argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBrowseCli(command, argv, buildDir, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } });
  return { code, out: out.join(''), err: err.join('') };
}

describe('figtrail facts', () => {
  it('lists every fact as a table, one line each, with a count', async () => {
    const r = await cli('facts', []);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^fact\s+metric\s+subject\s+period\s+value\s+interval\s+status\s+mentions\s+sources$/);
    const n = readFacts(buildDir).length;
    expect(lines).toHaveLength(n + 2);
    expect(lines.at(-1)).toBe(`${n} facts`);
    expect(r.out).toMatch(/zone_count\s+national\s+2009\s+105\s+\[105, 105\]\s+corroborated\s+2\s+2/);
  });

  it('filters by metric, subject and status, and writes CSV and JSON', async () => {
    const csv = await cli('facts', ['--metric', 'zone_count', '--status', 'single', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\r\n')).toEqual([
      'fact_id,metric,subject,period,value,unit,lo,hi,status,n_mentions,n_sources,is_target',
      expect.stringMatching(/^f_\w+,zone_count,national,2010,106,count,106,106,single,1,1,false$/),
      expect.stringMatching(/^f_\w+,zone_count,national,2012,114,count,114,114,single,1,1,false$/),
      '',
    ]);
    const json = JSON.parse((await cli('facts', ['--subject', 'national', '--metric', 'operating_revenue', '--format', 'json'])).out) as { metric: string; period: string }[];
    expect(json.map((f) => [f.metric, f.period])).toEqual([
      ['operating_revenue', '2009'],
      ['operating_revenue', '2010'],
      ['operating_revenue', '2011'],
    ]);
  });

  it('answers an unknown filter value with exit 2 and the nearest values, not an empty list', async () => {
    const r = await cli('facts', ['--metric', 'revenue']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('no fact has metric "revenue"; did you mean: operating_revenue, operating_revenue_growth');
    expect((await cli('facts', ['--format', 'xml'])).code).toBe(2);
    expect((await cli('facts', ['--colour'])).code).toBe(2);
    expect(() => filterFacts(readFacts(buildDir), { status: 'confirmed' })).toThrow(/no fact has status "confirmed"/);
  });

  it('quotes CSV fields that need it and never prints control characters raw in a table', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    const [f] = readFacts(buildDir);
    const table = formatFacts([{ ...f!, subject: 'evil\x1b[31mred' }], 'table');
    expect(table).not.toContain('\x1b');
    expect(table).toContain('evil\\u001b[31mred');
  });
});

describe('figtrail metrics', () => {
  it('lists the vocabulary\'s metrics with definitions, counted against the build', async () => {
    const metrics = await listMetrics(buildDir);
    const lexicon = (await loadDataset()).lexicon;
    expect(metrics.map((m) => m.metric)).toEqual(lexicon.metrics.map((m) => m.id).sort());
    const revenue = metrics.find((m) => m.metric === 'operating_revenue')!;
    expect(revenue.definition).toBe(lexicon.metrics.find((m) => m.id === 'operating_revenue')!.definition);
    expect(revenue.definition.length).toBeGreaterThan(10);
    expect(revenue.facts).toBe(3);
    const r = await cli('metrics', []);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^metric\s+kind\s+units\s+facts\s+definition\n/);
    expect(r.out).toContain(revenue.definition);
    expect((await listMetrics(path.join(here, 'no-such-build'))).every((m) => m.facts === null)).toBe(true);
  });
});
