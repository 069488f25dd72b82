import type { Span } from './offsets.js';
import type { Region } from './textLayer.js';
import { NextOf } from './textScan.js';

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

interface View {
  text: string;
  /** view index → original index (null: identity) */
  map: Int32Array | null;
  /** view spans that are heading regions */
  headings: Span[];
  /** segments for lifted-out regions (original offsets) */
  lifted: Sentence[];
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

/** /\s/ by character code: what the regex answers for one character, without a regex per character. */
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

/** [A-Za-z.] by code (asked for each character before every full stop of a page: no regex per character) */
const isTokenCode = (u: number): boolean => (u >= 65 && u <= 90) || (u >= 97 && u <= 122) || u === 46;

/** the longest abbreviation: a longer token before a full stop is no abbreviation, without lower-casing it */
const LONGEST_ABBREVIATION = Math.max(...[...ABBREVIATIONS].map((a) => a.length));

function isAbbreviation(text: string, dot: number): boolean {
  // the token of letters and dots right before the full stop, leading dots left out
  let j = dot;
  while (j > 0 && isTokenCode(text.charCodeAt(j - 1))) j--;
  while (j < dot && text.charCodeAt(j) === 0x2e) j++;
  if (j === dot) {
    // "1." at the start of a line is a list enumerator
    let d = dot;
    while (d > 0 && text.charCodeAt(d - 1) >= 48 && text.charCodeAt(d - 1) <= 57) d--;
    if (d === dot) return false;
    let k = d;
    while (k > 0 && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
    return k === 0 || text[k - 1] === '\n' || text[k - 1] === '\f' || text[k - 1] === HARD;
  }
  for (let k = j; k < dot; k++) if (text.charCodeAt(k) === 0x2e) return true; // U.S., e.g.
  if (dot - j === 1) {
    const u = text.charCodeAt(j);
    if (u >= 65 && u <= 90) return true; // an initial
  }
  return dot - j <= LONGEST_ABBREVIATION && ABBREVIATIONS.has(text.slice(j, dot).toLowerCase());
}

/** [A-Z0-9“‘"'(\[\u00C0-\u00DE\u4e00-\u9fff] by code: a character that can open a sentence (asked after every full stop of a page). */
export function isOpenerCode(u: number): boolean {
  if (u < 0x80) return (u >= 65 && u <= 90) || (u >= 48 && u <= 57) || u === 0x22 || u === 0x27 || u === 0x28 || u === 0x5b;
  return (u >= 0xc0 && u <= 0xde) || (u >= 0x4e00 && u <= 0x9fff) || u === 0x201c || u === 0x2018;
}

/** ['"”’)\]] by code: a closing quote or bracket after a full stop. */
export function isCloserCode(u: number): boolean {
  return u === 0x27 || u === 0x22 || u === 0x29 || u === 0x5d || u === 0x201d || u === 0x2019;
}

/** 。！？ by code */
const isCjkStopCode = (u: number): boolean => u === 0x3002 || u === 0xff01 || u === 0xff1f;
/** ” ’ 」 』 ） ) ] by code: what may follow a Chinese full stop before the cut */
const isCjkCloserCode = (u: number): boolean =>
  u === 0x201d || u === 0x2019 || u === 0x300d || u === 0x300f || u === 0xff09 || u === 0x29 || u === 0x5d;

/** The line ends in terminal punctuation, maybe followed by closing quotes/brackets (/[.!?;:,]['"”’)\]]*$/). */
function endsTerminal(view: string, start: number, end: number): boolean {
  let k = end - 1;
  while (k >= start && isCloserCode(view.charCodeAt(k))) k--;
  if (k < start) return false;
  const u = view.charCodeAt(k);
  return u === 0x2e || u === 0x21 || u === 0x3f || u === 0x3b || u === 0x3a || u === 0x2c;
}

/** Cut flags: the cut is a paragraph boundary; the segment ending at the cut is a heading. */
const PARAGRAPH = 1;
const HEADING_BEFORE = 2;

/**
 * Cuts sorted by position, one per position (the flags of cuts at one position OR-ed: what the sentence loop
 * makes of them in any order, since a heading cut sorts first and the others only add paragraph breaks).
 * Kept as two number arrays: a page has a cut per sentence, and sorting objects was most of segment()'s time.
 */
interface Cuts {
  at: number[];
  flags: number[];
}

/** Two position-sorted cut lists as one, equal positions merged. */
function mergeCuts(a: Cuts, b: Cuts): Cuts {
  const out: Cuts = { at: [], flags: [] };
  let i = 0;
  let j = 0;
  while (i < a.at.length || j < b.at.length) {
    const x = i < a.at.length ? a.at[i]! : Infinity;
    const y = j < b.at.length ? b.at[j]! : Infinity;
    const at = x <= y ? x : y;
    let f = 0;
    if (x === at) f |= a.flags[i++]!;
    if (y === at) f |= b.flags[j++]!;
    const n = out.at.length;
    if (n > 0 && out.at[n - 1] === at) out.flags[n - 1] = out.flags[n - 1]! | f;
    else {
      out.at.push(at);
      out.flags.push(f);
    }
  }
  return out;
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

/** Every character that is nothing but whitespace in view[from, to). */
function allSpace(view: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpaceCode(view.charCodeAt(i))) return false;
  return true;
}

/** The punctuation cuts: after . ! ? (and closers) before whitespace and an opener; after Chinese full stops. */
function punctuationCuts(view: string): number[] {
  const n = view.length;
  const latin: number[] = [];
  // runs of [.!?] found by indexOf (native), not by a test of every character of the page in JS
  const stops = new NextOf(view, ['.', '!', '?']);
  for (let i = stops.next(0); i < n; i = stops.next(i + 1)) {
    const at = i;
    while (i + 1 < n && isStopCode(view.charCodeAt(i + 1))) i++;
    let end = i + 1;
    while (end < n && isCloserCode(view.charCodeAt(end))) end++;
    if (end >= n || !isSpaceCode(view.charCodeAt(end))) continue; // "20.3", "U.S."
    const next = nextNonSpace(view, end);
    if (next >= n) continue;
    if (!isOpenerCode(view.charCodeAt(next))) continue;
    if (i === at && view.charCodeAt(at) === 0x2e /* . */ && isAbbreviation(view, at)) continue;
    latin.push(end);
  }
  // Chinese full stops end a sentence with no space after them ("…8.5%。企业数量…")
  const cjk: number[] = [];
  const cjkStops = new NextOf(view, ['。', '！', '？']);
  for (let i = cjkStops.next(0); i < n; ) {
    let end = i + 1;
    while (end < n && isCjkStopCode(view.charCodeAt(end))) end++;
    const runEnd = end;
    while (end < n && isCjkCloserCode(view.charCodeAt(end))) end++;
    if (nextNonSpace(view, end) < n) cjk.push(end);
    i = cjkStops.next(runEnd);
  }
  if (cjk.length === 0) return latin;
  // both lists ascend: merged, each position once
  return mergeCuts({ at: latin, flags: latin.map(() => 0) }, { at: cjk, flags: cjk.map(() => 0) }).at;
}

function findCuts(view: string, hard: boolean): Cuts {
  const n = view.length;
  // 1. punctuation (ascending, each position once)
  const punct = punctuationCuts(view);
  // 2. line-based boundaries: lines end at "\n", "\f", HARD or the end of the view
  const lineStart: number[] = [];
  const lineEnd: number[] = [];
  const breaks = new NextOf(view, ['\n', '\f', HARD]);
  for (let ls = 0; ; ) {
    const e = breaks.next(ls);
    lineStart.push(ls);
    lineEnd.push(e);
    if (e >= n) break;
    ls = e + 1;
  }
  // line cuts ascend too (each line's cuts lie within it, lines in order)
  const lines: Cuts = { at: [], flags: [] };
  const cut = (at: number, flags: number) => {
    lines.at.push(at);
    lines.flags.push(flags);
  };
  let lastBoundary = 0; // view offset of the last boundary seen so far (for "starts a sentence")
  let pi = 0;
  for (let li = 0; li < lineStart.length; li++) {
    const ls = lineStart[li]!;
    const le = lineEnd[li]!;
    const sep = le < n ? view.charCodeAt(le) : -1; // "\n", "\f", HARD or none
    const t = trimSpan(view, ls, le);
    while (pi < punct.length && punct[pi]! <= (t ? t.start : le)) lastBoundary = punct[pi++]!;
    if (!t) {
      // blank line: paragraph boundary
      cut(ls, PARAGRAPH);
      lastBoundary = le;
      continue;
    }
    const startsSentence = allSpace(view, lastBoundary, t.start);
    while (pi < punct.length && punct[pi]! <= le) lastBoundary = punct[pi++]!;
    const terminal = endsTerminal(view, t.start, t.end);
    if (sep === 0x0c || sep === 0x2029 /* HARD */ || hard) {
      let flags = PARAGRAPH;
      // a block without a full stop that is title-cased or very short ("Riverside park") heads a section
      if (hard && !terminal && startsSentence) {
        const s = view.slice(t.start, t.end);
        if (/[A-Za-z]/.test(s) && (titleLike(s) || s.split(/\s+/).length <= 4)) flags |= HEADING_BEFORE;
      }
      cut(le, flags);
      lastBoundary = le;
      continue;
    }
    const s = view.slice(t.start, t.end);
    const nextLine = li + 1 < lineStart.length ? li + 1 : -1;
    const nt = nextLine >= 0 ? trimSpan(view, lineStart[nextLine]!, lineEnd[nextLine]!) : null;
    const nextFirst = nt ? view.charCodeAt(nt.start) : -1;
    let flags = -1;
    if (/^\d{1,4}$/.test(s)) {
      // a line holding only a number is a page number or list marker: a segment of its own
      cut(t.start, 0);
      flags = 0;
    } else if (nt && (view.charCodeAt(t.end - 1) === 0x3a /* : */ || wholeBracket(view, lastBoundary, t.end)) && isOpenerCode(nextFirst)) {
      // "goals:" before a list, "Speaker:" before a turn; a whole line in brackets ("(Source: …)")
      flags = 0;
    } else if (nt && LABEL_ROW.test(s) && LABEL_ROW.test(view.slice(nt.start, nt.end))) {
      // "Turnover: 49.3 billion yuan" over "Staff: 410,000": rows of a key–value list, one statement each
      flags = 0;
    } else if (nt && startsSentence && !terminal && isOpenerCode(nextFirst) && titleLike(s)) {
      flags = PARAGRAPH | HEADING_BEFORE;
    }
    if (flags >= 0) {
      cut(le, flags);
      lastBoundary = le;
    }
  }
  return mergeCuts({ at: punct, flags: punct.map(() => 0) }, lines);
}

/** Sentences with paragraph/section numbers and heading flags, sorted by start. */
export function segment(text: string, opts: SegmentOptions = {}): Sentence[] {
  const view = buildView(text, opts.regions);
  const v = view.text;
  let cuts = findCuts(v, opts.lineBreaks === 'hard');
  if (view.headings.length > 0) {
    const heads: Cuts = { at: [], flags: [] };
    for (const h of view.headings) {
      heads.at.push(h.start, h.end);
      heads.flags.push(PARAGRAPH, PARAGRAPH | HEADING_BEFORE);
    }
    cuts = mergeCuts(cuts, heads);
  }
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
  for (let k = 0; k < cuts.at.length; k++) {
    const f = cuts.flags[k]!;
    emit(cuts.at[k]!, (f & HEADING_BEFORE) !== 0);
    if (f & PARAGRAPH) pendingParagraph = true;
    from = cuts.at[k]!;
  }
  emit(v.length, false);
  // the sentences come out in order; only lifted-out regions need sorting in
  if (view.lifted.length === 0 && inOrder(out)) return out;
  const all = [...out, ...view.lifted];
  all.sort((a, b) => a.start - b.start || a.end - b.end);
  return all;
}

/** Sorted as segment() sorts (by start, then end): sorting would leave the array as it is. */
function inOrder(spans: readonly Span[]): boolean {
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1]!;
    const b = spans[i]!;
    if (a.start > b.start || (a.start === b.start && a.end > b.end)) return false;
  }
  return true;
}

/** Sentence spans of a text layer (UTF-16 offsets, end exclusive), in order. */
export function splitSentences(text: string, opts: SegmentOptions = {}): Span[] {
  return segment(text, opts).map((s) => ({ start: s.start, end: s.end }));
}

/** Where a clause may end: , ; : — – and the full-width comma, semicolon and colon (each judged below). */
const CLAUSE_MARKS = /[,;:\u2013\u2014\uff0c\uff1a\uff1b]/g;

/** an ASCII digit, by its code */
export const isDigitCode = (u: number): boolean => u >= 0x30 && u <= 0x39;

/** The comma at `i` groups digits: a digit before it, then " ?[0-9]{3}" not followed by a fourth digit ("12,695", "20, 000"). */
function groupsDigits(text: string, i: number): boolean {
  if (!isDigitCode(text.charCodeAt(i - 1))) return false;
  let k = i + 1;
  if (text.charCodeAt(k) === 0x20) k++;
  return isDigitCode(text.charCodeAt(k)) && isDigitCode(text.charCodeAt(k + 1)) && isDigitCode(text.charCodeAt(k + 2)) && !isDigitCode(text.charCodeAt(k + 3));
}

/**
 * Clauses of one sentence: split at ; : — and at commas that do not group digits ("12,695", "20, 000").
 * Clauses are where a figure's own words are looked for (its metric, the nearest date).
 */
export function splitClauses(text: string, sentence: Span): Span[] {
  const out: Span[] = [];
  let from = sentence.start;
  // the candidate marks are found by a regex over the sentence (a native scan; test() builds no match object),
  // not by a test of every character in JS
  const slice = text.slice(sentence.start, sentence.end);
  CLAUSE_MARKS.lastIndex = 0;
  while (CLAUSE_MARKS.test(slice)) {
    const i = sentence.start + CLAUSE_MARKS.lastIndex - 1;
    const c = text.charCodeAt(i);
    let cut: boolean;
    // a comma that groups digits is no clause mark; an en dash is one only when spaced
    if (c === 0x2c) cut = !groupsDigits(text, i);
    else if (c === 0x2013) cut = isSpaceCode(text.charCodeAt(i - 1)) && isSpaceCode(text.charCodeAt(i + 1));
    else cut = true;
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
