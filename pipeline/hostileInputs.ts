/**
 * Hostile documents made on the fly, small on disk and costly to read: for the budget tests and the bench's
 * "five sources plus one hostile file" build. Nothing here is committed as a file; each maker returns bytes.
 */
import { constants, createDeflate } from 'node:zlib';
import PDFDocument from 'pdfkit';

/** A PDF made with pdfkit (standard Helvetica, uncompressed). */
export function pdfkitPdf(draw: (doc: PDFKit.PDFDocument) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 10, compress: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

/** `pages` pages of one short sentence each. */
export function manyPagesPdf(pages: number): Promise<Uint8Array> {
  return pdfkitPdf((doc) => {
    for (let i = 0; i < pages; i++) {
      if (i > 0) doc.addPage();
      doc.text(`Page ${i + 1}: the zone had ${i + 10} enterprises.`);
    }
  });
}

/** One page with `items` separate text runs (each its own text operator). */
export function manyTextItemsPdf(items: number): Promise<Uint8Array> {
  return pdfkitPdf((doc) => {
    for (let i = 0; i < items; i++) doc.text(`${i}`, 10 + (i % 20) * 28, 10 + Math.floor(i / 20) * 0.5, { lineBreak: false });
  });
}

/**
 * A one-page PDF whose content stream inflates from a few KB to `inflatedBytes` (a decompression bomb: spaces
 * around one line of text). Written by hand so the stream is Flate-compressed whatever pdfkit does.
 */
export async function inflateBombPdf(inflatedBytes: number): Promise<Uint8Array> {
  const stream = await deflateSpaces(Buffer.from('BT /F1 12 Tf 72 720 Td (There are 12 zones.) Tj ET\n'), inflatedBytes);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    size += buf.length;
  };
  const obj = (n: number, body: (Buffer | string)[]) => {
    offsets[n] = size;
    push(`${n} 0 obj\n`);
    for (const b of body) push(b);
    push('\nendobj\n');
  };
  push('%PDF-1.4\n');
  obj(1, ['<< /Type /Catalog /Pages 2 0 R >>']);
  obj(2, ['<< /Type /Pages /Kids [3 0 R] /Count 1 >>']);
  obj(3, ['<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>']);
  obj(4, [`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, stream, '\nendstream']);
  obj(5, ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']);
  const xref = size;
  push(`xref\n0 6\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return new Uint8Array(Buffer.concat(parts));
}

/** zlib data of `head` followed by `n` spaces, made chunk by chunk (a gigabyte never sits in memory). */
function deflateSpaces(head: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = createDeflate({ level: constants.Z_BEST_COMPRESSION });
    const out: Buffer[] = [];
    z.on('data', (c: Buffer) => out.push(c));
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
    const chunk = Buffer.alloc(Math.min(n, 16 * 1024 * 1024), 0x20);
    let left = n;
    const write = () => {
      if (left <= 0) return void z.end();
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= part.length;
      if (z.write(part)) setImmediate(write);
      else z.once('drain', write);
    };
    z.write(head);
    write();
  });
}

/** An HTML page of one sentence holding `figures` figures. */
export function manyFiguresHtml(figures: number): Uint8Array {
  return new Uint8Array(Buffer.from(`<html><body><main><p>The parks had ${'1 '.repeat(figures)}enterprises.</p></main></body></html>`));
}

/** An HTML page with one figure that overflows to Infinity, next to an ordinary one. */
export function infinityHtml(): Uint8Array {
  return new Uint8Array(Buffer.from(`<html><body><main><p>Revenue reached 1${',000'.repeat(103)} yuan; there were 5 zones.</p></main></body></html>`));
}
