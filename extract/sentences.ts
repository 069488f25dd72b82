import type { Span } from './offsets.js';
import type { Region } from './textLayer.js';

/**
 * Sentence and clause splitting over a text layer (UTF-16 spans, end exclusive).
 *
 * PDF text has "\n" at every line end, so a line break is not a boundary by itself ("soft" line breaks);
 * HTML text layers put "\n" between blocks ("hard" line breaks). Boundaries:
 * - terminal punctuation (. ! ?, maybe followed by closing quotes/brackets) + whitespace + a capital,
 *   digit or opening quote — except after abbreviations (e.g., U.S., No., Mr.), initials and list
 *   enumerators ("1. Strengthening" at a line start); decimals ("20.3") have no whitespace after the point;
 * - a colon at a line end followed by a capitalised line (list intros, speaker labels);
 * - between two lines that are both rows of a key–value list ("Turnover: 49.3 billion yuan");
 * - a blank line, a form feed (without regions), a hard line break;
 * - a heading-like line: it starts a sentence, has no terminal punctuation, is title-cased, does not end
 *   in a function word, and the next line starts with a capital. Headings also start a new section.
 * With regions, non-content regions (header, footer, page number, chrome, sidebar) are taken out of the
 * running text so a sentence continues across a page break; they come back as their own segments.
 */

export interface Sentence extends Span {
  /** counts blank lines, hard line breaks, page breaks (without regions) and headings */
  paragraph: number;
  /** counts headings: context carried from sentence to sentence does not cross a section boundary */
  section: number;
  heading: boolean;
  /** false for a segment that is a non-content region (header, footer, page number, chrome, sidebar) */
  content: boolean;
}

export interface SegmentOptions {
  /** 'soft' (default, PDF): "\n" is a line wrap; 'hard' (HTML): "\n" separates blocks */
  lineBreaks?: 'soft' | 'hard';
  /** the text layer's regions; non-content ones are lifted out of the running text */
  regions?: readonly Region[];
}

/** Lower-cased tokens that end with a period without ending a sentence. "etc." is left out on purpose. */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'eg', 'ie', 'cf', 'al', 'vs', 'viz', 'approx', 'ca', 'no', 'nos', 'nr', 'mr', 'mrs', 'ms', 'dr',
  'prof', 'gen', 'sen', 'rep', 'st', 'co', 'corp', 'inc', 'ltd', 'jr', 'sr', 'dept', 'govt', 'est', 'fig', 'figs',
  'vol', 'pp', 'p', 'art', 'sec', 'ch', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct',
  'nov', 'dec', 'mt', 'ft', 'op', 'ed', 'eds', 'rev',
]);

/** Words that neither make a line title-cased nor can end a heading. */
const FUNCTION_WORDS = new Set([
  'a', 'an', 'the', 'of', 'in', 'on', 'and', 'or', 'for', 'to', 'at', 'by', 'with', 'from', 'as', 'into', 'its',
  'their', 'is', 'are', 'was', 'were', 'that', 'which', 'than', 'but', 'nor', 'via', 'per', 'under', 'over',
]);

const HARD = '\u2029'; // paragraph separator: a hard break we insert into the view
const OPENERS = /[A-Z0-9“‘"'(\[\u00C0-\u00DE\u4e00-\u9fff]/;
const CLOSERS = /['"”’)\]]/;

interface View {
  text: string;
  /** view index → original index (null: identity) */
  map: Int32Array | null;
  /** view spans that are heading regions */
  headings: Span[];
  /** segments for lifted-out regions (original offsets) */
  lifted: Sentence[];
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && isSpaceCode(c.charCodeAt(0));
}

/** Builds the running text: non-content regions (and the whitespace around them) become one line break. */
function buildView(text: string, regions: readonly Region[] | undefined): View {
  if (!regions || regions.length === 0) return { text, map: null, headings: [], lifted: [] };
  // nothing to lift out and no page break: the view is the text (the loop below would copy it unit by unit)
  if (regions.every((r) => r.kind === 'content') && !text.includes('\f')) return { text, map: null, headings: [], lifted: [] };
  const sorted = [...regions].sort((a, b) => a.start - b.start);
  const lifted: Sentence[] = [];
  const removed = new Uint8Array(text.length); // 1 = lifted out, 2 = heading region
  for (const r of sorted) {
    if (r.kind === 'content') continue;
    const mark = r.kind === 'heading' ? 2 : 1;
    for (let i = Math.max(0, r.start); i < Math.min(text.length, r.end); i++) removed[i] = mark;
    if (mark === 1) {
      const t = trimSpan(text, r.start, r.end);
      if (t) lifted.push({ ...t, paragraph: -1, section: -1, heading: false, content: false });
    }
  }
  // the view is the text with runs taken out and two separators per heading run added: the map is sized for that
  // (typed, and the text built from slices: a per-character array of strings was most of segment()'s time)
  const parts: string[] = [];
  const map = new Int32Array(text.length + 4 * sorted.length + 2);
  let k = 0;
  const headings: Span[] = [];
  let i = 0;
  while (i < text.length) {
    const u = text.charCodeAt(i);
    if (removed[i] === 1 || u === 0x0c || (isSpaceCode(u) && runHasLifted(text, removed, i))) {
      // a run of lifted text / page breaks / whitespace: one soft line break, so the sentence may go on
      const start = i;
      while (i < text.length && (removed[i] === 1 || isSpaceCode(text.charCodeAt(i)))) i++;
      parts.push('\n');
      map[k++] = start;
      continue;
    }
    if (removed[i] === 2) {
      const start = i;
      parts.push(HARD);
      map[k++] = start;
      const hs = k;
      while (i < text.length && removed[i] === 2) map[k++] = i++;
      parts.push(text.slice(start, i));
      headings.push({ start: hs, end: k });
      parts.push(HARD);
      map[k++] = i;
      continue;
    }
    // a run of text kept as it is
    const start = i;
    map[k++] = i++;
    while (i < text.length) {
      const v = text.charCodeAt(i);
      if (removed[i] !== 0 || v === 0x0c || (isSpaceCode(v) && runHasLifted(text, removed, i))) break;
      map[k++] = i++;
    }
    parts.push(text.slice(start, i));
  }
  map[k++] = text.length;
  return { text: parts.join(''), map: map.slice(0, k), headings, lifted };
}

/** /\s/ by character code: what isSpace() answers, without a regex per character. */
export function isSpaceCode(u: number): boolean {
  if (u <= 0x20) return u === 0x20 || (u >= 0x09 && u <= 0x0d);
  if (u < 0xa0) return false;
  return u === 0xa0 || u === 0x1680 || (u >= 0x2000 && u <= 0x200a) || u === 0x2028 || u === 0x2029 || u === 0x202f || u === 0x205f || u === 0x3000 || u === 0xfeff;
}

/** Whether the whitespace run starting at i reaches lifted-out text or a form feed. */
function runHasLifted(text: string, removed: Uint8Array, i: number): boolean {
  let j = i;
  while (j < text.length && isSpaceCode(text.charCodeAt(j)) && removed[j] !== 2) {
    if (text.charCodeAt(j) === 0x0c) return true;
    j++;
  }
  return j < text.length && removed[j] === 1;
}

function trimSpan(text: string, start: number, end: number): Span | null {
  let s = start;
  let e = end;
  while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
  while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
  return e > s ? { start: s, end: e } : null;
}

function nextNonSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length && isSpaceCode(text.charCodeAt(j))) j++;
  return j;
}

/** Token of letters and dots right before position `dot` (the period itself excluded). */
/** [A-Za-z.] by code (asked for each character before every full stop of a page: no regex per character) */
const isTokenCode = (u: number): boolean => (u >= 65 && u <= 90) || (u >= 97 && u <= 122) || u === 46;

function tokenBefore(text: string, dot: number): string {
  let j = dot;
  while (j > 0 && isTokenCode(text.charCodeAt(j - 1))) j--;
  return text.slice(j, dot);
}

function isAbbreviation(text: string, dot: number): boolean {
  const tok = tokenBefore(text, dot).replace(/^\.+/, '');
  if (tok.length === 0) {
    // "1." at the start of a line is a list enumerator
    let j = dot;
    while (j > 0 && text.charCodeAt(j - 1) >= 48 && text.charCodeAt(j - 1) <= 57) j--;
    if (j === dot) return false;
    let k = j;
    while (k > 0 && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
    return k === 0 || text[k - 1] === '\n' || text[k - 1] === '\f' || text[k - 1] === HARD;
  }
  if (tok.includes('.')) return true; // U.S., e.g.
  if (tok.length === 1 && /[A-Z]/.test(tok)) return true; // an initial
  return ABBREVIATIONS.has(tok.toLowerCase());
}

interface Cut {
  at: number;
  paragraph: boolean;
  /** the segment ending at this cut is a heading */
  headingBefore: boolean;
}

/** Finite verbs that make a title-cased line a sentence ("Park is evolved from the old harbour …"). */
const FINITE_VERBS = new Set(['is', 'are', 'was', 'were', 'has', 'have', 'had', 'will', 'would', 'can', 'could']);

/** A line "Label: value": a few words starting with a capital, a colon, then the value on the same line. */
const LABEL_ROW = /^[A-Z][A-Za-z&'’ -]{0,40}:[ \t]+\S/;

function titleLike(line: string): boolean {
  if (line.split(/\s+/).some((w) => FINITE_VERBS.has(w.toLowerCase()))) return false;
  const words = line.split(/\s+/).filter((w) => /[A-Za-z]/.test(w[0] ?? ''));
  // headings are short; a long title-cased line is more likely a sentence full of proper names
  if (words.length === 0 || words.length > 12) return false;
  const last = words[words.length - 1]!.toLowerCase().replace(/[^a-z]/g, '');
  if (FUNCTION_WORDS.has(last)) return false;
  const sig = words.filter((w) => !FUNCTION_WORDS.has(w.toLowerCase()));
  if (sig.length === 0) return false;
  const caps = sig.filter((w) => /^[A-Z]/.test(w)).length;
  return caps / sig.length >= 0.75;
}

/** The sentence so far (from the last boundary to `end`) is one bracketed aside, e.g. "(Source: …)". */
function wholeBracket(view: string, from: number, end: number): boolean {
  const t = trimSpan(view, from, end);
  if (!t || view[t.start] !== '(' || view[t.end - 1] !== ')') return false;
  let depth = 0;
  for (let i = t.start; i < t.end; i++) {
    if (view[i] === '(') depth++;
    else if (view[i] === ')') {
      depth--;
      if (depth === 0 && i !== t.end - 1) return false;
    }
  }
  return depth === 0;
}

/** . ! ? by code */
const isStopCode = (u: number): boolean => u === 0x2e || u === 0x21 || u === 0x3f;

function findCuts(view: string, hard: boolean): Cut[] {
  const cuts: Cut[] = [];
  // 1. punctuation
  // (each run of [.!?] found by character code, what /[.!?]+/g finds: a match object per full stop, every decimal
  // point among them, cost more than the test after it)
  for (let i = 0; i < view.length; i++) {
    if (!isStopCode(view.charCodeAt(i))) continue;
    const at = i;
    while (i + 1 < view.length && isStopCode(view.charCodeAt(i + 1))) i++;
    let end = i + 1;
    while (end < view.length && CLOSERS.test(view[end]!)) end++;
    if (end >= view.length || !(isSpace(view[end]) || view[end] === HARD)) continue; // "20.3", "U.S."
    const next = nextNonSpace(view, end);
    if (next >= view.length) continue;
    if (!OPENERS.test(view[next]!)) continue;
    if (i === at && view.charCodeAt(at) === 0x2e /* . */ && isAbbreviation(view, at)) continue;
    cuts.push({ at: end, paragraph: false, headingBefore: false });
  }
  // 1b. Chinese full stops end a sentence with no space after them ("…8.5%。企业数量…")
  const cjk = /[。！？]+/g;
  for (let m = cjk.exec(view); m; m = cjk.exec(view)) {
    let end = m.index + m[0].length;
    while (end < view.length && /[”’」』）)\]]/.test(view[end]!)) end++;
    if (nextNonSpace(view, end) < view.length) cuts.push({ at: end, paragraph: false, headingBefore: false });
  }
  // 2. line-based boundaries
  const lines: Span[] = [];
  let ls = 0;
  for (let i = 0; i <= view.length; i++) {
    const u = i === view.length ? -1 : view.charCodeAt(i);
    if (u === -1 || u === 0x0a || u === 0x0c || u === 0x2029 /* HARD */) {
      lines.push({ start: ls, end: i });
      ls = i + 1;
    }
  }
  const cutAt = new Set(cuts.map((c) => c.at));
  let lastBoundary = 0; // view offset of the last boundary seen so far (for "starts a sentence")
  const sortedPunct = [...cutAt].sort((a, b) => a - b);
  let pi = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    const sep = view[line.end]; // '\n', '\f', HARD or undefined
    const t = trimSpan(view, line.start, line.end);
    while (pi < sortedPunct.length && sortedPunct[pi]! <= (t ? t.start : line.end)) lastBoundary = sortedPunct[pi++]!;
    if (!t) {
      // blank line: paragraph boundary
      cuts.push({ at: line.start, paragraph: true, headingBefore: false });
      lastBoundary = line.end;
      continue;
    }
    const startsSentence = trimSpan(view, lastBoundary, t.start) === null;
    while (pi < sortedPunct.length && sortedPunct[pi]! <= line.end) lastBoundary = sortedPunct[pi++]!;
    const s = view.slice(t.start, t.end);
    const nextLine = lines[li + 1];
    const nt = nextLine ? trimSpan(view, nextLine.start, nextLine.end) : null;
    const nextFirst = nt ? view[nt.start]! : '';
    const endsTerminal = /[.!?;:,]['"”’)\]]*$/.test(s);
    let cut: Cut | null = null;
    if (sep === '\f' || sep === HARD || hard) {
      cut = { at: line.end, paragraph: true, headingBefore: false };
      // a block without a full stop that is title-cased or very short ("Riverside park") heads a section
      if (hard && !endsTerminal && startsSentence && /[A-Za-z]/.test(s) && (titleLike(s) || s.split(/\s+/).length <= 4)) {
        cut.headingBefore = true;
      }
    } else if (/^\d{1,4}$/.test(s)) {
      // a line holding only a number is a page number or list marker: a segment of its own
      cuts.push({ at: t.start, paragraph: false, headingBefore: false });
      cut = { at: line.end, paragraph: false, headingBefore: false };
    } else if (nt && (/:$/.test(s) || wholeBracket(view, lastBoundary, t.end)) && OPENERS.test(nextFirst)) {
      // "goals:" before a list, "Speaker:" before a turn; a whole line in brackets ("(Source: …)")
      cut = { at: line.end, paragraph: false, headingBefore: false };
    } else if (nt && LABEL_ROW.test(s) && LABEL_ROW.test(view.slice(nt.start, nt.end))) {
      // "Turnover: 49.3 billion yuan" over "Staff: 410,000": rows of a key–value list, one statement each
      cut = { at: line.end, paragraph: false, headingBefore: false };
    } else if (nt && startsSentence && !endsTerminal && OPENERS.test(nextFirst) && titleLike(s)) {
      cut = { at: line.end, paragraph: true, headingBefore: true };
    }
    if (cut) {
      cuts.push(cut);
      lastBoundary = line.end;
    }
  }
  return cuts.sort((a, b) => a.at - b.at);
}

/** Sentences with paragraph/section numbers and heading flags, sorted by start. */
export function segment(text: string, opts: SegmentOptions = {}): Sentence[] {
  const view = buildView(text, opts.regions);
  const v = view.text;
  const cuts = findCuts(v, opts.lineBreaks === 'hard');
  for (const h of view.headings) {
    cuts.push({ at: h.start, paragraph: true, headingBefore: false });
    cuts.push({ at: h.end, paragraph: true, headingBefore: true });
  }
  cuts.sort((a, b) => a.at - b.at || Number(b.headingBefore) - Number(a.headingBefore));
  const toOrig = (x: number) => (view.map ? view.map[x]! : x);
  const out: Sentence[] = [];
  let paragraph = 0;
  let section = 0;
  let from = 0;
  let pendingParagraph = false;
  const emit = (to: number, heading: boolean) => {
    const t = trimSpan(v, from, to);
    if (!t) return;
    if (out.length > 0 && (pendingParagraph || heading)) paragraph++;
    // a heading opens a new section that also holds the sentences after it
    if (heading) section++;
    pendingParagraph = heading;
    out.push({ start: toOrig(t.start), end: toOrig(t.end - 1) + 1, paragraph, section, heading, content: true });
  };
  for (const c of cuts) {
    if (c.at < from) continue;
    emit(c.at, c.headingBefore);
    if (c.paragraph) pendingParagraph = true;
    from = c.at;
  }
  emit(v.length, false);
  const all = [...out, ...view.lifted];
  all.sort((a, b) => a.start - b.start || a.end - b.end);
  return all;
}

/** Sentence spans of a text layer (UTF-16 offsets, end exclusive), in order. */
export function splitSentences(text: string, opts: SegmentOptions = {}): Span[] {
  return segment(text, opts).map((s) => ({ start: s.start, end: s.end }));
}

/**
 * Clauses of one sentence: split at ; : — and at commas that do not group digits ("12,695", "20, 000").
 * Clauses are where a figure's own words are looked for (its metric, the nearest date).
 */
export function splitClauses(text: string, sentence: Span): Span[] {
  const out: Span[] = [];
  let from = sentence.start;
  for (let i = sentence.start; i < sentence.end; i++) {
    // (by character code: a one-character string per character was most of the time)
    const c = text.charCodeAt(i);
    let cut = false;
    // ; : — and a spaced –
    if (c === 0x3b || c === 0x3a || c === 0x2014 || (c === 0x2013 && isSpaceCode(text.charCodeAt(i - 1)) && isSpaceCode(text.charCodeAt(i + 1)))) cut = true;
    // Chinese clause punctuation: full-width comma, semicolon, colon and the enumeration comma
    else if (c === 0xff0c || c === 0xff1b || c === 0xff1a) cut = true;
    else if (c === 0x2c) {
      const before = text.charCodeAt(i - 1);
      const groupsDigits = before >= 0x30 && before <= 0x39 && /^ ?[0-9]{3}(?![0-9])/.test(text.slice(i + 1, i + 6));
      cut = !groupsDigits;
    }
    if (cut) {
      const t = trimSpan(text, from, i);
      if (t) out.push(t);
      from = i + 1;
    }
  }
  const t = trimSpan(text, from, sentence.end);
  if (t) out.push(t);
  return out;
}
