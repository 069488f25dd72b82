import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLexicon } from './lexicon.js';
import { readManifest } from './manifest.js';
import type { Mention } from './records.js';
import { extractSource } from '../pipeline/extractSource.js';

/**
 * Documents written for the tests, in phrasings the archived sources do not use (currency codes before
 * the number, "per cent", word numbers, "bn", a GBK-encoded page): the same grammar and lexicon read them.
 * Every expectation below was written by hand from the documents' words.
 */
const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'extract', 'fixtures', 'unseen');
const lexicon = loadLexicon(path.join(root, 'dataset', 'vocabulary'));
const bySource = new Map<string, Mention[]>();

beforeAll(async () => {
  for (const entry of readManifest(dir)) {
    const r = await extractSource(dir, entry, { lexicon });
    expect(r.error).toBeNull();
    bySource.set(entry.id, r.mentions);
  }
});

type Want = { quote: string; value: number; unit: string; bound?: string; metric?: string | null; subject?: string | null; period?: string | null };

function expectMention(sourceId: string, want: Want): void {
  const m = bySource.get(sourceId)!.find((x) => x.quote === want.quote);
  expect(m, `${sourceId}: no mention quoting "${want.quote}"`).toBeDefined();
  expect(m!.value).toBeCloseTo(want.value, 6);
  expect(m!.unit).toBe(want.unit);
  if (want.bound !== undefined) expect(m!.bound).toBe(want.bound);
  if (want.metric !== undefined) expect(m!.metric).toBe(want.metric);
  if (want.subject !== undefined) expect(m!.subject).toBe(want.subject);
  if (want.period !== undefined) expect(m!.period).toBe(want.period);
}

describe('documents nobody tuned for', () => {
  it('reads a news story with currency codes and "per cent"', () => {
    const id = 'xinhua-style';
    expectMention(id, { quote: '169 national high-tech zones', value: 169, unit: 'count', metric: 'zone_count', subject: 'national', period: '2021' });
    expectMention(id, { quote: 'CNY48.4 trillion', value: 4.84e13, unit: 'CNY', bound: 'exact', metric: 'operating_revenue', subject: 'national', period: '2021' });
    expectMention(id, { quote: '12.3 per cent', value: 12.3, unit: 'percent', metric: 'operating_revenue_growth', period: '2021' });
    expectMention(id, { quote: 'USD 1.2 trillion', value: 1.2e12, unit: 'USD', metric: 'export_value', subject: 'national', period: '2021' });
    expectMention(id, { quote: '21.7 per cent', value: 21.7, unit: 'percent', metric: 'share_of_national_exports', period: '2021' });
    expectMention(id, { quote: 'about 8.4 trillion yuan', value: 8.4e12, unit: 'CNY', bound: 'approx', metric: 'operating_revenue', subject: 'zhongguancun', period: '2021' });
    // script, navigation and footer numbers are not figures
    const quotes = bySource.get(id)!.map((m) => m.quote);
    expect(quotes.some((q) => /99871|Page 2|6512|2022/.test(q))).toBe(false);
    expect(quotes).toHaveLength(6);
  });

  it('reads a GBK page with "bn", "¥" and month/half-year periods', () => {
    const id = 'bureau-note';
    expectMention(id, { quote: '178 national high-tech zones', value: 178, unit: 'count', metric: 'zone_count', subject: 'national', period: '2023-06' });
    expectMention(id, { quote: '169', value: 169, unit: 'count', period: '2021' });
    expectMention(id, { quote: 'RMB 1.1 trillion', value: 1.1e12, unit: 'CNY', metric: 'tax_revenue', subject: 'national', period: '2023-H1' });
    expectMention(id, { quote: 'nearly ￥48 bn', value: 4.8e10, unit: 'CNY', bound: 'upper', subject: 'zhangjiang', period: '2023-H1' });
  });

  it('reads word numbers and US dollars spelt out', () => {
    const id = 'wordy-brief';
    expectMention(id, { quote: 'more than two hundred listed companies', value: 200, unit: 'count', bound: 'lower', metric: 'listed_company_count', subject: 'east_lake' });
    expectMention(id, { quote: 'exceeded five billion US dollars', value: 5e9, unit: 'USD', bound: 'lower', metric: 'export_value', subject: 'east_lake', period: '2019' });
    expectMention(id, { quote: '15.3 trillion yuan', value: 1.53e13, unit: 'CNY', metric: 'value_added', subject: 'national', period: '2022' });
    expectMention(id, { quote: '12.7 percent', value: 12.7, unit: 'percent', metric: 'share_of_national_gdp', subject: 'national', period: '2022' });
  });

  it('reads like an analyst: ranks and subsets, parts of a year, a city, a year earlier, a change of topic', () => {
    const id = 'analyst-note';
    expectMention(id, { quote: '178 national high-tech zones', value: 178, unit: 'count', metric: 'zone_count', subject: 'national', period: '2023' });
    // the 10 largest zones and the two zones are subsets: not the number of zones, and what they earn or employ is not national
    expectMention(id, { quote: '10 largest high-tech zones', value: 10, unit: 'count', metric: null });
    expectMention(id, { quote: '14 trillion yuan', value: 1.4e13, unit: 'CNY', metric: null, subject: null });
    expectMention(id, { quote: 'two zones', value: 2, unit: 'count', metric: null });
    expectMention(id, { quote: '900,000 people', value: 9e5, unit: 'persons', metric: 'employee_count', subject: null });
    // "In Zhejiang, …": a listed province and no zone named: the province's own figure; the first half is 2023's,
    // and the place is not carried to it (only a zone or the whole set becomes a paragraph's topic)
    expectMention(id, { quote: '900 billion yuan', value: 9e11, unit: 'CNY', metric: 'operating_revenue', subject: 'zhejiang', period: '2023' });
    expectMention(id, { quote: '480 billion yuan', value: 4.8e11, unit: 'CNY', metric: 'operating_revenue', subject: null, period: '2023-H1' });
    expectMention(id, { quote: '3.46 trillion yuan', value: 3.46e12, unit: 'CNY', metric: 'value_added', subject: 'shenzhen_city', period: '2023' });
    expectMention(id, { quote: '190 listed companies', value: 190, unit: 'count', metric: 'listed_company_count', subject: 'national', period: '2023' });
    expectMention(id, { quote: '177', value: 177, unit: 'count', period: '2022' });
    // "passed" is the verb of an act here: exactly 12 measures, and the city's, not the zones'
    expectMention(id, { quote: '12 measures', value: 12, unit: 'count', bound: 'exact', subject: null, period: '2024' });
    expectMention(id, { quote: '3,050 thousand', value: 3.05e6, unit: 'persons', metric: 'rnd_personnel_count', subject: 'national', period: '2023' });
    // a new section: 上半年 and 今年前两个月 of the publication's year (2024-08-15)
    expectMention(id, { quote: '28万亿元', value: 2.8e13, unit: 'CNY', metric: 'operating_revenue', subject: 'national', period: '2024-H1' });
    expectMention(id, { quote: '6000亿元', value: 6e11, unit: 'CNY', metric: 'export_value', subject: 'national', period: '2024-01/2024-02' });
    expectMention(id, { quote: '5%', value: 5, unit: 'percent', metric: 'export_value_growth', period: '2024-01/2024-02' });
  });

  it('reads a Chinese government page in GB2312 (万亿元, 同比增长/下降, 2023年上半年, 12万家)', () => {
    const id = 'zh-gov-note';
    expectMention(id, { quote: '178家', value: 178, unit: 'count', metric: 'zone_count', subject: 'national', period: '2023' });
    expectMention(id, { quote: '56.6万亿元', value: 5.66e13, unit: 'CNY', metric: 'operating_revenue', subject: 'national', period: '2023' });
    expectMention(id, { quote: '8.5%', value: 8.5, unit: 'percent', metric: 'operating_revenue_growth', period: '2023' });
    expectMention(id, { quote: '1200亿元', value: 1.2e11, unit: 'CNY', metric: 'export_value', subject: 'zhongguancun', period: '2023-H1' });
    expectMention(id, { quote: '3.1%', value: -3.1, unit: 'percent', metric: 'export_value_growth', subject: 'zhongguancun', period: '2023-H1' });
    expectMention(id, { quote: '12万家', value: 120000, unit: 'count', metric: 'high_tech_enterprise_count', subject: 'national' });
    // the ICP licence number in the footer is no figure
    expect(bySource.get(id)!.some((m) => m.quote.includes('05070218'))).toBe(false);
  });
});

