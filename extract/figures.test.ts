import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRAMMAR_VERSION, scanFigures, type FigureMatch, type SkipMatch } from './figures.js';
import { readLanguageFile } from './language.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function close(actual: number | null, expected: number | null, rel = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * rel + 1e-12);
}

/** the only figure of a text, failing when there is not exactly one */
function only(text: string): FigureMatch {
  const { figures } = scanFigures(text);
  expect(figures.map((f) => f.valueText)).toHaveLength(1);
  return figures[0]!;
}

function find(figures: FigureMatch[], valueText: string): FigureMatch {
  const f = figures.find((x) => x.valueText === valueText);
  if (!f) throw new Error(`no figure "${valueText}" among ${JSON.stringify(figures.map((x) => x.valueText))}`);
  return f;
}

/** every digit run lies in exactly one figure or skip; spans are sorted, disjoint and quote the text */
function expectCoverage(text: string): { figures: FigureMatch[]; skips: SkipMatch[] } {
  const r = scanFigures(text);
  const spans = [...r.figures, ...r.skips].sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  for (const f of r.figures) {
    expect(f.valueText).toBe(text.slice(f.start, f.end));
    expect(f.numberStart).toBeGreaterThanOrEqual(f.start);
    expect(f.numberEnd).toBeLessThanOrEqual(f.end);
  }
  for (const s of r.skips) expect(s.text).toBe(text.slice(s.start, s.end));
  for (const m of text.matchAll(/\d+/g)) {
    const a = m.index;
    const b = a + m[0].length;
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    if (covering.length !== 1) throw new Error(`digit run "${m[0]}" at ${a} covered ${covering.length} times: …${text.slice(a - 30, b + 30)}…`);
  }
  expect([...r.figures].sort((x, y) => x.start - y.start)).toEqual(r.figures);
  expect([...r.skips].sort((x, y) => x.start - y.start)).toEqual(r.skips);
  return r;
}

/** a crude text layer for the HTML sources: drop head/script/style, tags → breaks, decode entities */
function crudeHtmlText(html: string): string {
  const named: Record<string, string> = { nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', copy: '©', ldquo: '“', rdquo: '”', quot: '"' };
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<\/?(?:p|div|h\d|li|ul|br|tr|td)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&([a-z]+);/g, (m, n: string) => named[n] ?? m);
}

describe('GRAMMAR_VERSION', () => {
  it('is a semver with a lexicon hash', () => {
    expect(GRAMMAR_VERSION).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{8}$/);
  });
});

describe('figures from the examples', () => {
  it('16,596 billion yuan', () => {
    const f = only('a total revenue of 16,596 billion yuan, an increase');
    expect(f.valueText).toBe('16,596 billion yuan');
    close(f.value, 1.6596e13);
    expect([f.unit, f.bound, f.rule]).toEqual(['CNY', 'exact', 'grammar.currency.scale']);
    close(f.lo, 1.65955e13);
    close(f.hi, 1.65965e13);
    expect(f.valueText.slice(f.numberStart - f.start, f.numberEnd - f.start)).toBe('16,596');
  });

  it('20.3 trillion yuan and 5.8 trillion yuan: half a unit of the last digit', () => {
    const { figures } = scanFigures('in 2013 was 20.3 trillion yuan. The total added value was 5.8 trillion yuan.');
    const a = find(figures, '20.3 trillion yuan');
    close(a.value, 2.03e13);
    close(a.lo, 2.025e13);
    close(a.hi, 2.035e13);
    const b = find(figures, '5.8 trillion yuan');
    close(b.lo, 5.75e12);
    close(b.hi, 5.85e12);
  });

  it('$376.04 billion', () => {
    const f = only('an export earnings of $376.04 billion which accounted');
    expect(f.valueText).toBe('$376.04 billion');
    close(f.value, 3.7604e11);
    expect(f.unit).toBe('USD');
  });

  it('33.6 billion US dollar', () => {
    const f = only('Export reached 33.6 billion US dollar, up');
    expect(f.valueText).toBe('33.6 billion US dollar');
    close(f.value, 3.36e10);
    expect(f.unit).toBe('USD');
  });

  it('some 20, 000 overseas returnees (PDF thousands artefact)', () => {
    const f = only('enterprises are started by some 20, 000 overseas\nreturnees. Overseas');
    expect(f.valueText).toBe('some 20, 000 overseas\nreturnees');
    expect([f.value, f.unit, f.bound, f.unitWord, f.rule]).toEqual([20000, 'persons', 'approx', 'returnees', 'grammar.thousands_space_artifact']);
    // approx: ±10 % (larger than the zero rounding of an integer count)
    close(f.lo, 18000);
    close(f.hi, 22000);
  });

  it('over 420 billion yuan: lower bound, exclusive', () => {
    const f = only('its gross revenue was over 420 billion yuan, an increase');
    expect(f.valueText).toBe('over 420 billion yuan');
    expect([f.bound, f.lo, f.hi, f.loExclusive]).toEqual(['lower', 4.2e11, null, true]);
  });

  it('at least: lower bound, inclusive; nearly: upper, exclusive; up to: upper, inclusive', () => {
    const a = only('with at least 300 of them listed');
    expect([a.bound, a.lo, a.loExclusive]).toEqual(['lower', 300, false]);
    const b = only('there are nearly 20,000 hi-tech enterprises in');
    expect([b.valueText, b.bound, b.lo, b.hi, b.hiExclusive, b.unitWord]).toEqual(['nearly 20,000 hi-tech enterprises', 'upper', null, 20000, true, 'enterprises']);
    const c = only('loans of up to 5 million yuan each');
    expect([c.bound, c.hi, c.hiExclusive]).toEqual(['upper', 5e6, false]);
  });

  it('"passed", "topped", "exceeded" bound an amount or a bare number, not a count of named things', () => {
    const a = only('The council passed 14 measures to help start-ups last spring.');
    expect([a.valueText, a.bound, a.lo, a.hi, a.unitWord]).toEqual(['14 measures', 'exact', 14, 14, 'measures']);
    const b = only('Its board topped 3 policies with a fourth.');
    expect([b.valueText, b.bound]).toEqual(['3 policies', 'exact']);
    const c = only('Sales in the park passed 6 trillion yuan.');
    expect([c.valueText, c.bound, c.lo, c.loExclusive]).toEqual(['passed 6 trillion yuan', 'lower', 6e12, true]);
    const d = only('The count of incubators topped 1,300 this spring.');
    expect([d.valueText, d.bound]).toEqual(['topped 1,300', 'lower']);
    // a plain qualifier still bounds a counted noun
    const e = only('The council has over 14 measures in force.');
    expect([e.valueText, e.bound]).toEqual(['over 14 measures', 'lower']);
  });

  it('"adds up to 229" is a stated total, not an upper bound', () => {
    const f = only('the number of listed companies adds up to 229, among');
    expect([f.valueText, f.bound]).toEqual(['229', 'exact']);
  });

  it('12,695 thousand people and 14 million employees', () => {
    const a = only('the zones employ\n12,695 thousand people, among which');
    expect([a.valueText, a.value, a.unit, a.unitWord]).toEqual(['12,695 thousand people', 12695000, 'persons', 'people']);
    close(a.lo, 12694500);
    const b = only('enterprises with 14 million employees report');
    expect([b.value, b.unit]).toEqual([1.4e7, 'persons']);
    close(b.lo, 1.35e7);
    close(b.hi, 1.45e7);
  });

  it('percent forms', () => {
    const a = only('which is 36.5 percent of the total');
    expect([a.value, a.unit, a.rule]).toEqual([36.5, 'percent', 'grammar.percent']);
    close(a.lo, 36.45);
    close(a.hi, 36.55);
    const b = only('contributing more than 20% of GDP');
    expect([b.valueText, b.value, b.bound, b.lo, b.loExclusive]).toEqual(['more than 20%', 20, 'lower', 20, true]);
    const c = only('the total number reached 105 and a brand new');
    expect([c.value, c.unit, c.lo, c.hi]).toEqual([105, 'count', 105, 105]);
  });

  it('96.3 patents, 5.7 times higher, 16.9 for 10,000', () => {
    const text = 'their engineers hold 96.3 patents for inventions, 5.7 times higher than the level of the country (16.9 for 10,000). In';
    const { figures } = expectCoverage(text);
    expect(figures.map((f) => f.valueText)).toEqual(['96.3 patents', '5.7 times', '16.9 for 10,000']);
    expect([figures[0]!.unit, figures[0]!.unitWord]).toEqual(['count', 'patents']);
    expect([figures[1]!.value, figures[1]!.unit, figures[1]!.rule]).toEqual([5.7, 'times', 'grammar.multiple']);
    expect([figures[2]!.value, figures[2]!.unit, figures[2]!.rule]).toEqual([16.9, 'per_10k', 'grammar.rate_per_10k']);
  });

  it('rate with a noun: 107.5 patents for every ten thousand', () => {
    const f = only('they own 107.5 patents for every ten thousand employees');
    expect([f.valueText, f.unit, f.unitWord]).toEqual(['107.5 patents for every ten thousand', 'per_10k', 'patents']);
  });

  it('areas', () => {
    const a = only('in an extended area of 75.9 square kilometers.');
    expect([a.value, a.unit, a.rule]).toEqual([75.9, 'km2', 'grammar.area']);
    const b = only('covering an area of 50 square kilometres. It');
    expect([b.value, b.unit]).toEqual([50, 'km2']);
    const c = only('a site of 120 hectares');
    close(c.value, 1.2);
    expect(c.unit).toBe('km2');
  });

  it('2, 3 and 4 stay three numbers', () => {
    const { figures } = expectCoverage('in phases 2, 3 and 4 of the plan');
    expect(figures.map((f) => f.value)).toEqual([2, 3, 4]);
  });

  it('a list of three-digit groups is not merged by the artefact rule', () => {
    const { figures } = expectCoverage('the zones ranked 16, 206, 671 and 90 in turn');
    expect(figures.map((f) => f.value)).toEqual([16, 206, 671, 90]);
  });

  it('27.9 trillion yuan ($4 trillion) is one amount in two currencies', () => {
    const { figures } = scanFigures('output reached 27.9 trillion yuan ($4 trillion) last year');
    expect(figures.map((f) => [f.valueText, f.unit, f.pairedWith])).toEqual([
      ['27.9 trillion yuan', 'CNY', 1],
      ['$4 trillion', 'USD', 0],
    ]);
  });

  it('a qualified amount in parentheses still pairs', () => {
    const { figures } = scanFigures('exports of 5.8 trillion yuan (about $900 billion) in total');
    expect(figures.map((f) => [f.valueText, f.bound, f.pairedWith])).toEqual([
      ['5.8 trillion yuan', 'exact', 1],
      ['about $900 billion', 'approx', 0],
    ]);
  });

  it('word numbers only when they are figures', () => {
    const { figures, skips } = expectCoverage(
      'With two decades’ development, one of the key initiatives is one regional platform for innovation and six pilot measures; two hi-tech zones contributed more than 50%, and One Space Technology launched the one-plus-six policy.',
    );
    expect(figures.map((f) => [f.valueText, f.value])).toEqual([
      ['one regional platform', 1],
      ['six pilot measures', 6],
      ['two hi-tech zones', 2],
      ['more than 50%', 50],
    ]);
    expect(skips.map((s) => [s.text, s.reason])).toEqual([['two decades', 'time_span']]);
  });

  it('more than one hundred pieces', () => {
    const f = only('kick off more than one hundred\npieces of special policies');
    expect([f.value, f.bound, f.unitWord, f.rule]).toEqual([100, 'lower', 'pieces', 'grammar.word_number']);
  });

  it('around 2000 hi-tech companies is a count, "In 2000," and "2012 alone" are years', () => {
    const { figures, skips } = expectCoverage('the Zone now harbors around 2000\nhi-tech companies. In 2000, after approval; in 2012 alone, 42,500 patents.');
    expect(figures.map((f) => [f.valueText, f.value, f.bound])).toEqual([
      ['around 2000\nhi-tech companies', 2000, 'approx'],
      ['42,500 patents', 42500, 'exact'],
    ]);
    expect(skips.map((s) => [s.text, s.reason])).toEqual([
      ['2000', 'year'],
      ['2012', 'year'],
    ]);
  });
});

describe('more phrasings', () => {
  it('ranges: one figure whose interval spans both ends, the low end borrowing the unit of the high end', () => {
    const { figures, skips } = expectCoverage('growth of 5-10 percent, $3-4 billion in loans, rising in 2012 to 7 percent, for 20-30 years');
    expect(figures.map((f) => [f.valueText, f.value, f.unit, f.bound, f.lo, f.hi, f.rule])).toEqual([
      // a range states its interval: its two ends, not their rounding; the value is the midpoint
      ['5-10 percent', 7.5, 'percent', 'approx', 5, 10, 'grammar.range'],
      // "$3" takes the scale of "4 billion"
      ['$3-4 billion', 3.5e9, 'USD', 'approx', 3e9, 4e9, 'grammar.range'],
      ['7 percent', 7, 'percent', 'exact', 6.5, 7.5, 'grammar.percent'],
    ]);
    expect(skips.map((s) => [s.text, s.reason])).toEqual([
      ['2012', 'year'],
      ['20', 'time_span'],
      ['30 years', 'time_span'],
    ]);
  });

  it('post-qualifiers before the counted noun', () => {
    const { figures } = scanFigures('It has 1,000 or more firms, 20,000-odd staff and 5,000+ patents.');
    expect(figures.map((f) => [f.valueText, f.bound, f.unit, f.loExclusive])).toEqual([
      ['1,000 or more firms', 'lower', 'count', false],
      ['20,000-odd staff', 'approx', 'persons', false],
      ['5,000+ patents', 'lower', 'count', true],
    ]);
  });

  it('Chinese scale words and currencies', () => {
    const { figures } = scanFigures('收入3.5万亿元，利润约5亿元，从业人员3.5万人。');
    expect(figures.map((f) => [f.valueText, f.value, f.unit, f.bound])).toEqual([
      ['3.5万亿元', 3.5e12, 'CNY', 'exact'],
      ['约5亿元', 5e8, 'CNY', 'approx'],
      ['3.5万人', 35000, 'persons', 'exact'],
    ]);
  });

  it('Chinese qualifiers bound the figure: 超过/突破/逾/近/约 before it, 多/余/以上 after it', () => {
    const { figures } = scanFigures('园区企业超过300家，营收突破2万亿元，员工逾5万人，新增企业1200余家、专利40多件，投资近80亿元，产值约900亿元，上市公司100家以上，入驻企业2万余家。');
    expect(figures.map((f) => [f.valueText, f.value, f.unit, f.bound])).toEqual([
      ['超过300家', 300, 'count', 'lower'],
      ['突破2万亿元', 2e12, 'CNY', 'lower'],
      ['逾5万人', 5e4, 'persons', 'lower'],
      ['1200余家', 1200, 'count', 'lower'],
      ['40多件', 40, 'count', 'lower'],
      ['近80亿元', 8e9, 'CNY', 'upper'],
      ['约900亿元', 9e10, 'CNY', 'approx'],
      ['100家以上', 100, 'count', 'lower'],
      ['2万余家', 2e4, 'count', 'lower'],
    ]);
    // a rank counts no people
    expect(scanFigures('排名前10名的高新区').figures.map((f) => [f.valueText, f.unit])).toEqual([['10', 'count']]);
  });

  it('"one" before a noun is the article unless it is counted beside other counts; "five of the parks" is a count', () => {
    const { figures } = scanFigures(
      'One state park in the north approved a grant, and a survey of one cluster counted 400 firms. The district has one science city and four parks; five of the parks are new, and one of them is small.',
    );
    expect(figures.map((f) => [f.valueText, f.value, f.unit])).toEqual([
      ['400 firms', 400, 'count'],
      ['one science city', 1, 'count'],
      ['four parks', 4, 'count'],
      ['five', 5, 'count'],
    ]);
  });

  it('a noun followed by a colon labels the next row, it is counted by no number before it', () => {
    const { figures } = scanFigures('High-tech enterprises: 1,530\nEmployees: 410,000\nParks: 12');
    expect(figures.map((f) => [f.valueText, f.unit])).toEqual([
      ['1,530', 'count'],
      ['410,000', 'count'],
      ['12', 'count'],
    ]);
  });

  it('"last year" after a number dates it, it is no duration', () => {
    const { figures, skips } = scanFigures('Firms in the park rose to 6,100 last year, and staff reached 9,000 this year; the plan runs 5 years.');
    expect(figures.map((f) => f.valueText)).toEqual(['6,100', '9,000']);
    expect(skips.map((x) => [x.text, x.reason])).toEqual([['5 years', 'time_span']]);
  });

  it('other currencies are money in their own ISO unit, not counts', () => {
    const { figures } = scanFigures('The fund is worth HK$5 billion or €3 million.');
    expect(figures.map((f) => [f.valueText, f.value, f.unit])).toEqual([
      ['HK$5 billion', 5e9, 'HKD'],
      ['€3 million', 3e6, 'EUR'],
    ]);
  });

  it('scale abbreviations m/b/k need a currency', () => {
    const { figures } = scanFigures('a 5m yuan grant, a 5 m wide road');
    expect(figures.map((f) => [f.valueText, f.value, f.unit])).toEqual([
      ['5m yuan', 5e6, 'CNY'],
      ['5', 5, 'count'],
    ]);
  });
});

describe('every lexicon entry is read', () => {
  const lex = readLanguageFile('figures.yaml').data as {
    qualifiers: Array<{ text: string; bound: string; exclusive?: boolean }>;
    scales: Array<{ word: string; factor: number; attached?: boolean }>;
    currencies: Record<string, { prefix: string[]; suffix: string[] }>;
  };

  it('each qualifier gives its bound and exclusivity', () => {
    for (const q of lex.qualifiers) {
      const text = /^[\x20-\x7e]+$/.test(q.text) ? `revenue ${q.text} 7 billion yuan in total` : `收入${q.text}7亿元`;
      const f = only(text);
      expect([q.text, f.bound]).toEqual([q.text, q.bound]);
      expect(f.valueText.startsWith(q.text)).toBe(true);
      if (q.bound === 'lower') expect([q.text, f.loExclusive]).toEqual([q.text, q.exclusive ?? false]);
      if (q.bound === 'upper') expect([q.text, f.hiExclusive]).toEqual([q.text, q.exclusive ?? false]);
    }
  });

  it('each scale word multiplies with a currency', () => {
    for (const s of lex.scales) {
      const f = only(`a fund of 7${s.attached ? '' : ' '}${s.word} yuan was set up`);
      close(f.value, 7 * s.factor);
      expect([s.word, f.unit]).toEqual([s.word, 'CNY']);
    }
  });

  it('each currency prefix and suffix names its unit', () => {
    for (const [unit, c] of Object.entries(lex.currencies)) {
      for (const p of c.prefix) expect([p, only(`a fund of ${p}7 billion was set up`).unit]).toEqual([p, unit]);
      for (const w of c.suffix) expect([w, only(`a fund of 7 billion ${w} was set up`).unit]).toEqual([w, unit]);
    }
  });
});

describe('numbers that are not figures', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    ['Tel: +82-53-746-9963 | Fax: +82-53-742-9007', [['Tel: +82-53-746-9963', 'phone'], ['Fax: +82-53-742-9007', 'phone']]],
    ['In May 1988, after approval by the State Council', [['May 1988', 'year']]],
    ['18TH TCI GLOBAL CONFERENCE', [['18TH', 'ordinal']]],
    ['3G/4G technologies and standards', [['3G/4G', 'product_name']]],
    ['The 12th Five-year Plan for National High-tech Zones', [['12th', 'ordinal']]],
    ['Copyright©2024 China Daily. All rights reserved.', [['Copyright©2024', 'copyright']]],
    ['京公网安备 11010502032503号', [['11010502032503', 'registration_number']]],
    ['3-6 NOVEMBER 2015 / DAEGU, KOREA', [['3-6 NOVEMBER 2015', 'date']]],
    ['SCIO briefing | July 24, 2024', [['July 24, 2024', 'date']]],
    ['convened in Nanchang on March 16, 2014. Cao', [['March 16, 2014', 'date']]],
    ['the Development Plan (2011-2020). In', [['2011-2020', 'year_range']]],
    ['During 2009-2011, the State Council', [['2009-2011', 'year_range']]],
    ['started in late 1980s. Now', [['1980s', 'time_span']]],
    ['In the 80s of last century', [['80s', 'time_span']]],
    ['Through more than 20 years, the parks grew', [['20 years', 'time_span']]],
    ['E-mail: info.tci2015@gmail.com', [['info.tci2015@gmail.com', 'email']]],
    ['(Source: http://baike.so.com/doc/5351667.html)', [['http://baike.so.com/doc/5351667.html', 'url']]],
    ['see content_117331010_11.htm for details', [['content_117331010_11.htm', 'url']]],
    ['the rollout of Web 2.0 and G20 meetings', [['Web 2.0', 'product_name'], ['G20', 'product_name']]],
    ['dial Shenzhen 0755 for help', [['0755', 'code']]],
    ['as shown in Table 3 below', [['Table 3', 'part_of_name']]],
    ['No. 1 Zhongguancun Street, Building 5, Room 1203, Beijing', [['No. 1', 'part_of_name'], ['Building 5', 'part_of_name'], ['Room 1203', 'part_of_name']]],
    ['On 12 May 2014 at 10:30, the meeting opened', [['12 May 2014', 'date'], ['10:30', 'date']]],
    ['京ICP备05070218号', [['ICP备05070218', 'registration_number']]],
    ['see section 1.2.3 of the guide', [['1.2.3', 'code']]],
    ['professionals per 10,000 people', [['10,000', 'rate_base']]],
    ['goals:\n1. Strengthening innovation capacity.\n2) Improving industrial competitiveness.', [['1.', 'list_number'], ['2)', 'list_number']]],
    ['< 1 2 3 4 5 6 7 8 9 10 11', [['1', 'page_number'], ['2', 'page_number'], ['3', 'page_number'], ['4', 'page_number'], ['5', 'page_number'], ['6', 'page_number'], ['7', 'page_number'], ['8', 'page_number'], ['9', 'page_number'], ['10', 'page_number'], ['11', 'page_number']]],
    ['the end of the page text\n7\fnext page text', [['7', 'page_number']]],
    ['up 44 percent over 2011 and', [['2011', 'year']]],
    // dates found from where a month name is (those patterns are tried only there), names after a tab or none
    ['held on 3 - 5 of\nJune 2020 in Wuxi', [['3 - 5 of\nJune 2020', 'date']]],
    ['the 2nd-4th of March 2021 session', [['2nd-4th of March 2021', 'date']]],
    ['opened on Sept. 3, 2020 and closed in May 1988', [['Sept. 3, 2020', 'date'], ['May 1988', 'year']]],
    ['see Table\t 12 and Fig.7 below', [['Table\t 12', 'part_of_name'], ['Fig.7', 'part_of_name']]],
    // capitalised prefixes and "page" are searched for apart, then merged in order
    ['see Appendix 2, page 7-9 and No.3', [['Appendix 2', 'part_of_name'], ['page 7-9', 'part_of_name'], ['No.3', 'part_of_name']]],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      const r = expectCoverage(text);
      const nonPercent = r.figures.filter((f) => f.unit !== 'percent');
      expect(nonPercent.map((f) => f.valueText)).toEqual([]);
      expect(r.skips.map((s) => [s.text, s.reason])).toEqual(expected);
    });
  }

  it('a list number is not taken from a wrapped sentence', () => {
    const { figures } = expectCoverage('funds earmarked for R&D totaled more than\n42. The ratio was high.');
    expect(figures.map((f) => [f.valueText, f.bound])).toEqual([['more than\n42', 'lower']]);
  });

  it('a number alone on a page line is a figure when the unit follows on the next line', () => {
    const { figures } = expectCoverage('revenue reached\n100\nbillion yuan\fnext');
    expect(figures.map((f) => f.value)).toEqual([1e11]);
  });
});

describe('unseen documents (hand-written expectations)', () => {
  it('unseen-1: currency codes and symbols, word numbers', () => {
    const { figures, skips } = expectCoverage(fixture('unseen-1.txt'));
    const want: Array<[string, number, string, string]> = [
      ['CNY13.6 trillion', 1.36e13, 'CNY', 'exact'],
      ['about USD2 trillion', 2e12, 'USD', 'approx'],
      ['¥48 trln', 4.8e13, 'CNY', 'exact'],
      ['topped RMB 5bn', 5e9, 'CNY', 'lower'],
      ['two hundred companies', 200, 'count', 'exact'],
      ['five billion yuan', 5e9, 'CNY', 'exact'],
      ['one hundred startups', 100, 'count', 'exact'],
    ];
    expect(figures.map((f) => f.valueText)).toEqual(want.map((w) => w[0]));
    want.forEach(([, value, unit, bound], i) => {
      close(figures[i]!.value, value);
      expect([figures[i]!.unit, figures[i]!.bound]).toEqual([unit, bound]);
    });
    // about 2 trillion: the rounding of "2 trillion" (±0.5) is wider than ±10 %
    close(figures[1]!.lo, 1.5e12);
    close(figures[1]!.hi, 2.5e12);
    // five billion: stated to the billion
    close(figures[5]!.lo, 4.5e9);
    expect(skips.map((s) => s.reason)).toEqual(['year', 'year']);
  });

  it('unseen-2: per cent, percentage points, rates, areas, multiples', () => {
    const { figures, skips } = expectCoverage(fixture('unseen-2.txt'));
    const want: Array<[string, number, string, string]> = [
      ['32.5 sq km', 32.5, 'km2', 'exact'],
      ['86,400 workers', 86400, 'persons', 'exact'],
      ['12 per cent', 12, 'percent', 'exact'],
      ['4.2 billion US dollars', 4.2e9, 'USD', 'exact'],
      ['6.1 per cent', 6.1, 'percent', 'exact'],
      ['0.8 percentage points', 0.8, 'percentage_points', 'exact'],
      ['45.2 invention patents per 10,000', 45.2, 'per_10k', 'exact'],
      ['roughly 3 times', 3, 'times', 'approx'],
      ['Nearly 1,200 firms', 1200, 'count', 'upper'],
      ['at least 300', 300, 'count', 'lower'],
    ];
    expect(figures.map((f) => f.valueText)).toEqual(want.map((w) => w[0]));
    want.forEach(([, value, unit, bound], i) => {
      close(figures[i]!.value, value);
      expect([figures[i]!.unit, figures[i]!.bound]).toEqual([unit, bound]);
    });
    close(figures[2]!.lo, 11.5);
    close(figures[5]!.hi, 0.85);
    expect(figures[6]!.unitWord).toBe('patents');
    expect(skips.map((s) => [s.text, s.reason])).toEqual([['Tel +86 10 6253 3000', 'phone']]);
  });

  it('unseen-3: lists, dates, pairs, URLs, page footer', () => {
    const { figures, skips } = expectCoverage(fixture('unseen-3.txt'));
    expect(figures.map((f) => [f.valueText, f.value, f.unit, f.bound, f.pairedWith])).toEqual([
      ['2, 480 high-tech enterprises', 2480, 'count', 'exact', null],
      ['approximately 150,000 residents', 150000, 'persons', 'approx', null],
      ['1.25 trillion yuan', 1.25e12, 'CNY', 'exact', 3],
      ['$175 billion', 1.75e11, 'USD', 'exact', 2],
      ['exceeding 1 trillion yuan', 1e12, 'CNY', 'lower', null],
      ['Seventy percent', 70, 'percent', 'exact', null],
    ]);
    expect(skips.map((s) => [s.text, s.reason])).toEqual([
      ['14th', 'ordinal'],
      ['2021-2025', 'year_range'],
      ['1.', 'list_number'],
      ['2023', 'year'],
      ['2.', 'list_number'],
      ['3 March 2024', 'date'],
      ['3.', 'list_number'],
      ['5G', 'product_name'],
      ['three years', 'time_span'],
      ['www.example-zone.cn/report2024.html', 'url'],
      ['office@zone2024.cn', 'email'],
      ['Page 3 of 12', 'page_number'],
    ]);
  });
});

describe('coverage on the real sources', () => {
  const years = (figs: FigureMatch[]) => figs.filter((f) => f.unit === 'count' && !f.unitWord && f.value >= 1900 && f.value <= 2100 && Number.isInteger(f.value));

  it('grammar-tci.txt: the abstract states no figure', () => {
    const { figures, skips } = expectCoverage(fixture('grammar-tci.txt'));
    expect(figures).toEqual([]);
    expect(skips.map((s) => s.reason)).toEqual(['ordinal', 'date', 'time_span', 'time_span', 'year', 'phone', 'phone', 'email']);
  });

  for (const name of ['grammar-newsletter.txt', 'grammar-torch.txt']) {
    it(name, () => {
      const { figures, skips } = expectCoverage(fixture(name));
      expect(figures.length).toBeGreaterThan(20);
      expect(years(figures)).toEqual([]);
      expect(skips.filter((s) => s.reason === 'code')).toEqual([]);
    });
  }

  for (const name of ['chinadaily-2017-09-29-science-parks.html', 'scio-2024-07-24-miit.html']) {
    it(name, () => {
      const html = readFileSync(new URL(`../sources/${name}`, import.meta.url), 'utf8');
      const { figures, skips } = expectCoverage(crudeHtmlText(html));
      expect(figures.length).toBeGreaterThan(0);
      expect(years(figures)).toEqual([]);
      expect(skips.filter((s) => s.reason === 'code')).toEqual([]);
    });
  }

  it('grammar-newsletter: a few hand-checked figures', () => {
    const { figures } = scanFigures(fixture('grammar-newsletter.txt'));
    expect(find(figures, 'more than 250, 000 professionals').unit).toBe('persons');
    expect(find(figures, '29 university science parks').unitWord).toBe('parks');
    expect(find(figures, 'went above 410 billion\nyuan').bound).toBe('lower');
    expect(find(figures, 'passed 10,000').bound).toBe('lower');
  });

  it('grammar-torch: page numbers at page tops are skips', () => {
    const text = fixture('grammar-torch.txt');
    const { skips } = scanFigures(text);
    const pageNumbers = skips.filter((s) => s.reason === 'page_number').map((s) => s.text);
    expect(pageNumbers).toEqual(['1', '3', '4']);
  });
});

describe('property: a generated money figure parses back', () => {
  const qualifiers = {
    exact: [''],
    lower: ['more than', 'over', 'exceeded', 'at least', 'above'],
    upper: ['nearly', 'less than', 'up to', 'almost'],
    approx: ['about', 'around', 'some', 'approximately'],
  } as const;
  const scales: Array<[string, number]> = [
    ['', 0],
    [' thousand', 3],
    [' million', 6],
    [' billion', 9],
    [' trillion', 12],
    ['bn', 9],
    [' bn', 9],
    ['tn', 12],
  ];
  const prefixes: Array<[string, string]> = [
    ['$', 'USD'],
    ['US$', 'USD'],
    ['CNY', 'CNY'],
    ['CNY ', 'CNY'],
    ['USD', 'USD'],
    ['USD ', 'USD'],
    ['RMB ', 'CNY'],
    ['RMB', 'CNY'],
    ['¥', 'CNY'],
  ];
  const suffixes: Array<[string, string]> = [
    [' yuan', 'CNY'],
    [' US dollars', 'USD'],
    [' RMB', 'CNY'],
  ];
  const fillers = ['The', 'park', 'reported', 'revenue', 'of', 'with', 'funds', 'worth', 'output', 'hit', 'investment', 'zone', 'exports'];

  /** digits of the integer part with the chosen thousands separator */
  function group(int: number, sep: string): string {
    const s = String(int);
    if (!sep) return s;
    const parts: string[] = [];
    for (let i = s.length; i > 0; i -= 3) parts.unshift(s.slice(Math.max(0, i - 3), i));
    return parts.join(sep);
  }

  it('value, unit, bound and span survive the round trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999_999 }),
        fc.option(fc.integer({ min: 0, max: 99 }), { nil: null }),
        fc.constantFrom('', ',', ', '),
        fc.constantFrom(...scales),
        fc.oneof(
          fc.constantFrom(...prefixes).map(([p, u]) => ({ pre: p, suf: '', unit: u })),
          fc.constantFrom(...suffixes).map(([s, u]) => ({ pre: '', suf: s, unit: u })),
        ),
        fc.constantFrom(...(Object.keys(qualifiers) as Array<keyof typeof qualifiers>)).chain((b) =>
          fc.constantFrom(...qualifiers[b]).map((q) => ({ bound: b, q })),
        ),
        fc.array(fc.constantFrom(...fillers), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(...fillers.map((f) => f.toLowerCase())), { minLength: 0, maxLength: 4 }),
        (int, frac, sep, [scaleWord, scaleExp], cur, { bound, q }, before, after) => {
          const fracText = frac === null ? '' : `.${String(frac).padStart(2, '0')}`;
          const num = group(int, sep) + fracText;
          const figureText = `${q ? q + ' ' : ''}${cur.pre}${num}${scaleWord}${cur.suf}`;
          const lead = before.join(' ') + ' ';
          const text = `${lead}${figureText}${after.length ? ', ' + after.join(' ') : ''}.`;
          const { figures } = scanFigures(text);
          expect(figures).toHaveLength(1);
          const f = figures[0]!;
          const expected = Number(`${int}${fracText}e${scaleExp}`);
          close(f.value, expected);
          expect(f.unit).toBe(cur.unit);
          expect(f.bound).toBe(bound);
          expect(f.start).toBe(lead.length);
          expect(f.valueText).toBe(figureText);
          expect(f.valueText.startsWith(q)).toBe(true);
          expect(text.slice(f.numberStart, f.numberEnd)).toBe(num);
          if (bound === 'exact') {
            expect(f.lo!).toBeLessThanOrEqual(f.value);
            expect(f.hi!).toBeGreaterThanOrEqual(f.value);
          } else if (bound === 'lower') {
            close(f.lo, expected);
            expect(f.hi).toBeNull();
          } else if (bound === 'upper') {
            close(f.hi, expected);
            expect(f.lo).toBeNull();
          } else {
            expect(f.lo!).toBeLessThan(f.value);
            expect(f.hi!).toBeGreaterThan(f.value);
            close(f.hi! - f.value, f.value - f.lo!, 1e-6);
          }
        },
      ),
      { numRuns: 400, seed: 20240724 },
    );
  });
});

describe('a rate base stated before the number', () => {
  it('reads "every ten thousand professionals own 107.5 patents" as a rate per 10,000', () => {
    const r = scanFigures('In the zones, every ten thousand\nprofessionals own 107.5 patents for inventions.');
    expect(r.figures.map((f) => [f.valueText, f.value, f.unit])).toEqual([['107.5 patents', 107.5, 'per_10k']]);
  });
  it('reads it across a page break with its page number', () => {
    for (const brk of ['\f3\n', '\n2\n\f', '\n\f']) {
      const r = scanFigures(`In the zones, every ten thousand${brk}professionals own 107.5 patents for inventions.`);
      expect(r.figures.map((f) => [f.valueText, f.unit])).toEqual([['107.5 patents', 'per_10k']]);
    }
  });
  it('leaves a count without such a base alone', () => {
    const r = scanFigures('The professionals own 107.5 patents for inventions.');
    expect(r.figures.map((f) => f.unit)).toEqual(['count']);
  });
});

describe('currencies by ISO code, symbol and name', () => {
  const lex = readLanguageFile('figures.yaml').data as {
    currencies: Record<string, { prefix: string[]; suffix: string[] }>;
    ambiguous_symbols: Record<string, string>;
  };

  it('lists at least 20 currencies, each its own ISO unit, none of them count or unknown', () => {
    const codes = Object.keys(lex.currencies);
    expect(codes.length).toBeGreaterThanOrEqual(20);
    for (const c of ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'KRW', 'INR', 'TWD', 'SGD', 'CHF', 'RUB']) expect(codes).toContain(c);
    for (const c of codes) expect(c).toMatch(/^[A-Z]{3}$/);
  });

  it('reads codes, symbols and names (sentences written for this test)', () => {
    const cases: Array<[string, string, number, string]> = [
      ['The grant was EUR 12 million in all.', 'EUR 12 million', 1.2e7, 'EUR'],
      ['a bond of £2.5 billion was sold', '£2.5 billion', 2.5e9, 'GBP'],
      ['profits of 40 billion yen last year', '40 billion yen', 4e10, 'JPY'],
      ['an order worth JP¥900 million', 'JP¥900 million', 9e8, 'JPY'],
      ['a deal of HK$3.1 billion closed', 'HK$3.1 billion', 3.1e9, 'HKD'],
      ['spent 2 trillion Korean won on chips', '2 trillion Korean won', 2e12, 'KRW'],
      ['a ₩500 billion fund', '₩500 billion', 5e11, 'KRW'],
      ['earned 75 billion Indian rupees abroad', '75 billion Indian rupees', 7.5e10, 'INR'],
      ['a fab costing NT$40 billion', 'NT$40 billion', 4e10, 'TWD'],
      ['seed money of S$8 million', 'S$8 million', 8e6, 'SGD'],
      ['CHF 600 million of orders', 'CHF 600 million', 6e8, 'CHF'],
      ['a 90 billion rouble programme', '90 billion rouble', 9e10, 'RUB'],
      ['sales of A$1.2 billion', 'A$1.2 billion', 1.2e9, 'AUD'],
      ['a C$300 million plant', 'C$300 million', 3e8, 'CAD'],
      ['NZ$45 million in grants', 'NZ$45 million', 4.5e7, 'NZD'],
      ['a 6 billion baht park', '6 billion baht', 6e9, 'THB'],
      ['RM2.4 billion in investment', 'RM2.4 billion', 2.4e9, 'MYR'],
      ['a 15 trillion rupiah budget', '15 trillion rupiah', 1.5e13, 'IDR'],
      ['spent 30 trillion Vietnamese dong', '30 trillion Vietnamese dong', 3e13, 'VND'],
      ['R$7 billion of loans', 'R$7 billion', 7e9, 'BRL'],
      ['a 4 billion rand deal', '4 billion rand', 4e9, 'ZAR'],
      ['invested 3 billion Swedish kronor', '3 billion Swedish kronor', 3e9, 'SEK'],
      ['worth 800 million euros', '800 million euros', 8e8, 'EUR'],
      ['收入120亿欧元', '120亿欧元', 1.2e10, 'EUR'],
      ['投资50亿港元', '50亿港元', 5e9, 'HKD'],
    ];
    for (const [text, quote, value, unit] of cases) {
      const f = only(text);
      expect([text, f.valueText, f.unit]).toEqual([text, quote, unit]);
      close(f.value, value);
    }
  });

  it('ambiguous symbols take the default the vocabulary sets', () => {
    expect(Object.keys(lex.ambiguous_symbols)).toEqual(expect.arrayContaining(['$', '¥']));
    for (const [symbol, unit] of Object.entries(lex.ambiguous_symbols)) {
      const f = only(`a fund of ${symbol}7 billion was set up`);
      expect([symbol, f.unit]).toEqual([symbol, unit]);
    }
    expect(only('a fund of ¥7 billion').unit).toBe(lex.ambiguous_symbols['¥']);
  });
});

describe('minor units', () => {
  it('cents, pence, jiao and fen are fractions of their major currency', () => {
    const cases: Array<[string, string, number, string]> = [
      // no dollar is named: "cents" belongs to the currency the vocabulary gives "$" by default
      ['a ride costs 45 cents now', '45 cents', 0.45, 'USD'],
      ['a stamp at 60 pence each', '60 pence', 0.6, 'GBP'],
      ['a fee of 5 jiao per use', '5 jiao', 0.5, 'CNY'],
      ['the price fell by 30 fen', '30 fen', 0.3, 'CNY'],
      ['a fee of 2 jiao 5 fen', '2 jiao 5 fen', 0.25, 'CNY'],
      ['票价8角', '8角', 0.8, 'CNY'],
      ['每张5毛', '5毛', 0.5, 'CNY'],
      ['it earns 5 mao per copy', '5 mao', 0.5, 'CNY'],
      ['电价下调3分', '3分', 0.03, 'CNY'],
    ];
    for (const [text, quote, value, unit] of cases) {
      const f = only(text);
      expect([text, f.valueText, f.unit, f.bound]).toEqual([text, quote, unit, 'exact']);
      close(f.value, value);
    }
  });

  it('"分" after a score word is a score, "3分钟" minutes, not money; a capitalised "Fen" or "Jiao" is a name, not money', () => {
    expect(only('考核得分90分').unit).toBe('count');
    expect(only('考评满分100分').unit).toBe('count');
    expect(scanFigures('步行3分钟').figures.map((f) => f.unit)).not.toContain('CNY');
    expect(scanFigures('the 12 Jiao Tong teams and 3 Fen River towns').figures.map((f) => [f.value, f.unit])).toEqual([
      [12, 'count'],
      [3, 'count'],
    ]);
  });
});

describe('every minor unit of the vocabulary', () => {
  it('is read alone in the currency it names, and after each of its majors', () => {
    const lex = readLanguageFile('figures.yaml').data as {
      minor_units: Array<{ word: string; factor: number; majors: string[]; alone?: string }>;
      ambiguous_symbols: Record<string, string>;
      currencies: Record<string, { prefix: string[]; suffix: string[] }>;
    };
    for (const m of lex.minor_units) {
      if (m.alone !== undefined) {
        const f = only(`a price of 3 ${m.word} each`);
        expect([m.word, f.unit]).toEqual([m.word, lex.ambiguous_symbols[m.alone] ?? m.alone]);
        close(f.value, 3 * m.factor);
      }
      for (const major of m.majors) {
        const word = lex.currencies[major]!.suffix[0]!;
        const f = only(`a price of 4 ${word} 3 ${m.word} each`);
        expect([m.word, major, f.unit, f.rule]).toEqual([m.word, major, major, 'grammar.currency.compound']);
        close(f.value, 4 + 3 * m.factor);
      }
    }
  });
});

describe('compound amounts', () => {
  it('a major and a minor unit make one amount', () => {
    const cases: Array<[string, string, number, string]> = [
      ['a ticket was 3 dollars 50 cents then', '3 dollars 50 cents', 3.5, 'USD'],
      ['it cost thirteen dollars and forty-five cents.', 'thirteen dollars and forty-five cents', 13.45, 'USD'],
      ['a coffee at 2 euros and 5 cents', '2 euros and 5 cents', 2.05, 'EUR'],
      ['单价3元5角', '3元5角', 3.5, 'CNY'],
      ['单价3元5角2分', '3元5角2分', 3.52, 'CNY'],
    ];
    for (const [text, quote, value, unit] of cases) {
      const { figures, skips } = expectCoverage(text);
      expect([text, figures.map((f) => f.valueText), skips]).toEqual([text, [quote], []]);
      expect(figures[0]!.unit).toBe(unit);
      close(figures[0]!.value, value);
    }
  });
});

describe('fractional scale words', () => {
  it('half, a quarter and three quarters of a scale', () => {
    const cases: Array<[string, string, number, string]> = [
      ['the zone employs half a million people', 'half a million people', 5e5, 'persons'],
      ['a fund of a quarter billion yuan', 'a quarter billion yuan', 2.5e8, 'CNY'],
      ['raised three quarters of a billion dollars', 'three quarters of a billion dollars', 7.5e8, 'USD'],
      ['about half a million', 'about half a million', 5e5, 'count'],
      ['one and a half million people', 'one and a half million people', 1.5e6, 'persons'],
      ['a fund of 2 and a half billion yuan', '2 and a half billion yuan', 2.5e9, 'CNY'],
      // the words of a fraction and its article over other whitespace, in capitals (found from the fraction's last word)
      ['a fund of A\nquarter billion yuan', 'A\nquarter billion yuan', 2.5e8, 'CNY'],
      ['raised THREE\tQUARTERS of a billion dollars', 'THREE\tQUARTERS of a billion dollars', 7.5e8, 'USD'],
      ['the zone employs one   half million people', 'one   half million people', 5e5, 'persons'],
    ];
    for (const [text, quote, value, unit] of cases) {
      const f = only(text);
      expect([text, f.valueText, f.unit]).toEqual([text, quote, unit]);
      close(f.value, value);
    }
  });

  it('each fraction of the vocabulary is read before a scale word', () => {
    const lex = readLanguageFile('figures.yaml').data as { fractions: { words: Record<string, number> } };
    for (const [word, v] of Object.entries(lex.fractions.words)) {
      const f = only(`a fund of ${word} of a billion yuan was set up`);
      expect([word, f.unit, f.rule]).toEqual([word, 'CNY', 'grammar.fraction']);
      close(f.value, v * 1e9);
    }
  });

  it('a fraction without a scale word is no figure', () => {
    expect(scanFigures('half of the firms and a quarter of the parks').figures).toEqual([]);
  });
});

describe('lakh, crore and the Indian grouping', () => {
  it('reads them', () => {
    const cases: Array<[string, string, number, string]> = [
      ['jobs for 5 lakh people', '5 lakh people', 5e5, 'persons'],
      ['a budget of 3.2 crore rupees', '3.2 crore rupees', 3.2e7, 'INR'],
      ['exports of ₹1,200 crore', '₹1,200 crore', 1.2e10, 'INR'],
      ['a plan of Rs 2.5 lakh crore', 'Rs 2.5 lakh crore', 2.5e12, 'INR'],
      ['the city had 12,34,567 visitors', '12,34,567 visitors', 1234567, 'persons'],
    ];
    for (const [text, quote, value, unit] of cases) {
      const f = only(text);
      expect([text, f.valueText, f.unit]).toEqual([text, quote, unit]);
      close(f.value, value);
    }
  });
});

describe('percentage points', () => {
  it('a change in points and the level in percent', () => {
    const { figures } = expectCoverage('The share rose by 0.9 percentage point to 7.9 percent.');
    expect(figures.map((f) => [f.valueText, f.value, f.unit])).toEqual([
      ['0.9 percentage point', 0.9, 'percentage_points'],
      ['7.9 percent', 7.9, 'percent'],
    ]);
  });
});

describe('ranges', () => {
  it('between … and, to, hyphen and dash: one figure with both ends as its interval', () => {
    const cases: Array<[string, string, number, string, number, number]> = [
      ['there are between 150 and 160 companies here', 'between 150 and 160 companies', 155, 'count', 150, 160],
      ['there are 150 to 160 companies here', '150 to 160 companies', 155, 'count', 150, 160],
      ['there are 150-160 companies here', '150-160 companies', 155, 'count', 150, 160],
      // a scale stated once holds for both ends; so does the currency
      ['output of 2.1–2.3 trillion yuan a year', '2.1–2.3 trillion yuan', 2.2e12, 'CNY', 2.1e12, 2.3e12],
      ['收入150至160亿元', '150至160亿元', 1.55e10, 'CNY', 1.5e10, 1.6e10],
      // bare ends joined by a word are a range too; "-" between bare numbers is not (a score, a code)
      ['a second round may admit 150 to 160 more', '150 to 160', 155, 'count', 150, 160],
      ['could reach 190,000 to 200,000.', '190,000 to 200,000', 195000, 'count', 190000, 200000],
      ['rise by 0.3 to 0.5 percentage points', '0.3 to 0.5 percentage points', 0.4, 'percentage_points', 0.3, 0.5],
    ];
    for (const [text, quote, value, unit, lo, hi] of cases) {
      const { figures } = expectCoverage(text);
      expect([text, figures.map((f) => [f.valueText, f.unit, f.bound, f.rule])]).toEqual([text, [[quote, unit, 'approx', 'grammar.range']]]);
      close(figures[0]!.value, value);
      close(figures[0]!.lo, lo);
      close(figures[0]!.hi, hi);
      expect([figures[0]!.loExclusive, figures[0]!.hiExclusive]).toEqual([false, false]);
    }
  });

  it('bare ends an order of magnitude apart are no range ("up 12 to 1,500": a change and a level); "ages 18-25" stays two numbers', () => {
    expect(expectCoverage('the count went up 12 to 1,500 this year').figures.map((f) => [f.valueText, f.bound])).toEqual([
      ['12', 'exact'],
      ['1,500', 'exact'],
    ]);
    expect(expectCoverage('workers aged 18-25 mostly').figures.map((f) => f.valueText)).toEqual(['18', '25']);
  });

  it('"from 150 to 160" is a change, not a range (the first figure takes the unit of the second); "between 2012 and 2015" are years', () => {
    const a = expectCoverage('the count grew from 150 to 160 companies');
    expect(a.figures.map((f) => [f.valueText, f.value, f.bound, f.unitWord, f.rule])).toEqual([
      ['150', 150, 'exact', 'companies', 'grammar.from_to'],
      ['160 companies', 160, 'exact', 'companies', 'grammar.count'],
    ]);
    const c = expectCoverage('revenue grew from 2.1 to 2.3 trillion yuan');
    expect(c.figures.map((f) => [f.valueText, f.value, f.unit, f.bound])).toEqual([
      ['2.1', 2.1e12, 'CNY', 'exact'],
      ['2.3 trillion yuan', 2.3e12, 'CNY', 'exact'],
    ]);
    const b = expectCoverage('sales grew between 2012 and 2015 in the zone');
    expect(b.figures).toEqual([]);
    expect(b.skips.map((s) => s.reason)).toEqual(['year', 'year']);
  });
});

describe('numbers that are names', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    ['Many Fortune 500 firms came.', [['Fortune 500', 'part_of_name']]],
    ['It is on the Fortune Global 500 list.', [['Fortune Global 500', 'part_of_name']]],
    ['the rollout of 5G networks', [['5G', 'product_name']]],
    ['host of the G20 summit', [['G20', 'product_name']]],
    ['trade fell during COVID-19 and recovered', [['COVID-19', 'part_of_name']]],
    ['offices moved to Windows 11 last year', [['Windows 11', 'part_of_name']]],
    ['plans for Industry 4.0 are set', [['Industry 4.0', 'product_name']]],
    ['goals of the 14th Five-Year Plan', [['14th', 'ordinal']]],
    ['it entered the Top 100 ranking', [['Top 100', 'part_of_name']]],
    ['the office is in Room 301 upstairs', [['Room 301', 'part_of_name']]],
    ['it sits at No. 8 Road in the park', [['No. 8', 'part_of_name']]],
    ['move to Building 5 next week', [['Building 5', 'part_of_name']]],
    ['plots in Zone 3 of the park are full', [['Zone 3', 'part_of_name']]],
    ['the drive to Shenzhen 2 hours away', [['2 hours', 'time_span']]],
    ['6月，出口增长', [['6月', 'date']]],
    ['1至9月，出口增长', [['1至9月', 'month_range']]],
    ['1-6月，收入增长', [['1-6月', 'month_range']]],
    ['1—6月，收入增长', [['1—6月', 'month_range']]],
    ['1–6月，收入增长', [['1–6月', 'month_range']]],
    ['吸引了多家世界500强企业', [['世界500强', 'part_of_name']]],
    ['园区第18号地块规划', [['第18号', 'part_of_name']]],
    ['企业位于8号楼', [['8号楼', 'part_of_name']]],
    ['Working Paper Series · Note 7', [['Note 7', 'part_of_name']]],
    ['as the table on page 4 shows', [['page 4', 'part_of_name']]],
    ['Chamber Briefing 2024/3', [['2024/3', 'part_of_name']]],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      const r = expectCoverage(text);
      expect(r.figures.map((f) => f.valueText)).toEqual([]);
      expect(r.skips.map((s) => [s.text, s.reason])).toEqual(expected);
    });
  }

  it('More than 300 Fortune 500 companies: one lower bound, the name skipped', () => {
    const r = expectCoverage('More than 300 Fortune 500 companies have set up here.');
    expect(r.figures.map((f) => [f.valueText, f.value, f.bound, f.lo, f.loExclusive])).toEqual([['More than 300', 300, 'lower', 300, true]]);
    expect(r.skips.map((s) => [s.text, s.reason])).toEqual([['Fortune 500', 'part_of_name']]);
  });

  it('a long run of capitals with no number after it is no name (and is scanned in one pass)', () => {
    const r = expectCoverage(`${'COVIDSARSMERS'.repeat(4)}-vaccine and ${'AB-'.repeat(40)}x 7 firms`);
    expect(r.skips).toEqual([]);
    expect(r.figures.map((f) => f.valueText)).toEqual(['7 firms']);
  });

  it('a capitalised word opening a sentence does not make a name', () => {
    const r = expectCoverage('Over 300 firms came. Nearly 40 stayed. In 2020 some left.');
    expect(r.figures.map((f) => [f.valueText, f.value])).toEqual([
      ['Over 300 firms', 300],
      ['Nearly 40', 40],
    ]);
  });
});

describe('values that cannot be represented', () => {
  it('are skips with a reason, never figures', () => {
    const cases = [
      `the sum was 1${',000'.repeat(103)} yuan in all`,
      `a fund of 1${',000'.repeat(11)} trillion yuan`,
      `a share of 0.${'0'.repeat(400)}1 percent`,
    ];
    for (const text of cases) {
      const r = expectCoverage(text);
      expect(r.figures).toEqual([]);
      expect(r.skips.map((s) => s.reason)).toEqual(['not_representable']);
    }
  });
});

describe('breadth-1.txt (a whole document written for the test)', () => {
  it('reads every figure and skips every name', () => {
    const { figures, skips } = expectCoverage(fixture('breadth-1.txt'));
    const want: Array<[string, number, string, string]> = [
      ['€420 million', 4.2e8, 'EUR', 'exact'],
      ['12 billion yen', 1.2e10, 'JPY', 'exact'],
      ['₩80 billion', 8e10, 'KRW', 'exact'],
      ['3.5 crore rupees', 3.5e7, 'INR', 'exact'],
      ['CHF 15 million', 1.5e7, 'CHF', 'exact'],
      ['More than 120', 120, 'count', 'lower'],
      ['between 40 and 45', 42.5, 'count', 'approx'],
      ['1,500-1,800 start-ups', 1650, 'count', 'approx'],
      ['about half a million workers', 5e5, 'persons', 'approx'],
      ['1.2 percentage points', 1.2, 'percentage_points', 'exact'],
      ['36.4 percent', 36.4, 'percent', 'exact'],
      ['2 dollars 25 cents', 2.25, 'USD', 'exact'],
      ['six firms', 6, 'count', 'exact'],
      ['2.6–2.8万亿元', 2.7e12, 'CNY', 'approx'],
    ];
    expect(figures.map((f) => [f.valueText, f.unit, f.bound])).toEqual(want.map((w) => [w[0], w[2], w[3]]));
    want.forEach(([, value], i) => close(figures[i]!.value, value));
    expect(skips.map((s) => [s.text, s.reason])).toEqual([
      ['2025', 'year'],
      ['Fortune 500', 'part_of_name'],
      ['5G', 'product_name'],
      ['Building 7', 'part_of_name'],
      ['COVID-19', 'part_of_name'],
      ['Top 50', 'part_of_name'],
      ['1-9月', 'month_range'],
    ]);
  });
});

describe('the words before a number, in any case (each look-back is tried only where its words can end)', () => {
  const cases: Array<[string, [string, number, string, string]]> = [
    ['ABOUT 40 firms opened', ['ABOUT 40 firms', 40, 'count', 'approx']],
    ['MORE THAN 5 parks', ['MORE THAN 5 parks', 5, 'count', 'lower']],
    ['UP TO 30 percent', ['UP TO 30 percent', 30, 'percent', 'upper']],
    ['upwards of 70 percent', ['upwards of 70 percent', 70, 'percent', 'lower']],
    // "up to" after "adds" is a sum, not a bound, in capitals too
    ['it ADDS UP TO 229 firms', ['229 firms', 229, 'count', 'exact']],
    ['BETWEEN 3\nAND 5 percent', ['BETWEEN 3\nAND 5 percent', 4, 'percent', 'approx']],
    ['rmb 20 billion in loans', ['rmb 20 billion', 2e10, 'CNY', 'exact']],
    ['Rs 500 per month', ['Rs 500', 500, 'INR', 'exact']],
    ['it costs US $ 5 billion', ['US $ 5 billion', 5e9, 'USD', 'exact']],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => {
      const { figures } = expectCoverage(text);
      expect(figures.map((f) => [f.valueText, f.value, f.unit, f.bound])).toEqual([want]);
    });
  }
});
