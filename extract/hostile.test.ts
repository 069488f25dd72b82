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
