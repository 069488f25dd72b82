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
    let astral = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        astral = true;
        break;
      }
    }
    if (!astral) {
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
