import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLexicon, phraseKey } from './lexicon.js';
import { UNITS } from './records.js';

/** the default dataset's vocabulary */
const VOCABULARY = fileURLToPath(new URL('../dataset/vocabulary/', import.meta.url));

const dir = VOCABULARY;

/** A copy of the lexicon with one file edited, for the error cases. */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function edited(file: string, edit: (s: string) => string): string {
  const d = mkdtempSync(join(tmpdir(), 'figtrail-lexicon-'));
  made.push(d);
  cpSync(dir, d, { recursive: true });
  const p = join(d, file);
  writeFileSync(p, edit(readFileSync(p, 'utf8')));
  return d;
}

describe('loadLexicon', () => {
  const lex = loadLexicon(VOCABULARY);

  it('loads the metrics the brief names, each with a kind, units and a definition', () => {
    const ids = new Set(lex.metrics.map((m) => m.id));
    for (const id of ['zone_count', 'operating_revenue', 'value_added', 'share_of_national_gdp', 'enterprise_count', 'high_tech_enterprise_count', 'employee_count', 'rnd_expenditure', 'invention_patents_granted', 'export_value', 'tax_revenue', 'fiscal_revenue', 'listed_company_count', 'area']) {
      expect(ids.has(id), id).toBe(true);
    }
    for (const m of lex.metrics) {
      expect(['stock', 'flow', 'ratio']).toContain(m.kind);
      expect(m.definition.length, m.id).toBeGreaterThan(10);
      for (const u of m.unit_kinds) expect(UNITS as readonly string[]).toContain(u);
    }
    expect(lex.metrics.find((m) => m.id === 'zone_count')!.kind).toBe('stock');
    expect(lex.metrics.find((m) => m.id === 'operating_revenue')!.kind).toBe('flow');
  });

  it('derives a growth metric for every stock and flow metric', () => {
    const g = lex.metrics.find((m) => m.id === 'operating_revenue_growth');
    expect(g).toMatchObject({ kind: 'ratio', unit_kinds: ['percent'], growth_of: 'operating_revenue' });
    const levels = lex.metrics.filter((m) => m.kind !== 'ratio').length;
    expect(lex.metrics.filter((m) => m.growth_of !== null)).toHaveLength(levels);
  });

  it('no alias is claimed by two subjects; subjects include the named zones and the aggregate', () => {
    const owner = new Map<string, string>();
    for (const s of lex.subjects) {
      for (const a of s.aliases) {
        const k = phraseKey(a, false);
        expect(owner.get(k) ?? s.id, `${a}`).toBe(s.id);
        owner.set(k, s.id);
      }
    }
    for (const id of ['national', 'zhongguancun', 'zhangjiang', 'east_lake', 'yizhuang', 'shenzhen', 'beijing', 'wuhan', 'china']) {
      expect(lex.subjects.some((s) => s.id === id), id).toBe(true);
    }
    expect(lex.subjects.find((s) => s.id === 'national')!.kind).toBe('aggregate');
  });

  it('has a stable content hash that ignores comments and changes with content', () => {
    expect(lex.hash).toMatch(/^[0-9a-f]{64}$/);
    // the same three files' texts give the lexicon already loaded, frozen so that no caller changes another's
    expect(loadLexicon(dir)).toBe(lex);
    expect(Object.isFrozen(lex.metrics[0]!.unit_kinds)).toBe(true);
    expect(loadLexicon(edited('periods.yaml', (s) => `# a new comment\n${s}`))).not.toBe(lex);
    expect(loadLexicon(edited('periods.yaml', (s) => `# a new comment\n${s}`)).hash).toBe(lex.hash);
    expect(loadLexicon(edited('periods.yaml', (s) => s.replace('  dec: 12\n', '  dec: 12\n  decem: 12\n'))).hash).not.toBe(lex.hash);
  });

  it('reports broken YAML with the file and line', () => {
    const d = edited('subjects.yaml', (s) => s.replace('subjects:', 'subjects: [unclosed'));
    expect(() => loadLexicon(d)).toThrow(/subjects\.yaml:\d+:\d+: invalid YAML/);
  });

  it('reports a metric without definition or with an unknown kind, naming the field', () => {
    const d1 = edited('metrics.yaml', (s) => s.replace('    definition: Number of national high-tech industrial development zones.\n', ''));
    expect(() => loadLexicon(d1)).toThrow(/metrics\.yaml: metrics\.0\.definition/);
    const d2 = edited('metrics.yaml', (s) => s.replace('kind: stock', 'kind: level'));
    expect(() => loadLexicon(d2)).toThrow(/metrics\.0\.kind/);
  });

  it('rejects an alias claimed by two subjects and a phrase claimed by two metrics', () => {
    const d1 = edited('subjects.yaml', (s) => s.replace('aliases: ["亦庄", Yizhuang,', 'aliases: [Yizhuang, Zhongguancun,'));
    expect(() => loadLexicon(d1)).toThrow(/alias "zhongguancun" is claimed by zhongguancun and yizhuang/);
    const d2 = edited('metrics.yaml', (s) => s.replace('synonyms: [net profit,', 'synonyms: [gross revenue, net profit,'));
    expect(() => loadLexicon(d2)).toThrow(/claimed by operating_revenue and net_profit/);
  });

  it("maps each of the dataset's kinds to an engine role; a subject's kind is declared, its parent is listed", () => {
    expect(lex.subjects.find((s) => s.id === 'national')).toMatchObject({ kind: 'aggregate', role: 'aggregate', parent: 'china' });
    expect(lex.subjects.find((s) => s.id === 'east_lake')).toMatchObject({ kind: 'zone', role: 'member', parent: 'wuhan' });
    expect(lex.subjects.find((s) => s.id === 'wuhan')).toMatchObject({ kind: 'city', role: 'place', parent: 'hubei' });
    expect(lex.member_kind).toBe('zone');
    const d1 = edited('subjects.yaml', (s) => s.replace('  zone: member\n', '  zone: park\n'));
    expect(() => loadLexicon(d1)).toThrow(/kinds\.zone/);
    const d2 = edited('subjects.yaml', (s) => s.replace('  - id: east_lake\n    kind: zone\n', '  - id: east_lake\n    kind: science_city\n'));
    expect(() => loadLexicon(d2)).toThrow(/east_lake: kind science_city is not declared under kinds/);
    const d3 = edited('subjects.yaml', (s) => s.replace('  - id: east_lake\n    kind: zone\n    parent: wuhan\n', '  - id: east_lake\n    kind: zone\n    parent: no_such_city\n'));
    expect(() => loadLexicon(d3)).toThrow(/east_lake: parent no_such_city is not another listed subject/);
    const d4 = edited('subjects.yaml', (s) => s.replace('  zone: member\n', '  zone: place\n'));
    expect(() => loadLexicon(d4)).toThrow(/member_name_heads needs a kind whose role is member/);
  });

  it('rejects a share_of pointing at an unknown metric', () => {
    const d = edited('metrics.yaml', (s) => s.replace('share_of: value_added', 'share_of: no_such_metric'));
    expect(() => loadLexicon(d)).toThrow(/share_of: unknown metric no_such_metric/);
  });
});
