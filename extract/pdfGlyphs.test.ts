import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { describe, expect, it } from 'vitest';
import { rawPdf } from './fixtures/rawPdf.js';
import { readPdfTextLayer } from './pdf.js';
import { itemGlyphEdges, pageGlyphs, type PlacedGlyph } from './pdfGlyphs.js';

const meta = { sourceId: 'glyphs', sha256: '0'.repeat(64) };
const WIDTHS = { ' ': 250, A: 500, B: 600, C: 400 };

describe('glyphs from the text pass (extract/pdfjs.ts) laid onto the items', () => {
  it('places glyphs by width, char spacing, word spacing, TJ adjustment and horizontal scaling (by hand)', async () => {
    const pdf = rawPdf('BT /F1 10 Tf 1 Tc 2 Tw 50 Tz 1 0 0 1 100 700 Tm [(A) ( ) (B) -100 (C)] TJ ET', { widths: WIDTHS });
    const layer = await readPdfTextLayer(pdf, meta);
    expect(layer.text).toBe('A BC\n');
    // text-space x before Tz: A 0, space 0+5+1 = 6, B 6+2.5+1+2 = 11.5, C 11.5+6+1+1(TJ) = 19.5; then × 0.5, from x = 100.
    // A glyph spans its own advance (no Tc/Tw): A 2.5, B 3, C 2; the space spans the gap from A's end to B's start.
    // Top and bottom: baseline 700 on an 800 pt page, ascent 0.8 and descent -0.2 of 10 pt.
    expect(layer.items.map((i) => i.glyphs)).toEqual([{ x: [100, 102.5, 105.75, 109.75, 111.75], top: 92, bottom: 102 }]);
  });

  it('places text rise, a text matrix scale and a cm transform', async () => {
    const pdf = rawPdf('q 2 0 0 2 10 20 cm BT /F1 10 Tf 1 0 0 1 30 300 Tm 3 Ts (AB) Tj ET Q', { widths: WIDTHS });
    const [item] = (await readPdfTextLayer(pdf, meta)).items;
    // origin (30, 303) × 2 + (10, 20) = (70, 626) in user space, 800 - 626 = 174 from the top; A is 5 wide × 2
    expect(item!.glyphs).toEqual({ x: [70, 80, 92], top: 174 - 16, bottom: 174 + 4 });
  });

  it('text in a form XObject is placed through the form', async () => {
    const pdf = rawPdf('q 1 0 0 1 50 0 cm /Fm1 Do Q', { widths: WIDTHS, form: 'BT /F1 10 Tf 1 0 0 1 100 700 Tm (CAB) Tj ET' });
    const [item] = (await readPdfTextLayer(pdf, meta)).items;
    expect(item!.glyphs).toEqual({ x: [150, 154, 159, 165], top: 92, bottom: 102 });
  });
});

describe('itemGlyphEdges', () => {
  const viewport = [1, 0, 0, -1, 0, 800];
  const item = (str: string, over: Partial<TextItem> = {}): TextItem => ({ str, dir: 'ltr', width: 11.75, height: 10, transform: [5, 0, 0, 10, 100, 700], fontName: 'F1', hasEOL: false, ...over });
  const glyph = (unicode: string, ox: number, ax: number): PlacedGlyph => ({ unicode, ox, oy: 700, ax, ay: 0, ux: 0, uy: 10, ascent: 0.8, descent: -0.2 });
  const glyphs = pageGlyphs([glyph('A', 100, 2.5), glyph('B', 105.75, 3), glyph('C', 109.75, 2)]);

  it('lays the glyphs onto the item: spaces span the gap, the last edge is the last glyph end', () => {
    expect(itemGlyphEdges([item('A BC')], glyphs, viewport)).toEqual([{ x: [100, 102.5, 105.75, 109.75, 111.75], top: 92, bottom: 102 }]);
  });

  it('shares a ligature glyph among its characters', () => {
    expect(itemGlyphEdges([item('fix')], pageGlyphs([glyph('ﬁ', 100, 6), glyph('x', 106, 4)]), viewport)).toEqual([{ x: [100, 103, 106, 110], top: 92, bottom: 102 }]);
  });

  it('gives no edges when the characters do not match the glyphs, or for right-to-left text', () => {
    expect(itemGlyphEdges([item('A BX')], glyphs, viewport)).toEqual([null]);
    expect(itemGlyphEdges([item('A BC', { dir: 'rtl' })], glyphs, viewport)).toEqual([null]);
    // an item that starts where no glyph is
    expect(itemGlyphEdges([item('A BC', { transform: [5, 0, 0, 10, 300, 700] })], glyphs, viewport)).toEqual([null]);
  });
});
