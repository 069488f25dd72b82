import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { ArrayUnitBytes, Utf8UnitBytes, utf8UnitRanges, type UnitBytes } from './offsets.js';
import { SourceError } from './textLayer.js';

/**
 * Charset detection and decoding with a byte map: every UTF-16 unit of the decoded text knows the raw
 * byte range it came from, so a quote can always be traced back to the archived file exactly.
 *
 * Decoding is strict on purpose: a replacement character would make the provenance check lie, so an
 * invalid byte sequence is an `invalid_encoding` error, not a U+FFFD.
 */

export type CharsetSource = 'bom' | 'manifest' | 'meta' | 'default';

/** The charsets decodeWithOffsets knows (canonical names). */
export const SUPPORTED_CHARSETS = ['utf-8', 'gbk', 'gb18030', 'big5', 'windows-1252', 'utf-16le', 'utf-16be'] as const;

// Labels per the WHATWG Encoding Standard (the subset we decode). gb2312/gbk labels map to 'gbk', which
// is decoded with the gb18030 decoder like browsers do (it is a strict superset).
const LABELS: Record<string, string> = {};
function label(canonical: string, names: string[]): void {
  for (const n of names) LABELS[n] = canonical;
}
label('utf-8', ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);
label('gbk', ['gbk', 'gb2312', 'gb_2312', 'gb_2312-80', 'chinese', 'csgb2312', 'csiso58gb231280', 'iso-ir-58', 'x-gbk', 'cp936', 'ms936', 'windows-936', 'euc-cn']);
label('gb18030', ['gb18030']);
label('big5', ['big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5', 'cp950']);
label('windows-1252', [
  'windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987',
  'l1', 'latin1', 'cp819', 'ibm819', 'csisolatin1', 'iso-ir-100', 'us-ascii', 'ascii', 'ansi_x3.4-1968',
]);
label('utf-16le', ['utf-16le', 'utf-16', 'ucs-2', 'unicode', 'csunicode', 'iso-10646-ucs-2', 'unicodefeff']);
label('utf-16be', ['utf-16be', 'unicodefffe']);

/** Canonical charset name for a label, or the cleaned label itself when unknown (decoding then refuses it). */
export function normalizeCharset(raw: string): string {
  const l = raw.trim().replace(/^["']|["']$/g, '').trim().toLowerCase();
  return LABELS[l] ?? l;
}

const PRESCAN_BYTES = 4096;

/** `<meta charset>` / `<meta http-equiv content="…charset=…">` in the first bytes of the file, or null. */
export function prescanMetaCharset(bytes: Uint8Array): string | null {
  // latin1 keeps one char per byte, so the ASCII markup reads the same whatever the real charset is
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PRESCAN_BYTES))
    .toString('latin1')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
  const metaRe = /<meta\b([^>]*)>?/gi;
  for (let m = metaRe.exec(head); m; m = metaRe.exec(head)) {
    const attrs = new Map<string, string>();
    const attrRe = /([^\s"'=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
    for (let a = attrRe.exec(m[1] ?? ''); a; a = attrRe.exec(m[1] ?? '')) {
      const name = a[1]!.toLowerCase();
      if (!attrs.has(name)) attrs.set(name, a[2] ?? a[3] ?? a[4] ?? '');
    }
    const cs = attrs.get('charset');
    if (cs !== undefined && cs.trim() !== '') return cs.trim();
    if ((attrs.get('http-equiv') ?? '').trim().toLowerCase() === 'content-type') {
      const c = /charset\s*=\s*["']?([^"';\s]+)/i.exec(attrs.get('content') ?? '');
      if (c) return c[1]!;
    }
  }
  return null;
}

/** BOM, then the manifest's charset, then a meta declaration, then UTF-8. */
export function detectCharset(bytes: Uint8Array, declared?: string | null): { charset: string; from: CharsetSource } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', from: 'bom' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', from: 'bom' };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', from: 'bom' };
  if (declared != null && declared.trim() !== '') return { charset: normalizeCharset(declared), from: 'manifest' };
  const meta = prescanMetaCharset(bytes);
  if (meta !== null) {
    let cs = normalizeCharset(meta);
    // A meta tag read as ASCII cannot be UTF-16 (WHATWG prescan rule); x-user-defined is windows-1252 here.
    if (cs === 'utf-16le' || cs === 'utf-16be') cs = 'utf-8';
    if (cs === 'x-user-defined') cs = 'windows-1252';
    return { charset: cs, from: 'meta' };
  }
  return { charset: 'utf-8', from: 'default' };
}

export interface Decoded {
  text: string;
  /** each unit's raw byte range, as the text layer asks for it (UTF-8: computed from the text, no arrays) */
  units: UnitBytes;
  /** per UTF-16 unit of `text`: first raw byte (UTF-8: built when first asked for) */
  readonly byteStarts: Int32Array;
  /** per UTF-16 unit of `text`: raw byte end (exclusive) */
  readonly byteEnds: Int32Array;
}

/** A Decoded whose unit ranges were kept in arrays by the decoder. */
function decodedWith(text: string, byteStarts: Int32Array, byteEnds: Int32Array): Decoded {
  return { text, units: new ArrayUnitBytes(byteStarts, byteEnds), byteStarts, byteEnds };
}

function invalid(sourceId: string, charset: string, at: number): SourceError {
  return new SourceError(sourceId, 'invalid_encoding', `invalid ${charset === 'utf-8' ? 'UTF-8' : charset} at byte ${at}`);
}

/**
 * Decodes `bytes` with `charset` (a label; see normalizeCharset) and maps every UTF-16 unit back to
 * its raw byte range. A leading BOM of the same encoding is skipped (maps to nothing).
 * Throws SourceError: empty_file, unsupported_charset, invalid_encoding (`sourceId` names the source).
 */
export function decodeWithOffsets(bytes: Uint8Array, charset: string, sourceId = ''): Decoded {
  if (bytes.length === 0) throw new SourceError(sourceId, 'empty_file', 'the file has zero bytes');
  const cs = normalizeCharset(charset);
  switch (cs) {
    case 'utf-8':
      return decodeUtf8(bytes, sourceId);
    case 'gbk':
    case 'gb18030':
      return decodeMultibyte(bytes, cs, sourceId, gbSequenceLength);
    case 'big5':
      return decodeMultibyte(bytes, cs, sourceId, big5SequenceLength);
    case 'windows-1252':
      return decodeSingleByte(bytes);
    case 'utf-16le':
    case 'utf-16be':
      return decodeUtf16(bytes, cs === 'utf-16le', sourceId);
    default:
      throw new SourceError(sourceId, 'unsupported_charset', `unsupported charset "${charset}"`);
  }
}

// ------------------------------------------------------------------ UTF-8

/** Offset of the first invalid UTF-8 sequence (Unicode "well-formed" table, no overlongs/surrogates), or -1. */
export function findInvalidUtf8(bytes: Uint8Array, from = 0): number {
  const n = bytes.length;
  let i = from;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    if (i + need >= n) return i; // truncated at end of file
    const b1 = bytes[i + 1]!;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function decodeUtf8(bytes: Uint8Array, sourceId: string): Decoded {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // isUtf8 (native) checks the same well-formedness in one pass at memory speed; the scan in JS only runs to
  // say where a file that fails it goes wrong
  if (!isUtf8(bytes.subarray(bom))) {
    const bad = findInvalidUtf8(bytes, bom);
    if (bad >= 0) throw invalid(sourceId, 'utf-8', bad);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8', bom);
  // valid input: Node's decoder and the UTF-8 lengths agree unit for unit, so the ranges follow from the text
  // (the text layer reads them from there; the arrays are built only for a caller that asks for them)
  let ranges: { starts: Int32Array; ends: Int32Array } | null = null;
  const arrays = () => (ranges ??= utf8UnitRanges(text, bom));
  return {
    text,
    units: new Utf8UnitBytes(text, bom),
    get byteStarts() {
      return arrays().starts;
    },
    get byteEnds() {
      return arrays().ends;
    },
  };
}

// ------------------------------------------------------------------ legacy multibyte (GBK/GB18030, Big5)

/** Length of the character starting at `i` (1, 2 or 4), or 0 when the bytes are not a valid sequence. */
type SequenceLength = (bytes: Uint8Array, i: number) => number;

const inRange = (b: number | undefined, lo: number, hi: number): boolean => b !== undefined && b >= lo && b <= hi;

/** GB18030 structure: ASCII; 0x80 (euro); lead 0x81–0xFE + trail 0x40–0x7E/0x80–0xFE; or four bytes lead, 0x30–0x39, 0x81–0xFE, 0x30–0x39. */
function gbSequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b <= 0x80) return 1;
  if (b === 0xff) return 0;
  const b1 = bytes[i + 1];
  if (inRange(b1, 0x40, 0x7e) || inRange(b1, 0x80, 0xfe)) return 2;
  if (inRange(b1, 0x30, 0x39) && inRange(bytes[i + 2], 0x81, 0xfe) && inRange(bytes[i + 3], 0x30, 0x39)) return 4;
  return 0;
}

/** Big5 structure: ASCII; lead 0x81–0xFE + trail 0x40–0x7E/0xA1–0xFE. */
function big5SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  if (b === 0x80 || b === 0xff) return 0;
  const b1 = bytes[i + 1];
  return inRange(b1, 0x40, 0x7e) || inRange(b1, 0xa1, 0xfe) ? 2 : 0;
}

const REPLACEMENT = 0xfffd;

/**
 * Character-by-character decoding: the sequence structure gives each character's byte range; iconv-lite
 * gives its text (cached per distinct sequence, so a 1 MB page costs one lookup per character).
 */
function decodeMultibyte(bytes: Uint8Array, cs: 'gbk' | 'gb18030' | 'big5', sourceId: string, seqLen: SequenceLength): Decoded {
  const iconvName = cs === 'big5' ? 'big5' : 'gb18030';
  const replacementBytes = iconv.encode('\ufffd', iconvName);
  const n = bytes.length;
  // a character never takes more UTF-16 units than bytes (ASCII 1:1, 2 bytes ≤ 2 units, 4 bytes ≤ 2 units)
  const units = new Uint16Array(n);
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const cache = new Map<number, string>();
  let u = 0;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units[u] = b;
      starts[u] = i;
      ends[u] = i + 1;
      u++;
      i++;
      continue;
    }
    const len = seqLen(bytes, i);
    if (len === 0) throw invalid(sourceId, cs, i);
    let key = 0;
    for (let k = 0; k < len; k++) key = key * 256 + bytes[i + k]!;
    let s = cache.get(key);
    if (s === undefined) {
      const seq = bytes.subarray(i, i + len);
      s = iconv.decode(Buffer.from(seq), iconvName);
      const isReplacement = s.length === 0 || (s.includes('\ufffd') && !Buffer.from(seq).equals(replacementBytes));
      // unmapped sequences come back as U+FFFD: refuse them like invalid UTF-8
      if (isReplacement || s.length > len) throw invalid(sourceId, cs, i);
      cache.set(key, s);
    }
    for (let k = 0; k < s.length; k++) {
      units[u] = s.charCodeAt(k);
      starts[u] = i;
      ends[u] = i + len;
      u++;
    }
    i += len;
  }
  return decodedWith(Buffer.from(units.buffer, 0, u * 2).toString('utf16le'), starts.slice(0, u), ends.slice(0, u));
}

// ------------------------------------------------------------------ single byte, UTF-16

let cp1252: Uint16Array | null = null;
function cp1252Table(): Uint16Array {
  if (cp1252) return cp1252;
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    const s = iconv.decode(Buffer.from([b]), 'windows-1252');
    // the five undefined bytes map to the C1 controls of the same value (WHATWG index)
    t[b] = s.length === 1 && s.charCodeAt(0) !== REPLACEMENT ? s.charCodeAt(0) : b;
  }
  cp1252 = t;
  return t;
}

function decodeSingleByte(bytes: Uint8Array): Decoded {
  const t = cp1252Table();
  const n = bytes.length;
  const units = new Uint16Array(n);
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    units[i] = t[bytes[i]!]!;
    starts[i] = i;
    ends[i] = i + 1;
  }
  return decodedWith(Buffer.from(units.buffer, 0, n * 2).toString('utf16le'), starts, ends);
}

function decodeUtf16(bytes: Uint8Array, le: boolean, sourceId: string): Decoded {
  const bom = bytes.length >= 2 && ((le && bytes[0] === 0xff && bytes[1] === 0xfe) || (!le && bytes[0] === 0xfe && bytes[1] === 0xff)) ? 2 : 0;
  if ((bytes.length - bom) % 2 !== 0) throw invalid(sourceId, le ? 'utf-16le' : 'utf-16be', bytes.length - 1);
  const m = (bytes.length - bom) / 2;
  const units = new Uint16Array(m);
  const starts = new Int32Array(m);
  const ends = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const at = bom + 2 * k;
    units[k] = le ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
    starts[k] = at;
    ends[k] = at + 2;
  }
  return decodedWith(Buffer.from(units.buffer, 0, m * 2).toString('utf16le'), starts, ends);
}
