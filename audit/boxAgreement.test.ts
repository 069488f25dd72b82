import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetIndex } from '../extract/offsets.js';
import { readPdfTextLayer } from '../extract/pdf.js';
import { layoutOf } from '../pipeline/extractSource.js';
import { archivedAgreement, compareWithPoppler, summarize, type WordComparison } from './boxAgreement.js';
import { ensurePdftotext, pdftotextUnavailableReason, popplerWords } from './popplerWords.js';
import { mentionBoxes } from './site.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A TrueType font the machine has (Debian's fonts-dejavu-core comes with chromium); never fetched. */
function installedTtf(): string | null {
  const preferred = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  if (existsSync(preferred)) return preferred;
  const walk = (dir: string): string | null => {
    if (!existsSync(dir)) return null;
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) {
        const found = walk(p);
        if (found) return found;
      } else if (/\.ttf$/i.test(name)) return p;
    }
    return null;
  };
  return walk('/usr/share/fonts');
}

// Sentences written for this test; the figures are of the kind the sources state.
const PARAGRAPH =
  'In 2013 the zones employed 2,500,000 R&D personnel and counted 177 new incubators; exports rose by more than 10% ' +
  'to more than 1 trillion yuan, while the operating revenue of the 114 zones reached 16.6 trillion yuan. ' +
  // ligatures: with an embedded font pdfkit sets "fi"/"ffi" as one glyph each
  'The first official figures on efficient firms followed.';
const FIGURES = ['2,500,000 R&D personnel', '177', 'more than 10%', 'more than 1 trillion yuan', '114 zones', '16.6 trillion yuan'];

function makePdf(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40, compress: false, info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

/** Code-point spans of the figures in the text layer (a space in a figure may be a line break there). */
function figureSpans(text: string): { start: number; end: number }[] {
  const index = new OffsetIndex(text);
  return FIGURES.map((f) => {
    const re = new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'));
    const m = re.exec(text);
    expect(m, `figure ${f} not in the text layer`).not.toBeNull();
    return { start: index.toCodePoint(m!.index), end: index.toCodePoint(m!.index + m![0].length) };
  });
}

const describeFailures = (rows: WordComparison[]) =>
  rows
    .filter((r) => !(r.deviation <= 1))
    .slice(0, 5)
    .map((r) => `${r.text}: ours ${JSON.stringify(r.ours)} poppler ${r.poppler ? JSON.stringify(r.poppler.box) : 'none'}`)
    .join('; ');

describe('quote boxes agree with poppler (pdftotext -bbox-layout) within 1 pt', () => {
  let pdftotext: string;
  let tmp: string;
  beforeAll(() => {
    // installs Debian's poppler-utils with apt-get when pdftotext is missing (announced on stderr)
    const found = ensurePdftotext();
    expect(found, pdftotextUnavailableReason).not.toBeNull();
    pdftotext = found!;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-boxes-'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Reads a generated PDF both ways; returns the figures' and all words' comparisons and the layout. */
  async function compare(name: string, pdf: Buffer) {
    const file = path.join(tmp, `${name}.pdf`);
    writeFileSync(file, pdf);
    const layer = await readPdfTextLayer(new Uint8Array(pdf), { sourceId: name, sha256: '0'.repeat(64) });
    const layout = layoutOf(layer)!;
    const words = popplerWords(pdftotext, file);
    const spans = figureSpans(layer.text);
    const figures = compareWithPoppler(layer.text, layout, spans, words);
    const all = compareWithPoppler(layer.text, layout, [{ start: 0, end: new OffsetIndex(layer.text).cpLength }], words);
    return { layer, layout, spans, figures, all };
  }

  function expectAgreement(rows: WordComparison[], minWords: number) {
    const s = summarize(rows);
    expect(s.words).toBeGreaterThanOrEqual(minWords);
    expect(s.matched, describeFailures(rows)).toBe(s.words);
    expect(s.within1pt, describeFailures(rows)).toBe(s.words);
  }

  it('the archived PDFs: every word of every released figure, and every word of the pages', async () => {
    const results = await archivedAgreement(ROOT);
    expect(results.map((r) => r.source).sort()).toEqual(['china-st-newsletter-2014-hitech-zones', 'tci-2015-abstract', 'torch-national-hitech-zones']);
    for (const r of results) {
      expectAgreement(r.allWords, 300);
      expectAgreement(r.rows, 0);
    }
    expect(results.reduce((n, r) => n + r.rows.length, 0)).toBeGreaterThan(300);
  }, 180_000);

  it('a PDF with an embedded TrueType font (an installed one)', async () => {
    const ttf = installedTtf();
    expect(ttf, 'no .ttf font under /usr/share/fonts (Debian fonts-dejavu-core provides one)').not.toBeNull();
    const pdf = await makePdf((doc) => {
      doc.font(ttf!).fontSize(11).text(PARAGRAPH, 50, 60, { width: 230 });
    });
    const r = await compare('embedded', pdf);
    expect(pdf.includes('/FontFile2')).toBe(true);
    expectAgreement(r.figures, 12);
    expectAgreement(r.all, 30);
  }, 60_000);

  it('a PDF with a non-embedded standard font (Helvetica): measured with the widths the PDF declares', async () => {
    const pdf = await makePdf((doc) => {
      doc.font('Helvetica').fontSize(10).text(PARAGRAPH, 50, 60, { width: 200 });
    });
    expect(pdf.includes('/FontFile')).toBe(false);
    const r = await compare('helvetica', pdf);
    expectAgreement(r.figures, 12);
    expectAgreement(r.all, 30);
  }, 60_000);

  it('justified text with character and word spacing; a figure across lines gets one box per line', async () => {
    const pdf = await makePdf((doc) => {
      doc.font('Times-Roman').fontSize(12).text(PARAGRAPH, 50, 60, { width: 190, align: 'justify', characterSpacing: 0.4, wordSpacing: 1.5 });
    });
    const r = await compare('justified', pdf);
    expectAgreement(r.figures, 12);
    expectAgreement(r.all, 30);
    // at least one figure wraps: it is drawn as one box per line, each the height of one line
    const wrapped = r.spans.filter((s) => /\n/.test(new OffsetIndex(r.layer.text).sliceCodePoints(s.start, s.end)));
    expect(wrapped.length).toBeGreaterThan(0);
    for (const s of wrapped) {
      const boxes = mentionBoxes(r.layout, { char_start: s.start, char_end: s.end });
      expect(boxes.length).toBe(2);
      for (const b of boxes) expect(b.box[3] - b.box[1]).toBeLessThan(12 * 1.5);
      expect(boxes[1]!.box[1]).toBeGreaterThanOrEqual(boxes[0]!.box[3] - 1);
    }
  }, 60_000);
});
