import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHtmlTextLayer } from './html.js';
import { loadLexicon } from './lexicon.js';
import { sha256Hex } from './manifest.js';
import { extractMentions, mentionId } from './mentions.js';
import { OffsetIndex } from './offsets.js';

const lexicon = loadLexicon(path.resolve(import.meta.dirname, 'lexicon'));

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
});
