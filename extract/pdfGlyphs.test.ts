import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { describe, expect, it } from 'vitest';
import { glyphsOfOperatorList, itemGlyphEdges } from './pdfGlyphs.js';

const FONT = { fontMatrix: [0.001, 0, 0, 0.001, 0, 0], ascent: 0.8, descent: -0.2 };
const fonts = (name: string) => (name === 'F1' ? FONT : null);

/** BT /F1 10 Tf 1 Tc 2 Tw 50 Tz 1 0 0 1 100 700 Tm [(A) ( ) (B) -100 (C)] TJ ET, as pdf.js lists it. */
const OP_LIST = {
  fnArray: [OPS.beginText, OPS.setFont, OPS.setCharSpacing, OPS.setWordSpacing, OPS.setHScale, OPS.setTextMatrix, OPS.showText, OPS.endText],
  argsArray: [
    null,
    ['F1', 10],
    [1],
    [2],
    [50],
    [Float32Array.from([1, 0, 0, 1, 100, 700])],
    [[{ unicode: 'A', width: 500 }, { unicode: ' ', width: 250, isSpace: true }, { unicode: 'B', width: 600 }, -100, { unicode: 'C', width: 400 }]],
    null,
  ],
};

describe('glyphsOfOperatorList', () => {
  it('places glyphs by width, char spacing, word spacing, TJ adjustment and horizontal scaling (by hand)', () => {
    const g = glyphsOfOperatorList(OP_LIST, fonts);
    // text-space x before Tz: A 0, space 0+5+1 = 6, B 6+2.5+1+2 = 11.5, C 11.5+6+1+1(TJ) = 19.5; then × 0.5
    expect(g.map((x) => x.unicode)).toEqual(['A', ' ', 'B', 'C']);
    expect(g.map((x) => x.ox)).toEqual([100, 103, 105.75, 109.75]);
    expect(g.map((x) => x.oy)).toEqual([700, 700, 700, 700]);
    // a glyph's own advance (no Tc/Tw), scaled by Tz
    expect(g.map((x) => x.ax)).toEqual([2.5, 1.25, 3, 2]);
    expect(g[0]).toMatchObject({ uy: 10, ascent: 0.8, descent: -0.2 });
  });

  it('a font it cannot resolve places nothing (its items fall back to their boxes)', () => {
    expect(glyphsOfOperatorList({ ...OP_LIST, argsArray: OP_LIST.argsArray.map((a, i) => (i === 1 ? ['F9', 10] : a)) }, fonts)).toEqual([]);
  });
});

describe('itemGlyphEdges', () => {
  const viewport = [1, 0, 0, -1, 0, 800];
  const item = (str: string, over: Partial<TextItem> = {}): TextItem => ({ str, dir: 'ltr', width: 11.75, height: 10, transform: [5, 0, 0, 10, 100, 700], fontName: 'F1', hasEOL: false, ...over });

  it('lays the glyphs onto the item: spaces span the gap, the last edge is the last glyph end', () => {
    const [e] = itemGlyphEdges([item('A BC')], glyphsOfOperatorList(OP_LIST, fonts), viewport);
    expect(e).toEqual({ x: [100, 102.5, 105.75, 109.75, 111.75], top: 92, bottom: 102 });
  });

  it('gives no edges when the characters do not match the glyphs, or for right-to-left text', () => {
    const glyphs = glyphsOfOperatorList(OP_LIST, fonts);
    expect(itemGlyphEdges([item('A BX')], glyphs, viewport)).toEqual([null]);
    expect(itemGlyphEdges([item('A BC', { dir: 'rtl' })], glyphs, viewport)).toEqual([null]);
    // an item that starts where no glyph is
    expect(itemGlyphEdges([item('A BC', { transform: [5, 0, 0, 10, 300, 700] })], glyphs, viewport)).toEqual([null]);
  });
});
