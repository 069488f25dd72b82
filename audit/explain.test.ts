import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { colorEnabled, editDistance, explain, parseKey, runExplainCli } from './explain.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const buildDir = path.join(here, 'fixtures', 'build');
const sourcesDir = path.join(here, 'fixtures', 'sources');
const schema = JSON.parse(readFileSync(path.join(here, 'explain.schema.json'), 'utf8')) as object;
const Ajv = Ajv2020 as unknown as typeof Ajv2020.default;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function capture(isTTY: boolean, env: NodeJS.ProcessEnv) {
  const out: string[] = [], err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s), isTTY }, stderr: { write: (s: string) => err.push(s) }, env }, out, err };
}

describe('explain', () => {
  it('prints the fact, its reasoning and each mention with [[ ]] around the quote', async () => {
    const r = await explain('zone_count:national@2009', { buildDir, sourcesDir });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('zone_count:national@2009');
    expect(r.output).toMatch(/value:\s+105\b/);
    expect(r.output).toContain('corroborated');
    expect(r.output).toContain('R1_agree');
    expect(r.output).toContain('Two sources state exactly 105');
    expect(r.output).toContain('the number of national high-tech zones [[reached 105]], the ministry said');
    expect(r.output).toContain('the number of national zones [[reached 105]].');
    expect(r.output).toContain('https://example.org/news?a=1&b="2"');
    expect(r.output).toMatch(/page 1, chars \d+–\d+/);
    expect(r.output).toMatch(/bytes \d+–\d+/);
    expect(r.output).toContain('(archived file matches)');
    expect(r.output).not.toContain('\x1b[');
  });

  it('matches a period by year prefix and a subject-less key, and finds a mention by id', async () => {
    const byKey = await explain('operating_revenue@2011', { buildDir, json: true });
    const doc = JSON.parse(byKey.output) as { match: string; facts: { status: string; mentions: unknown[] }[] };
    expect(doc.match).toBe('key');
    expect(doc.facts.map((f) => f.status)).toEqual(['conflict']);
    expect(doc.facts[0]!.mentions).toHaveLength(2);
    const all = JSON.parse((await explain('zone_count', { buildDir, json: true })).output) as { facts: { period: string }[] };
    expect(all.facts.map((f) => f.period)).toEqual(['2009', '2010', '2012']);
    const mentions = JSON.parse(readFileSync(path.join(buildDir, 'mentions.json'), 'utf8')) as { mention_id: string; quote: string }[];
    const m = mentions.find((x) => x.quote === '18%')!;
    const r = await explain(m.mention_id, { buildDir });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('up [[18%]].');
    expect(r.output).toContain('operating_revenue_growth:national@2009');
  });

  it('emits JSON that validates against explain.schema.json', async () => {
    for (const q of ['zone_count:national@2009', 'operating_revenue', 'nonsense_metric']) {
      const r = await explain(q, { buildDir, sourcesDir, json: true });
      const doc = JSON.parse(r.output) as unknown;
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    }
    const doc = JSON.parse((await explain('zone_count:national@2009', { buildDir, sourcesDir, json: true })).output) as {
      facts: { value: number; mentions: { quote: string; highlighted: string; source: { archived_sha256_ok: boolean } }[] }[];
    };
    expect(doc.facts[0]!.value).toBe(105);
    expect(doc.facts[0]!.mentions.every((m) => m.quote === 'reached 105' && m.highlighted.includes('[[reached 105]]') && m.source.archived_sha256_ok)).toBe(true);
    // the schema rejects a document that lacks a required field
    expect(validate({ query: 'x', match: 'key', facts: [] })).toBe(false);
  });

  it('answers an unknown query with exit code 2 and near matches', async () => {
    const r = await explain('zone_cuont:national@2009', { buildDir });
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('no fact or mention matches "zone_cuont:national@2009"');
    expect(r.output).toContain('Did you mean:');
    expect(r.output.split('\n')[2]).toBe('  zone_count:national@2009');
    const j = JSON.parse((await explain('operating_revenu', { buildDir, json: true })).output) as { error: string; suggestions: string[] };
    expect(j.error).toBe('not_found');
    expect(j.suggestions[0]).toBe('operating_revenue');
    expect((await explain('zone_count:national@1999', { buildDir })).exitCode).toBe(2);
  });

  it('suggests by words and parts of words, not only by prefix', async () => {
    const suggest = async (q: string) => (JSON.parse((await explain(q, { buildDir, json: true })).output) as { suggestions: string[] }).suggestions;
    expect((await suggest('revenue')).slice(0, 2)).toEqual(['operating_revenue', 'operating_revenue_growth']);
    expect((await suggest('growth'))[0]).toBe('operating_revenue_growth');
    expect((await suggest('national revenue'))[0]).toBe('operating_revenue:national');
    expect((await suggest('count'))[0]).toBe('zone_count');
    expect((await suggest('revenu nationl'))[0]).toBe('operating_revenue:national');
    expect(await suggest('qqqq')).toEqual([]);
  });

  it('colours only on a TTY without NO_COLOR (runExplainCli)', async () => {
    const tty = capture(true, {});
    expect(await runExplainCli(['zone_count:national@2009', '--build', buildDir], tty.io)).toBe(0);
    expect(tty.out.join('')).toContain('\x1b[1;30;43mreached 105\x1b[0m');
    expect(tty.out.join('')).not.toContain('[[');
    const noColor = capture(true, { NO_COLOR: '1' });
    expect(await runExplainCli(['zone_count:national@2009', '--build', buildDir], noColor.io)).toBe(0);
    expect(noColor.out.join('')).not.toContain('\x1b[');
    expect(noColor.out.join('')).toContain('[[reached 105]]');
    const pipe = capture(false, {});
    await runExplainCli(['zone_count:national@2009', `--build=${buildDir}`], pipe.io);
    expect(pipe.out.join('')).not.toContain('\x1b[');
    expect(colorEnabled(true, { NO_COLOR: '' })).toBe(true);
    const unknown = capture(false, {});
    expect(await runExplainCli(['no_such', '--build', buildDir], unknown.io)).toBe(2);
    expect(unknown.err.join('')).toContain('no fact or mention matches');
    expect(await runExplainCli(['--build'], capture(false, {}).io)).toBe(2);
    const json = capture(true, {});
    expect(await runExplainCli(['zone_count:national@2009', '--build', buildDir, '--json'], json.io)).toBe(0);
    expect(validate(JSON.parse(json.out.join('')))).toBe(true);
  });

  it('neutralises control characters from documents in terminal output', async () => {
    const { sanitizeForTerminal } = await import('./explain.js');
    expect(sanitizeForTerminal('a\x1b[31mb\nc')).toBe('a\\x1b[31mb c');
  });

  it('parses keys and measures edit distance', () => {
    expect(parseKey('zone_count:national@2009')).toEqual({ metric: 'zone_count', subject: 'national', period: '2009' });
    expect(parseKey('zone_count@2009')).toEqual({ metric: 'zone_count', subject: null, period: '2009' });
    expect(parseKey('a b')).toBeNull();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
