import { constants, createInflate } from 'node:zlib';
import { SourceError } from './textLayer.js';

/**
 * What one PDF may cost to read. A small file can unfold into gigabytes (compressed streams), thousands of
 * pages or a page of millions of text operators; past these caps the source fails with a named reason
 * instead of taking the build's time and memory. Defaults fit a 2-core, 4 GB runner; the build's options
 * (pipeline/budget.ts) change them.
 */
export interface PdfLimits {
  /** pages per document (too_many_pages) */
  maxPages: number;
  /** bytes all the document's compressed non-image streams inflate to, together (inflate_limit) */
  maxInflatedBytes: number;
  /** text items pdf.js reads from one page (too_complex) */
  maxTextItemsPerPage: number;
  /** content-stream operators pdf.js's text pass reads on one page, forms included (too_complex) */
  maxOperatorsPerPage: number;
  /** pixels of one rendered page image in the audit site (too_complex) */
  maxPixelsPerPage: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxPages: 2000,
  maxInflatedBytes: 256 * 1024 * 1024,
  maxTextItemsPerPage: 100_000,
  maxOperatorsPerPage: 1_000_000,
  maxPixelsPerPage: 40_000_000,
};

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');

/**
 * Inflates every Flate-compressed stream of the file in turn, stopping as soon as the total passes the cap.
 * pdf.js inflates lazily and gives no account of it, so this is the only place the unfolded size is known
 * before pdf.js commits the memory. Image streams are left out (text extraction never decodes them); a stream
 * that is not zlib data or is damaged counts for what it yields (pdf.js reports the damage itself).
 */
export async function checkInflatedSize(bytes: Uint8Array, sourceId: string, maxInflatedBytes: number): Promise<number> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  let at = 0;
  for (;;) {
    const s = buf.indexOf(STREAM, at);
    if (s < 0) break;
    at = s + STREAM.length;
    if (s >= 3 && buf.toString('latin1', s - 3, s) === 'end') continue; // "endstream"
    let dataStart = at;
    if (buf[dataStart] === 0x0d) dataStart++;
    if (buf[dataStart] !== 0x0a) continue; // "stream" must end its line
    dataStart++;
    const e = buf.indexOf(ENDSTREAM, dataStart);
    if (e < 0) break;
    at = e + ENDSTREAM.length;
    const head = buf.toString('latin1', Math.max(0, s - 2048), s);
    const dict = head.slice(head.lastIndexOf(' obj') + 1);
    if (!/\/FlateDecode|\/Fl\b/.test(dict) || /\/Subtype\s*\/Image/.test(dict)) continue;
    total += await inflatedLength(buf.subarray(dataStart, e), maxInflatedBytes - total + 1);
    if (total > maxInflatedBytes) {
      throw new SourceError(sourceId, 'inflate_limit', `its compressed streams inflate to more than ${maxInflatedBytes} bytes (--max-inflated-bytes)`);
    }
  }
  return total;
}

/**
 * How many bytes `data` inflates to, counted chunk by chunk and thrown away (at most `stopAfter`): the count
 * never holds the inflated bytes. Not zlib data or damaged: what came out before the error.
 */
function inflatedLength(data: Buffer, stopAfter: number): Promise<number> {
  return new Promise((resolve) => {
    const z = createInflate({ finishFlush: constants.Z_SYNC_FLUSH });
    let n = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(n);
    };
    z.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n >= stopAfter) {
        z.destroy();
        finish();
      }
    });
    z.on('end', finish);
    z.on('error', finish);
    z.on('close', finish);
    z.end(data);
  });
}
