import { describe, expect, it } from 'vitest';
import { isCloserCode, isOpenerCode, segment, splitClauses, splitSentences } from './sentences.js';

const texts = (t: string, opts = {}) => splitSentences(t, opts).map((s) => t.slice(s.start, s.end));

describe('splitSentences', () => {
  it.each([
    ['decimals', 'Revenue was 20.3 trillion yuan. Exports rose 5.1%.', ['Revenue was 20.3 trillion yuan.', 'Exports rose 5.1%.']],
    ['abbreviations', 'Exports to the U.S. rose, e.g. in Q1. See No. 5 for details.', ['Exports to the U.S. rose, e.g. in Q1.', 'See No. 5 for details.']],
    ['titles', 'Thank you, Mr. Jin. The conference is concluded.', ['Thank you, Mr. Jin.', 'The conference is concluded.']],
    ['lower case after a period is no boundary', 'It cost 5 bn. yuan in total.', ['It cost 5 bn. yuan in total.']],
    ['closing quote after the period', 'He said "it works." Then he left.', ['He said "it works."', 'Then he left.']],
    ['PDF line breaks inside a sentence', 'The zones employ\n12,695 thousand people\nin 2012. Next one.', ['The zones employ\n12,695 thousand people\nin 2012.', 'Next one.']],
    ['blank line', 'First block without stop\n\nSecond block', ['First block without stop', 'Second block']],
    ['form feed without regions', 'page one ends here\fpage two', ['page one ends here', 'page two']],
    ['list enumerators', 'following goals:\n1. Strengthening capacity. The zones will grow.', ['following goals:', '1. Strengthening capacity.', 'The zones will grow.']],
    ['heading line', 'Latest Progress in National High-tech Zones\nAccording to the data, revenue\ngrew.', ['Latest Progress in National High-tech Zones', 'According to the data, revenue\ngrew.']],
    ['label rows ("Key: value" lines) are one sentence each', 'Main figures of the park.\nTotal revenue: 80 billion yuan (up 3 percent)\nPatents granted: 2,400\nStaff: 52,000', ['Main figures of the park.', 'Total revenue: 80 billion yuan (up 3 percent)', 'Patents granted: 2,400', 'Staff: 52,000']],
    ['Chinese full stops, with closing brackets after them', '收入增长8.5%。企业数量（家）增加！“好”？是的', ['收入增长8.5%。', '企业数量（家）增加！', '“好”？', '是的']],
    ['a closing bracket and quote after the stop stay with the sentence', 'It grew (by 5%.) "Then it fell." Next.', ['It grew (by 5%.)', '"Then it fell."', 'Next.']],
    ['a long word before a full stop is no abbreviation; a short one can be', 'Revenue rose in Sept. Output rose in September. Co. Ltd. Anhui.', ['Revenue rose in Sept. Output rose in September.', 'Co. Ltd. Anhui.']],
    ['a wrapped line that opens on a word and colon is still one sentence', 'The report said the park\nNote: growth was slow.', ['The report said the park\nNote: growth was slow.']],
  ])('%s', (_name, text, expected) => {
    expect(texts(text)).toEqual(expected);
  });

  it('hard line breaks (HTML blocks) end sentences and short lines become headings', () => {
    const t = 'Yizhuang zone\nOver 262 products were shown\nBy 2020, the zone will build 20 centers.';
    expect(texts(t, { lineBreaks: 'hard' })).toEqual(['Yizhuang zone', 'Over 262 products were shown', 'By 2020, the zone will build 20 centers.']);
    const segs = segment(t, { lineBreaks: 'hard' });
    expect(segs.map((s) => s.heading)).toEqual([true, false, false]);
    expect(segs[1]!.section).toBe(segs[0]!.section);
  });

  it('continues a sentence across a page break whose footer is a region, and returns the footer apart', () => {
    const t = 'every ten thousand\f3\nprofessionals own 107.5 patents. Next.';
    const at = t.indexOf('3\n');
    const segs = segment(t, { regions: [{ start: at, end: at + 1, kind: 'page_number' }] });
    const content = segs.filter((s) => s.content).map((s) => t.slice(s.start, s.end));
    expect(content).toEqual(['every ten thousand\f3\nprofessionals own 107.5 patents.', 'Next.']);
    const furniture = segs.filter((s) => !s.content).map((s) => t.slice(s.start, s.end));
    expect(furniture).toEqual(['3']);
  });

  it('headings start sections; spans are trimmed and ordered', () => {
    const t = 'Intro text here.\nExamples of High-tech Zones in Main Areas\nThe gross revenue rose.\n';
    const segs = segment(t);
    expect(segs.map((s) => t.slice(s.start, s.end))).toEqual(['Intro text here.', 'Examples of High-tech Zones in Main Areas', 'The gross revenue rose.']);
    expect(segs[1]!.heading).toBe(true);
    expect(segs[2]!.section).toBe(segs[1]!.section);
    expect(segs[0]!.section).not.toBe(segs[1]!.section);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBeGreaterThanOrEqual(segs[i - 1]!.end);
  });

  it('handles empty and whitespace-only text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n ')).toEqual([]);
  });
});

describe('sentence openers and closers by character code', () => {
  // the regexes these codes replace (asked after every full stop of a page), as the oracle for every UTF-16 unit
  it('isOpenerCode and isCloserCode answer as the character classes they stand for', () => {
    const opener = /[A-Z0-9“‘"'(\[\u00C0-\u00DE\u4e00-\u9fff]/;
    const closer = /['"”’)\]]/;
    const wrong: string[] = [];
    for (let u = 0; u < 0x10000; u++) {
      const c = String.fromCharCode(u);
      if (isOpenerCode(u) !== opener.test(c)) wrong.push(`opener ${u.toString(16)}`);
      if (isCloserCode(u) !== closer.test(c)) wrong.push(`closer ${u.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('splitClauses', () => {
  it('splits at commas and semicolons but not inside digit groups', () => {
    const t = 'In 2012, the zones employ 12,695 thousand people; 20, 000 returnees came, up 5%.';
    const got = splitClauses(t, { start: 0, end: t.length }).map((s) => t.slice(s.start, s.end));
    expect(got).toEqual(['In 2012', 'the zones employ 12,695 thousand people', '20, 000 returnees came', 'up 5%.']);
  });

  it('splits at colons, dashes and full-width marks; a spaced en dash only; digit groups need three digits', () => {
    const t = 'Output: 5 units — up; range 3–4 or 3 – 4, 1,2345 and 7,000,收入，增长；完成：好';
    const got = splitClauses(t, { start: 0, end: t.length }).map((s) => t.slice(s.start, s.end));
    expect(got).toEqual(['Output', '5 units', 'up', 'range 3–4 or 3', '4', '1', '2345 and 7,000', '收入', '增长', '完成', '好']);
  });

  it('reads only the sentence it is given (marks just outside it do not count)', () => {
    const t = 'Before, inside part, still inside; after';
    const start = t.indexOf('inside');
    const end = t.indexOf(';');
    const got = splitClauses(t, { start, end }).map((s) => t.slice(s.start, s.end));
    expect(got).toEqual(['inside part', 'still inside']);
  });
});
