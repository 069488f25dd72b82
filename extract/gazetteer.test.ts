import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readContexts, type FigureRef } from './context.js';
import { loadLexicon } from './lexicon.js';

/**
 * The default dataset's gazetteer: places (cities, provinces) and members (zones) that share words. A zone's
 * name is the zone ("Shenzhen High-tech Zone", "深圳高新区"); the place's own name is the place ("Shenzhen's
 * fiscal revenue", "深圳市税收"); a place named inside a zone's name never stands for the zone, and a zone no
 * subject lists is never read as the place it starts with. Sentences written for this test.
 */
const VOCABULARY = fileURLToPath(new URL('../dataset/vocabulary/', import.meta.url));
const lex = loadLexicon(VOCABULARY);

function read(text: string, quote: string, unit: string, lexicon = lex) {
  const at = text.indexOf(quote);
  if (at < 0) throw new Error(`test setup: "${quote}" not in text`);
  const f: FigureRef = { start: at, end: at + quote.length, value: Number.parseFloat(quote), unit, unitWord: null, bound: 'exact' };
  const [c] = readContexts(text, [f], { publication: '2024-03-01' }, lexicon);
  return { metric: c!.metric, subject: c!.subject };
}

const subject = (id: string) => lex.subjects.find((s) => s.id === id);

describe('gazetteer data', () => {
  it('lists the 31 provincial-level divisions, each within the country, and no SAR or Taiwan', () => {
    const divisions = lex.subjects.filter((s) => ['province', 'autonomous_region', 'municipality'].includes(s.kind));
    expect(divisions.filter((s) => s.kind === 'province')).toHaveLength(22);
    expect(divisions.filter((s) => s.kind === 'autonomous_region')).toHaveLength(5);
    expect(divisions.filter((s) => s.kind === 'municipality').map((s) => s.id).sort()).toEqual(['beijing', 'chongqing', 'shanghai', 'tianjin']);
    for (const d of divisions) {
      expect(d.parent, d.id).toBe('china');
      expect(d.role, d.id).toBe('place');
      expect(d.aliases.some((a) => /[\u4e00-\u9fff]/.test(a)), `${d.id} has a Chinese name`).toBe(true);
    }
    for (const a of ['Hong Kong', '香港', 'Macao', '澳门', 'Taiwan', '台湾']) expect(lex.subjects.some((s) => s.aliases.includes(a)), a).toBe(false);
  });

  it('a city lies in a province, a zone in a city or municipality, and every parent is listed', () => {
    expect(subject('guangdong')!.aliases).toEqual(expect.arrayContaining(['广东省', '广东', 'Guangdong', 'Guangdong province']));
    expect(subject('guangzhou')).toMatchObject({ kind: 'city', role: 'place', parent: 'guangdong' });
    expect(subject('shenzhen')).toMatchObject({ kind: 'zone', role: 'member', parent: 'shenzhen_city' });
    expect(subject('jilin_city')).toMatchObject({ kind: 'city', parent: 'jilin' });
    for (const s of lex.subjects) {
      if (s.kind === 'city') expect(subject(s.parent!)?.kind, s.id).toMatch(/^(province|autonomous_region)$/);
      if (s.kind === 'zone') expect(subject(s.parent!)?.kind, s.id).toMatch(/^(city|municipality)$/);
    }
  });
});

describe('a zone and the place it is named after', () => {
  it('English: the zone by its name, the city by its own name', () => {
    expect(read('In 2023 the Shenzhen High-tech Zone reported operating revenue of 1.6 trillion yuan.', '1.6 trillion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'shenzhen' });
    expect(read("Shenzhen's fiscal revenue reached 400 billion yuan in 2023.", '400 billion yuan', 'CNY')).toEqual({ metric: 'fiscal_revenue', subject: 'shenzhen_city' });
    expect(read('Guangzhou High-tech Zone reported operating revenue of 900 billion yuan in 2023.', '900 billion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'guangzhou_high_tech_zone' });
    expect(read('The fiscal revenue of Guangzhou was 190 billion yuan in 2023.', '190 billion yuan', 'CNY')).toEqual({ metric: 'fiscal_revenue', subject: 'guangzhou' });
    expect(read('Zhejiang province collected tax revenue of 250 billion yuan in 2023.', '250 billion yuan', 'CNY')).toEqual({ metric: 'tax_revenue', subject: 'zhejiang' });
  });

  it('English: a zone no subject lists is a zone of its own, not the city it starts with', () => {
    const r = read('Riverside Nanchang Software Park reported operating revenue of 12 billion yuan in 2023.', '12 billion yuan', 'CNY');
    expect(r).toEqual({ metric: 'operating_revenue', subject: 'riverside_nanchang_software_park' });
    const r2 = read('Nanchang Software Park reported operating revenue of 12 billion yuan in 2023.', '12 billion yuan', 'CNY');
    expect(r2).toEqual({ metric: 'operating_revenue', subject: 'nanchang_software_park' });
  });

  it('English: the zone stays the subject of a share of its city', () => {
    const text = "The Shenzhen High-tech Zone's operating revenue accounted for 30 percent of Shenzhen's GDP in 2023.";
    expect(read(text, '30 percent', 'percent').subject).toBe('shenzhen');
  });

  it('Chinese: the zone by its name, the city and province by theirs', () => {
    expect(read('2023年，深圳高新区营业收入达到1.6万亿元。', '1.6万亿元', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'shenzhen' });
    expect(read('2023年，深圳市高新区营业收入达到1.6万亿元。', '1.6万亿元', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'shenzhen' });
    expect(read('2023年，深圳市税收达到4000亿元。', '4000亿元', 'CNY')).toEqual({ metric: 'tax_revenue', subject: 'shenzhen_city' });
    expect(read('2023年，广东省税收达到9000亿元。', '9000亿元', 'CNY')).toEqual({ metric: 'tax_revenue', subject: 'guangdong' });
    expect(read('2023年，广州高新区营业收入达到9000亿元。', '9000亿元', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'guangzhou_high_tech_zone' });
  });

  it('Chinese: a zone no subject lists is a zone of its own, not the city it starts with', () => {
    const r = read('2023年，苏州工业园区营业收入达到1000亿元。', '1000亿元', 'CNY');
    expect(r.metric).toBe('operating_revenue');
    expect(r.subject).toMatch(/^suzhou_zone_[0-9a-f]{8}$/);
    // the same name is the same subject; another name is another
    expect(read('苏州工业园区2023年营业收入为1000亿元。', '1000亿元', 'CNY').subject).toBe(r.subject);
    expect(read('2023年，苏州科技城营业收入达到300亿元。', '300亿元', 'CNY').subject).not.toBe(r.subject);
    expect(read('2023年，苏州市营业收入达到300亿元。', '300亿元', 'CNY').subject).toBe('suzhou');
  });

  it("English: a place's zone is the zone when the place has one listed zone; zones in a place are no subject", () => {
    expect(read("Shenzhen's high-tech zone reported operating revenue of 1.2 trillion yuan in 2023.", '1.2 trillion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'shenzhen' });
    expect(read('The high-tech zone in Wuhan reported operating revenue of 1.3 trillion yuan in 2023.', '1.3 trillion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'east_lake' });
    // Beijing has two listed zones: which one is not said
    expect(read("Beijing's development zone reported operating revenue of 1.1 trillion yuan in 2023.", '1.1 trillion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: null });
    // some zones of the set, located in a place: neither the place nor the whole set
    expect(read('Revenue of the zones in Jiangsu reached 3 trillion yuan in 2023.', '3 trillion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: null });
    expect(read("Jiangsu's high-tech zones reported revenue of 3 trillion yuan in 2023.", '3 trillion yuan', 'CNY')).toEqual({ metric: 'operating_revenue', subject: null });
    // the place's own figure stays the place's
    expect(read("Jiangsu's tax revenue reached 1 trillion yuan in 2023.", '1 trillion yuan', 'CNY')).toEqual({ metric: 'tax_revenue', subject: 'jiangsu' });
  });

  it("Chinese: a place's zone (的) is the zone when the place has one listed zone, else no subject", () => {
    expect(read('2023年，深圳的高新区营业收入达到1.2万亿元。', '1.2万亿元', 'CNY')).toEqual({ metric: 'operating_revenue', subject: 'shenzhen' });
    expect(read('2023年，江苏的高新区营业收入达到3万亿元。', '3万亿元', 'CNY')).toEqual({ metric: 'operating_revenue', subject: null });
  });

  it('member nouns in one script only: a place followed by anything else is still the place', () => {
    const d = mkdtempSync(join(tmpdir(), 'figtrail-gazetteer-'));
    try {
      cpSync(VOCABULARY, d, { recursive: true });
      const file = join(d, 'subjects.yaml');
      const yaml = readFileSync(file, 'utf8');
      const latinOnly = loadLexicon((writeFileSync(file, yaml.replace(/^member_nouns: .*$/m, 'member_nouns: [zone, park]')), d));
      expect(read("Shenzhen's fiscal revenue reached 400 billion yuan in 2023.", '400 billion yuan', 'CNY', latinOnly).subject).toBe('shenzhen_city');
      expect(read('2023年，深圳市税收达到4000亿元。', '4000亿元', 'CNY', latinOnly).subject).toBe('shenzhen_city');
      const hanOnly = loadLexicon((writeFileSync(file, yaml.replace(/^member_nouns: .*$/m, 'member_nouns: ["高新区"]')), d));
      expect(read("Shenzhen's fiscal revenue reached 400 billion yuan in 2023.", '400 billion yuan', 'CNY', hanOnly).subject).toBe('shenzhen_city');
      expect(read('2023年，深圳的高新区营业收入达到1.2万亿元。', '1.2万亿元', 'CNY', hanOnly).subject).toBe('shenzhen');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
