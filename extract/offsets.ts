/**
 * The one place that does offset arithmetic.
 *
 * Conventions (like unist/vfile): a span is `{start, end}` with `end` exclusive.
 * - Inside the program every span over a text layer is in UTF-16 code units (JS string indices),
 *   because that is what `String.prototype.slice` and regexes give.
 * - Every *published* character offset is in Unicode code points (what Python, DuckDB and most
 *   readers mean by "character"). Conversion happens here and nowhere else.
 * - Raw-file positions are UTF-8 (or the declared charset's) byte offsets, carried by a ByteMap that the
 *   HTML text layer builds while it decodes.
 * - A PDF text layer is the pages joined by U+000C (form feed); `PageSpan`s say where each page sits.
 */

export interface Span {
  start: number;
  end: number;
}

/** Number of Unicode code points in a string. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Number of bytes of the UTF-8 encoding of a string (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/**
 * Converts between UTF-16 and code-point offsets of one string in O(1) after an O(n) build.
 * Strings without astral characters (the common case) need no tables at all.
 */
export class OffsetIndex {
  readonly text: string;
  /** length in code points */
  readonly cpLength: number;
  private readonly cpToU16: Uint32Array | null;
  private readonly u16ToCp: Uint32Array | null;

  constructor(text: string) {
    this.text = text;
    // (a regex, not a loop over every unit: it answers a text of one-byte characters at once, others natively)
    if (!HIGH_SURROGATE.test(text)) {
      this.cpLength = text.length;
      this.cpToU16 = null;
      this.u16ToCp = null;
      return;
    }
    const u16ToCp = new Uint32Array(text.length + 1);
    const cpToU16: number[] = [];
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      cpToU16.push(i);
      u16ToCp[i] = cp;
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          // the low surrogate belongs to the same code point
          u16ToCp[i + 1] = cp;
          i++;
        }
      }
      cp++;
    }
    cpToU16.push(text.length);
    u16ToCp[text.length] = cp;
    this.cpLength = cp;
    this.cpToU16 = Uint32Array.from(cpToU16);
    this.u16ToCp = u16ToCp;
  }

  /** Code-point offset → UTF-16 offset. */
  toUtf16(cp: number): number {
    if (cp < 0 || cp > this.cpLength) throw new RangeError(`code point offset ${cp} outside 0..${this.cpLength}`);
    return this.cpToU16 ? this.cpToU16[cp]! : cp;
  }

  /** UTF-16 offset → code-point offset. An offset inside a surrogate pair maps to its code point. */
  toCodePoint(u16: number): number {
    if (u16 < 0 || u16 > this.text.length) throw new RangeError(`UTF-16 offset ${u16} outside 0..${this.text.length}`);
    return this.u16ToCp ? this.u16ToCp[u16]! : u16;
  }

  spanToCodePoints(span: Span): Span {
    return { start: this.toCodePoint(span.start), end: this.toCodePoint(span.end) };
  }

  spanToUtf16(span: Span): Span {
    return { start: this.toUtf16(span.start), end: this.toUtf16(span.end) };
  }

  /** Slice by code-point offsets. */
  sliceCodePoints(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** Byte offset of a UTF-16 offset within the UTF-8 encoding of `text`. O(n); for one-off use. */
export function utf16ToUtf8Offset(text: string, u16: number): number {
  return Buffer.byteLength(text.slice(0, u16), 'utf8');
}

// ---------------------------------------------------------------- pages

/** Where one PDF page sits in the joined text layer (UTF-16 offsets, end exclusive, form feed excluded). */
export interface PageSpan {
  /** 1-based page number */
  page: number;
  start: number;
  end: number;
}

/** Joins page texts with form feeds and says where each page sits. */
export function joinPages(pageTexts: readonly string[]): { text: string; pages: PageSpan[] } {
  const pages: PageSpan[] = [];
  let offset = 0;
  const parts: string[] = [];
  pageTexts.forEach((t, i) => {
    if (i > 0) {
      parts.push('\f');
      offset += 1;
    }
    pages.push({ page: i + 1, start: offset, end: offset + t.length });
    parts.push(t);
    offset += t.length;
  });
  return { text: parts.join(''), pages };
}

/** The page holding a document offset (binary search). A form feed belongs to no page: returns null. */
export function pageAt(pages: readonly PageSpan[], offset: number): PageSpan | null {
  let lo = 0;
  let hi = pages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = pages[mid]!;
    if (offset < p.start) hi = mid - 1;
    else if (offset > p.end) lo = mid + 1;
    else return offset === p.end && mid + 1 < pages.length && pages[mid + 1]!.start === offset ? pages[mid + 1]! : p;
  }
  return null;
}

/** Document span → (page, span within that page's text). Null when the span crosses a page break. */
export function toPageSpan(pages: readonly PageSpan[], span: Span): { page: number; start: number; end: number } | null {
  const p = pageAt(pages, span.start);
  if (!p || span.end > p.end) return null;
  return { page: p.page, start: span.start - p.start, end: span.end - p.start };
}

/** (page, offset within page) → document offset. */
export function fromPageOffset(pages: readonly PageSpan[], page: number, offset: number): number {
  const p = pages.find((x) => x.page === page);
  if (!p) throw new RangeError(`no page ${page}`);
  if (offset < 0 || offset > p.end - p.start) throw new RangeError(`offset ${offset} outside page ${page}`);
  return p.start + offset;
}

// ---------------------------------------------------------------- raw bytes (HTML)

/**
 * For each UTF-16 unit of a text layer, the byte range in the raw file it came from.
 * A decoded entity maps every unit of its expansion to the entity's whole byte range; a whitespace
 * run collapsed to one space maps to the whole run; a separator the text layer inserted (block break)
 * maps to an empty range at the tag boundary (start === end).
 */
export interface ByteMap {
  starts: Int32Array;
  ends: Int32Array;
}

export class ByteMapBuilder {
  // typed, sized up front when the caller knows a bound (the HTML text layer never has more units than its
  // decoded markup), else grown by doubling: a page of a million units would otherwise be two arrays of a
  // million boxed numbers, and each doubling copies both
  private starts: Int32Array;
  private ends: Int32Array;
  private n = 0;
  constructor(capacity = 1024) {
    this.starts = new Int32Array(Math.max(16, capacity));
    this.ends = new Int32Array(Math.max(16, capacity));
  }
  private room(units: number): void {
    if (this.n + units <= this.starts.length) return;
    let size = this.starts.length * 2;
    while (size < this.n + units) size *= 2;
    const s = new Int32Array(size);
    const e = new Int32Array(size);
    s.set(this.starts.subarray(0, this.n));
    e.set(this.ends.subarray(0, this.n));
    this.starts = s;
    this.ends = e;
  }
  /** append `units` UTF-16 units all coming from raw bytes [start, end) */
  push(units: number, start: number, end: number): void {
    this.room(units);
    if (units === 1) {
      this.starts[this.n] = start;
      this.ends[this.n++] = end;
      return;
    }
    this.starts.fill(start, this.n, this.n + units);
    this.ends.fill(end, this.n, this.n + units);
    this.n += units;
  }
  /** append `units` UTF-16 units, the k-th spanning raw bytes [byteStarts[k], byteEnds[k]) */
  pushEach(byteStarts: ArrayLike<number>, byteEnds: ArrayLike<number>): void {
    this.room(byteStarts.length);
    for (let i = 0; i < byteStarts.length; i++) {
      this.starts[this.n] = byteStarts[i]!;
      this.ends[this.n++] = byteEnds[i]!;
    }
  }
  /** append `count` units whose ranges are byteStarts/byteEnds[from, from + count) */
  pushSlice(byteStarts: Int32Array, byteEnds: Int32Array, from: number, count: number): void {
    this.room(count);
    this.starts.set(byteStarts.subarray(from, from + count), this.n);
    this.ends.set(byteEnds.subarray(from, from + count), this.n);
    this.n += count;
  }
  /** append `count` units, the k-th the one byte at firstByte + k (ASCII text copied as it is) */
  pushBytewise(firstByte: number, count: number): void {
    this.room(count);
    const s = this.starts;
    const e = this.ends;
    let n = this.n;
    for (let b = firstByte, stop = firstByte + count; b < stop; b++, n++) {
      s[n] = b;
      e[n] = b + 1;
    }
    this.n = n;
  }
  /**
   * append the units text[from, from + count) of a text decoded from UTF-8 whose unit `from` starts at raw byte
   * `firstByte`: each unit its character's bytes, both halves of a surrogate pair its four (as utf8UnitRanges)
   */
  pushUtf8(text: string, from: number, count: number, firstByte: number): void {
    this.room(count);
    const s = this.starts;
    const e = this.ends;
    let n = this.n;
    let b = firstByte;
    let i = from;
    const stop = from + count;
    // starting on the low half of a pair: firstByte is where the pair starts
    if (i < stop && i > 0 && isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1))) {
      s[n] = b;
      e[n++] = b + 4;
      b += 4;
      i++;
    }
    while (i < stop) {
      const c = text.charCodeAt(i);
      let len: number;
      if (c < 0x80) len = 1;
      else if (c < 0x800) len = 2;
      else if (isHighSurrogate(c) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        s[n] = b;
        e[n++] = b + 4;
        if (i + 1 < stop) {
          s[n] = b;
          e[n++] = b + 4;
        }
        b += 4;
        i += 2;
        continue;
      } else len = 3;
      s[n] = b;
      e[n++] = b + len;
      b += len;
      i++;
    }
    this.n = n;
  }
  get length(): number {
    return this.n;
  }
  /**
   * The map of the units pushed. When they fill most of the arrays the map is a view of them (copying two
   * arrays of a page's length is time and garbage); when much is left over, a copy, so the slack is not kept.
   */
  build(): ByteMap {
    const slack = this.starts.length - this.n;
    if (slack <= this.starts.length / 8) return { starts: this.starts.subarray(0, this.n), ends: this.ends.subarray(0, this.n) };
    return { starts: this.starts.slice(0, this.n), ends: this.ends.slice(0, this.n) };
  }
}

/** A UTF-16 span of the text layer → the byte span of the raw file it came from. */
export function toByteSpan(map: ByteMap, span: Span): Span {
  if (span.end <= span.start) {
    const at = span.start < map.starts.length ? map.starts[span.start]! : map.ends[map.ends.length - 1] ?? 0;
    return { start: at, end: at };
  }
  if (span.start < 0 || span.end > map.starts.length) {
    throw new RangeError(`span ${span.start}..${span.end} outside text layer of ${map.starts.length} units`);
  }
  let start = map.starts[span.start]!;
  let end = map.ends[span.end - 1]!;
  // inserted separators have empty ranges; widen over neighbours so the span stays ordered
  if (end < start) end = start;
  return { start, end };
}

/**
 * UTF-8 byte offsets of each UTF-16 unit in `text` (as decoded from a UTF-8 buffer starting at `base`).
 * Used by the HTML text layer for verbatim text runs; a surrogate pair's two units share their 4 bytes.
 */
export function utf8UnitRanges(text: string, base: number): { starts: Int32Array; ends: Int32Array } {
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  // all ASCII (the UTF-8 length, counted natively, equals the unit count only then): one byte per unit
  if (utf8Length(text) === text.length) {
    for (let i = 0; i < text.length; i++) {
      starts[i] = base + i;
      ends[i] = base + i + 1;
    }
    return { starts, ends };
  }
  let b = base;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let len: number;
    if (c < 0x80) len = 1;
    else if (c < 0x800) len = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      starts[i] = starts[i + 1] = b;
      ends[i] = ends[i + 1] = b + 4;
      b += 4;
      i++;
      continue;
    } else len = 3;
    starts[i] = b;
    ends[i] = b + len;
    b += len;
  }
  return { starts, ends };
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * The raw byte range of each UTF-16 unit of a decoded text, as the HTML text layer asks for it while it walks
 * the markup. Legacy charsets keep it in two arrays of the text's length (only the decoder knows it);
 * UTF-8 computes it from the text (a unit's bytes follow from the characters before it), which spares
 * two arrays of the page's length and the pass that fills them.
 */
export interface UnitBytes {
  /** the text's length in units */
  readonly length: number;
  /** the raw byte span of units [start, end): what toByteSpan gives over the per-unit arrays */
  span(start: number, end: number): Span;
  /** append the ranges of units [from, from + count) to a byte map */
  appendTo(map: ByteMapBuilder, from: number, count: number): void;
}

/** UnitBytes kept per unit. */
export class ArrayUnitBytes implements UnitBytes {
  private readonly map: ByteMap;
  constructor(starts: Int32Array, ends: Int32Array) {
    this.map = { starts, ends };
  }
  get length(): number {
    return this.map.starts.length;
  }
  span(start: number, end: number): Span {
    return toByteSpan(this.map, { start, end });
  }
  appendTo(map: ByteMapBuilder, from: number, count: number): void {
    map.pushSlice(this.map.starts, this.map.ends, from, count);
  }
}

/**
 * UnitBytes of a well-formed text decoded from UTF-8 (no lone surrogates), starting at raw byte `base`: a
 * cursor moves between units by the native UTF-8 length of the stretch between them, so a text asked about
 * in order (as a page is walked) is measured about once. Gives what utf8UnitRanges' arrays would.
 */
export class Utf8UnitBytes implements UnitBytes {
  private readonly text: string;
  /** the cursor: a unit that is not the low half of a pair, and the byte it starts at */
  private unit = 0;
  private byte: number;
  constructor(text: string, base: number) {
    this.text = text;
    this.byte = base;
  }
  get length(): number {
    return this.text.length;
  }
  /** unit u is the low half of a surrogate pair */
  private insidePair(u: number): boolean {
    return u > 0 && u < this.text.length && isLowSurrogate(this.text.charCodeAt(u)) && isHighSurrogate(this.text.charCodeAt(u - 1));
  }
  /** the first byte of unit u (u = length: where the text ends); the low half of a pair starts where its pair does */
  startOf(u: number): number {
    const t = this.insidePair(u) ? u - 1 : u;
    if (t > this.unit) this.byte += Buffer.byteLength(this.text.slice(this.unit, t), 'utf8');
    else if (t < this.unit) this.byte -= Buffer.byteLength(this.text.slice(t, this.unit), 'utf8');
    this.unit = t;
    return this.byte;
  }
  /** the byte after unit u (both halves of a pair end where the pair does) */
  endOf(u: number): number {
    const pairStart = u + 1 < this.text.length && isHighSurrogate(this.text.charCodeAt(u)) && isLowSurrogate(this.text.charCodeAt(u + 1));
    return this.startOf(pairStart ? u + 2 : u + 1);
  }
  span(start: number, end: number): Span {
    const len = this.text.length;
    if (end <= start) {
      const at = start < len ? this.startOf(start) : len > 0 ? this.endOf(len - 1) : 0;
      return { start: at, end: at };
    }
    if (start < 0 || end > len) throw new RangeError(`span ${start}..${end} outside text layer of ${len} units`);
    const s = this.startOf(start);
    let e = this.endOf(end - 1);
    if (e < s) e = s;
    return { start: s, end: e };
  }
  appendTo(map: ByteMapBuilder, from: number, count: number): void {
    if (count <= 0) return;
    const first = this.startOf(from);
    const stop = from + count;
    // all one byte a unit (ASCII) when the run's bytes number its units and no pair is cut at either end
    if (!this.insidePair(from) && !this.insidePair(stop) && this.startOf(stop) - first === count) map.pushBytewise(first, count);
    else map.pushUtf8(this.text, from, count, first);
  }
}

