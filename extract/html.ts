import { DecodingMode, HtmlEntityDecoder, decodeHTML, decodeHTMLAttribute } from 'entities/decode';
import { Parser } from 'htmlparser2';
import { ByteMapBuilder, type ByteMap, type Span, type UnitBytes } from './offsets.js';
import { decodeWithOffsets, detectCharset } from './charset.js';
import { SourceError, type Region, type RegionKind, type TextLayer } from './textLayer.js';
import { NextOf } from './textScan.js';

/**
 * HTML → text layer with a byte map.
 *
 * The page is decoded with a per-unit byte map (charset.ts), parsed (never executed) with htmlparser2
 * without entity decoding so that parser indices point into the decoded markup, and walked once to emit
 * text. Entities and whitespace are handled here so every output unit keeps the raw byte range it came
 * from (an entity → its whole `&…;`, a collapsed whitespace run → the whole run, an inserted line break
 * → an empty range at the tag boundary).
 *
 * Regions: one content root is chosen generically (paragraph-text density, helped by article/main/
 * content-ish signals); text in it is `content` (h1–h3: `heading`) unless it sits in a chrome-looking
 * element (nav, footer, share, pagination …). Everything else, including the <title>, is `chrome`.
 */
export const HTML_TEXT_LAYER_VERSION = 'html-text-layer/1.0.0';

// ------------------------------------------------------------------ element classes

/** Content never shown as text (or not text at all): kept out of the layer entirely. */
const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas',
  'textarea', 'select', 'datalist', 'audio', 'video',
  // head-only elements carry no text, but a <meta>/<link> pair in body must not produce anything either
  'meta', 'link', 'base',
]);

/** Elements that start a new line (CSS display:block/list-item/table-row and <br>). */
export const BLOCK_TAGS = new Set([
  'html', 'head', 'body', 'title', 'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'center', 'dd',
  'details', 'dialog', 'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'frameset',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'legend', 'li', 'listing', 'main', 'menu', 'nav',
  'ol', 'p', 'plaintext', 'pre', 'search', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul',
  'xmp', 'option', 'optgroup',
]);

/** Table cells: separated by a space (not a line break) so a row stays one line but numbers never fuse. */
const CELL_TAGS = new Set(['td', 'th']);

/** Whitespace is preserved (CSS white-space: pre). */
const PRE_TAGS = new Set(['pre', 'listing', 'xmp', 'plaintext']);

/** Paragraph-like blocks credit their parent (the container holding the paragraphs) when scoring. */
const PARA_TAGS = new Set(['p', 'pre', 'blockquote', 'li', 'dd', 'dt', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figcaption', 'address', 'caption']);

const HEADING_TAGS = new Set(['h1', 'h2', 'h3']);

const CHROME_TAGS = new Set(['nav', 'header', 'footer', 'aside', 'form', 'menu']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'toolbar']);

/** id/class tokens (after splitting on non-alphanumerics) that mark page furniture; prefix/suffix matches count. */
const CHROME_WORDS = [
  'nav', 'navigation', 'menu', 'header', 'footer', 'foot', 'breadcrumb', 'crumb', 'share', 'sharing', 'social',
  'related', 'sidebar', 'topbar', 'toolbar', 'pagination', 'pager', 'pagenav', 'paging', 'copyright', 'banner',
  'login', 'search', 'subscribe', 'comment', 'advert', 'skiplink', 'backtotop', 'gotop', 'sitemap', 'friendlink',
  'links',
];
/** Only as whole tokens (too short or too common as parts of other words). */
const CHROME_EXACT = new Set(['side', 'aside', 'ad', 'ads', 'bottom', 'tools', 'toolbox', 'print']);
/** Tokens that contain a chrome word but are content. */
const CHROME_DENY = new Set(['research', 'researches', 'footnote', 'footnotes', 'shareholder', 'shareholders', 'navigator']);
/** Metadata lines (date, source, byline): chrome when short. */
const META_WORDS = new Set(['info', 'meta', 'byline', 'dateline', 'pubdate', 'pubtime', 'date', 'time', 'author', 'source']);
const META_MAX_CHARS = 200;

const CONTENT_WORDS = ['content', 'article', 'main', 'text', 'body', 'post', 'story', 'entry', 'detail'];

/** A block whose own text reaches this many non-space characters counts as a paragraph. */
const MIN_PARAGRAPH = 20;

// ------------------------------------------------------------------ tree

interface El {
  type: 'el';
  id: number;
  tag: string;
  attrs: Record<string, string>;
  parent: El | null;
  children: Node[];
  /** index (decoded markup) where the start tag begins */
  open: number;
  /** index where the end tag begins (or where the element was implicitly closed) */
  close: number;
}
interface Tx {
  type: 'text';
  parent: El;
  start: number;
  end: number;
}
type Node = El | Tx;

function buildTree(src: string): { root: El; elements: El[]; texts: Tx[] } {
  const root: El = { type: 'el', id: 0, tag: '#root', attrs: {}, parent: null, children: [], open: 0, close: src.length };
  const elements: El[] = [root];
  const texts: Tx[] = [];
  const stack: El[] = [root];
  const top = (): El => stack[stack.length - 1]!;
  const closeTo = (idx: number, at: number): void => {
    while (stack.length > idx) stack.pop()!.close = at;
  };
  const parser: Parser = new Parser(
    {
      onopentag(name, attribs) {
        // content after a missing </head> belongs to the body, not to head
        if (name === 'body') {
          const h = stack.findIndex((e) => e.tag === 'head');
          if (h > 0) closeTo(h, parser.startIndex);
        }
        const attrs: Record<string, string> = {};
        for (const [k, v] of Object.entries(attribs)) attrs[k] = decodeHTMLAttribute(v);
        const el: El = { type: 'el', id: elements.length, tag: name, attrs, parent: top(), children: [], open: parser.startIndex, close: src.length };
        top().children.push(el);
        elements.push(el);
        stack.push(el);
      },
      onclosetag(name) {
        for (let k = stack.length - 1; k > 0; k--) {
          if (stack[k]!.tag === name) {
            closeTo(k, parser.startIndex);
            return;
          }
        }
      },
      ontext() {
        // parser indices are inclusive; decodeEntities is off, so the slice is the raw markup
        const tx: Tx = { type: 'text', parent: top(), start: parser.startIndex, end: parser.endIndex + 1 };
        top().children.push(tx);
        texts.push(tx);
      },
    },
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.write(src);
  parser.end();
  closeTo(1, src.length);
  return { root, elements, texts };
}

const NO_TOKENS: readonly string[] = [];

function tokensOf(el: El): readonly string[] {
  // (most elements have neither: no string built and split for them)
  if (el.attrs['class'] === undefined && el.attrs['id'] === undefined) return NO_TOKENS;
  return `${el.attrs['class'] ?? ''} ${el.attrs['id'] ?? ''}`.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t !== '');
}

function matchesWord(token: string, words: readonly string[]): boolean {
  for (const w of words) if (token === w || token.startsWith(w) || token.endsWith(w)) return true;
  return false;
}

type ChromeReason = 'none' | 'header' | 'other' | 'meta';

/** Why an element looks like page furniture, judged on the element alone. */
function chromeReason(el: El): ChromeReason {
  if (el.tag === 'html' || el.tag === 'body' || el.tag === '#root') return 'none';
  const role = (el.attrs['role'] ?? '').trim().toLowerCase();
  if (CHROME_ROLES.has(role)) return role === 'banner' ? 'header' : 'other';
  let reason: ChromeReason = 'none';
  if (CHROME_TAGS.has(el.tag)) reason = el.tag === 'header' ? 'header' : 'other';
  for (const t of tokensOf(el)) {
    if (CHROME_DENY.has(t)) continue;
    if (CHROME_EXACT.has(t) || matchesWord(t, CHROME_WORDS)) {
      if (t.includes('header') && !matchesWord(t.replace('header', ''), CHROME_WORDS)) {
        if (reason === 'none') reason = 'header';
      } else return 'other';
    } else if (META_WORDS.has(t) && reason === 'none') reason = 'meta';
  }
  return reason;
}

function contentSignal(el: El): boolean {
  if (el.tag === 'article' || el.tag === 'main') return true;
  if ((el.attrs['role'] ?? '').toLowerCase() === 'main') return true;
  if ((el.attrs['itemprop'] ?? '').toLowerCase() === 'articlebody') return true;
  return tokensOf(el).some((t) => !CHROME_DENY.has(t) && matchesWord(t, CONTENT_WORDS));
}

const isAsciiWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;

/** per code up to U+0020: 1 for ASCII whitespace */
const ASCII_WS = Uint8Array.from({ length: 0x21 }, (_, c) => (isAsciiWs(c) ? 1 : 0));

/** characters of s[from, to) that are not ASCII whitespace */
function nonWsCount(s: string, from: number, to: number): number {
  const end = Math.min(to, s.length);
  // (every character counts but the few whitespace ones: one compare for most, no branch on which whitespace)
  let n = end > from ? end - from : 0;
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20) n -= ASCII_WS[c]!;
  }
  return n;
}

// ------------------------------------------------------------------ content root

interface Analysis {
  /** chosen content root (null: no paragraph text at all → body is the root) */
  root: El | null;
  /** per element id: chrome reason after the wrapper rule (a "chrome" wrapper holding most paragraphs is not chrome) */
  chrome: ChromeReason[];
}

function analyse(elements: El[], texts: Tx[], src: string): Analysis {
  const n = elements.length;
  const skipped = new Uint8Array(n);
  const inLink = new Uint8Array(n);
  const blockOf = new Int32Array(n); // nearest block-level ancestor-or-self
  // elements are in document (pre-)order, so parents are always visited first
  for (const el of elements) {
    const p = el.parent;
    skipped[el.id] = (p ? skipped[p.id]! : 0) || (SKIP_TAGS.has(el.tag) ? 1 : 0);
    inLink[el.id] = (p ? inLink[p.id]! : 0) || (el.tag === 'a' ? 1 : 0);
    blockOf[el.id] = !p || BLOCK_TAGS.has(el.tag) || CELL_TAGS.has(el.tag) ? el.id : blockOf[p.id]!;
  }
  const textAll = new Float64Array(n); // all visible text under the element (links included)
  const direct = new Float64Array(n); // non-link text whose nearest block is this element
  // each text node's visible characters, decoded once (both sums below need them)
  const visible = new Float64Array(texts.length);
  // (a node without "&" decodes to itself: counted in place, with no slice or decoding per node)
  const amp = new NextOf(src, ['&']);
  texts.forEach((tx, k) => {
    if (skipped[tx.parent.id]) return;
    visible[k] = amp.next(tx.start) < tx.end ? nonWsCount(decodeHTML(src.slice(tx.start, tx.end)), 0, Infinity) : nonWsCount(src, tx.start, tx.end);
  });
  for (const [k, tx] of texts.entries()) {
    const p = tx.parent;
    if (skipped[p.id]) continue;
    const count = visible[k]!;
    if (count === 0) continue;
    textAll[p.id] = textAll[p.id]! + count;
    if (!inLink[p.id]) {
      const b = blockOf[p.id]!;
      direct[b] = direct[b]! + count;
    }
  }
  // subtree sums (reverse pre-order = children before parents)
  const para = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const el = elements[k]!;
    if (direct[k]! >= MIN_PARAGRAPH) para[k] = para[k]! + direct[k]!;
    if (el.parent) {
      textAll[el.parent.id] = textAll[el.parent.id]! + textAll[k]!;
      para[el.parent.id] = para[el.parent.id]! + para[k]!;
    }
  }
  const chrome: ChromeReason[] = elements.map((el) => {
    const r = chromeReason(el);
    if (r === 'meta') return textAll[el.id]! < META_MAX_CHARS ? 'other' : 'none';
    return r;
  });
  // A "chrome" element holding most of the page's paragraph text is a layout wrapper (e.g. an ASP.NET
  // <form> around the whole page, a "main-nav-layout" div), not furniture.
  const totalPara = para[0]!;
  for (const el of elements) {
    if (chrome[el.id] !== 'none' && totalPara >= 200 && para[el.id]! >= 0.5 * totalPara) chrome[el.id] = 'none';
  }
  const inChrome = new Uint8Array(n);
  const textNC = new Float64Array(n); // visible text outside chrome
  for (const el of elements) inChrome[el.id] = (el.parent ? inChrome[el.parent.id]! : 0) || (chrome[el.id] !== 'none' ? 1 : 0);
  for (const [k, tx] of texts.entries()) {
    if (!skipped[tx.parent.id] && !inChrome[tx.parent.id]) textNC[tx.parent.id] = textNC[tx.parent.id]! + visible[k]!;
  }
  for (let k = n - 1; k > 0; k--) {
    const up = elements[k]!.parent!.id;
    if (!inChrome[k]) textNC[up] = textNC[up]! + textNC[k]!;
  }

  // Readability-style scoring: a paragraph credits the container that holds it (and half to the next one up).
  const score = new Float64Array(n);
  for (const el of elements) {
    const w = direct[el.id]!;
    if (w < MIN_PARAGRAPH || skipped[el.id] || inChrome[el.id] || !el.parent) continue;
    const holder = PARA_TAGS.has(el.tag) ? el.parent : el;
    score[holder.id] = score[holder.id]! + w;
    if (holder.parent) score[holder.parent.id] = score[holder.parent.id]! + w / 2;
  }
  let best: El | null = null;
  let bestScore = 0;
  for (const el of elements) {
    if (el.tag === '#root' || skipped[el.id] || inChrome[el.id]) continue;
    const s = score[el.id]! * (contentSignal(el) ? 1.25 : 1);
    if (s > bestScore) {
      best = el;
      bestScore = s;
    }
  }
  if (!best) return { root: null, chrome };
  // Widen to a nearby article/main/content-ish wrapper when it adds little (the headline, a summary),
  // so the headline of the article counts as content.
  let root = best;
  let up = best.parent;
  for (let depth = 0; up && depth < 3; depth++, up = up.parent) {
    if (up.tag === 'body' || up.tag === 'html' || up.tag === '#root') break;
    if (contentSignal(up) && !inChrome[up.id] && textNC[up.id]! <= 1.5 * textNC[best.id]! + 300) {
      root = up;
      break;
    }
  }
  return { root, chrome };
}

// ------------------------------------------------------------------ emitter

const KIND_CODES: RegionKind[] = ['content', 'chrome', 'heading'];
const CONTENT = 0;
const CHROME = 1;
const HEADING = 2;

/**
 * Builds the text with CSS-like whitespace handling. Breaks and spaces are pending until the next
 * visible text, which is what makes "no leading/trailing separator, never two in a row" hold.
 */
class Emitter {
  private readonly parts: string[] = [];
  private len = 0;
  readonly map: ByteMapBuilder;
  /** region runs so far: the last one grows while units of its kind follow */
  private readonly regions: Region[] = [];
  private brk: Span | null = null;
  private soft: number | null = null;
  private space: Span | null = null;

  /** `capacity`: an upper bound of the units to come, so the map never grows */
  constructor(capacity: number) {
    this.map = new ByteMapBuilder(capacity);
  }

  /** a block boundary at raw byte `at` */
  boundary(at: number): void {
    if (this.len === 0) return;
    this.brk ??= { start: at, end: at };
    this.space = null;
  }
  /** a preserved newline (inside <pre>) covering raw bytes [start, end) */
  newline(start: number, end: number): void {
    if (this.len === 0) return;
    this.brk ??= { start, end };
    this.space = null;
  }
  /** a table-cell boundary: at least a space */
  cell(at: number): void {
    if (this.len === 0) return;
    this.soft ??= at;
  }
  /** collapsible whitespace covering raw bytes [start, end) */
  whitespace(start: number, end: number): void {
    if (this.len === 0 || this.brk) return;
    if (!this.space) this.space = { start, end };
    else if (this.space.end === start) this.space.end = end;
  }
  /** `units` more units of region kind `kind` (regions are the maximal runs of one kind) */
  private addKinds(units: number, kind: number): void {
    const last = this.regions[this.regions.length - 1];
    const k = KIND_CODES[kind]!;
    if (last && last.kind === k) last.end += units;
    else this.regions.push({ start: this.len, end: this.len + units, kind: k });
    this.len += units;
  }
  private add(s: string, start: number, end: number, kind: number): void {
    this.parts.push(s);
    this.map.push(s.length, start, end);
    this.addKinds(s.length, kind);
  }
  private flush(kind: number): void {
    if (this.len > 0) {
      if (this.brk) this.add('\n', this.brk.start, this.brk.end, kind);
      else if (this.space) this.add(' ', this.space.start, this.space.end, kind);
      else if (this.soft !== null) this.add(' ', this.soft, this.soft, kind);
    }
    this.brk = null;
    this.space = null;
    this.soft = null;
  }
  /** visible text whose units all come from raw bytes [start, end) (an entity) */
  text(s: string, start: number, end: number, kind: number): void {
    if (s === '') return;
    this.flush(kind);
    this.add(s, start, end, kind);
  }
  /** visible text copied verbatim from the decoded markup, each unit with its own byte range */
  verbatim(s: string, units: UnitBytes, from: number, kind: number): void {
    if (s === '') return;
    this.flush(kind);
    this.parts.push(s);
    units.appendTo(this.map, from, s.length);
    this.addKinds(s.length, kind);
  }
  result(): { text: string; byteMap: ByteMap; regions: Region[] } {
    return { text: this.parts.join(''), byteMap: this.map.build(), regions: this.regions };
  }
}

// ------------------------------------------------------------------ main

export function readHtmlTextLayer(bytes: Uint8Array, meta: { sourceId: string; sha256: string; charset?: string | null }): TextLayer {
  if (bytes.length === 0) throw new SourceError(meta.sourceId, 'empty_file', 'the file has zero bytes');
  const { charset } = detectCharset(bytes, meta.charset);
  const decoded = decodeWithOffsets(bytes, charset, meta.sourceId);
  const src = decoded.text;
  const units = decoded.units;
  const byteAt = (i: number): number => units.span(i, i).start;
  const byteRange = (i: number, j: number): Span => units.span(i, j);

  let tree: ReturnType<typeof buildTree>;
  let analysis: Analysis;
  try {
    tree = buildTree(src);
    analysis = analyse(tree.elements, tree.texts, src);
  } catch (e) {
    throw new SourceError(meta.sourceId, 'extract_failed', `HTML parse failed: ${(e as Error).message}`);
  }
  const { chrome } = analysis;
  const root = analysis.root ?? tree.elements.find((e) => e.tag === 'body') ?? tree.root;

  // The text has at most one unit per unit of the text nodes, plus one separator before each node: inside a node
  // a collapsed whitespace run or an entity gives no more units than it has, and a separator inserted for tags
  // comes before a node's first unit. So the byte map is sized once, to that and not to the whole markup (a page
  // of mostly tags and scripts would reserve a map many times its text).
  let bound = 0;
  for (const tx of tree.texts) bound += tx.end - tx.start + 1;
  const em = new Emitter(bound);
  const decoder = new HtmlEntityDecoder((cp) => entityOut.push(String.fromCodePoint(cp)));
  let entityOut: string[] = [];

  interface Ctx {
    kind: number;
    inRoot: boolean;
    chrome: boolean;
    pre: boolean;
  }

  // A run of words copied as it is ends at an &, a tab, newline, form feed or carriage return, or at a space
  // followed by one of those, by another space or by the node's end: a single space between two words stays in
  // the run (collapsing it gives that space with its own byte, as copying it does: one copy per run of words,
  // not per word). The stops are found by native indexOf, not by a test of each character in JS.
  const runStops = new NextOf(src, ['&', '\t', '\n', '\f', '\r']);
  const doubleSpaces = new NextOf(src, ['  ']);
  /** end of the run of words starting at `i` (not whitespace) in a text node ending at `end` */
  const runEnd = (i: number, end: number): number => {
    const q = Math.min(runStops.next(i + 1), end);
    // a space right before the stop (or before the node's end) ends the run there
    let j = q - 1 > i && src.charCodeAt(q - 1) === 0x20 ? q - 1 : q;
    const d = doubleSpaces.next(i + 1);
    if (d < j) j = d;
    return j;
  };
  /** the same inside <pre>, where every space is kept as it is and ends the run */
  const preRunEnd = (i: number, end: number): number => {
    let j = i + 1;
    while (j < end) {
      const d = src.charCodeAt(j);
      if (d === 0x26 || isAsciiWs(d)) break;
      j++;
    }
    return j;
  };

  const emitText = (tx: Tx, ctx: Ctx): void => {
    const kind = ctx.kind;
    const end = tx.end;
    let i = tx.start;
    while (i < end) {
      const c = src.charCodeAt(i);
      if (c === 0x26 /* & */) {
        entityOut = [];
        decoder.startEntity(DecodingMode.Legacy);
        // entity names are short; a bounded slice keeps many entities in one text node linear
        const input = src.slice(i, Math.min(end, i + 64));
        let consumed = decoder.write(input, 1);
        if (consumed < 0) consumed = decoder.end();
        if (consumed > 0) {
          const s = entityOut.join('');
          const r = byteRange(i, i + consumed);
          let ws = true;
          for (let k = 0; k < s.length; k++) if (!isAsciiWs(s.charCodeAt(k))) ws = false;
          // a character reference to whitespace is whitespace (CSS sees characters, not markup)
          if (ws && ctx.pre && /[\n\r\f]/.test(s)) em.newline(r.start, r.end);
          else if (ws && !ctx.pre) em.whitespace(r.start, r.end);
          else em.text(s, r.start, r.end, kind);
          i += consumed;
          continue;
        }
      }
      if (isAsciiWs(c)) {
        let j = i + 1;
        if (ctx.pre) {
          if (c === 0x0a || c === 0x0d || c === 0x0c) {
            while (j < end && (src.charCodeAt(j) === 0x0a || src.charCodeAt(j) === 0x0d || src.charCodeAt(j) === 0x0c)) j++;
            const r = byteRange(i, j);
            em.newline(r.start, r.end);
          } else {
            while (j < end && (src.charCodeAt(j) === 0x20 || src.charCodeAt(j) === 0x09)) j++;
            em.verbatim(src.slice(i, j), units, i, kind);
          }
        } else {
          while (j < end && isAsciiWs(src.charCodeAt(j))) j++;
          const r = byteRange(i, j);
          em.whitespace(r.start, r.end);
        }
        i = j;
        continue;
      }
      const j = ctx.pre ? preRunEnd(i, end) : runEnd(i, end);
      em.verbatim(src.slice(i, j), units, i, kind);
      i = j;
    }
  };

  // Iterative walk: malformed pages can nest thousands of unclosed inline tags.
  type Frame = { el: El; ctx: Ctx; next: number };
  const rootCtx: Ctx = { kind: CHROME, inRoot: false, chrome: false, pre: false };
  const stack: Frame[] = [{ el: tree.root, ctx: rootCtx, next: 0 }];
  let titleSeen = false;
  const enter = (el: El, parent: Ctx): Ctx | null => {
    if (SKIP_TAGS.has(el.tag)) return null;
    let isTitle = false;
    if (el.tag === 'title') {
      if (titleSeen) return null; // only the document title; others duplicate it
      titleSeen = true;
      isTitle = true;
    }
    const inRoot = parent.inRoot || el === root;
    const reason = chrome[el.id]!;
    // an article's own <header> (headline, byline) stays with the article
    const isChrome = parent.chrome || isTitle || (reason === 'header' ? !parent.inRoot : reason !== 'none');
    const kind = isChrome || !inRoot ? CHROME : HEADING_TAGS.has(el.tag) ? HEADING : parent.kind === HEADING ? HEADING : CONTENT;
    if (BLOCK_TAGS.has(el.tag)) em.boundary(byteAt(el.open));
    else if (CELL_TAGS.has(el.tag)) em.cell(byteAt(el.open));
    return { kind, inRoot, chrome: isChrome, pre: parent.pre || PRE_TAGS.has(el.tag) };
  };
  const exit = (el: El): void => {
    if (BLOCK_TAGS.has(el.tag)) em.boundary(byteAt(el.close));
    else if (CELL_TAGS.has(el.tag)) em.cell(byteAt(el.close));
  };
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const child = f.el.children[f.next++];
    if (!child) {
      stack.pop();
      if (f.el !== tree.root) exit(f.el);
      continue;
    }
    if (child.type === 'text') emitText(child, f.ctx);
    else {
      const ctx = enter(child, f.ctx);
      if (ctx) stack.push({ el: child, ctx, next: 0 });
    }
  }

  const out = em.result();
  return {
    sourceId: meta.sourceId,
    sha256: meta.sha256,
    mediaType: 'text/html',
    text: out.text,
    pages: [],
    regions: out.regions,
    items: [],
    byteMap: out.byteMap,
    charset,
  };
}
