import { describe, expect, it } from 'vitest';
import type { TextLayer } from '../extract/textLayer.js';
import { layoutOf } from './extractSource.js';

function layer(text: string, items: TextLayer['items']): TextLayer {
  return { sourceId: 's', sha256: '0'.repeat(64), mediaType: 'application/pdf', text, pages: [{ page: 1, start: 0, end: text.length, width: 100, height: 200 }], regions: [], items, byteMap: null, charset: null };
}

describe('layoutOf', () => {
  it('publishes glyph edges per code point: a character outside the BMP has one edge, not two', () => {
    // "a𝐀b" is 4 UTF-16 units and 3 code points; the glyph edges come per UTF-16 unit (+1)
    const text = 'xa\u{1D400}b';
    const l = layoutOf(layer(text, [{ page: 1, start: 1, end: 5, bbox: [10, 20, 40, 30], glyphs: { x: [10, 15, 22, 22, 27.004], top: 19, bottom: 31 } }]))!;
    expect(l.items).toEqual([{ page: 1, char_start: 1, char_end: 4, bbox: [10, 19, 27, 31], x: [0, 5, 12, 17] }]);
  });

  it('keeps the item box and publishes no edges when the glyphs are unknown or do not fit the item', () => {
    const l = layoutOf(
      layer('abcdef', [
        { page: 1, start: 0, end: 3, bbox: [1.234, 2, 3, 4] },
        { page: 1, start: 3, end: 6, bbox: [5, 6, 7, 8], glyphs: { x: [5, 6], top: 5, bottom: 9 } },
      ]),
    )!;
    expect(l.items).toEqual([
      { page: 1, char_start: 0, char_end: 3, bbox: [1.23, 2, 3, 4] },
      { page: 1, char_start: 3, char_end: 6, bbox: [5, 6, 7, 8] },
    ]);
  });
});
