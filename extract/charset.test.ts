import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeWithOffsets, detectCharset, findInvalidUtf8 } from './charset.js';
import { SourceError } from './textLayer.js';

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const ranges = (d: { byteStarts: Int32Array; byteEnds: Int32Array }): [number, number][] =>
  Array.from(d.byteStarts, (s, k) => [s, d.byteEnds[k]!]);

function sourceError(f: () => unknown): SourceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
}

describe('detectCharset', () => {
  it('prefers a BOM over everything', () => {
    const b = new Uint8Array([0xef, 0xbb, 0xbf, ...ascii('<meta charset="gbk">')]);
    expect(detectCharset(b, 'big5')).toEqual({ charset: 'utf-8', from: 'bom' });
    expect(detectCharset(new Uint8Array([0xff, 0xfe, 0x41, 0]))).toEqual({ charset: 'utf-16le', from: 'bom' });
  });
  it('takes the manifest charset over a meta declaration', () => {
    expect(detectCharset(ascii('<meta charset="utf-8"><p>x'), 'GB2312')).toEqual({ charset: 'gbk', from: 'manifest' });
  });
  it('reads <meta charset> and <meta http-equiv content>', () => {
    expect(detectCharset(ascii('<html><head><meta charset=GBK></head>'))).toEqual({ charset: 'gbk', from: 'meta' });
    expect(detectCharset(ascii(`<meta http-equiv="Content-Type" content="text/html; charset=big5">`))).toEqual({ charset: 'big5', from: 'meta' });
    expect(detectCharset(ascii(`<META HTTP-EQUIV='content-type' CONTENT='text/html;charset="gb18030"'>`))).toEqual({ charset: 'gb18030', from: 'meta' });
  });
  it('ignores a meta inside a comment and beyond the prescan window; defaults to utf-8', () => {
    expect(detectCharset(ascii('<!-- <meta charset="gbk"> --><p>x</p>'))).toEqual({ charset: 'utf-8', from: 'default' });
    expect(detectCharset(ascii(`${' '.repeat(5000)}<meta charset="gbk">`))).toEqual({ charset: 'utf-8', from: 'default' });
  });
  it('treats a meta claiming UTF-16 as UTF-8 (it was readable as ASCII)', () => {
    expect(detectCharset(ascii('<meta charset="utf-16">'))).toEqual({ charset: 'utf-8', from: 'meta' });
  });
  it('passes an unknown label through (decoding refuses it)', () => {
    expect(detectCharset(ascii('<p>'), 'x-klingon').charset).toBe('x-klingon');
  });
});

describe('decodeWithOffsets', () => {
  it('maps UTF-8 units to their bytes, surrogate pairs sharing four bytes, after a BOM', () => {
    const b = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('a中😀b', 'utf8')]);
    const d = decodeWithOffsets(b, 'utf-8');
    expect(d.text).toBe('a中😀b');
    expect(ranges(d)).toEqual([[3, 4], [4, 7], [7, 11], [7, 11], [11, 12]]);
  });

  it.each([
    ['a lone 0xFF', [0x61, 0x62, 0x63, 0xff, 0x64], 3],
    ['a truncated sequence at the end', [0x61, 0xe4, 0xb8], 1],
    ['a lead byte followed by ASCII', [0xe4, 0x41, 0x42, 0x43], 0],
    ['an overlong encoding', [0x41, 0xc0, 0x80], 1],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0],
    ['a stray continuation byte', [0x41, 0x42, 0x80], 2],
  ])('rejects %s with the byte offset', (_name, bytes, at) => {
    const e = sourceError(() => decodeWithOffsets(new Uint8Array(bytes), 'utf-8', 'src-x'));
    expect(e.reason).toBe('invalid_encoding');
    expect(e.sourceId).toBe('src-x');
    expect(e.message).toContain(`invalid UTF-8 at byte ${at}`);
  });

  it('agrees with the WHATWG decoder on what is valid UTF-8', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    // every 1..3-byte prefix pattern of interest
    for (let a = 0x80; a <= 0xff; a++) {
      for (const b of [0x30, 0x80, 0x9f, 0xa0, 0xbf, 0xc0]) {
        const bytes = new Uint8Array([a, b, 0x80, 0x80]);
        let ok = true;
        try {
          fatal.decode(bytes);
        } catch {
          ok = false;
        }
        expect(findInvalidUtf8(bytes) === -1, `bytes ${a.toString(16)} ${b.toString(16)} 80 80`).toBe(ok);
      }
    }
  });

  it('decodes GBK character by character with byte ranges', () => {
    const b = iconv.encode('高新区178家', 'gbk');
    const d = decodeWithOffsets(b, 'gb2312');
    expect(d.text).toBe('高新区178家');
    expect(ranges(d)).toEqual([[0, 2], [2, 4], [4, 6], [6, 7], [7, 8], [8, 9], [9, 11]]);
  });

  it('decodes GB18030 four-byte sequences (astral → two units sharing the four bytes)', () => {
    const s = 'x𠀀€y';
    const b = iconv.encode(s, 'gb18030');
    const d = decodeWithOffsets(b, 'gb18030');
    expect(d.text).toBe(s);
    expect(ranges(d)).toEqual([[0, 1], [1, 5], [1, 5], [5, b.length - 1], [b.length - 1, b.length]]);
  });

  it('decodes Big5', () => {
    const b = iconv.encode('中華民國2024年', 'big5');
    const d = decodeWithOffsets(b, 'big5');
    expect(d.text).toBe('中華民國2024年');
    expect(ranges(d).slice(3, 6)).toEqual([[6, 8], [8, 9], [9, 10]]);
  });

  it('decodes windows-1252 one byte per unit', () => {
    const d = decodeWithOffsets(new Uint8Array([0x80, 0x41, 0xe9]), 'iso-8859-1');
    expect(d.text).toBe('€Aé');
    expect(ranges(d)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('rejects invalid GBK and Big5 sequences', () => {
    const gbk = [...iconv.encode('高新', 'gbk'), 0xb8];
    const e1 = sourceError(() => decodeWithOffsets(new Uint8Array(gbk), 'gbk', 's'));
    expect([e1.reason, e1.message]).toEqual(['invalid_encoding', 's: invalid_encoding: invalid gbk at byte 4']);
    const e2 = sourceError(() => decodeWithOffsets(new Uint8Array([0x41, 0xff, 0x41]), 'big5', 's'));
    expect(e2.message).toContain('invalid big5 at byte 1');
  });

  it('refuses empty input and unknown charsets', () => {
    expect(sourceError(() => decodeWithOffsets(new Uint8Array(0), 'utf-8', 's')).reason).toBe('empty_file');
    const e = sourceError(() => decodeWithOffsets(ascii('abc'), 'x-klingon', 's'));
    expect(e.reason).toBe('unsupported_charset');
    expect(e.message).toContain('x-klingon');
  });

  it('decodes a 1 MB GBK page exactly', () => {
    const unit = '国家高新区178家，营业收入 48.5 万亿元 (R&D 2023)。\n';
    const s = unit.repeat(Math.ceil((1 << 20) / Buffer.byteLength(unit)));
    const b = iconv.encode(s, 'gbk');
    const d = decodeWithOffsets(b, 'gbk');
    expect(d.text).toBe(s);
    expect(d.byteEnds[d.byteEnds.length - 1]).toBe(b.length);
    // ranges tile the file without gaps
    let ok = true;
    for (let k = 1; k < d.byteStarts.length; k++) if (d.byteStarts[k] !== d.byteEnds[k - 1]) ok = false;
    expect(ok).toBe(true);
  });
});
