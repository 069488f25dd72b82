import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datesIn, metricPhraseSearch, PageMatches, patternWork, readContexts, searchRange, type FigureContext, type FigureRef } from './context.js';
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

describe('readContexts on phrasings like those of the sources (text written for the test)', () => {
  it('reads the profile paragraphs (release date vs. data date, carried period, zones)', () => {
    const text = fixture('profiles-2016.txt');
    check(text, [
      ['146', 'count', 'zone_count', 'national', '2016', 'stated'],
      ['28.7 trillion yuan', 'CNY', 'operating_revenue', 'national', '2016', 'stated'],
      ['8.1 trillion yuan', 'CNY', 'value_added', 'national', '2016', 'carried'],
      ['11%', 'percent', 'share_of_national_gdp', 'national', '2016', 'carried'],
      ['4 trillion yuan', 'CNY', 'operating_revenue', 'zhongguancun', '2016', 'carried'],
      ['85,000', 'count', 'enterprise_count', 'national', '2016', 'stated'],
      ['17 million', 'persons', 'employee_count', 'national', '2016', 'stated'],
      ['4 trillion yuan', 'CNY', 'operating_revenue', 'zhongguancun', '2016', 'stated', 1],
      ['12 percent', 'percent', 'operating_revenue_growth', 'zhongguancun', '2016', 'stated'],
      ['500 billion', 'CNY', 'value_added', 'zhongguancun', '2016', 'carried'],
      ['19 percent', 'percent', 'share_of_city_gdp', 'zhongguancun', '2016', 'carried'],
      ['32,000', 'count', 'enterprise_count', 'zhangjiang', null, 'none'],
      ['45', 'count', 'higher_education_institution_count', 'zhangjiang', null, 'none'],
      ['480 billion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2015', 'stated'],
      ['11.2', 'percent', 'operating_revenue_growth', 'zhangjiang', '2015', 'stated'],
      ['18 percent', 'percent', 'operating_revenue_growth', 'east_lake', '2015-H1', 'stated'],
      ['260.2 billion', 'CNY', 'operating_revenue', 'east_lake', '2015-H1', 'stated'],
      ['12,840', 'count', 'patent_filings', 'east_lake', '2015', 'stated'],
      ['21 percent', 'percent', 'patent_filings_growth', 'east_lake', '2015', 'stated'],
      ['32920', 'count', 'patent_filings', 'wuhan', '2015', 'stated'],
    ]);
  });

  it('reads a brochure across a page break when regions mark the page numbers', () => {
    const text = fixture('pages-2014.txt');
    const pn = (s: string, from: number): Region => {
      const at = text.indexOf(s, from);
      return { start: at, end: at + s.length - 1, kind: 'page_number' };
    };
    const regions = [pn('1\n', 0), pn('\n3\n', 10)].map((r, i) => (i === 1 ? { ...r, start: r.start + 1, end: r.start + 2 } : r));
    const got = check(
      text,
      [
        // "another 51 provincial zones joined": an increment of the set, not the number of zones
        ['51', 'count', null, 'national', '2009', 'stated'],
        ['105', 'count', 'zone_count', 'national', '2009', 'carried'],
        ['312.40 billion yuan', 'CNY', 'rnd_expenditure', 'national', '2014', 'stated'],
        ['38.1%', 'percent', 'share_of_national_rnd', 'national', '2014', 'stated'],
        ['51,200', 'count', 'invention_patents_granted', 'national', '2014', 'stated'],
        ['21.3%', 'percent', 'share_of_national_invention_patents', 'national', '2014', 'stated'],
        ['112.6', 'count', 'invention_patents_per_10k_employees', 'national', '2014', 'carried'],
        ['14.2', 'count', 'invention_patents_per_10k_employees', 'china', '2014', 'carried'],
        ['22,636 billion yuan', 'CNY', 'operating_revenue', 'national', '2014', 'stated'],
        ['$410.25 billion', 'USD', 'export_value', 'national', '2014', 'stated'],
        ['17.9%', 'percent', 'share_of_national_exports', 'national', '2014', 'stated'],
        ['970 billion', 'CNY', 'tax_revenue', 'national', '2014', 'carried'],
        ['15,270 thousand', 'persons', 'employee_count', 'national', '2014', 'stated'],
        ['2,580 thousand', 'persons', 'rnd_personnel_count', 'national', '2014', 'stated'],
      ],
      null,
      regions,
    );
    // the sentence runs on across the page number
    const s112 = got[6]!.sentence;
    expect(text.slice(s112.start, s112.end)).toMatch(/^In the hi-tech zones, every ten thousand[\s\S]*\(14\.2 for 10,000\)\.$/);
    expect(got.some((g) => g.isTarget)).toBe(false);
  });

  it('uses the publication date for "There are …" and carries nothing into a new source', () => {
    const text =
      'Good question. There are 178 national high-tech industrial development zones in China today, each with its own strengths.';
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

  it('does not guess: a part of what was said before, a CNY amount with no money word, a percentage with no cue', () => {
    const text = 'Among them, 12 firms invested 3 billion yuan in new lines; 40 percent came from abroad.';
    const got = check(text, [
      ['12', 'count', null, null, null, 'none'],
      ['3 billion yuan', 'CNY', null, null, null, 'none'],
      ['40 percent', 'percent', null, null, null, 'none'],
    ]);
    expect(got[0]!.rule).toContain('metric=none(part-of:Among them;was enterprise_count)');
  });

  it('reads "其中" as a part and "新增" as new additions: no whole metric, no stock', () => {
    const text = '2022年，东湖高新区出口额为900亿元。其中，光电子产品出口500亿元。2022年，东湖高新区新增高新技术企业650家。';
    const got = check(text, [
      ['900亿元', 'CNY', 'export_value', 'east_lake', '2022', 'stated'],
      ['500亿元', 'CNY', null, 'east_lake', '2022', 'carried'],
      ['650家', 'count', null, 'east_lake', '2022', 'stated'],
    ]);
    expect(got[1]!.rule).toContain('metric=none(part-of:其中;was export_value)');
    expect(got[2]!.rule).toContain('metric=none(increment:新增;was high_tech_enterprise_count)');
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
    const text = fixture('profiles-2016.txt');
    const figs = [fig(text, '146', 'count'), fig(text, '28.7 trillion yuan', 'CNY'), fig(text, '11%', 'percent')];
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
      ['more than 500 billion yuan', 'CNY', null, null, '2016', 'stated'],
      ['40', 'count', null, 'national', '2016', 'stated'],
      ['100 billion yuan', 'CNY', null, null, '2016', 'stated'],
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

  it('finds the counted noun after the number in any case, past a short bracket, and not past a stop word in capitals', () => {
    const read = (text: string, quote: string) => readContexts(text, [fig(text, quote, 'count')], { publication: null }, lex)[0]!.rule;
    // the noun in capitals: its letters after the first are compared in either case
    expect(read('In 2022 Zhangjiang counted 120 HIGH-TECH ENTERPRISES.', '120')).toMatch(/^ctx:metric=noun\(high-tech enterprises\)/);
    // a bracket of up to 30 characters is stepped over; a longer one ends the words the noun may follow
    expect(read('In 2022 Zhangjiang counted 120 (a count made in May) enterprises.', '120')).toMatch(/^ctx:metric=noun\(enterprises\)/);
    expect(read('In 2022 Zhangjiang counted 120 (a count made in May by its own office) enterprises.', '120')).toMatch(/^ctx:metric=clause-noun\(enterprises\)/);
    // "OF" is a stop word in any case: the noun after it is no counted noun of the number, only one named in the clause
    expect(read('In 2022 Zhangjiang counted 120 OF ITS enterprises.', '120')).toMatch(/^ctx:metric=clause-noun\(enterprises\)/);
    expect(read('In 2022 Zhangjiang counted 120 ODD enterprises.', '120')).toMatch(/^ctx:metric=subset\(noun\(enterprises\);modifier=ODD\)/);
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
        ['169', 'count', 'zone_count', 'national', '2021', 'stated'],
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

describe('readContexts: ranks and subsets never count the whole set', () => {
  it('reads "the 12 biggest", "the top 15", "the three zones", "nine of the zones" as subsets; "the 150 zones" as the set', () => {
    const text =
      'In 2021, the 12 biggest high-tech zones produced half of the output. The top 15 zones grew fastest in 2021. ' +
      'The three zones together hired 40,000 graduates in 2021. In 2021, nine of the zones were merged. ' +
      'In 2021, the 150 zones reported revenue of 45 trillion yuan.';
    const got = check(text, [
      ['12', 'count', null, 'national', '2021', 'stated'],
      ['15', 'count', null, 'national', '2021', 'stated'],
      ['three', 'count', null, 'national', '2021', 'stated'],
      ['nine', 'count', null, 'national', '2021', 'stated'],
      ['150', 'count', 'zone_count', 'national', '2021', 'stated'],
    ]);
    expect(got.map((g) => /subset\(.*(rank=biggest|rank=top|named-before|rank=of)/.exec(g.rule)?.[1] ?? null)).toEqual([
      'rank=biggest',
      'rank=top',
      'named-before',
      'rank=of',
      null,
    ]);
  });

  it('what a subset earns is not the national figure, nor is an amount each member earns', () => {
    const text =
      'In 2022, seven of the zones earned revenue of 9 trillion yuan. In 2022, the zones paid taxes above 60 billion yuan each. ' +
      '2022年，排名前20名的高新区营业收入合计超过25万亿元。2022年，国家高新区营业收入为48万亿元。';
    const got = check(text, [
      ['9 trillion yuan', 'CNY', 'operating_revenue', null, '2022', 'stated'],
      ['60 billion yuan', 'CNY', 'tax_revenue', null, '2022', 'stated'],
      ['25万亿元', 'CNY', 'operating_revenue', null, '2022', 'stated'],
      ['48万亿元', 'CNY', 'operating_revenue', 'national', '2022', 'stated'],
    ]);
    expect(got.map((g) => /subject=(none\([a-z]+)/.exec(g.rule)?.[1] ?? null)).toEqual(['none(subset', 'none(each', 'none(subset', null]);
  });

  it('a superlative made of a suffix ("the 6 fastest-growing zones") is a rank too', () => {
    const text = 'In 2020 the 6 fastest-growing zones were in the west.';
    check(text, [['6', 'count', null, null, '2020', 'stated']]);
  });
});

describe('readContexts: parts of a year take the sentence or paragraph year', () => {
  // a place no subject lists (every Chinese province is listed in the default dataset's gazetteer)
  it('"In Lakeshire, … in 2023. In the first half, …": the half of 2023, and no national subject', () => {
    const text =
      'The national high-tech zones employed 24 million people in 2022.\n\n' +
      'In Lakeshire, revenue climbed to 900 billion yuan in 2023. In the first half, revenue came to 480 billion yuan.';
    const got = check(text, [
      ['24 million', 'persons', 'employee_count', 'national', '2022', 'stated'],
      ['900 billion yuan', 'CNY', 'operating_revenue', null, '2023', 'stated'],
      ['480 billion yuan', 'CNY', 'operating_revenue', null, '2023-H1', 'stated'],
    ]);
    expect(got[1]!.rule).toContain('subject=none(topic-changed:Lakeshire)');
    expect(got[2]!.rule).toContain('period=part-year@sentence(first half;year carried 2023)');
  });

  it('English parts of a year: H1, Q1, the first three quarters, January to June, the first five months, year to date', () => {
    const text =
      'Exports of the zones were worth 2 trillion yuan in 2021. H1 revenue of the zones was 19 trillion yuan. ' +
      'In Q1, revenue of the zones was 9 trillion yuan. In the first three quarters, revenue of the zones reached 31 trillion yuan. ' +
      'From January to June, the zones exported goods worth 1.1 trillion yuan. ' +
      'In the first five months, exports of the zones were 0.8 trillion yuan. ' +
      'Year to date, revenue of the zones is 3 trillion yuan.';
    check(
      text,
      [
        ['2 trillion yuan', 'CNY', 'export_value', 'national', '2021', 'stated'],
        ['19 trillion yuan', 'CNY', 'operating_revenue', 'national', '2021-H1', 'stated'],
        ['9 trillion yuan', 'CNY', 'operating_revenue', 'national', '2021-Q1', 'stated'],
        ['31 trillion yuan', 'CNY', 'operating_revenue', 'national', '2021-Q1/2021-Q3', 'stated'],
        ['1.1 trillion yuan', 'CNY', 'export_value', 'national', '2021-01/2021-06', 'stated'],
        ['0.8 trillion yuan', 'CNY', 'export_value', 'national', '2021-01/2021-05', 'stated'],
        ['3 trillion yuan', 'CNY', 'operating_revenue', 'national', '2022-01/2022-04', 'stated'],
      ],
      '2022-04-20',
    );
  });

  it('a Chinese year and its part, quarter or month (language/context.yaml zh_year): 2021年下半年, 2021年第三季度, 2021年四季度, 2021年9月底; 两 counts, it does not order', () => {
    const text =
      '2021年下半年，国家高新区营业收入为26万亿元。2021年第三季度，出口总额为1.2万亿元。2021年四季度，出口总额为1.3万亿元。' +
      '2021年9月底，国家高新区营业收入为30万亿元。\n\n2021年两季度，出口总额为2.5万亿元。';
    check(
      text,
      [
        ['26万亿元', 'CNY', 'operating_revenue', 'national', '2021-H2', 'stated'],
        ['1.2万亿元', 'CNY', 'export_value', 'national', '2021-Q3', 'stated'],
        ['1.3万亿元', 'CNY', 'export_value', 'national', '2021-Q4', 'stated'],
        ['30万亿元', 'CNY', 'operating_revenue', 'national', '2021-09', 'stated'],
        // "两季度" is two quarters, not the second: the year alone is read
        ['2.5万亿元', 'CNY', 'export_value', 'national', '2021', 'stated'],
      ],
      '2022-03-10',
    );
  });

  it('year ranges and comparison dates by the function words of language/context.yaml (range_openers, range_links, date_gap_words)', () => {
    const text =
      'Between 2019 and 2021, operating revenue of the national high-tech zones totaled 120 trillion yuan. ' +
      'The national high-tech zones numbered 178, up from 169 at the end of 2021, in 2022.';
    check(
      text,
      [
        ['120 trillion yuan', 'CNY', 'operating_revenue', 'national', '2019/2021', 'stated'],
        ['178', 'count', 'zone_count', 'national', '2022', 'stated'],
        ['169', 'count', 'zone_count', 'national', '2021', 'stated'],
      ],
      '2023-05-01',
    );
  });

  it('Chinese parts of a year: 上半年, 前三季度, 1-6月, 一季度, 今年前两个月, 去年, 同期', () => {
    const text =
      '2022年，国家高新区营业收入为48万亿元。上半年，出口总额为2万亿元。前三季度，营业收入为35万亿元。' +
      '1-6月，营业收入为22万亿元。一季度，出口总额为9000亿元。\n\n' +
      '今年前两个月，国家高新区出口总额为6000亿元，比去年同期增长4%。去年同期，出口总额为5700亿元。' +
      '去年，国家高新区营业收入为50万亿元。';
    check(
      text,
      [
        ['48万亿元', 'CNY', 'operating_revenue', 'national', '2022', 'stated'],
        ['2万亿元', 'CNY', 'export_value', 'national', '2022-H1', 'stated'],
        ['35万亿元', 'CNY', 'operating_revenue', 'national', '2022-Q1/2022-Q3', 'stated'],
        ['22万亿元', 'CNY', 'operating_revenue', 'national', '2022-H1', 'stated'],
        ['9000亿元', 'CNY', 'export_value', 'national', '2022-Q1', 'stated'],
        ['6000亿元', 'CNY', 'export_value', 'national', '2024-01/2024-02', 'stated'],
        ['4%', 'percent', 'export_value_growth', 'national', '2024-01/2024-02', 'stated'],
        ['5700亿元', 'CNY', 'export_value', 'national', '2023-01/2023-02', 'stated'],
        ['50万亿元', 'CNY', 'operating_revenue', 'national', '2023', 'stated'],
      ],
      '2024-03-10',
    );
  });

  it('abstains when no year is stated, carried or fits the publication date', () => {
    const text = 'In the second half, revenue of the zones rose to 26 trillion yuan.';
    const [g] = check(text, [['26 trillion yuan', 'CNY', 'operating_revenue', 'national', null, 'none']], '2024-03-10');
    expect(g!.rule).toContain('period=part-year@sentence(second half;no-year)');
    check(text, [['26 trillion yuan', 'CNY', 'operating_revenue', 'national', null, 'none']], null);
  });
});

describe('readContexts: "a year earlier" has its own year', () => {
  it('dates the base after "up from" one year before the sentence, and the figure by the sentence', () => {
    const text = 'The zones had 260 listed companies in 2023, up from 233 a year earlier. Revenue of the zones was 9 trillion yuan in the first half of 2022, against 8 trillion yuan a year before.';
    const got = check(text, [
      ['260 listed companies', 'count', 'listed_company_count', 'national', '2023', 'stated'],
      ['233', 'count', 'listed_company_count', 'national', '2022', 'stated'],
      ['9 trillion yuan', 'CNY', 'operating_revenue', 'national', '2022-H1', 'stated'],
      ['8 trillion yuan', 'CNY', 'operating_revenue', 'national', '2021-H1', 'stated'],
    ]);
    expect(got[1]!.rule).toContain('period=prior-year(a year earlier;of 2023)');
  });

  it('abstains when the statement has no period of its own', () => {
    const text = 'The zones had 260 listed companies, up from 233 a year earlier.';
    const [, g] = check(text, [
      ['260 listed companies', 'count', 'listed_company_count', 'national', null, 'none'],
      ['233', 'count', 'listed_company_count', 'national', null, 'none'],
    ]);
    expect(g!.rule).toContain('prior-year(a year earlier;no-own-period)');
  });
});

describe('readContexts: a city is not its zone', () => {
  it('reads the city name as the city, the zone name as the zone', () => {
    const text = "Shenzhen's GDP came to 3.2 trillion yuan in 2022. Shenzhen High-tech Zone reported revenue of 1.1 trillion yuan in 2022.";
    check(text, [
      ['3.2 trillion yuan', 'CNY', 'value_added', 'shenzhen_city', '2022', 'stated'],
      ['1.1 trillion yuan', 'CNY', 'operating_revenue', 'shenzhen', '2022', 'stated'],
    ]);
  });
});

describe('readContexts: topic changes', () => {
  it('stops carrying the subject when a paragraph opens on another place', () => {
    const text =
      'Zhangjiang reported revenue of 1.5 trillion yuan in 2022. Its exports came to 300 billion yuan.\n\n' +
      'In Lakeshire Province, exports came to 700 billion yuan in 2022. Its revenue reached 4 trillion yuan.';
    check(text, [
      ['1.5 trillion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2022', 'stated'],
      ['300 billion yuan', 'CNY', 'export_value', 'zhangjiang', '2022', 'carried'],
      ['700 billion yuan', 'CNY', 'export_value', null, '2022', 'stated'],
      ['4 trillion yuan', 'CNY', 'operating_revenue', null, '2022', 'carried'],
    ]);
  });

  it('stops carrying the subject past a sentence that opens on a city or province', () => {
    const text = "Zhangjiang reported revenue of 1.5 trillion yuan in 2022. Beijing's exports came to 400 billion yuan in 2022. Its revenue reached 4 trillion yuan.";
    const got = check(text, [
      ['1.5 trillion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2022', 'stated'],
      ['400 billion yuan', 'CNY', 'export_value', 'beijing', '2022', 'stated'],
      ['4 trillion yuan', 'CNY', 'operating_revenue', null, '2022', 'carried'],
    ]);
    expect(got[2]!.rule).toContain('subject=none(topic-changed:beijing)');
  });

  it('stops carrying the subject when a sentence is about "the city" or "the province"', () => {
    const text = 'Zhangjiang reported revenue of 1.5 trillion yuan in 2022. The city passed 12 measures in 2022. The zone exported goods worth 90 billion yuan in 2022.';
    const got = check(text, [
      ['1.5 trillion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2022', 'stated'],
      ['12', 'count', null, null, '2022', 'stated'],
      ['90 billion yuan', 'CNY', 'export_value', null, '2022', 'stated'],
    ]);
    expect(got[1]!.rule).toContain('subject=none(topic-changed:the city)');
  });

  it('a frame that is a date ("In January,", "In Q3,") changes no topic', () => {
    const text = 'Zhangjiang reported revenue of 1.5 trillion yuan in 2022. In January, its exports came to 30 billion yuan. In Q3, its exports came to 41 billion yuan.';
    check(
      text,
      [
        ['1.5 trillion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2022', 'stated'],
        ['30 billion yuan', 'CNY', 'export_value', 'zhangjiang', '2022-01', 'stated'],
        ['41 billion yuan', 'CNY', 'export_value', 'zhangjiang', '2022-Q3', 'stated'],
      ],
      '2023-05-01',
    );
  });
});

describe('readContexts: one unit per metric', () => {
  it('publishes a people-counting metric in persons even when the words name no person', () => {
    const text = 'In 2019, the zones employed 21,000 thousand people, of whom 3,100 thousand engaged in R&D.';
    const figures = [fig(text, '21,000 thousand people', 'persons'), fig(text, '3,100 thousand', 'count')];
    const got = readContexts(text, figures, { publication: null }, lex);
    expect(got.map((g) => [g.metric, g.unit ?? null])).toEqual([
      ['employee_count', null],
      ['rnd_personnel_count', 'persons'],
    ]);
    expect(got[1]!.rule).toContain('unit=persons(rnd_personnel_count)');
  });
});

describe('readContexts: only a stock takes the publication date', () => {
  it('dates a present-tense count by the publication, never a share stated beside it', () => {
    const text = "Today there are 181 national high-tech zones, and they hold 35% of the country's high-tech enterprises.";
    const got = check(
      text,
      [
        ['181', 'count', 'zone_count', 'national', '2025-05-02', 'publication'],
        ['35%', 'percent', 'share_of_national_high_tech_enterprises', 'national', null, 'none'],
      ],
      '2025-05-02',
    );
    expect(got[1]!.rule).toContain('period=none(ratio not dated by the publication;publication(present');
  });
});

describe('readContexts: readings on text nobody tuned for', () => {
  it('a threshold reached by some members is no amount of the set; nor is what each member will have', () => {
    const text =
      'In 2021, 30 national high-tech zones had more than 200 billion yuan in revenue. ' +
      'The national high-tech zones plan to grow 12 clusters, each with revenue of over 80 billion yuan.';
    const got = check(text, [
      ['30 national high-tech zones', 'count', null, 'national', '2021', 'stated'],
      ['more than 200 billion yuan', 'CNY', null, null, '2021', 'stated'],
      ['over 80 billion yuan', 'CNY', 'operating_revenue', null, null, 'none'],
    ]);
    expect(got[1]!.rule).toContain('subject=none(threshold');
    expect(got[2]!.rule).toContain('subject=none(each');
  });

  it('a clause that opens on "among which" states a part: no whole metric', () => {
    const text = 'In 2020, the number of listed companies in Zhongguancun reached 410, among which 260 companies are listed at home.';
    const got = check(text, [
      ['410', 'count', 'listed_company_count', 'zhongguancun', '2020', 'stated'],
      ['260', 'count', null, 'zhongguancun', '2020', 'stated'],
    ]);
    expect(got[1]!.rule).toContain('metric=none(part-of:among which');
  });

  it('an amount that a counted set of members earned is that set\'s, a part: no whole metric', () => {
    const text =
      'East Lake reported revenue of 1.7 trillion yuan in 2022. Its 80 listed companies earned a combined net profit of 12 billion yuan in 2022. ' +
      'In 2023, its 900 firms together made revenue of 60 billion yuan.';
    const got = check(text, [
      ['1.7 trillion yuan', 'CNY', 'operating_revenue', 'east_lake', '2022', 'stated'],
      ['80 listed companies', 'count', 'listed_company_count', 'east_lake', '2022', 'stated'],
      ['12 billion yuan', 'CNY', null, 'east_lake', '2022', 'stated'],
      ['900 firms', 'count', 'enterprise_count', 'east_lake', '2023', 'stated'],
      ['60 billion yuan', 'CNY', null, 'east_lake', '2023', 'stated'],
    ]);
    expect(got[2]!.rule).toContain('metric=none(counted-subject:80 listed companies earned;was net_profit)');
    expect(got[4]!.rule).toContain('metric=none(counted-subject:900 firms together made;was operating_revenue)');
  });

  it('a count that is not the subject of the amount\'s clause, or counts the whole set, leaves the metric', () => {
    const text =
      'In 2022, East Lake, home to 80 listed companies, made a net profit of 12 billion yuan. ' +
      "In 2022, the zone's revenue was 40 billion yuan, and its 80 firms employ 9,000 people. " +
      'In 2022, the 178 national high-tech zones earned revenue of 48 trillion yuan.';
    check(text, [
      ['80 listed companies', 'count', 'listed_company_count', 'east_lake', '2022', 'stated'],
      ['12 billion yuan', 'CNY', 'net_profit', 'east_lake', '2022', 'stated'],
      ['40 billion yuan', 'CNY', 'operating_revenue', 'east_lake', '2022', 'stated'],
      ['80 firms', 'count', 'enterprise_count', 'east_lake', '2022', 'stated'],
      ['9,000 people', 'persons', 'employee_count', 'east_lake', '2022', 'stated'],
      ['178 national high-tech zones', 'count', 'zone_count', 'national', '2022', 'stated'],
      ['48 trillion yuan', 'CNY', 'operating_revenue', 'national', '2022', 'stated'],
    ]);
  });

  it("a place named in the figure's own clause wins over a zone named in another clause", () => {
    const text = "In 2021, Wuhan's GDP reached 1.8 trillion yuan, and East Lake reported revenue of 1.3 trillion yuan. " + '2022年，武汉市地区生产总值1.9万亿元，东湖高新区营业收入1.4万亿元。';
    check(text, [
      ['1.8 trillion yuan', 'CNY', 'value_added', 'wuhan', '2021', 'stated'],
      ['1.3 trillion yuan', 'CNY', 'operating_revenue', 'east_lake', '2021', 'stated'],
      ['1.9万亿元', 'CNY', 'value_added', 'wuhan', '2022', 'stated'],
      ['1.4万亿元', 'CNY', 'operating_revenue', 'east_lake', '2022', 'stated'],
    ]);
  });

  it('a place that opens the name of an institution is no subject', () => {
    const text = 'East Lake is an optics hub, with 40 research institutes such as Wuhan Branch of the Academy of Sciences.';
    check(text, [['40 research institutes', 'count', 'research_institute_count', 'east_lake', null, 'none']]);
  });

  it('reads Chinese names of metrics: output, listed firms, area, investment, patents, R&D intensity, returnees, new firms', () => {
    const text =
      '2023年，张江高新区规模以上工业总产值8000亿元，上市公司210家，固定资产投资350亿元，发明专利授权6000件，专利授权量1.5万件，研发经费投入强度为6.1%，留学归国人员2.2万人，新增企业900家。张江高新区规划面积531平方公里。';
    check(text, [
      ['8000亿元', 'CNY', 'industrial_output_value', 'zhangjiang', '2023', 'stated'],
      ['210家', 'count', 'listed_company_count', 'zhangjiang', '2023', 'stated'],
      ['350亿元', 'CNY', 'fixed_asset_investment', 'zhangjiang', '2023', 'stated'],
      ['6000件', 'count', 'invention_patents_granted', 'zhangjiang', '2023', 'stated'],
      ['1.5万件', 'count', 'patents_granted', 'zhangjiang', '2023', 'stated'],
      ['6.1%', 'percent', 'rnd_intensity', 'zhangjiang', '2023', 'stated'],
      ['2.2万人', 'persons', 'returnee_count', 'zhangjiang', '2023', 'stated'],
      ['900家', 'count', 'new_enterprise_count', 'zhangjiang', '2023', 'stated'],
      ['531平方公里', 'km2', 'area', 'zhangjiang', '2023', 'carried'],
    ]);
  });

  it('a row "Label: value" reads its metric from the label; a figure-less sentence opening on a period dates the rows after it', () => {
    const text =
      'In the first half of 2025 the national high-tech zones kept growing.\n\nOperating revenue: 27 trillion yuan, up 5.5 percent year on year.\n\nFixed asset investment: 2.1 trillion yuan.';
    check(text, [
      ['27 trillion yuan', 'CNY', 'operating_revenue', 'national', '2025-H1', 'carried'],
      ['5.5 percent', 'percent', 'operating_revenue_growth', 'national', '2025-H1', 'carried'],
      ['2.1 trillion yuan', 'CNY', 'fixed_asset_investment', 'national', '2025-H1', 'carried'],
    ]);
    // a dateline is no period of the figures under it
    check('June 3, 2025\n\nThe zones now report an R&D intensity of 2.8 percent.', [['2.8 percent', 'percent', 'rnd_intensity', 'national', null, 'none']]);
  });

  it('an anaphor with nothing before it in its section points to the zone of the section before; "covers" names an area', () => {
    const text = 'Zhangjiang covers 220 square kilometers in 12 parks.\n\nResearch\n\nThe park hosts 30 universities. Its enterprises spent 60 billion yuan on R&D in 2022.';
    check(text, [
      ['220 square kilometers', 'km2', 'area', 'zhangjiang', null, 'none'],
      ['30 universities', 'count', 'higher_education_institution_count', 'zhangjiang', null, 'none'],
      ['60 billion yuan', 'CNY', 'rnd_expenditure', 'zhangjiang', '2022', 'stated'],
    ]);
  });

  it('whole-set counts after "numbered" and after a Chinese totality cue before the noun; labels after a semicolon', () => {
    const text =
      'In 2022 the national high-tech zones numbered 173. ' +
      '截至2022年底，全国共有国家高新区173家。' +
      'In 2022 Zhangjiang reported: patent applications filed: 9,000; invention patents granted: 4,100.';
    check(text, [
      ['173', 'count', 'zone_count', 'national', '2022', 'stated'],
      ['173家', 'count', 'zone_count', 'national', '2022', 'stated'],
      ['9,000', 'count', 'patent_filings', 'zhangjiang', '2022', 'stated'],
      ['4,100', 'count', 'invention_patents_granted', 'zhangjiang', '2022', 'stated'],
    ]);
  });

  it('a section whose anaphor points to the zone before talks about that zone; "截至9月底" is the end of September', () => {
    const text =
      'Zhangjiang Statistics\n\nZhangjiang earned revenue of 900 billion yuan in 2023.\n\nEnterprises\n\nBy the end of September the park had 1,900 listed companies. Over the three quarters, 3,000 new enterprises were registered.' +
      '\n\n截至9月底，张江共有高新技术企业1.1万家。';
    check(
      text,
      [
        ['900 billion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2023', 'stated'],
        ['1,900 listed companies', 'count', 'listed_company_count', 'zhangjiang', '2024-09', 'stated'],
        ['3,000 new enterprises', 'count', 'new_enterprise_count', 'zhangjiang', '2024-Q1/2024-Q3', 'stated'],
        ['1.1万家', 'count', 'high_tech_enterprise_count', 'zhangjiang', '2024-09', 'stated'],
      ],
      '2024-10-20',
    );
  });

  it('a count that did something some members do ("cut jobs", "closed") is no count of the stock', () => {
    const text = 'In 2023, fewer than 25 listed companies in Zhangjiang cut jobs, and 40 enterprises closed.';
    const got = check(text, [
      ['25 listed companies', 'count', null, 'zhangjiang', '2023', 'stated'],
      ['40 enterprises', 'count', null, 'zhangjiang', '2023', 'stated'],
    ]);
    expect(got[0]!.rule).toContain('metric=subset(');
  });

  it('a rate counts what its metric counts; a modified noun, a named category or an industry is a part, not the whole', () => {
    const text =
      'In 2021 Zhangjiang had 300 patent applications per 10,000 employees and 90 invention patents per 10,000 employees. ' +
      'In 2021 Zhangjiang hosted some 900 biotech firms and 60 national research institutes. ' +
      '2021年，张江共有“独角兽”企业12家，生物医药产业营业收入达到900亿元，营业收入为1.1万亿元。';
    const got = check(text, [
      ['300', 'per_10k', null, 'zhangjiang', '2021', 'stated'],
      ['90', 'per_10k', 'invention_patents_per_10k_employees', 'zhangjiang', '2021', 'stated'],
      ['900 biotech firms', 'count', null, 'zhangjiang', '2021', 'stated'],
      ['60 national research institutes', 'count', 'research_institute_count', 'zhangjiang', '2021', 'stated'],
      ['12家', 'count', null, 'zhangjiang', '2021', 'stated'],
      ['900亿元', 'CNY', null, 'zhangjiang', '2021', 'stated'],
      ['1.1万亿元', 'CNY', 'operating_revenue', 'zhangjiang', '2021', 'stated'],
    ]);
    expect(got.map((g) => /metric=([a-z-]+)\(/.exec(g.rule)?.[1] ?? null)).toEqual(['none', 'qualifier', 'subset', 'noun', 'subset', 'none', 'synonym']);
  });

  it('a comparison base is the same measure as the figure it is compared with, and its date is not carried', () => {
    const text =
      "Zhangjiang's operating revenue reached 1.2 trillion yuan last year, up from 1.1 trillion yuan in 2021. " +
      "The zone's R&D expenditure was 50 billion yuan, compared with 45 billion yuan a year earlier.";
    check(
      text,
      [
        ['1.2 trillion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2022', 'stated'],
        ['1.1 trillion yuan', 'CNY', 'operating_revenue', 'zhangjiang', '2021', 'stated'],
        ['50 billion yuan', 'CNY', 'rnd_expenditure', 'zhangjiang', '2022', 'carried'],
        ['45 billion yuan', 'CNY', 'rnd_expenditure', 'zhangjiang', '2021', 'stated'],
      ],
      '2023-03-01',
    );
  });

  it('a sentence without figures that introduces a list dates the rows below it', () => {
    const text = 'The list below gives the main figures of Zhangjiang for 2022.\nTax revenue: 30 billion yuan\nFixed asset investment: 25 billion yuan';
    check(text, [
      ['30 billion yuan', 'CNY', 'tax_revenue', 'zhangjiang', '2022', 'carried'],
      ['25 billion yuan', 'CNY', 'fixed_asset_investment', 'zhangjiang', '2022', 'carried'],
    ]);
  });

  it('a sentence about an organisation named by its kind ("The company, which has …") gives no zone metric', () => {
    const text = 'Zhangjiang hosts 2,000 firms. The company, which has 5,000 employees, said it had sold 80,000 chips in 2023. Zhangjiang had 40,000 employees in 2023.';
    const got = check(text, [
      ['2,000 firms', 'count', 'enterprise_count', 'zhangjiang', null, 'none'],
      ['5,000 employees', 'persons', null, null, '2023', 'stated'],
      ['40,000 employees', 'persons', 'employee_count', 'zhangjiang', '2023', 'stated'],
    ]);
    expect(got[1]!.rule).toContain('metric=none(about:the company');
  });

  it('"to grow 5–6 percent" is a growth rate, and the rate "after" it is the same growth a year before', () => {
    const text = 'Analysts expect operating revenue of the national high-tech zones to grow 5.5 percent in 2025, after 6.5 percent in 2024.';
    check(text, [
      ['5.5 percent', 'percent', 'operating_revenue_growth', 'national', '2025', 'stated'],
      ['6.5 percent', 'percent', 'operating_revenue_growth', 'national', '2024', 'stated'],
    ]);
  });

  it('"a year earlier" in another clause dates that clause only', () => {
    const text = '今年上半年，张江营业收入5000亿元，比去年同期增长6%；去年同期为4700亿元。';
    check(
      text,
      [
        ['5000亿元', 'CNY', 'operating_revenue', 'zhangjiang', '2024-H1', 'stated'],
        ['6%', 'percent', 'operating_revenue_growth', 'zhangjiang', '2024-H1', 'stated'],
        ['4700亿元', 'CNY', null, 'zhangjiang', '2023-H1', 'stated'],
      ],
      '2024-08-01',
    );
  });

  it('a ratio by its unit (times, percent) is not dated by the publication even when no metric names it', () => {
    check('The zones hold about 3.1 times as many patents per worker as the rest of the economy.', [['3.1 times', 'times', null, 'national', null, 'none']], '2024-05-01');
  });

  it('"in the quarter", "for the year" name the period last stated in the document, of their kind', () => {
    const text =
      'City\n\nBeijing exported goods worth 300 billion yuan in the second quarter of 2024.\n\nThe Park\n\nZhongguancun reported revenue of 2 trillion yuan in the quarter. ' +
      'Zhongguancun hosts 480 listed companies. Its revenue for the year is unknown, and it paid 30 billion yuan in taxes for the year.';
    check(
      text,
      [
        ['300 billion yuan', 'CNY', 'export_value', 'beijing', '2024-Q2', 'stated'],
        ['2 trillion yuan', 'CNY', 'operating_revenue', 'zhongguancun', '2024-Q2', 'stated'],
        ['30 billion yuan', 'CNY', 'tax_revenue', 'zhongguancun', null, 'none'],
      ],
      '2024-08-01',
    );
  });
});

describe('patterns searched once per page (PageMatches)', () => {
  it('a range looked up in the page-wide matches finds what a search of the range finds, at every pair of ends (text written for the test)', () => {
    // matches running across sentence ends, words glued to the next ("nowhere", "Today2023"), a phrase broken by a
    // line, a match at the very start and at the very end
    const text = 'Now the park grows. At present\nit has 40 firms.Today2023 nowhere at  present; so far, today:now';
    const patterns = [
      /(?<![A-Za-z0-9])(?:at\s+present|so\s+far|today|now)(?![A-Za-z0-9])/gi,
      /(?<![A-Za-z0-9])(?:\d+|forty)\s+(?:firms|of\s+the)(?![A-Za-z0-9])/gi,
      /present|\d+/g,
    ];
    const page = new PageMatches(text, new Set(patterns));
    let fromPage = 0;
    for (const re of patterns) {
      for (let from = 0; from <= text.length; from++) {
        for (let to = from; to <= text.length; to++) {
          const hit = page.find(re, from, to);
          const own = searchRange(re, text, from, to);
          if (hit) fromPage++;
          expect({ re: re.source, from, to, spans: hit ?? own }).toEqual({ re: re.source, from, to, spans: own });
        }
      }
    }
    // (ranges ending before a letter or digit, as most of these do, are searched on their own)
    expect(fromPage).toBeGreaterThan(0.1 * patterns.length * ((text.length + 1) * (text.length + 2)) / 2);
  });

  it('whether a range holds a match, from the page matches at every start, is what a search of the range answers (text written for the test)', () => {
    // overlapping years ("192019"), a shorter alternative inside a longer one ("Sept" in "September", cut short by a
    // range's end), a word in any case
    const text = 'In 192019 the Sept. 2020 plan; September 1999, QUARTER two, the quarter, Quarters 2021';
    const patterns = [/((?:19|20)\d{2})/, /September|Sept|Sep/, /quarter/i, /Q/];
    const page = new PageMatches(text, new Set());
    let fromPage = 0;
    for (const re of patterns) {
      for (let from = 0; from <= text.length; from++) {
        for (let to = from; to <= text.length; to++) {
          const held = page.holds(re, from, to);
          const own = re.test(text.slice(from, to));
          if (held !== null) fromPage++;
          expect({ re: re.source, from, to, held: held ?? own }).toEqual({ re: re.source, from, to, held: own });
        }
      }
    }
    // (only a range that cuts the page's match at its start short is searched on its own)
    expect(fromPage).toBeGreaterThan(0.9 * patterns.length * ((text.length + 1) * (text.length + 2)) / 2);
  });

  it('dates found with the page matches at hand are the dates a search of the sentence finds, at every pair of ends (text written for the test)', () => {
    // years side by side and overlapping ("192019"), ranges, months with and without a year, parts of a year,
    // a year glued to a word, words a pattern spells in other cases
    const text =
      'In 2012, 2013 and 2014 it grew; 192019 units. From 2009 to 2011 and 2015-2016 it held. In May 2013 and June, ' +
      'in the FIRST five months of 2021, the first half, Q3 2022, 2023 Q1, during the quarter; by 2030 over 2020. 2019s and 2018.'
    const page = new PageMatches(text, new Set());
    let dates = 0;
    for (let from = 0; from <= text.length; from += 3) {
      for (let to = from; to <= text.length; to++) {
        const own = datesIn(text, { start: from, end: to }, lex, '2024-05-01', null);
        dates += own.length;
        expect({ from, to, dates: datesIn(text, { start: from, end: to }, lex, '2024-05-01', page) }).toEqual({ from, to, dates: own });
      }
    }
    // (the whole text, worked out from the rules: a bare year is a date after one of periods.yaml's
    // year_prepositions, so 2012 ("In") and 2014 ("and") are, 2013 (after a comma) is not; "192019" is no year;
    // "June" has no year; "2019s" is a decade; 2030 after "by" is a deadline, 2020 after "over" a comparison base)
    const whole = datesIn(text, { start: 0, end: text.length }, lex, '2024-05-01', null);
    expect(whole.map((d) => [text.slice(d.start, d.end), d.period, d.kind])).toEqual([
      ['2012', '2012', 'data'],
      ['2014', '2014', 'data'],
      ['From 2009 to 2011', '2009/2011', 'data'],
      ['2015-2016', '2015/2016', 'data'],
      ['May 2013', '2013-05', 'data'],
      ['FIRST five months of 2021', '2021-01/2021-05', 'data'],
      ['first half', null, 'partial'],
      ['Q3 2022', '2022-Q3', 'data'],
      ['2023 Q1', '2023-Q1', 'data'],
      ['during the quarter', null, 'anaphoric'],
      ['2030', '2030', 'by'],
      ['2020', '2020', 'comparison'],
      ['2018', '2018', 'data'],
    ]);
    expect(dates).toBeGreaterThan(10_000);
  });

  it('work count: each page-wide pattern is searched at most once per page, however many sentences it has', () => {
    const sentence = (i: number) => `In ${2000 + (i % 20)}, Zhongguancun reported revenue of ${i + 1}.5 billion yuan, up ${i % 9} percent, and at present it hosts ${i + 3} firms.`;
    const counts = (n: number) => {
      const text = Array.from({ length: n }, (_, i) => sentence(i)).join(' ');
      const figures: FigureRef[] = [];
      for (const m of text.matchAll(/\d+\.5 billion yuan|\d+ percent/g)) figures.push({ start: m.index, end: m.index + m[0].length, value: Number.parseFloat(m[0]), unit: m[0].endsWith('percent') ? 'percent' : 'CNY', unitWord: null, bound: 'exact' });
      patternWork.page = 0;
      patternWork.fallback = 0;
      const got = readContexts(text, figures, { publication: '2024-01-01', lineBreaks: 'hard' }, lex);
      expect(got.filter((g) => g.metric === 'operating_revenue' && g.subject === 'zhongguancun')).toHaveLength(n);
      return { page: patternWork.page, fallback: patternWork.fallback };
    };
    const small = counts(20);
    const large = counts(400);
    expect(small.page).toBeGreaterThan(0);
    expect(large).toEqual(small);
    expect(large.fallback).toBe(0);
  });
});

describe('readContexts: a zone named in Chinese that no subject lists', () => {
  it('reads a Chinese place followed by a zone head as a zone of its own, in a page of English sentences too', () => {
    // (the page's other sentences have no Han character: the name is looked for only where there is one)
    const zh = '2023年，苏州光谷科技园实现营业收入120亿元。';
    const text = `The park reported revenue of 5 billion yuan in 2022. ${zh} The park hosts 40 firms.`;
    const at = text.indexOf('120亿元');
    const got = readContexts(text, [{ start: at, end: at + 6, value: 12e9, unit: 'CNY', unitWord: '元', bound: 'exact' }], { publication: null, lineBreaks: 'hard' }, lex);
    expect(got[0]!.subject).toMatch(/^suzhou_zone_[0-9a-f]{8}$/);
    expect(got[0]!.rule).toContain('alias(unlisted 苏州光谷科技园)');
    expect(got[0]!.metric).toBe('operating_revenue');
  });
});

describe('metric phrases found from their literal starts (phraseOccurrences)', () => {
  it('finds what a search of each phrase finds, at every pair of ends: words split by any whitespace, hyphens missing or broken, apostrophes, cases, {region} (text written for the test)', () => {
    // phrases sharing a first word, a {region} after it, hyphens and apostrophes inside, a word ending in a hyphen, two
    // hyphens, a letter with a case partner beyond ASCII, a Chinese phrase; places with and without "the", hyphens, a
    // space, such a letter
    const phrases = ['of national GDP', 'of the national R&D', 'of {region} GDP', 'of {region} total export', 'high-tech zones', 'hi-tech zones', "the park's revenue", 'output of Ürümqi', 'Ürümqi output', '营业收入', 'R&D spending', 'of {region}', 'state- level zones', 'R&D--intensity'];
    const places = ['Lakeshire', 'Nei Mongol', 'Jing-Jin-Ji', 'Ürümqi', 'national total', "'Quarry Bay"];
    const text =
      'Of National GDP, of  national\nGDP and of the national R&D; of Lakeshire GDP, of the Lakeshire’s GDP, of ÜRÜMQI GDP, ' +
      'of Nei \n Mongol total exports, of Jing‑Jin‑Ji GDP, of national total export. High-tech zones, hitech zones, hi-\ntech zones, ' +
      'hi‐tech zones, high -tech zones, highest-tech zones. The park’s revenue, the park\'s revenues, the parks revenue. Output of ürümqi, ' +
      "ÜRÜMQI OUTPUT, xÜrümqi output; 营业收入56亿元; R&D spendings, R&Dspending; of 'Quarry Bay GDP, of the 'Quarry  Bay export, of Lakeshire. " +
      'State- level zones, state-  level zone, state level zones, statelevel zones; R&D--intensity, R&D-intensity, R&D- -intensity, R&Dintensity.';
    const { patterns, search } = metricPhraseSearch(phrases, places);
    let found = 0;
    for (let from = 0; from <= text.length; from++) {
      for (let to = from; to <= text.length; to++) {
        const own = patterns.flatMap((re, phrase) => searchRange(re, text, from, to).map((sp) => ({ phrase, ...sp })));
        const got = search(text, from, to);
        found += own.length;
        if (got.length !== own.length || got.some((g, k) => g.phrase !== own[k]!.phrase || g.start !== own[k]!.start || g.end !== own[k]!.end)) {
          expect({ from, to, got }).toEqual({ from, to, got: own });
        }
      }
    }
    // (the whole text holds a match of most phrases: the comparison is not one of empty lists)
    const whole = search(text, 0, text.length);
    expect(new Set(whole.map((g) => phrases[g.phrase])).size).toBeGreaterThanOrEqual(phrases.length - 1);
    expect(found).toBeGreaterThan(0);
  });
});
