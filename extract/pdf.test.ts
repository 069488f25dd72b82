import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import PDFDocument from 'pdfkit';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawPdf } from './fixtures/rawPdf.js';
import { DEFAULT_PDF_LIMITS } from './limits.js';
import { toPageSpan } from './offsets.js';
import { PDF_TEXT_LAYER_VERSION, readPdfPageTexts, readPdfTextLayer } from './pdf.js';
import { pdfjsVersion } from './pdfjs.js';
import { SourceError, regionAt, type TextLayer } from './textLayer.js';

const SOURCES = fileURLToPath(new URL('../sources/', import.meta.url));
const REAL = ['china-st-newsletter-2014-hitech-zones', 'torch-national-hitech-zones', 'tci-2015-abstract'] as const;
const readSource = (id: string) => new Uint8Array(readFileSync(`${SOURCES}${id}.pdf`));
const meta = (id: string) => ({ sourceId: id, sha256: '0'.repeat(64) });

/** Builds a PDF in memory with pdfkit (standard Helvetica, no files, no network). */
function makePdf(options: PDFKit.PDFDocumentOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 10, compress: false, ...options });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

/** Non-empty item strings per page, straight from pdf.js (independent of the module under test). */
async function pdfjsStrings(bytes: Uint8Array): Promise<string[][]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const out: string[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      out.push(content.items.filter((x): x is TextItem => 'str' in x).map((x) => x.str).filter((s) => s.length > 0));
    }
    return out;
  } finally {
    await doc.destroy();
  }
}

async function reasonOf(bytes: Uint8Array): Promise<string> {
  try {
    await readPdfTextLayer(bytes, meta('bad'));
  } catch (e) {
    if (e instanceof SourceError) {
      expect(e.message).not.toContain('\n');
      return e.reason;
    }
    throw e;
  }
  return 'no error';
}

describe('real sources', () => {
  const layers = new Map<string, TextLayer>();
  const pageTexts = new Map<string, string[]>();
  beforeAll(async () => {
    for (const id of REAL) {
      layers.set(id, await readPdfTextLayer(readSource(id), meta(id)));
      pageTexts.set(id, await readPdfPageTexts(readSource(id)));
    }
  });

  it.each(REAL)('%s: random spans map to the re-extracted page texts', (id) => {
    const layer = layers.get(id)!;
    const pages = pageTexts.get(id)!;
    expect(layer.pages.map((p) => p.page)).toEqual(pages.map((_, i) => i + 1));
    expect(layer.text).toBe(pages.join('\f'));
    fc.assert(
      fc.property(fc.nat(layer.text.length), fc.nat(400), (start, len) => {
        const span = { start, end: Math.min(layer.text.length, start + len) };
        const ps = toPageSpan(layer.pages, span);
        const slice = layer.text.slice(span.start, span.end);
        if (ps === null) {
          // only a span over a page break (or starting on one) has no page
          expect(slice.includes('\f') || layer.text[span.start] === '\f').toBe(true);
          return;
        }
        expect(pages[ps.page - 1]!.slice(ps.start, ps.end)).toBe(slice);
        expect(slice).not.toContain('\f');
      }),
      { numRuns: 2000 },
    );
  });

  it.each(REAL)('%s: items are faithful pdf.js strings and only separators lie between them', async (id) => {
    const layer = layers.get(id)!;
    const strings = await pdfjsStrings(readSource(id));
    for (const page of layer.pages) {
      const items = layer.items.filter((i) => i.page === page.page);
      const fromLayer = items.map((i) => layer.text.slice(i.start, i.end));
      const expected = strings[page.page - 1]!;
      // every visible pdf.js string is in the layer exactly once; nothing else is an item
      const ink = (xs: string[]) => xs.filter((s) => /\S/.test(s)).sort();
      expect(ink(fromLayer)).toEqual(ink(expected));
      for (const s of fromLayer) expect(expected).toContain(s);
      let at = page.start;
      for (const it of items) {
        expect(it.start).toBeGreaterThanOrEqual(at);
        expect(layer.text.slice(at, it.start)).toMatch(/^[ \n]*$/);
        at = it.end;
        const [x0, y0, x1, y1] = it.bbox;
        expect(x0).toBeLessThanOrEqual(x1);
        expect(y0).toBeLessThanOrEqual(y1);
        expect(x0).toBeGreaterThanOrEqual(-1);
        expect(x1).toBeLessThanOrEqual(page.width + 1);
        expect(y0).toBeGreaterThanOrEqual(-1);
        expect(y1).toBeLessThanOrEqual(page.height + 1);
      }
      expect(layer.text.slice(at, page.end)).toMatch(/^[ \n]*$/);
    }
    expect(layer.items.map((i) => i.start)).toEqual(layer.items.map((i) => i.start).slice().sort((a, b) => a - b));
  });

  it.each(REAL)('%s: regions are sorted, disjoint and within the text', (id) => {
    const layer = layers.get(id)!;
    let at = 0;
    for (const r of layer.regions) {
      expect(r.start).toBeGreaterThanOrEqual(at);
      expect(r.end).toBeGreaterThan(r.start);
      at = r.end;
    }
    expect(at).toBeLessThanOrEqual(layer.text.length);
    expect(layer.mediaType).toBe('application/pdf');
  });

  it('newsletter: columns read one after the other, the Cao Jianlin sentence unbroken', () => {
    const layer = layers.get('china-st-newsletter-2014-hitech-zones')!;
    const page1 = pageTexts.get('china-st-newsletter-2014-hitech-zones')![0]!;
    const flat = page1.replace(/\n/g, ' ');
    // the sentence wraps after "Cao" and after "Technology of"; this span crosses both wraps
    expect(flat).toContain('Cao Jianlin, Vice Minister of Science and Technology of China,');
    // the left column ends with "top-level"; the right column goes on with "planning, strengthen"
    expect(flat).toContain('improve top-level planning, strengthen the ability');
    expect(flat.indexOf('attended the meeting.')).toBeLessThan(flat.indexOf('open the technological sector wider'));
    expect(regionAt(layer, layer.text.indexOf('Cao\nJianlin'))).toBe('content');
  });

  it('torch page 4: the Zhongguancun sidebar is one block, not interleaved with section 4', () => {
    const layer = layers.get('torch-national-hitech-zones')!;
    const page4 = pageTexts.get('torch-national-hitech-zones')![3]!;
    const sidebarStart = page4.indexOf('Zhongguancun Science Park\nIn May 1988');
    const sidebarEnd = page4.indexOf('for homegrown innovation.');
    expect(sidebarStart).toBeGreaterThan(0);
    const sidebar = page4.slice(sidebarStart, sidebarEnd);
    // no line of section 4's narrow column inside the sidebar block
    expect(sidebar).not.toMatch(/Talents|mechanisms|Recruitment|thousand/);
    // section 4's narrow column reads on without the sidebar in between
    expect(page4.replace(/\n/g, ' ')).toContain('Within all national hi-tech zones, 1,725 experts are recruited');
    const p4 = layer.pages[3]!;
    expect(regionAt(layer, p4.start + sidebarStart + 5)).toBe('sidebar');
    expect(regionAt(layer, p4.start + page4.indexOf('Talents recruiting'))).toBe('content');
    // page numbers are marked
    expect(regionAt(layer, p4.start + page4.lastIndexOf('4\n'))).toBe('page_number');
  });

  it('tci abstract: the secretariat contact lines are the page-1 footer, the abstract is content', () => {
    const layer = layers.get('tci-2015-abstract')!;
    for (const needle of ['TCI 2015 Secretariat', 'Tel:', 'E-mail:']) {
      const at = layer.text.indexOf(needle);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(regionAt(layer, at)).toBe('footer');
      expect(at).toBeLessThan(layer.pages[0]!.end);
    }
    expect(regionAt(layer, layer.text.indexOf('In the 80s of last century'))).toBe('content');
    expect(regionAt(layer, layer.text.indexOf('and even the world.'))).toBe('content');
  });
});

describe('synthetic layouts', () => {
  const left = Array.from({ length: 12 }, (_, i) => `Alpha ${i + 1} sits in the left column of this page.`);
  const right = Array.from({ length: 12 }, (_, i) => `Beta ${i + 1} is written in the right column.`);

  it('two columns on shared baselines read all left before right', async () => {
    // drawn row by row, left then right, so pdf.js's own order goes line across line
    const bytes = await makePdf({}, (doc) => {
      doc.font('Helvetica').fontSize(10);
      doc.text('A Title Across Both Columns Of The Synthetic Page', 60, 40, { lineBreak: false });
      left.forEach((l, i) => {
        doc.text(l, 50, 80 + i * 14, { lineBreak: false });
        doc.text(right[i]!, 310, 80 + i * 14, { lineBreak: false });
      });
    });
    const [page] = await readPdfPageTexts(bytes);
    // pdf.js bridges the gutter with a space item; it stays (trailing) with the left column's line
    const lines = page!.split('\n').filter((l) => l.length > 0).map((l) => l.trimEnd());
    expect(lines).toEqual(['A Title Across Both Columns Of The Synthetic Page', ...left, ...right]);
  });

  it('a single column is not split into columns', async () => {
    const paragraph =
      'The zones reported revenue of 20, 000 units in the year, and the figure was checked twice. ' +
      'Each sentence continues on the next line so that word gaps fall at many different places across the lines. ' +
      'Nothing here should be read as two columns, because the lines run across the whole width of the text block. ' +
      'A second and a third and a fourth sentence make the paragraph long enough to wrap over several lines.';
    const bytes = await makePdf({}, (doc) => {
      doc.font('Helvetica').fontSize(11);
      doc.text(paragraph, 60, 60, { width: 470, align: 'justify' });
    });
    const [page] = await readPdfPageTexts(bytes);
    expect(page!.split('\n').filter((l) => l.length > 0).length).toBeGreaterThan(3);
    expect(page!.replace(/\n/g, ' ').replace(/ +/g, ' ').trim()).toBe(paragraph);
  });

  it('running headers and page numbers are regions, body text is content', async () => {
    const bytes = await makePdf({}, (doc) => {
      for (let p = 1; p <= 3; p++) {
        if (p > 1) doc.addPage();
        doc.font('Helvetica').fontSize(8).text('Annual Report on the High-tech Zones 2014', 40, 20, { lineBreak: false });
        doc.fontSize(11);
        for (let i = 0; i < 20; i++) doc.text(`Body line ${i + 1} on page ${p} states 1${p}${i} units.`, 40, 120 + i * 16, { lineBreak: false });
        doc.fontSize(9).text(String(p), 290, 810, { lineBreak: false });
      }
    });
    const layer = await readPdfTextLayer(bytes, meta('synthetic'));
    expect(layer.pages).toHaveLength(3);
    for (const page of layer.pages) {
      const text = layer.text.slice(page.start, page.end);
      const header = page.start + text.indexOf('Annual Report');
      const number = page.start + text.lastIndexOf(`${page.page}\n`);
      const body = page.start + text.indexOf('Body line 7');
      expect(regionAt(layer, header)).toBe('header');
      expect(regionAt(layer, number)).toBe('page_number');
      expect(regionAt(layer, body)).toBe('content');
    }
  });
});

describe('bad input', () => {
  it('zero bytes → empty_file', async () => {
    expect(await reasonOf(new Uint8Array(0))).toBe('empty_file');
  });

  it('random bytes → corrupt_pdf', async () => {
    let x = 12345;
    const bytes = Uint8Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
    expect(await reasonOf(bytes)).toBe('corrupt_pdf');
  });

  it('random bytes after a PDF header → corrupt_pdf', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    bytes.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
    expect(await reasonOf(bytes)).toBe('corrupt_pdf');
  });

  it('a truncated real PDF → corrupt_pdf', async () => {
    const full = readSource('torch-national-hitech-zones');
    expect(await reasonOf(full.slice(0, Math.floor(full.length * 0.4)))).toBe('corrupt_pdf');
  });

  it('a PDF with a user password → encrypted_pdf', async () => {
    const bytes = await makePdf({ userPassword: 'x', ownerPassword: 'y' }, (doc) => doc.text('secret figures 42', 50, 50));
    expect(await reasonOf(bytes)).toBe('encrypted_pdf');
  });

  it('a PDF encrypted with an owner password only is read', async () => {
    const bytes = await makePdf({ ownerPassword: 'y', permissions: { printing: 'lowResolution' } }, (doc) =>
      doc.text('readable figures 42', 50, 50, { lineBreak: false }),
    );
    expect(await readPdfPageTexts(bytes)).toEqual(['readable figures 42\n']);
  });

  it('a PDF with only a drawn rectangle → no_text_layer', async () => {
    const bytes = await makePdf({}, (doc) => {
      doc.rect(50, 50, 200, 100).fill('#336699');
      doc.addPage().circle(100, 100, 40).stroke();
    });
    expect(await reasonOf(bytes)).toBe('no_text_layer');
  });

  it('version names the pdf.js build', () => {
    expect(PDF_TEXT_LAYER_VERSION).toMatch(/pdfjs\.5\.4\.296$/);
    // read from pdfjs-dist's package.json (no pdf.js load): it must be the library that actually runs
    expect(PDF_TEXT_LAYER_VERSION).toBe(`4+pdfjs.${pdfjsVersion}`);
  });
});

describe('reading leaves the bytes alone, and counts the operators of the text pass', () => {
  it("reads the caller's bytes without detaching or changing them", async () => {
    const bytes = rawPdf('BT /F1 10 Tf 1 0 0 1 100 700 Tm (AB) Tj ET', { widths: { A: 500, B: 600 } });
    const before = Buffer.from(bytes);
    expect((await readPdfTextLayer(bytes, meta('bytes'))).text).toBe('AB\n');
    expect(bytes.byteLength).toBe(before.length);
    expect(Buffer.from(bytes).equals(before)).toBe(true);
    // and a Node Buffer (what readFileSync gives), which pdf.js refuses as such
    expect(await readPdfPageTexts(Buffer.from(before))).toEqual(['AB\n']);
  });

  it("refuses a page over the operator cap, counting a form's operators, and reads it under a higher cap", async () => {
    // page: 100 × "q Q", "q", cm, Do, "Q" = 204 operators; the form: BT, Tf, Tm, Tj, ET and 50 × "q Q" = 105
    const pdf = rawPdf(`${'q Q '.repeat(100)}q 1 0 0 1 0 0 cm /Fm1 Do Q`, { widths: { A: 500 }, form: `BT /F1 10 Tf 1 0 0 1 100 700 Tm (A) Tj ET ${'q Q '.repeat(50)}` });
    const limits = (maxOperatorsPerPage: number) => ({ ...DEFAULT_PDF_LIMITS, maxOperatorsPerPage });
    await expect(readPdfTextLayer(pdf, meta('ops'), limits(308))).rejects.toThrow(/page 1 has 309 drawing operators, over the cap of 308/);
    expect((await readPdfTextLayer(pdf, meta('ops'), limits(309))).text).toBe('A\n');
  });
});
