import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHtmlTextLayer } from './html.js';
import { loadLexicon } from './lexicon.js';
import { sha256Hex } from './manifest.js';
import { extractMentions } from './mentions.js';

/**
 * Hostile text: input built to make the extractor slow or to read numbers no table can hold. Behaviour only
 * (counts, reasons); how fast it goes is measured by `npm run bench` ("pathological sentence").
 */
const lexicon = loadLexicon(path.resolve(import.meta.dirname, '..', 'dataset', 'vocabulary'));

function mentionsOf(html: string) {
  const bytes = Buffer.from(`<html><body><main>${html}</main></body></html>`, "utf8");
  const sha = sha256Hex(bytes);
  const layer = readHtmlTextLayer(bytes, { sourceId: 'hostile', sha256: sha });
  return extractMentions(layer, { sourceId: 'hostile', sha256: sha, published: '2024-03-01' }, lexicon);
}

describe('hostile sentences', () => {
  // generous: before the per-sentence indexes this sentence never finished (every figure asked every other)
  it('reads one sentence of 100,000 figures, each as one mention', { timeout: 120_000 }, () => {
    const { mentions } = mentionsOf(`<p>The zones had ${'1 '.repeat(100_000)}enterprises.</p>`);
    expect(mentions).toHaveLength(100_000);
    expect(new Set(mentions.map((m) => m.char_start)).size).toBe(100_000);
    // the last figure stands right before the counted noun, the others have none of their own
    expect(mentions.at(-1)!.metric).not.toBeNull();
    // each row quotes the stretch of the sentence around its figure, not the whole 200 KB sentence
    expect(Math.max(...mentions.map((m) => m.sentence.length))).toBeLessThanOrEqual(1002);
    expect(mentions[50_000]!.sentence).toContain(mentions[50_000]!.quote);
  });

  // the other shapes the probe made quadratic: a figure before a hyphen, a Chinese scale word, an opening
  // bracket, an approximate figure before "to"; each repeated, one figure per repeat, each read where it stands
  for (const [repeat, value] of [['5-', 5], ['1亿', 100_000_000], ['105 (', 105], ['about 1 to ', 1]] as const) {
    it(`reads one sentence of 20,000 × ${JSON.stringify(repeat)}, each figure as one mention at its own place`, { timeout: 120_000 }, () => {
      const { mentions } = mentionsOf(`<p>The zones had ${repeat.repeat(20_000)}enterprises.</p>`);
      expect(mentions).toHaveLength(20_000);
      expect(new Set(mentions.map((m) => m.char_start)).size).toBe(20_000);
      expect(mentions.every((m) => m.value === value)).toBe(true);
      expect(Math.max(...mentions.map((m) => m.sentence.length))).toBeLessThanOrEqual(1002);
    });
  }

  it('reads a run-on sentence of 2,000 figures with nouns, places and years', { timeout: 120_000 }, () => {
    const part = (i: number) => `${i + 1} new enterprises in Zhongguancun in 2013 and revenue of ${i + 1}.5 billion yuan, up ${i % 9} percent`;
    const { mentions } = mentionsOf(`<p>${Array.from({ length: 1000 }, (_, i) => part(i)).join(', ')}.</p>`);
    expect(mentions.filter((m) => m.unit === 'CNY')).toHaveLength(1000);
    expect(mentions.filter((m) => m.unit === 'percent')).toHaveLength(1000);
  });

  // part-year periods and "a year earlier" take the sentence's own year: looked up in per-sentence lists of
  // dates, not by filtering every date of the sentence once per figure
  it('reads a run-on sentence of 4,000 part-year and prior-year figures, each dated by the sentence year', { timeout: 120_000 }, () => {
    const part = (i: number) => `revenue was ${i + 1}.5 billion yuan in the first half and ${i + 2} billion yuan a year earlier`;
    const { mentions } = mentionsOf(`<p>In 2023, ${Array.from({ length: 2000 }, (_, i) => part(i)).join(', ')}.</p>`);
    expect(mentions).toHaveLength(4000);
    expect(mentions.filter((m) => m.period === '2023-H1')).toHaveLength(2000);
    expect(mentions.filter((m) => m.period === '2022')).toHaveLength(2000);
  });
});

/**
 * How many characters the regex searches of one extraction read: a search from lastIndex up to the end of its
 * match (or of its input when it finds none), one for an anchored or sticky pattern. A count, not a time: a
 * clause searched again from its start for each of its figures or dates makes it grow with the square of the
 * clause's length, a linear reading with the length alone.
 */
function charactersSearched(html: string): { searched: number; result: ReturnType<typeof mentionsOf> } {
  const exec = RegExp.prototype.exec;
  let searched = 0;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const m = exec.call(this, input);
    const anchored = this.sticky || (this.source.startsWith('^') && !this.multiline);
    searched += anchored ? (m ? m[0].length : 1) : (m ? m.index + m[0].length : String(input).length) - from;
    return m;
  };
  try {
    const result = mentionsOf(html);
    return { searched, result };
  } finally {
    RegExp.prototype.exec = exec;
  }
}

describe('long clauses are read about once', () => {
  // each case at two sizes: linear reading searches 8 times as many characters for 8 times the clause, a reading
  // per figure (or per date) from the clause's start 64 times as many
  const cases: [string, (n: number) => string][] = [
    // no release cue: every date's stretch of the clause was searched for one from the clause's start
    ['dates in one clause (release cues)', (n) => `<p>The report ${Array.from({ length: n }, (_, i) => `in ${2000 + (i % 20)}`).join(' ')} shows 5 zones.</p>`],
    // shares with no ratio named: the rest of the clause was searched for "of the national total" per figure
    ['percentages in one clause (share of a total)', (n) => `<p>The zones stood at ${'5 percent '.repeat(n)}in 2013.</p>`],
    ['growth rates in one clause', (n) => `<p>The zones grew ${'5 percent '.repeat(n)}in 2013.</p>`],
  ];
  for (const [name, html] of cases) {
    it(name, { timeout: 120_000 }, () => {
      const small = charactersSearched(html(250));
      const large = charactersSearched(html(2000));
      expect(large.result.mentions.length).toBe(name.startsWith('dates') ? 1 : 2000);
      expect(large.searched / small.searched).toBeLessThan(12);
    });
  }

  it('a release cue still dates what follows it in a clause of many dates', () => {
    const dates = Array.from({ length: 40 }, (_, i) => `in ${2000 + (i % 20)}`).join(' ');
    // after the cue: every date is the report's, the figure's period is the release date nearest it
    const { mentions } = mentionsOf(`<p>The report released ${dates} shows 5 zones.</p>`);
    expect(mentions[0]!.period).toBe('2019');
    expect(mentions[0]!.rule).toContain('stated-release(2019)');
    // before the cue: the dates are the figure's own (the nearest, 2019, dates it)
    const before = mentionsOf(`<p>The report ${dates} shows 5 zones, as released.</p>`).mentions;
    expect(before[0]!.rule).toContain('period=stated(2019)');
  });
});

/**
 * How many array elements the array searches of one extraction visit (filter, find, findIndex, some, every,
 * indexOf: each counts its array's length). A count, not a time: a clause's metric phrases filtered once per
 * figure of the clause grow with the square of the clause's length; indexed once per clause, with its length.
 */
function elementsVisited(html: string): { visited: number; result: ReturnType<typeof mentionsOf> } {
  const names = ['filter', 'find', 'findIndex', 'some', 'every', 'indexOf'] as const;
  const saved = names.map((n) => Array.prototype[n]);
  let visited = 0;
  names.forEach((n, i) => {
    const original = saved[i] as (...a: unknown[]) => unknown;
    (Array.prototype as unknown as Record<string, unknown>)[n] = function (this: unknown[], ...a: unknown[]) {
      visited += this.length;
      return original.apply(this, a);
    };
  });
  try {
    const result = mentionsOf(html);
    return { visited, result };
  } finally {
    names.forEach((n, i) => ((Array.prototype as unknown as Record<string, unknown>)[n] = saved[i]));
  }
}

describe("a long clause's metric phrases are looked at about once", () => {
  // each case at two sizes: 8 times the clause visits about 8 times as many elements when the clause's phrases
  // are indexed once, 64 times as many when each figure filters all of them
  const cases: [string, (n: number) => string, string][] = [
    // a growth rate's base: the amounts named before it in the clause (baseMetric), its ratios (readMetric)
    ['growth rates, each after its amount', (n) => `<p>The zones said ${'revenue rose 5 percent '.repeat(n)}in 2013.</p>`, 'operating_revenue_growth'],
    // an amount takes the nearest metric phrase of its clause no other figure claims
    ['amounts, each after its metric phrase', (n) => `<p>The zones said ${'revenue was 5 billion yuan '.repeat(n)}in 2013.</p>`, 'operating_revenue'],
  ];
  for (const [name, html, metric] of cases) {
    it(name, { timeout: 120_000 }, () => {
      const small = elementsVisited(html(250));
      const large = elementsVisited(html(2000));
      expect(large.result.mentions).toHaveLength(2000);
      // (the readings themselves: every figure takes the phrase right before it)
      expect(new Set(large.result.mentions.map((m) => m.metric))).toEqual(new Set([metric]));
      expect(large.visited / small.visited).toBeLessThan(12);
    });
  }
});

describe('rules of long clauses', () => {
  // "5 percent of …" with no share named: the rule quotes the words after the share, up to the clause's next
  // joiner; in a run-on clause that was the rest of the clause, once per figure (square of the clause's length)
  it('quotes at most 200 characters of the words after a share', () => {
    const tail = 'very '.repeat(100);
    const { mentions } = mentionsOf(`<p>The zones stood at 5 percent of ${tail}big things in the year.</p>`);
    expect(mentions).toHaveLength(1);
    const quoted = /none\(share-of ([^;]*)\)/.exec(mentions[0]!.rule)![1]!;
    // (200 characters from the share's end: the space before "of", then 199)
    expect(quoted).toBe(` of ${tail}`.slice(0, 200).trimStart() + '…');
    // a short one is quoted whole, as before
    const short = mentionsOf('<p>The zones stood at 5 percent of big things in the year.</p>').mentions[0]!.rule;
    expect(short).toContain('none(share-of of big things in the year.)');
  });
});

describe('sentences opening on punctuation', () => {
  // a label clause with no clause before it, the sentence opening on ":" or ",", threw (the clause before the
  // label was read unchecked) and lost the whole page
  it('reads a label after an opening colon, and abstains after an opening comma', () => {
    const colon = mentionsOf('<p>: Turnover: 25.9 trillion yuan</p>').mentions;
    expect(colon.map((m) => [m.metric, m.value])).toEqual([['operating_revenue', 25.9e12]]);
    const comma = mentionsOf('<p>, revenue: 5 billion yuan</p>').mentions;
    expect(comma.map((m) => [m.metric, m.value])).toEqual([[null, 5e9]]);
  });
});

describe('unrepresentable values', () => {
  it('records a value that overflows to Infinity as a skip with its reason, and keeps the other figures', () => {
    const { mentions, skips } = mentionsOf(`<p>Revenue reached 1${',000'.repeat(103)} yuan and there were 5 zones.</p>`);
    expect(mentions.map((m) => m.value)).toEqual([5]);
    expect(skips.filter((s) => s.reason === 'not_representable').map((s) => s.text.length)).toEqual([1 + 4 * 103]);
  });

  it('records a finite value beyond 1e30 as a skip too', () => {
    const { mentions, skips } = mentionsOf(`<p>Revenue reached 1${',000'.repeat(12)} yuan in 2023.</p>`);
    expect(mentions).toHaveLength(0);
    expect(skips.map((s) => s.reason)).toContain('not_representable');
  });
});
