import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ByteMapBuilder,
  codePointLength,
  fromPageOffset,
  joinPages,
  OffsetIndex,
  pageAt,
  toByteSpan,
  toPageSpan,
  utf16ToUtf8Offset,
  utf8Length,
  utf8UnitRanges,
  Utf8UnitBytes,
} from './offsets.js';

describe('code points and UTF-16', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('a😀b')).toBe(3);
    expect('a😀b'.length).toBe(4);
    expect(utf8Length('a😀b中')).toBe(1 + 4 + 1 + 3);
  });

  it('maps both ways around astral characters', () => {
    const idx = new OffsetIndex('x😀y中😀');
    expect(idx.cpLength).toBe(5);
    expect(idx.toUtf16(2)).toBe(3);
    expect(idx.toCodePoint(3)).toBe(2);
    expect(idx.sliceCodePoints(1, 3)).toBe('😀y');
    expect(() => idx.toUtf16(6)).toThrow(RangeError);
  });

  it('round-trips every offset for random strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const idx = new OffsetIndex(s);
        expect(idx.cpLength).toBe([...s].length);
        for (let cp = 0; cp <= idx.cpLength; cp++) expect(idx.toCodePoint(idx.toUtf16(cp))).toBe(cp);
        const cps = [...s];
        for (let a = 0; a <= cps.length; a++) expect(idx.sliceCodePoints(0, a)).toBe(cps.slice(0, a).join(''));
      }),
    );
  });
});

describe('pages', () => {
  const { text, pages } = joinPages(['one', '', 'three']);
  it('joins pages with form feeds and locates them', () => {
    expect(text).toBe('one\f\fthree');
    expect(pages.map((p) => [p.page, p.start, p.end])).toEqual([
      [1, 0, 3],
      [2, 4, 4],
      [3, 5, 10],
    ]);
    expect(pageAt(pages, 6)?.page).toBe(3);
    expect(toPageSpan(pages, { start: 6, end: 8 })).toEqual({ page: 3, start: 1, end: 3 });
    expect(fromPageOffset(pages, 3, 1)).toBe(6);
  });
  it('refuses a span that crosses a page break', () => {
    expect(toPageSpan(pages, { start: 2, end: 7 })).toBeNull();
  });
});

describe('bytes', () => {
  it('gives UTF-8 ranges per UTF-16 unit', () => {
    const s = 'a中😀';
    const { starts, ends } = utf8UnitRanges(s, 10);
    expect([...starts]).toEqual([10, 11, 14, 14]);
    expect([...ends]).toEqual([11, 14, 18, 18]);
    expect(utf16ToUtf8Offset(s, 2)).toBe(4);
  });
  it('maps text spans to raw byte spans', () => {
    const b = new ByteMapBuilder();
    b.push(1, 0, 5); // "&amp;" → "&"
    const r = utf8UnitRanges('b中', 5);
    b.pushEach(r.starts, r.ends);
    b.push(1, 9, 9); // inserted separator
    const map = b.build();
    expect(toByteSpan(map, { start: 0, end: 2 })).toEqual({ start: 0, end: 6 });
    expect(toByteSpan(map, { start: 1, end: 3 })).toEqual({ start: 5, end: 9 });
    expect(toByteSpan(map, { start: 3, end: 4 })).toEqual({ start: 9, end: 9 });
  });

  it('gives every unit of an ASCII text its one byte, as for any other text', () => {
    const { starts, ends } = utf8UnitRanges('ab c', 3);
    expect([...starts]).toEqual([3, 4, 5, 6]);
    expect([...ends]).toEqual([4, 5, 6, 7]);
    // one non-ASCII unit anywhere and the per-character reading applies
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\n', 'é', '中', '😀'), maxLength: 40 }), fc.nat({ max: 9 }), (text, base) => {
        const r = utf8UnitRanges(text, base);
        for (let i = 0; i < text.length; i++) {
          // the code point holding unit i, and its bytes
          const hi = i > 0 && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff ? i - 1 : i;
          const cp = String.fromCodePoint(text.codePointAt(hi)!);
          expect(r.starts[i]).toBe(base + Buffer.byteLength(text.slice(0, hi)));
          expect(r.ends[i]).toBe(base + Buffer.byteLength(text.slice(0, hi)) + Buffer.byteLength(cp));
        }
      }),
    );
  });
  it('builds the same map whether its size was known up front or it grew', () => {
    const fill = (b: ByteMapBuilder) => {
      for (let k = 0; k < 100; k++) b.push(k % 3, k, k + 2);
      b.pushSlice(Int32Array.from([7, 8, 9]), Int32Array.from([8, 9, 10]), 1, 2);
      return b.build();
    };
    const grown = fill(new ByteMapBuilder(16));
    const sized = fill(new ByteMapBuilder(101));
    const loose = fill(new ByteMapBuilder(5000));
    expect(grown.starts.length).toBe(101);
    for (const m of [sized, loose]) {
      expect([...m.starts]).toEqual([...grown.starts]);
      expect([...m.ends]).toEqual([...grown.ends]);
    }
    // much room left over is not kept by the map
    expect(loose.starts.buffer.byteLength).toBe(101 * 4);
  });

  it('computes a UTF-8 text\'s unit ranges as the per-unit arrays give them, asked in any order', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', 'é', '中', '😀', '\u{10FFFF}'), maxLength: 30 }),
        fc.nat({ max: 5 }),
        fc.array(fc.tuple(fc.nat({ max: 62 }), fc.nat({ max: 62 })), { maxLength: 25 }),
        (text, base, asks) => {
          const arrays = utf8UnitRanges(text, base);
          const map = { starts: arrays.starts, ends: arrays.ends };
          const units = new Utf8UnitBytes(text, base);
          expect(units.length).toBe(text.length);
          for (const [a, b] of asks) {
            const start = Math.min(a, b, text.length);
            const end = Math.min(Math.max(a, b), text.length);
            expect(units.span(start, end)).toEqual(toByteSpan(map, { start, end }));
            // the same units appended to a byte map, cut anywhere (a surrogate pair too)
            const got = new ByteMapBuilder(4);
            units.appendTo(got, start, end - start);
            const want = new ByteMapBuilder(4);
            want.pushSlice(arrays.starts, arrays.ends, start, end - start);
            expect([...got.build().starts]).toEqual([...want.build().starts]);
            expect([...got.build().ends]).toEqual([...want.build().ends]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

