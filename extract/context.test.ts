import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readContexts, type FigureContext, type FigureRef } from './context.js';
import { loadLexicon } from './lexicon.js';
import type { Region } from './textLayer.js';

/** the default dataset's vocabulary */
const VOCABULARY = fileURLToPath(new URL('../dataset/vocabulary/', import.meta.url));

const lex = loadLexicon(VOCABULARY);
const fixture = (name: string) => readFileSync(new URL(`./fixtures/context/${name}`, import.meta.url), 'utf8');

/** A hand-built figure: the n-th occurrence of `quote` in `text` (the figure grammar is not used here). */
function fig(text: string, quote: string, unit: string, n = 0, unitWord: string | null = null): FigureRef {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(quote, at + 1);
    // whole numbers only: "3 trillion" is not the tail of "20.3 trillion"
    while (at > 0 && /[\d.,]/.test(text[at - 1]!)) at = text.indexOf(quote, at + 1);
    if (at < 0) throw new Error(`test setup: "${quote}" #${n} not in text`);
  }
  return { start: at, end: at + quote.length, value: Number.parseFloat(quote.replace(/[^0-9.]/g, '')), unit, unitWord, bound: 'exact' };
}

type Expect = [quote: string, unit: string, metric: string | null, subject: string | null, period: string | null, basis?: string, n?: number];

function check(text: string, rows: Expect[], publication: string | null = null, regions?: Region[]): FigureContext[] {
  const figures = rows.map(([q, u, , , , , n]) => fig(text, q, u, n ?? 0));
  const opts: { publication: string | null; regions?: Region[] } = { publication };
  if (regions) opts.regions = regions;
  const got = readContexts(text, figures, opts, lex);
  expect(got).toHaveLength(rows.length);
  rows.forEach(([q, , metric, subject, period, basis], i) => {
    const g = got[i]!;
    const shown = { q, metric: g.metric, subject: g.subject, period: g.period, rule: g.rule };
    expect(shown).toEqual({ q, metric, subject, period, rule: g.rule });
    if (basis) expect({ q, basis: g.periodBasis }).toEqual({ q, basis });
    // the sentence span holds the figure
    expect(g.sentence.start).toBeLessThanOrEqual(figures[i]!.start);
    expect(g.sentence.end).toBeGreaterThanOrEqual(figures[i]!.end);
    expect(g.rule.startsWith('ctx:metric=')).toBe(true);
  });
  return got;
}

describe('readContexts on phrasings from the sources', () => {
  it('reads the newsletter paragraphs (release date vs. data date, carried period, zones)', () => {
    const text = fixture('newsletter-2013.txt');
    check(text, [
      ['114', 'count', 'zone_count', 'national', '2013', 'stated'],
      ['20.3 trillion yuan', 'CNY', 'operating_revenue', 'national', '2013', 'stated'],
      ['5.8 trillion yuan', 'CNY', 'value_added', 'national', '2013', 'carried'],
      ['10%', 'percent', 'share_of_national_gdp', 'national', '2013', 'carried'],
      ['3 trillion yuan', 'CNY', 'operating_revenue', 'zhongguancun', '2013', 'carried'],
      ['78,000', 'count', 'enterprise_count', 'national', '2013', 'stated'],
      ['14 million', 'persons', 'employee_count', 'national', '2013', 'stated'],
      ['3 trillion yuan', 'CNY', 'operating_revenue', 'zhongguancun', '2013', 'stated', 1],
      ['20 percent', 'percent', 'operating_revenue_growth', 'zhongguancun', '2013', 'stated'],
      ['410 billion', 'CNY', 'value_added', 'zhongguancun', '2013', 'carried'],
      ['20 percent', 'percent', 'share_of_city_gdp', 'zhongguancun', '2013', 'carried', 1],
      ['30,000', 'count', 'enterprise_count', 'zhangjiang', null, 'none'],
      ['43', 'count', 'higher_education_institution_count', 'zhangjiang', null, 'none'],
      ['420 billion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2012', 'stated'],
      ['13.5', 'percent', 'operating_revenue_growth', 'zhangjiang', '2012', 'stated'],
      ['29 percent', 'percent', 'operating_revenue_growth', 'east_lake', '2012-H1', 'stated'],
      ['223.6 billion', 'CNY', 'operating_revenue', 'east_lake', '2012-H1', 'stated'],
      ['10,365', 'count', 'patent_filings', 'east_lake', '2012', 'stated'],
      ['44 percent', 'percent', 'patent_filings_growth', 'east_lake', '2012', 'stated'],
      ['24105', 'count', 'patent_filings', 'wuhan', '2012', 'stated'],
    ]);
  });

  it('reads the Torch brochure across a page break when regions mark the page numbers', () => {
    const text = fixture('torch-2012.txt');
    const pn = (s: string, from: number): Region => {
      const at = text.indexOf(s, from);
      return { start: at, end: at + s.length - 1, kind: 'page_number' };
    };
    const regions = [pn('1\n', 0), pn('\n3\n', 10)].map((r, i) => (i === 1 ? { ...r, start: r.start + 1, end: r.start + 2 } : r));
    const got = check(
      text,
      [
        // "another 51 provincial zones were elevated": an increment of the set, not the number of zones
        ['51', 'count', null, 'national', '2009', 'stated'],
        ['105', 'count', 'zone_count', 'national', '2009', 'carried'],
        ['274.91 billion yuan', 'CNY', 'rnd_expenditure', 'national', '2012', 'stated'],
        ['35.6%', 'percent', 'share_of_national_rnd', 'national', '2012', 'stated'],
        ['42,500', 'count', 'invention_patents_granted', 'national', '2012', 'stated'],
        ['19.6%', 'percent', 'share_of_national_invention_patents', 'national', '2012', 'stated'],
        ['107.5', 'count', 'invention_patents_per_10k_employees', 'national', '2012', 'carried'],
        ['11.4', 'count', 'invention_patents_per_10k_employees', 'china', '2012', 'carried'],
        ['16,596 billion yuan', 'CNY', 'operating_revenue', 'national', '2012', 'stated'],
        ['$376.04 billion', 'USD', 'export_value', 'national', '2012', 'stated'],
        ['18.4%', 'percent', 'share_of_national_exports', 'national', '2012', 'stated'],
        ['968 billion', 'CNY', 'tax_revenue', 'national', '2012', 'carried'],
        ['12,695 thousand', 'persons', 'employee_count', 'national', '2012', 'stated'],
        ['2,236 thousand', 'persons', 'rnd_personnel_count', 'national', '2012', 'stated'],
      ],
      null,
      regions,
    );
    // the sentence runs on across the page number
    const s107 = got[6]!.sentence;
    expect(text.slice(s107.start, s107.end)).toMatch(/^In the hi-tech zones, every ten thousand[\s\S]*\(11\.4 for 10,000\)\.$/);
    expect(got.some((g) => g.isTarget)).toBe(false);
  });

  it('uses the publication date for "There are …" and carries nothing into a new source', () => {
    const text =
      'Thank you for your questions. There are 178 national high-tech industrial development zones across the country, with unique advantages.';
    const [g] = check(text, [['178', 'count', 'zone_count', 'national', '2024-07-24', 'publication']], '2024-07-24');
    expect(g!.isTarget).toBe(false);
    const [h] = check(text, [['178', 'count', 'zone_count', 'national', null, 'none']], null);
    expect(h!.rule).toContain('present');
  });
});

describe('readContexts on other phrasings', () => {
  it('state-level parks, business income, a subject-first sentence', () => {
    const text = "Business income of the country's 169 state-level high-tech parks hit 48 trillion yuan in 2021, official data showed.";
    check(text, [
      ['169', 'count', 'zone_count', 'national', '2021', 'stated'],
      ['48 trillion yuan', 'CNY', 'operating_revenue', 'national', '2021', 'stated'],
    ], '2022-03-01');
  });

  it("a zone's R&D spending with a growth rate, then an anaphor in the next sentence", () => {
    const text =
      "Zhangjiang's R&D spending rose to 52.1 billion yuan in 2022, up 11.3 percent from the previous year. Its exports reached $18.2 billion.";
    check(text, [
      ['52.1 billion yuan', 'CNY', 'rnd_expenditure', 'zhangjiang', '2022', 'stated'],
      ['11.3 percent', 'percent', 'rnd_expenditure_growth', 'zhangjiang', '2022', 'stated'],
      ['$18.2 billion', 'USD', 'export_value', 'zhangjiang', '2022', 'carried'],
    ]);
  });

  it('end of a month, first three quarters, and a target year', () => {
    const text =
      'By the end of June 2023, Optics Valley was home to 16,000 high-tech enterprises.\n\n' +
      'In the first three quarters of 2023, the zone posted operating revenue of 1.2 trillion yuan.\n\n' +
      'By 2025, the national high-tech zones will have 60,000 high-tech enterprises, the plan says.\n\n' +
      'As of the end of November, Yizhuang had 310 listed companies.';
    const got = check(text, [
      ['16,000', 'count', 'high_tech_enterprise_count', 'east_lake', '2023-06', 'stated'],
      ['1.2 trillion yuan', 'CNY', 'operating_revenue', 'east_lake', '2023-Q1/2023-Q3', 'stated'],
      ['60,000', 'count', 'high_tech_enterprise_count', 'national', '2025', 'stated'],
      ['310', 'count', 'listed_company_count', 'yizhuang', '2023-11', 'stated'], // "as of the end of November": stated, its year from the publication,
    ], '2023-12-15');
    expect(got.map((g) => g.isTarget)).toEqual([false, false, true, false]);
  });

  it('does not guess: a CNY amount with no money word, a percentage with no cue', () => {
    const text = 'Among them, 12 firms invested 3 billion yuan in new lines; 40 percent came from abroad.';
    check(text, [
      ['12', 'count', 'enterprise_count', null, null, 'none'],
      ['3 billion yuan', 'CNY', null, null, null, 'none'],
      ['40 percent', 'percent', null, null, null, 'none'],
    ]);
  });

  it('returns contexts in the input order whatever the order of the figures', () => {
    const text = 'In 2013 the zones had 78,000 enterprises and 14 million employees.';
    const a = fig(text, '78,000', 'count');
    const b = fig(text, '14 million', 'persons');
    const got = readContexts(text, [b, a], { publication: null }, lex);
    expect(got.map((g) => g.metric)).toEqual(['employee_count', 'enterprise_count']);
    expect(readContexts(text, [], { publication: null }, lex)).toEqual([]);
  });

  it('is deterministic', () => {
    const text = fixture('newsletter-2013.txt');
    const figs = [fig(text, '114', 'count'), fig(text, '20.3 trillion yuan', 'CNY'), fig(text, '10%', 'percent')];
    expect(readContexts(text, figs, { publication: null }, lex)).toEqual(readContexts(text, figs, { publication: null }, lex));
  });
});

describe('readContexts: whole sets, subsets, thresholds and shares', () => {
  it('counts the whole set only after a totality cue', () => {
    const text = 'In 2015, there were 146 national high-tech zones. Of them, 12 zones were upgraded and another 9 zones were approved in 2015.';
    check(text, [
      ['146', 'count', 'zone_count', 'national', '2015', 'stated'],
      ['12', 'count', null, 'national', '2015', 'stated'],
      ['9', 'count', null, 'national', '2015', 'stated'],
    ]);
  });

  it('reads an amount right after a bare count as a threshold, not as revenue', () => {
    const text = 'In 2016, 8 high-tech zones achieved more than 500 billion yuan in revenue and 40 reached 100 billion yuan in revenue.';
    check(text, [
      ['8 high-tech zones', 'count', null, 'national', '2016', 'stated'],
      ['more than 500 billion yuan', 'CNY', null, 'national', '2016', 'stated'],
      ['40', 'count', null, 'national', '2016', 'stated'],
      ['100 billion yuan', 'CNY', null, 'national', '2016', 'stated'],
    ]);
  });

  it('binds a share to the noun phrase after "of"', () => {
    const text = 'In 2020, the national high-tech zones gathered 35% of all high-tech enterprises and 25% of unicorn firms.';
    check(text, [
      ['35%', 'percent', 'share_of_national_high_tech_enterprises', 'national', '2020', 'stated'],
      ['25%', 'percent', null, 'national', '2020', 'stated'],
    ]);
  });

  it('does not give a count with its own noun the metric of a noun elsewhere in the clause', () => {
    const text = 'In 2018, Zhangjiang set up three service platforms to support the high-tech zones.';
    check(text, [['three service platforms', 'count', null, 'zhangjiang', '2018', 'stated', 0]]);
  });
});

describe('readContexts: present-tense sentences', () => {
  it('does not carry an earlier year to a figure stated in the present tense', () => {
    const text = 'The zone was established in May 1995 with an area of 20 square kilometers. It has 12 research institutes.';
    check(
      text,
      [
        ['20 square kilometers', 'km2', 'area', null, '1995-05', 'stated'],
        ['12', 'count', 'research_institute_count', null, '2020-01-31', 'publication'],
      ],
      '2020-01-31',
    );
  });
});

describe('readContexts: relative years and comparison bases', () => {
  it('reads "last year" against the publication date, and "over last year" as a comparison', () => {
    const text = "Zhongguancun's revenue topped 8 trillion yuan last year, up 10 percent over last year.";
    check(
      text,
      [
        ['8 trillion yuan', 'CNY', 'operating_revenue', 'zhongguancun', '2023', 'stated'],
        ['10 percent', 'percent', 'operating_revenue_growth', 'zhongguancun', '2023', 'stated'],
      ],
      '2024-03-01',
    );
  });

  it('gives a date after "from N in" to N, not to the figure before it', () => {
    const text = 'China had 178 national high-tech zones, up from 169 in 2021.';
    check(
      text,
      [
        ['178 national high-tech zones', 'count', 'zone_count', 'national', '2024-03-01', 'publication'],
        ['169', 'count', null, 'national', '2021', 'stated'],
      ],
      '2024-03-01',
    );
  });
});

describe('readContexts: zones no subject lists', () => {
  it('reads a named zone the lexicon does not know as a zone of its own, not as the national aggregate', () => {
    const text = 'Suzhou Industrial Park reported operating revenue of 1.2 trillion yuan in 2023. Its exports reached 80 billion yuan in 2023.';
    check(text, [
      ['1.2 trillion yuan', 'CNY', 'operating_revenue', 'suzhou_industrial_park', '2023', 'stated'],
      ['80 billion yuan', 'CNY', 'export_value', 'suzhou_industrial_park', '2023', 'stated'],
    ]);
  });

  it('does not let a component named in passing take over the subject', () => {
    const text = 'In 2015, Zhangjiang had 3 industrial parks, a university science park and Pudong Software Park. The zone has 12 research institutes.';
    check(text, [
      ['3', 'count', null, 'zhangjiang', '2015', 'stated'],
      ['12', 'count', 'research_institute_count', 'zhangjiang', null, 'none'],
    ]);
  });

  it('does not read generic capitalised phrases as zone names', () => {
    const text = 'The National High-tech Zones reported revenue of 48 trillion yuan in 2021.';
    check(text, [['48 trillion yuan', 'CNY', 'operating_revenue', 'national', '2021', 'stated']]);
  });
});

describe('readContexts: months without a year, short quarters', () => {
  it('dates a month or a range of months by the publication date, and reads "Q1 2024"', () => {
    const text = 'In January, the zones exported goods worth 350 billion yuan. From June to August, revenue of the zones rose 6.1 percent. Revenue of the zones reached 1.2 trillion yuan in Q1 2024.';
    check(
      text,
      [
        ['350 billion yuan', 'CNY', 'export_value', 'national', '2024-01', 'stated'],
        ['6.1 percent', 'percent', 'operating_revenue_growth', 'national', '2023-06/2023-08', 'stated'],
        ['1.2 trillion yuan', 'CNY', 'operating_revenue', 'national', '2024-Q1', 'stated'],
      ],
      '2024-03-01',
    );
  });
});
