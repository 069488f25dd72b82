import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHtmlTextLayer } from './html.js';
import { loadLexicon } from './lexicon.js';
import { sha256Hex } from './manifest.js';
import { extractMentions, mentionId } from './mentions.js';
import { OffsetIndex } from './offsets.js';

const lexicon = loadLexicon(path.resolve(import.meta.dirname, '..', 'dataset', 'vocabulary'));

function mentionsOf(html: string, published: string | null = '2024-03-01') {
  const bytes = Buffer.from(html, 'utf8');
  const sha = sha256Hex(bytes);
  const layer = readHtmlTextLayer(bytes, { sourceId: 'doc', sha256: sha });
  return { layer, bytes, ...extractMentions(layer, { sourceId: 'doc', sha256: sha, published }, lexicon) };
}

describe('extractMentions', () => {
  it('reads a figure restated in another currency as the same figure, linked both ways', () => {
    const { mentions } = mentionsOf(
      '<main><p>The 178 national high-tech zones generated 15.3 trillion yuan ($2.1 trillion) in operating revenue in 2023.</p></main>',
    );
    const cny = mentions.find((m) => m.unit === 'CNY')!;
    const usd = mentions.find((m) => m.unit === 'USD')!;
    expect([cny.value, usd.value]).toEqual([1.53e13, 2.1e12]);
    expect(cny.paired_mention_id).toBe(usd.mention_id);
    expect(usd.paired_mention_id).toBe(cny.mention_id);
    expect([cny.metric, usd.metric]).toEqual(['operating_revenue', 'operating_revenue']);
    expect([cny.period, usd.period]).toEqual(['2023', '2023']);
  });

  it('gives every mention its trail: code points, bytes, quote, context and a content-derived id', () => {
    const { mentions, layer, bytes } = mentionsOf('<main><p>Caf\u00e9 \ud83d\ude00 &amp; co: the zones had 178 zones in 2024.</p></main>');
    const m = mentions.find((x) => x.value === 178)!;
    const idx = new OffsetIndex(layer.text);
    expect(idx.sliceCodePoints(m.char_start, m.char_end)).toBe(m.quote);
    expect(bytes.subarray(m.byte_start!, m.byte_end!).toString('utf8')).toBe(m.quote);
    expect(m.prefix.endsWith('the zones had ')).toBe(true);
    expect(m.mention_id).toBe(mentionId(m.source_sha256, m.char_start, m.char_end));
    // the emoji is one code point but two UTF-16 units: code-point offsets are smaller than string indices
    expect(layer.text.indexOf(m.quote)).toBe(m.char_start + 1);
  });

  it('reads a fall as a negative growth rate of the amount named before it', () => {
    const { mentions } = mentionsOf(
      '<main><p>Exports from the zones fell more than 3.2 percent year on year to 4.1 trillion yuan in 2023.</p><p>Tax revenue of the zones rose 2% in 2020.</p></main>',
    );
    const fall = mentions.find((m) => m.quote === 'more than 3.2 percent')!;
    expect([fall.metric, fall.value, fall.bound, fall.lo, fall.hi, fall.hi_exclusive]).toEqual(['export_value_growth', -3.2, 'upper', null, -3.2, true]);
    const rise = mentions.find((m) => m.quote === '2%')!;
    expect([rise.metric, rise.value]).toEqual(['tax_revenue_growth', 2]);
  });
});
