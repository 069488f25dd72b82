import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readLanguageFile } from './language.js';
import { isCurrencyUnit, UNITS, type Bound, type Unit } from './records.js';
import { isDigitCode, isSpaceCode } from './sentences.js';

/**
 * The figure grammar: finds every number stated in a text and says whether it is a figure (with value,
 * unit, bound and interval) or something else (a year, a phone number, a list label …).
 *
 * The grammar (how digits, words and punctuation combine) is code; every word of the language
 * (scale words, currencies, unit words, qualifiers, month names …) is data in lexicon/units.yaml,
 * because the scanner runs on documents nobody here has seen.
 *
 * One pass per phase, regexes compiled once (at module load; the qualifier patterns per token on first use); a
 * byte mask of claimed UTF-16 units makes "every digit run is covered by exactly one figure or skip" hold by
 * construction:
 *   A. structural skips (URLs, emails, phones, dates, ordinals, codes, names such as "Fortune 500") —
 *      unambiguous shapes first;
 *   B. fractions of a scale word ("half a million", "2 and a half billion"), before the digits and word
 *      numbers they contain;
 *   C. digit numbers → figure, or a contextual skip (year, time span, denominator, "Windows 11", a value no
 *      double represents); a range ("150-160", "between 150 and 160") is one figure whose interval spans
 *      both ends; "3 dollars 50 cents" one amount;
 *   D. word numbers ("five billion", "two hundred companies") → figure when the context says so;
 *   E. any digit run still unclaimed → skip 'code' (a safety net, so nothing is silently dropped).
 * Then same-amount pairs in two currencies ("27.9 trillion yuan ($4 trillion)") are linked.
 * Values are built from decimal strings (mantissa × 10^exp) so "20.3 trillion" is the nearest double
 * to 2.03e13 and its rounding interval [20.25, 20.35] trillion carries no float drift.
 */

export interface FigureMatch {
  /** UTF-16 offsets of the whole figure: qualifier + currency + number + scale + unit words */
  start: number;
  end: number;
  /** just the numeric part (digits or number words) */
  numberStart: number;
  numberEnd: number;
  valueText: string;
  /**
   * value in base units (yuan, dollars, euros …, percent points of 100, persons, km²); for a range ("150-160")
   * the midpoint of its two stated ends, with bound 'approx' and lo/hi those two ends
   */
  value: number;
  unit: Unit;
  /** the counted noun after the figure ("enterprises", "people"), null when none */
  unitWord: string | null;
  bound: Bound;
  lo: number | null;
  hi: number | null;
  loExclusive: boolean;
  hiExclusive: boolean;
  rule: string;
  /** index into `figures` of the same amount stated in another currency in parentheses */
  pairedWith: number | null;
}

export type SkipReason =
  | 'year'
  | 'date'
  | 'year_range'
  | 'ordinal'
  | 'list_number'
  | 'phone'
  | 'registration_number'
  | 'page_number'
  | 'product_name'
  | 'copyright'
  | 'url'
  | 'email'
  | 'time_span'
  | 'part_of_name'
  | 'code'
  /** the base of a rate stated on its own ("per 10,000 residents") */
  | 'rate_base'
  /** a Chinese month range ("1-6月"): a period, not the figures 1 and 6 */
  | 'month_range'
  /** a value no double holds faithfully (infinite, NaN, |x| > 1e30, or a non-zero amount that rounds to 0) */
  | 'not_representable';

export interface SkipMatch {
  start: number;
  end: number;
  text: string;
  reason: SkipReason;
}

// ------------------------------------------------------------------ lexicon

const UnitWordSchema = z.union([z.string(), z.object({ word: z.string(), factor: z.number().positive() })]);
const QualSchema = z.object({
  text: z.string().min(1),
  bound: z.enum(['lower', 'upper', 'approx']),
  exclusive: z.boolean().optional(),
  not_after: z.array(z.string().min(1)).optional(),
  amounts_only: z.boolean().optional(),
});
const WordList = z.array(z.string().min(1));

const LexiconSchema = z.object({
  version: z.number(),
  scales: z.array(
    z.object({
      word: z.string().min(1),
      factor: z.number().positive(),
      attached: z.boolean().optional(),
      needs_currency: z.boolean().optional(),
    }),
  ),
  currencies: z.record(z.string().refine(isCurrencyUnit, 'a currency id is an ISO 4217 code listed in records.ts CURRENCY_UNITS'), z.object({ prefix: WordList, suffix: WordList })),
  ambiguous_symbols: z.record(z.string().min(1), z.string().refine(isCurrencyUnit, 'not a currency unit')),
  minor_units: z.array(
    z.object({
      word: z.string().min(1),
      factor: z.number().positive().max(0.5),
      majors: z.array(z.string().refine(isCurrencyUnit, 'not a currency unit')).min(1),
      alone: z.string().min(1).optional(),
      not_before: WordList.optional(),
      not_after: WordList.optional(),
    }),
  ),
  compound_links: WordList,
  fractions: z.object({ words: z.record(z.string().min(1), z.number().positive().lt(1)), links: WordList }),
  units: z.record(z.string(), z.array(UnitWordSchema)),
  rate_per_10k: z.object({ links: WordList, bases: WordList }),
  person_nouns: WordList,
  invariant_nouns: WordList,
  count_nouns: WordList,
  time_nouns: WordList,
  stop_words: WordList,
  noun_window: z.number().int().min(1).max(12),
  qualifiers: z.array(QualSchema),
  post_qualifiers: z.array(QualSchema),
  interval: z.object({ approx_relative: z.number().min(0).max(1), rounded_units: WordList }),
  word_numbers: z.object({
    ones: z.record(z.string(), z.number().int()),
    tens: z.record(z.string(), z.number().int()),
    hundred: z.string(),
    article: z.string(),
    article_before: WordList,
    partitive: WordList,
    coordinators: WordList,
  }),
  range_joiners: WordList,
  rank_before: WordList,
  time_daters: WordList,
  range_frames: z.array(z.object({ open: z.string().min(1), join: z.string().min(1) })),
  range_not_after: WordList,
  denominator_words: WordList,
  years: z.object({ min: z.number().int(), max: z.number().int(), prepositions: WordList }),
  months: WordList,
  name_prefixes: WordList,
  phone_labels: WordList,
  registration_labels: WordList,
  copyright_markers: WordList,
  product_patterns: WordList,
  names: WordList,
  month_ranges: z.object({ months: WordList, joiners: WordList }),
});
type Lexicon = z.infer<typeof LexiconSchema>;

const lexFile = readLanguageFile('figures.yaml');
const LEX: Lexicon = LexiconSchema.parse(lexFile.data);

/** Grammar version: code version + a hash of the vocabulary, so a lexicon edit changes it too. */
export const GRAMMAR_VERSION = `1.0.0+${createHash('sha256').update(lexFile.text).digest('hex').slice(0, 8)}`;

function asUnit(u: string): Unit {
  if (!(UNITS as readonly string[]).includes(u)) throw new Error(`units.yaml: unknown unit ${u}`);
  return u as Unit;
}

/** factors are powers of ten, so values can be built from decimal strings without float drift */
function exponentOf(factor: number): number {
  const e = Math.round(Math.log10(factor));
  if (Math.abs(10 ** e - factor) > 1e-9 * factor) throw new Error(`units.yaml: factor ${factor} is not a power of ten`);
  return e;
}

// ------------------------------------------------------------------ regex building blocks

const HS = '[ \\t\\u00a0]';
/** optional whitespace with at most one line break (PDF text wraps inside phrases, not across blocks) */
const WS0 = `${HS}*(?:\\r?\\n${HS}*)?`;
/** required whitespace, at most one line break */
const WS1 = `(?:${HS}+(?:\\r?\\n${HS}*)?|\\r?\\n${HS}*)`;

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** a lexicon phrase as a regex: words joined by flexible whitespace, a word boundary after a final letter */
function phrase(s: string): string {
  const body = s.trim().split(/\s+/).map(esc).join(WS1);
  return /[A-Za-z0-9.]$/.test(s) ? `${body}(?![A-Za-z0-9])` : body;
}

/** a phrase that needs a non-letter before it when it starts with a letter */
function leftBounded(s: string): string {
  return /^[A-Za-z]/.test(s) ? `(?<![\\p{L}\\p{N}])${phrase(s)}` : phrase(s);
}

function alt(list: readonly string[], f: (s: string) => string = phrase): string {
  return [...new Set(list)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(f).join('|');
}

function norm(s: string): string {
  // the words asked about after every number of a page are mostly printable ASCII with single inner spaces: for
  // them the replacements below change nothing, so the word is returned as it is, or lower-cased (no new strings)
  let upper = false;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 65 && u <= 90) upper = true;
    else if (u === 0x20 ? i === 0 || i === s.length - 1 || s.charCodeAt(i - 1) === 0x20 : u < 0x20 || u >= 0x7f) {
      return s.toLowerCase().replace(/\s+/g, ' ').trim();
    }
  }
  return upper ? s.toLowerCase() : s;
}

const caselessMemo = new Map<number, boolean>();
/** a UTF-16 unit outside the surrogates that no case-insensitive pattern matches with any other character */
function caseless(u: number): boolean {
  let v = caselessMemo.get(u);
  if (v === undefined) {
    const c = String.fromCharCode(u);
    caselessMemo.set(u, (v = !(u >= 0xd800 && u <= 0xdfff) && c.toLowerCase() === c && c.toUpperCase() === c));
  }
  return v;
}

/**
 * Whether `text` may end with `word` right before `end`, compared as a case-insensitive (unicode) pattern compares:
 * false only when some character certainly differs (ASCII ignoring case, or a character without case), so the
 * pattern that needs the word there can be skipped; pairs that case folding might join are left to the pattern.
 */
function mayEndWith(text: string, end: number, word: string): boolean {
  const n = word.length;
  if (end < n) return false;
  for (let k = 1; k <= n; k++) {
    let a = text.charCodeAt(end - k);
    let b = word.charCodeAt(n - k);
    if (a === b) continue;
    if (a < 128 && b < 128) {
      if (a >= 65 && a <= 90) a += 32;
      if (b >= 65 && b <= 90) b += 32;
      if (a !== b) return false;
    } else if (b < 128 ? !isAsciiLetterCode(b) : caseless(b)) return false;
  }
  return true;
}

/**
 * Words (vocabulary) that a pattern needs right before some position, grouped by their last character: `mayEnd`
 * answers whether one of them may end at a position, comparing only the words that can end in the character there.
 */
class WordEndings {
  private readonly byLast = new Map<number, string[]>();
  /** words whose last character is not ASCII and has case: compared at every position */
  private readonly anyLast: string[] = [];
  private readonly all: string[];
  constructor(words: readonly string[]) {
    this.all = [...new Set(words)];
    for (const w of this.all) {
      let u = w.charCodeAt(w.length - 1);
      if (u >= 128 && !caseless(u)) {
        this.anyLast.push(w);
        continue;
      }
      if (u >= 65 && u <= 90) u += 32;
      const list = this.byLast.get(u);
      if (list) list.push(w);
      else this.byLast.set(u, [w]);
    }
  }
  mayEnd(text: string, end: number): boolean {
    if (end <= 0) return false;
    let u = text.charCodeAt(end - 1);
    if (u >= 65 && u <= 90) u += 32;
    // a non-ASCII character may fold to an ASCII letter ending a word: every word is compared
    if (u >= 128 && !caseless(u)) return this.all.some((w) => mayEndWith(text, end, w));
    const list = this.byLast.get(u);
    if (list) for (const w of list) if (mayEndWith(text, end, w)) return true;
    for (const w of this.anyLast) if (mayEndWith(text, end, w)) return true;
    return false;
  }
}

/** the start of the run of `isWs` characters ending at `end` */
function wsStart(text: string, end: number, isWs: (u: number) => boolean): number {
  let i = end;
  while (i > 0 && isWs(text.charCodeAt(i - 1))) i--;
  return i;
}
/** the characters of HS, and of WS0/WS1 (HS and line breaks) */
const isHsCode = (u: number): boolean => u === 32 || u === 9 || u === 0xa0;
const isWsCode = (u: number): boolean => u === 32 || u === 9 || u === 0xa0 || u === 10 || u === 13;

/** the last word of a phrase (what ends the text right before the whitespace after it) */
function lastWordOf(s: string): string {
  return s.trim().split(/\s+/).pop()!;
}

// ------------------------------------------------------------------ compiled vocabulary

interface ScaleEntry {
  exp: number;
  needsCurrency: boolean;
}
const SCALES = new Map<string, ScaleEntry>();
for (const s of LEX.scales) SCALES.set(norm(s.word), { exp: exponentOf(s.factor), needsCurrency: !!s.needs_currency });
const SCALE_RE = new RegExp(`(?:${WS0}|-)(${alt(LEX.scales.map((s) => s.word))})`, 'iuy');

interface UnitEntry {
  unit: Unit;
  exp: number;
}
const SUFFIX_UNITS = new Map<string, UnitEntry>();
const CURRENCY_PREFIX = new Map<string, Unit>();
for (const [u, c] of Object.entries(LEX.currencies)) {
  for (const w of c.suffix) SUFFIX_UNITS.set(norm(w), { unit: asUnit(u), exp: 0 });
  for (const w of c.prefix) CURRENCY_PREFIX.set(norm(w), asUnit(u));
}
// a shared symbol ("$", "¥") is read as the currency the vocabulary names as its default
for (const [symbol, u] of Object.entries(LEX.ambiguous_symbols)) CURRENCY_PREFIX.set(norm(symbol), asUnit(u));
const ALL_CURRENCY_PREFIXES = [...Object.values(LEX.currencies).flatMap((c) => c.prefix), ...Object.keys(LEX.ambiguous_symbols)];

/** the currency a minor unit names when no major is stated: a currency code, or an ambiguous symbol's default */
function minorAlone(alone: string): Unit {
  const viaSymbol = LEX.ambiguous_symbols[alone];
  const u = viaSymbol ?? alone;
  if (!isCurrencyUnit(u)) throw new Error(`language/figures.yaml: minor unit alone: ${alone} is neither a currency nor an ambiguous symbol`);
  return u;
}
interface MinorEntry {
  exp: number;
  majors: ReadonlySet<Unit>;
  notBefore: readonly string[];
  notAfter: readonly string[];
}
const MINOR_UNITS = new Map<string, MinorEntry>();
for (const m of LEX.minor_units) {
  const exp = exponentOf(m.factor);
  MINOR_UNITS.set(norm(m.word), { exp, majors: new Set(m.majors.map(asUnit)), notBefore: m.not_before ?? [], notAfter: m.not_after ?? [] });
  // "45 cents" on its own: a unit word like any other, in the currency `alone` names
  if (m.alone !== undefined) SUFFIX_UNITS.set(norm(m.word), { unit: minorAlone(m.alone), exp });
}
const MINOR_ALONE_WORDS = LEX.minor_units.filter((m) => m.alone !== undefined).map((m) => m.word);
for (const [u, words] of Object.entries(LEX.units)) {
  for (const w of words) {
    if (typeof w === 'string') SUFFIX_UNITS.set(norm(w), { unit: asUnit(u), exp: 0 });
    else SUFFIX_UNITS.set(norm(w.word), { unit: asUnit(u), exp: exponentOf(w.factor) });
  }
}
const MONEY_UNITS = new Set<Unit>(Object.keys(LEX.currencies).map(asUnit));
const CURRENCY_SUFFIX_WORDS = Object.values(LEX.currencies).flatMap((c) => c.suffix);
const UNIT_SUFFIX_RE = new RegExp(
  `(?:${WS0}|-)(${alt([...CURRENCY_SUFFIX_WORDS, ...MINOR_ALONE_WORDS, ...Object.values(LEX.units).flat().map((w) => (typeof w === 'string' ? w : w.word))])})`,
  'iuy',
);
const CURRENCY_SUFFIX_RE = new RegExp(`${WS0}(${alt(CURRENCY_SUFFIX_WORDS)})`, 'iuy');
const CURRENCY_PREFIX_LAST = new Set(ALL_CURRENCY_PREFIXES.map((p) => p.slice(-1).toLowerCase()));
/**
 * Whether a currency prefix may end right before the whitespace before `at` (CURRENCY_PREFIX_RE needs one there):
 * the pattern is tried only then, not after every "and", "of" or "is" of a page that ends in a prefix's last letter.
 */
const CURRENCY_PREFIX_ENDINGS = new WordEndings(ALL_CURRENCY_PREFIXES);
function mayFollowCurrencyPrefix(text: string, at: number): boolean {
  return CURRENCY_PREFIX_ENDINGS.mayEnd(text, wsStart(text, at, isWsCode));
}
function lastNonSpace(text: string, at: number): string {
  let i = at - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  return i >= 0 ? text[i]!.toLowerCase() : '';
}
const CURRENCY_PREFIX_RE = new RegExp(
  `(${alt(ALL_CURRENCY_PREFIXES, (s) => (/^[A-Za-z$]/.test(s) ? `(?<![A-Za-z])${esc(s)}` : esc(s)))})${WS0}$`,
  'iu',
);

const QUALS = new Map<string, { bound: Bound; exclusive: boolean; amountsOnly: boolean }>();
for (const q of LEX.qualifiers) QUALS.set(norm(q.text), { bound: q.bound, exclusive: q.exclusive ?? false, amountsOnly: q.amounts_only ?? false });
/** each qualifier as a pattern (longest first), with the last word of its text */
const QUAL_ALTS = LEX.qualifiers
  .slice()
  .sort((a, b) => b.text.length - a.text.length)
  .map((q) => ({
    last: lastWordOf(q.text),
    src: (q.not_after?.length ? `(?<!(?<![\\p{L}])(?:${q.not_after.map(esc).join('|')})${WS1})` : '') + leftBounded(q.text),
  }));
/**
 * The qualifier pattern for the text before a number whose last token (lower-cased) is `tok`: the qualifiers whose
 * last word may end that token (or is longer than it), in the order of the pattern of them all, ending the text;
 * null when none may. Fewer alternatives than all qualifiers give the same leftmost match, since only these can
 * end where the token ends.
 */
const qualPatternFor = memoByWord((tok: string): RegExp | null => {
  const alts = QUAL_ALTS.filter((q) => q.last.length > tok.length || mayEndWith(tok, tok.length, q.last));
  return alts.length ? new RegExp(`(${alts.map((q) => q.src).join('|')})${WS0}$`, 'iu') : null;
});
/** what the token before a number must be for a qualifier to be possible (see qualifierBefore) */
const QUAL_LAST_WORDS = new Set(
  LEX.qualifiers.filter((q) => /^[\x20-\x7e]+$/.test(q.text)).map((q) => norm(q.text).split(' ').pop()!.replace(/^.*[\s]/, '')),
);
const QUAL_CJK = LEX.qualifiers.filter((q) => !/^[\x20-\x7e]+$/.test(q.text)).map((q) => q.text);
/** the last characters of QUAL_CJK: a token ends with one of them only if it ends in one of these */
const QUAL_CJK_LAST = new Set(QUAL_CJK.map((q) => q.charCodeAt(q.length - 1)));
/** longest qualifier with its "not_after" word and line-break slack */
const QUAL_MAX_LEN = Math.max(...LEX.qualifiers.map((q) => q.text.length + Math.max(0, ...(q.not_after ?? []).map((w) => w.length + 1)))) + 16;
const POST_QUALS = new Map<string, { bound: Bound; exclusive: boolean }>();
for (const q of LEX.post_qualifiers) POST_QUALS.set(norm(q.text), { bound: q.bound, exclusive: q.exclusive ?? false });
// same line only, and "+" must not start another number ("5 +3")
// "… centers and more than 250, 000 professionals": "and more" followed by "than" is the next qualifier
const POST_QUAL_RE = new RegExp(`${HS}*(${alt(LEX.post_qualifiers.map((q) => q.text))})(?!${HS}*\\d|${WS1}than(?![\\p{L}]))`, 'iuy');

const RATE_RE = new RegExp(`${WS1}(?:${alt(LEX.rate_per_10k.links)})${WS1}(?:${alt(LEX.rate_per_10k.bases)})(?!\\d|,\\d)`, 'iuy');
const RATE_BASE_RE = new RegExp(`^(?:${alt(LEX.rate_per_10k.bases)})`, 'iu');
/**
 * "for every thousand residents, " right before a count: a link, a base, up to three words, no
 * punctuation; a page break with its page number may fall between them ("every ten thousand\f3\nprofessionals")
 */
const GAP = '(?:\\s*(?:\\d{1,4}[ \\t]*\\n\\s*)?\\f\\s*(?:\\d{1,4}[ \\t]*\\n)?\\s*|\\s+)';
/** the first word of a rate base: RATE_BEFORE_RE needs one, and most stretches before a count hold none */
const RATE_BASE_FIRST_RE = new RegExp(`(?:${alt(LEX.rate_per_10k.bases.map((b) => b.trim().split(/\s+/)[0]!), esc)})`, 'iu');
const RATE_BEFORE_RE = new RegExp(
  `(?:^|\\s)(?:${alt(LEX.rate_per_10k.links)})${WS1}(?:${alt(LEX.rate_per_10k.bases)})(?:${GAP}[A-Za-z][\\w-]*){1,3}\\s+$`,
  'iu',
);

const PERSON_NOUNS = new Set(LEX.person_nouns.map(norm));
const COUNT_NOUNS = new Set(LEX.count_nouns.map(norm));
const TIME_NOUNS = new Set(LEX.time_nouns.map(norm));
const STOP_WORDS = new Set([...LEX.stop_words.map(norm), ...LEX.qualifiers.map((q) => norm(q.text).split(' ')[0]!)]);
const DENOMINATOR_WORDS = new Set(LEX.denominator_words.map(norm));
const YEAR_PREPS = new Set(LEX.years.prepositions.map(norm));
const ROUNDED_UNITS = new Set(LEX.interval.rounded_units.map(asUnit));

/** a word after a number: a letter run (hyphens, apostrophes, & inside), or a short parenthetical */
const WORD_RE = new RegExp(`(?:${WS0}|-)(\\([^()\\n]{1,30}\\)|\\p{L}(?:[\\p{L}\\p{M}&'’-]*\\p{L})?)`, 'uy');
const LETTER = /\p{L}/u;
/**
 * One UTF-16 unit of text tested against a one-character class by its code where it is ASCII, else by the class
 * (asked for the characters before every number of a page: a regex per ASCII character cost more than the code).
 */
const isAsciiLetterCode = (u: number): boolean => (u >= 65 && u <= 90) || (u >= 97 && u <= 122);
function isLetterAt(text: string, i: number): boolean {
  const u = text.charCodeAt(i);
  return u < 128 ? isAsciiLetterCode(u) : LETTER.test(text[i]!);
}
const HAN_START = /^[\u3400-\u9fff]/u;
const RANK_BEFORE = LEX.rank_before;
const TIME_DATERS = new Set(LEX.time_daters.map(norm));
const PUNCT = /[^\p{L}\p{N}\n\s]/u;
function isPunctAt(text: string, i: number): boolean {
  const u = text.charCodeAt(i);
  return u < 128 ? !isAsciiLetterCode(u) && !(u >= 48 && u <= 57) && u !== 10 && !isSpaceCode(u) : PUNCT.test(text[i]!);
}

/** the word before `at`, over trailing spaces and up to two punctuation marks ("than, ", "of (") */
function prevWordAt(text: string, at: number): string | null {
  let i = at - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  for (let k = 0; k < 2 && i >= 0 && isPunctAt(text, i); k++) i--;
  const end = i + 1;
  while (i >= 0 && isLetterAt(text, i)) i--;
  return end > i + 1 ? text.slice(i + 1, end) : null;
}

const INVARIANT_NOUNS = new Set(LEX.invariant_nouns.map(norm));

/**
 * Answers per word, remembered: the same words follow numbers all through a document, and each answer is a few
 * regex replacements and set lookups. Bounded: cleared when it holds WORD_MEMO_MAX words.
 */
const WORD_MEMO_MAX = 10_000;
function memoByWord<T>(f: (word: string) => T): (word: string) => T {
  const memo = new Map<string, T>();
  return (word) => {
    let v = memo.get(word);
    if (v === undefined && !memo.has(word)) {
      if (memo.size >= WORD_MEMO_MAX) memo.clear();
      memo.set(word, (v = f(word)));
    }
    return v as T;
  };
}

/** a noun that can head a plural count: a plural form, or one that does not inflect ("people") */
const isPluralForm = memoByWord((word: string): boolean => {
  const w = norm(word).replace(/['’]s$/, '');
  if (INVARIANT_NOUNS.has(w)) return true;
  return w.endsWith('s') && !PERSON_NOUNS.has(w) && !COUNT_NOUNS.has(w) && !TIME_NOUNS.has(w);
});

/** lexicon noun lookup with naive plural folding (-ies → -y, -es, -s) */
const nounClass = memoByWord((word: string): 'person' | 'count' | 'time' | 'stop' | null => {
  const w = norm(word).replace(/['’]s$/, '');
  const forms = [w];
  if (w.endsWith('ies')) forms.push(w.slice(0, -3) + 'y');
  if (w.endsWith('es')) forms.push(w.slice(0, -2));
  if (w.endsWith('s')) forms.push(w.slice(0, -1));
  if (STOP_WORDS.has(w)) return 'stop';
  for (const f of forms) {
    if (PERSON_NOUNS.has(f)) return 'person';
    if (TIME_NOUNS.has(f)) return 'time';
    if (COUNT_NOUNS.has(f)) return 'count';
  }
  return null;
});

// ------------------------------------------------------------------ phase A patterns

const MONTH_ALT = [...new Set(LEX.months.flatMap((m) => [m, m.toUpperCase()]))]
  .sort((a, b) => b.length - a.length)
  .map((m) => `${esc(m)}\\.?`)
  .join('|');
// months are always capitalised in English, so "may" the verb never matches (no i flag here)
const MONTH = `(?<![A-Za-z])(?:${MONTH_ALT})(?![A-Za-z])`;
const MONTH_RE = new RegExp(MONTH, 'gu');
const SP = '[ \\t\\u00a0\\r\\n]+';
const DAY = '(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?';
const YEAR4 = '(?:1[5-9]|20)\\d{2}';

interface SkipPattern {
  re: RegExp;
  reason: SkipReason;
  /** capture group whose span is the skip (default: whole match) */
  group?: number;
  /** extra test on the match; false = not this pattern */
  accept?: (m: RegExpExecArray, text: string) => boolean;
  /** the skip span when it is not the match (or a group); null = no skip */
  spanOf?: (m: RegExpExecArray, text: string) => [number, number] | null;
  /**
   * What every match holds (global), starting at most `back` units after the match's start: the search jumps to
   * `back` units before its next occurrence (a pattern tried at every position of a long page costs more than
   * finding this first). A match starting at or after lastIndex holds an occurrence at or after it.
   */
  ahead?: { re: RegExp; back: number };
  /**
   * The pattern opens with a lookbehind for the text's start or one of these characters ("(?<=^|[\n\f])"): a match
   * starts only there, so only there is it tried (sticky), not at every position of the page.
   */
  lineStart?: string;
  /**
   * The positions where a match may start (every one where one does, in order), from what the page's index holds:
   * the pattern is tried only there (sticky), not at every position of the page.
   */
  startsAt?: (text: string, index: PageIndex) => number[];
  /**
   * `re` (an alternation) as its alternatives, each a global pattern searched for on its own: a long alternation of
   * unlike shapes is tried at every position of the page, each alternative finds its own first character faster.
   * Merged, the earliest match wins, the first alternative on a tie: what `re` finds.
   */
  anyOf?: RegExp[];
}

/** Positions several patterns start from, each found once per page when first asked for. */
class PageIndex {
  private months: number[] | null = null;
  constructor(private readonly text: string) {}
  /** where a month name (MONTH) matches */
  monthStarts(): number[] {
    if (!this.months) {
      this.months = [];
      MONTH_RE.lastIndex = 0;
      for (let m = MONTH_RE.exec(this.text); m; m = MONTH_RE.exec(this.text)) this.months.push(m.index);
    }
    return this.months;
  }
}

/** the characters a day-before-month date holds between its first digit and the month: digits, st/nd/rd/th, "of", dashes, spaces */
const isDayMonthGapCode = (u: number): boolean =>
  (u >= 48 && u <= 57) || u === 115 || u === 116 || u === 110 || u === 100 || u === 114 || u === 104 || u === 111 || u === 102 || u === 45 || u === 0x2013 || isSpaceCode(u);
/**
 * Where a date written day first ("12 May", "3-5 of June 2020") may start: a digit run's start in the stretch of
 * such characters right before a month name.
 */
function dayBeforeMonthStarts(text: string, index: PageIndex): number[] {
  const out: number[] = [];
  for (const m of index.monthStarts()) {
    let i = m;
    while (i > 0 && isDayMonthGapCode(text.charCodeAt(i - 1))) i--;
    for (let j = i; j < m; j++) if (isDigitCode(text.charCodeAt(j)) && (j === 0 || !isDigitCode(text.charCodeAt(j - 1)))) out.push(j);
  }
  return sortedUnique(out);
}
function sortedUnique(a: number[]): number[] {
  a.sort((x, y) => x - y);
  return a.filter((x, i) => i === 0 || x !== a[i - 1]);
}

const stickyCopies = new WeakMap<RegExp, RegExp>();
/** the pattern with the sticky flag, to be tried at one position */
function stickyOf(re: RegExp): RegExp {
  let y = stickyCopies.get(re);
  if (!y) stickyCopies.set(re, (y = new RegExp(re.source, re.flags.replace('g', '') + 'y')));
  return y;
}

/**
 * The positions right after one of `chars` (line starts), in order, each searched for once: `after(from)` is the
 * first at or after from + 1 (-1: none). Each character's next occurrence is remembered, so a character that is
 * rare or absent is not searched for again at every line.
 */
function lineStarts(text: string, chars: string): { after(from: number): number } {
  const next = new Array<number>(chars.length).fill(-2);
  return {
    after(from: number): number {
      let best = -1;
      for (let k = 0; k < chars.length; k++) {
        if (next[k]! !== -1 && next[k]! < from) next[k] = text.indexOf(chars[k]!, from);
        const i = next[k]!;
        if (i >= 0 && (best < 0 || i < best)) best = i;
      }
      return best < 0 ? -1 : best + 1;
    },
  };
}

/** The text's start and each position after one of `chars`, ascending. */
function* eachLineStart(text: string, chars: string): Generator<number> {
  const starts = lineStarts(text, chars);
  for (let q = 0; q >= 0; q = starts.after(q)) yield q;
}

const PRODUCT_ALT = LEX.product_patterns.join('|');
const productPattern = (alternatives: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'gu');
/** the product patterns one by one (unless one refers to a group: group numbers change when they are split) */
const PRODUCT_SPLIT = LEX.product_patterns.some((p) => /\\(?:[1-9]|k<)/.test(p)) ? undefined : LEX.product_patterns.map(productPattern);
const NAME_PREFIX_ALT = alt(LEX.name_prefixes, (s) => esc(s));
const namePrefixPattern = (prefixAlt: string) => new RegExp(`(?<![\\p{L}])(?:${prefixAlt})${HS}*\\d+(?:[.-]\\d+)*(?!\\d|,\\d)`, 'gu');
/**
 * The name-prefix pattern as two: the capitalised prefixes, and the others ("page"). One lower-case first letter in
 * the alternation makes it try nearly every word of a page (3 + 2 ms apart against 14 together on the 4 MB page).
 * No position can start a prefix of both (the pattern is case-sensitive), so the earliest match of the two is the
 * pattern's.
 */
const NAME_PREFIX_SPLIT = [
  LEX.name_prefixes.filter((w) => /^[A-Z]/.test(w)),
  LEX.name_prefixes.filter((w) => !/^[A-Z]/.test(w)),
]
  .filter((group) => group.length > 0)
  .map((group) => namePrefixPattern(alt(group, (s) => esc(s))));
const PHONE_LABEL_ALT = alt(LEX.phone_labels, (s) => esc(s));
const REG_LABEL_ALT = alt(LEX.registration_labels, (s) => esc(s).replace(/ /g, '\\s*'));
const COPY_ALT = alt(LEX.copyright_markers, (s) => esc(s));
/** letters+digits tokens the figure grammar itself reads ("CNY13", "5bn", "km2") */
const ATTACHED_OK = new RegExp(
  `^(?:${alt(ALL_CURRENCY_PREFIXES.filter((p) => /^[A-Za-z]+$/.test(p)), esc)})?\\d*(?:${alt(
    [...LEX.scales.map((s) => s.word), ...SUFFIX_UNITS.keys()].filter((w) => /^[a-z0-9]+$/i.test(w)),
    esc,
  )})?$`,
  'i',
);

const NAMES_ALT = LEX.names.join('|');
const MONTH_OF_RANGE = `(?:0?[1-9]|1[0-2])`;
const CJK_MONTH_ALT = alt(LEX.month_ranges.months, esc);
const MONTH_RANGE_RE = new RegExp(
  `(?<![\\d.,])${MONTH_OF_RANGE}(?:${CJK_MONTH_ALT})?${HS}*(?:${alt(LEX.month_ranges.joiners, esc)})${HS}*${MONTH_OF_RANGE}(?:${CJK_MONTH_ALT})(?!\\d)`,
  'gu',
);
const MONTH_ALONE_RE = new RegExp(`(?<![\\d.,])${MONTH_OF_RANGE}(?:${CJK_MONTH_ALT})(?!\\d)`, 'gu');

function nextLineStartsWithUnit(text: string, end: number): boolean {
  const rest = text.slice(end, end + 40).replace(/^[ \t]*\r?\n[ \t]*/, '');
  SCALE_RE.lastIndex = 0;
  UNIT_SUFFIX_RE.lastIndex = 0;
  return SCALE_RE.test(rest) || UNIT_SUFFIX_RE.test(rest);
}

const SKIP_PATTERNS: SkipPattern[] = [
  // token-shaped patterns start only at a token start and are length-bounded, so a long run without
  // spaces costs one scan, not one per position
  {
    // found from its "@" (a fast scan) and widened left over the local part
    re: /@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu,
    reason: 'email',
    spanOf: (m, text) => {
      let i = m.index;
      while (i > 0 && m.index - i < 64 && /[\p{L}\p{N}._%+-]/u.test(text[i - 1]!)) i--;
      return i < m.index ? [i, m.index + m[0].length] : null;
    },
  },
  { re: /(?<![\w.:/-])(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]{1,2000}/gu, reason: 'url' },
  {
    re: /(?<![\w./%-])[\w./%-]{0,200}[\w-]\.(?:s?html?|aspx?|php|jsp|pdf|cgi|xml|json|jpe?g|png|gif)(?![A-Za-z])(?:[?#][^\s()<>"']{0,2000})?/gu,
    reason: 'url',
    ahead: { re: /\.(?:s?html?|aspx?|php|jsp|pdf|cgi|xml|json|jpe?g|png|gif)(?![A-Za-z])/gu, back: 201 },
  },
  { re: /(?<![^\s()<>"'])[^\s()<>"'?&]{0,200}[?&][\w%.-]{1,100}=[^\s()<>"']{0,2000}/gu, reason: 'url', ahead: { re: /[?&][\w%.-]{1,100}=/gu, back: 200 } },
  { re: new RegExp(`(?:${COPY_ALT})\\s*(?:©\\s*)?(?:${YEAR4})(?:\\s*[-–—]\\s*(?:${YEAR4}))?`, 'gu'), reason: 'copyright' },
  { re: new RegExp(`(?<![A-Za-z])(?:${PHONE_LABEL_ALT})\\s*[:：.]?[ \\t\\u00a0]*\\+?\\(?\\d[\\d \\u00a0().\\-–/]{5,}\\d`, 'gu'), reason: 'phone' },
  { re: /\+\d{1,3}(?:[ .-]\(?\d{1,4}\)?){2,5}(?!\d)/gu, reason: 'phone' },
  { re: /(?<![\d.,])\(0\d{2,3}\)[ -]?\d{7,8}(?!\d)/gu, reason: 'phone' },
  // ISO and Chinese dates before the generic hyphen-group phone shape
  { re: new RegExp(`(?<![\\d.,])${YEAR4}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\\d|3[01])(?!\\d)`, 'gu'), reason: 'date' },
  { re: /(?<!\d)\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|(?<!\d)\d{1,2}月\d{1,2}日/gu, reason: 'date' },
  // "1-6月", "1至9月": a period phrase; a month alone ("6月") is a date
  { re: MONTH_RANGE_RE, reason: 'month_range' },
  { re: MONTH_ALONE_RE, reason: 'date' },
  { re: /(?<![\d.,-])\d{2,4}(?:-\d{2,4}){2,}(?![\d-])/gu, reason: 'phone' },
  // (the patterns with a month name are tried only where one is, or right before one)
  {
    re: new RegExp(`(?<![\\d.,])${DAY}(?:\\s*[-–]\\s*${DAY})?${SP}(?:of${SP})?${MONTH},?${SP}${YEAR4}(?!\\d)`, 'gu'),
    reason: 'date',
    startsAt: dayBeforeMonthStarts,
  },
  { re: new RegExp(`${MONTH}${SP}${DAY}(?:\\s*[-–]\\s*${DAY})?,?${SP}${YEAR4}(?!\\d)`, 'gu'), reason: 'date', startsAt: (_, index) => index.monthStarts() },
  // "May 1988": a month and a year is a year reference
  { re: new RegExp(`${MONTH},?${SP}${YEAR4}(?!\\d|[,.]\\d)`, 'gu'), reason: 'year', startsAt: (_, index) => index.monthStarts() },
  { re: new RegExp(`${MONTH}${SP}${DAY}(?![\\d.,]\\d|\\d)`, 'gu'), reason: 'date', startsAt: (_, index) => index.monthStarts() },
  { re: new RegExp(`(?<![\\d.,])${DAY}${SP}(?:of${SP})?${MONTH}`, 'gu'), reason: 'date', startsAt: dayBeforeMonthStarts },
  { re: /(?<![\d.,])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])/gu, reason: 'date' },
  // dotted version or section numbers ("1.2.3", "v2.0.1") are labels, not quantities
  { re: /(?<![\d.,])\d+(?:\.\d+){2,}(?![\d])/gu, reason: 'code' },
  {
    // "Briefing 2024/3": a year, a slash and a short number is an issue (or a month), never a figure;
    // "2023/24" (the next year's two digits) is a year range, read below
    re: new RegExp(`(?<![\\d.,/])${YEAR4}/\\d{1,2}(?![\\d/]|[.,]\\d)`, 'gu'),
    reason: 'part_of_name',
    accept: (m) => {
      const [y, n] = m[0].split('/') as [string, string];
      return !(n.length === 2 && Number(n) === (Number(y) + 1) % 100);
    },
  },
  {
    re: new RegExp(`(?<![\\d.,])${YEAR4}${HS}*[-–—~/]${HS}*(?:${YEAR4}|\\d{2})(?![\\d.,]\\d|\\d|${HS}*(?:%|percent))`, 'gu'),
    reason: 'year_range',
  },
  { re: /(?<![\d.,])(?:(?:1[5-9]|20)\d0|['’]?\d0)s(?![\p{L}])/gu, reason: 'time_span' },
  { re: new RegExp(`(?:${REG_LABEL_ALT})[^\\s\\d]{0,3}\\d[\\d-]*`, 'gu'), reason: 'registration_number' },
  { re: /(?<![\d.,])\d{8,}(?![\d]|[.,]\d)/gu, reason: 'registration_number' },
  { re: /(?<![\d.,])\d+(?:st|nd|rd|th)(?![A-Za-z])/giu, reason: 'ordinal' },
  { re: productPattern(PRODUCT_ALT), reason: 'product_name', anyOf: PRODUCT_SPLIT },
  // rankings, indices and lists named with a number ("Fortune 500", "Top 100"): the vocabulary's names
  // (a Latin letter or a digit may not precede one; a Han character may: "多家世界500强")
  { re: new RegExp(`(?<![A-Za-z0-9])(?:${NAMES_ALT})(?!\\p{N}|[.,]\\d)`, 'gu'), reason: 'part_of_name' },
  {
    // an all-capitals word, a hyphen and digits ("COVID-19", "SARS-CoV-2", "F-35"): a name, unless the
    // letters are a currency ("RMB-5")
    // (bounded, and each part starts with what ends the one before, so a long letter run costs one pass)
    re: /(?<![\p{L}\p{N}-])\p{Lu}{2}\p{L}{0,30}(?:-\p{L}{1,30}){0,4}-\d{1,6}(?![\p{N}%]|[.,]\d)/gu,
    reason: 'part_of_name',
    accept: (m) => !CURRENCY_PREFIX.has(norm(m[0].slice(0, m[0].lastIndexOf('-')))),
  },
  { re: namePrefixPattern(NAME_PREFIX_ALT), reason: 'part_of_name', anyOf: NAME_PREFIX_SPLIT },
  {
    // "1. Strengthening", "2) Improving": a small number opening a line, then a capitalised word
    re: /(?<=^|[\n\f])[ \t]*(\(?\d{1,2}[.)])(?=[ \t]+[\p{Lu}“"])/gdu,
    lineStart: '\n\f',
    reason: 'list_number',
    group: 1,
    accept: (m, text) => {
      // not when the previous line ends mid-phrase ("… totaled\n42. The") — then it is a wrapped figure
      const before = text.slice(Math.max(0, m.index - 40), m.index).trimEnd();
      const w = prevWordAt(before, before.length);
      return !(w && /[\p{L}]$/u.test(before) && nounClass(w) === 'stop');
    },
  },
  {
    // a page's first or last line that is only a number ("2", "- 3 -", "Page 4", "4 / 12")
    re: /(?<=^|\f)[ \t]*((?:[Pp]age[ \t]+)?-?[ \t]*\d{1,4}[ \t]*-?(?:[ \t]*(?:\/|of)[ \t]*\d{1,4})?)[ \t]*(?=\r?\n|\f|$)/gdu,
    lineStart: '\f',
    reason: 'page_number',
    group: 1,
    accept: (m, text) => !nextLineStartsWithUnit(text, m.index + m[0].length),
  },
  {
    re: /(?<=^|\n)[ \t]*((?:[Pp]age[ \t]+)?-?[ \t]*\d{1,4}[ \t]*-?(?:[ \t]*(?:\/|of)[ \t]*\d{1,4})?)[ \t]*(?:\r?\n[ \t]*)*(?=\f|$)/gdu,
    lineStart: '\n',
    reason: 'page_number',
    group: 1,
  },
    // "0755" (area codes, ids); not the "000" of the "20, 000" artefact
  { re: /(?<![\d.,]|\d,\s)0\d+(?![\d.]|,\d)/gu, reason: 'code' },
];

/** a run of consecutive small integers ("1 2 3 … 11") is a pagination row */
const PAGINATION_RE = /(?<![\d.,])\d{1,3}(?:[ \t\u00a0\r\n]+\d{1,3}){2,}(?![\d.,%])/gu;
/**
 * letters glued to digits ("H7N9", "1200px", "tci2015"): codes, unless the figure grammar reads them; found where a
 * letter meets a digit, the code being the whole token of [A-Za-z0-9_] around it
 */
const LETTER_DIGIT = /[A-Za-z_]\d|\d[A-Za-z_]/g;
/** [A-Za-z0-9_] by code */
const isWordCode = (u: number): boolean => (u >= 48 && u <= 57) || (u >= 65 && u <= 90) || (u >= 97 && u <= 122) || u === 95;
const ORDINAL_TOKEN = /^\d+(?:st|nd|rd|th)$/i;

// ------------------------------------------------------------------ phase B/C/D patterns

/** the South Asian grouping "12,34,567" (= 1234567): groups of two, then a last group of three */
const INDIAN_GROUPS = '\\d{1,2}(?:,\\d{2})+,\\d{3}(?![\\d]|,\\d)';
/** a number: thousands groups with "," or the PDF artefact ", " (exactly three digits), or plain digits */
/** "5-10 percent": joiner + the second number of a range */
const RANGE_RE = new RegExp(
  `${HS}*(?:${alt(LEX.range_joiners, (s) => (/^[A-Za-z]/.test(s) ? `${esc(s)}(?=${HS})` : esc(s)))})${HS}*((?:${INDIAN_GROUPS}|\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?)(?!\\d)`,
  'uy',
);
const RANGE_BACK_RE = new RegExp(
  `${CURRENCY_PREFIX_RE.source.slice(0, -`${WS0}$`.length)}${HS}*\\d[\\d,]*(?:\\.\\d+)?${HS}*(?:${alt(LEX.range_joiners, esc)})${HS}*$`,
  'iu',
);
/** what RANGE_BACK_RE ends in: a range joiner, then spaces */
const RANGE_JOINER_END = new RegExp(`(?:${alt(LEX.range_joiners, esc)})${HS}*$`, 'iu');
/** whether a range joiner may end right before the spaces before `at` (RANGE_JOINER_END needs one there) */
const RANGE_JOINER_ENDINGS = new WordEndings(LEX.range_joiners);
function mayFollowRangeJoiner(text: string, at: number): boolean {
  return RANGE_JOINER_ENDINGS.mayEnd(text, wsStart(text, at, isHsCode));
}
const LIST_END_RE = /^\s+(?:and|or|&)\s+\d/u;
const NUMBER_RE = new RegExp(`(?<!\\d|\\d[.,])(?:${INDIAN_GROUPS}|\\d{1,3}(?:(?:,|, )\\d{3}(?!\\d))+|\\d+)(?:\\.\\d+)?(?!\\d)`, 'gu');

const W = LEX.word_numbers;
const ONES_ALT = alt(Object.keys(W.ones), esc);
const TENS_ALT = alt(Object.keys(W.tens), esc);
const UNIT_WORD_NUM = `(?:(?:${TENS_ALT})(?:-(?:${ONES_ALT}))?|${ONES_ALT})`;
const WORD_NUMBER_RE = new RegExp(
  `(?<![\\p{L}\\p{N}-])(?:${UNIT_WORD_NUM}|${esc(W.article)}(?=${WS1}(?:${alt(W.article_before, esc)})(?![\\p{L}])))` +
    `(?:${WS1}${esc(W.hundred)}(?:${WS1}(?:and${WS1})?${UNIT_WORD_NUM})?)?(?![\\p{L}\\p{N}])`,
  'giu',
);

const WORD_PARTITIVE_RE = new RegExp(`^${WS1}(?:${alt(W.partitive, esc)})(?![\\p{L}])`, 'iu');
const WORD_COUNT_RE = new RegExp(`(?:\\d|(?<![\\p{L}])(?:${UNIT_WORD_NUM})(?![\\p{L}]))`, 'iu');
/** up to three words of the noun phrase, then a coordinator and another number */
const WORD_COORDINATED_RE = new RegExp(
  `^(?:${WS1}[\\p{L}-]+){0,3}${WS0},?${WS1}(?:${alt(W.coordinators, esc)})${WS1}${WORD_COUNT_RE.source}`,
  'iu',
);

// ------------------------------------------------------------------ decimal arithmetic

/** value = mant × 10^exp, kept exact so bounds like 20.25e12 come out as the nearest double */
interface Decimal {
  mant: bigint;
  exp: number;
}
function dec(d: Decimal): number {
  // a mantissa a double holds exactly times or over a power of ten it holds exactly (10^22 at most): one correctly
  // rounded operation, the nearest double to the decimal as the string conversion gives it (strtod's fast path)
  if (d.mant <= MAX_EXACT_MANTISSA && d.mant >= -MAX_EXACT_MANTISSA && d.exp >= -22 && d.exp <= 22) {
    const m = Number(d.mant);
    return d.exp >= 0 ? m * EXACT_POWERS[d.exp]! : m / EXACT_POWERS[-d.exp]!;
  }
  return Number(`${d.mant}e${d.exp}`);
}
const MAX_EXACT_MANTISSA = 2n ** 53n;
/** 10^0 … 10^22: every one a double holds exactly */
const EXACT_POWERS = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
function parseDigits(s: string): Decimal {
  // digits with "," or ", " groups and one decimal point, 15 digits at most (every number of a page, nearly): read
  // in one pass into a mantissa a double holds exactly, without the intermediate strings of the general path
  let mant = 0;
  let digits = 0;
  let fracDigits = -1;
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) {
    const u = s.charCodeAt(i);
    if (u >= 48 && u <= 57) {
      mant = mant * 10 + (u - 48);
      digits++;
      if (fracDigits >= 0) fracDigits++;
    } else if (u === 44) {
      if (s.charCodeAt(i + 1) === 32) i++;
      else if (/\s/.test(s[i + 1] ?? '')) plain = false;
    } else if (u === 46 && fracDigits < 0) fracDigits = 0;
    else plain = false;
  }
  if (plain && digits > 0 && digits <= 15) return { mant: BigInt(mant), exp: fracDigits > 0 ? -fracDigits : 0 };
  const clean = s.replace(/,\s?/g, '');
  const [int, frac = ''] = clean.split('.');
  return { mant: BigInt(`${int}${frac}`), exp: -frac.length };
}

function addDec(a: Decimal, b: Decimal): Decimal {
  const e = Math.min(a.exp, b.exp);
  return { mant: a.mant * 10n ** BigInt(a.exp - e) + b.mant * 10n ** BigInt(b.exp - e), exp: e };
}
function midpoint(a: Decimal, b: Decimal): Decimal {
  const s = addDec(a, b);
  return { mant: s.mant * 5n, exp: s.exp - 1 };
}

/** the largest magnitude a published value may have: beyond it a double no longer means what the text says */
const MAX_MAGNITUDE = 1e30;
/** more digits than a double holds and than MAX_MAGNITUDE allows with any sensible precision */
const MAX_DIGITS = 40;
/** /^\d+$/ on text[start, end) (end > start), without the slice */
function allDigits(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!isDigitCode(text.charCodeAt(i))) return false;
  return true;
}
/** /\d/ on text[start, end), without the slice */
function hasDigitIn(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isDigitCode(text.charCodeAt(i))) return true;
  return false;
}
/** /,/ on text[start, end), without the slice */
function hasCommaIn(text: string, start: number, end: number): boolean {
  const c = text.indexOf(',', start);
  return c >= 0 && c < end;
}

/** a figure whose value or interval is infinite, NaN, beyond MAX_MAGNITUDE, or a non-zero amount that rounds to 0 */
function representable(f: { value: number; lo: number | null; hi: number | null }, part: Decimal, other?: Decimal): boolean {
  // (no arrays: asked for every figure of a page)
  if (!holdable(f.value) || !holdable(f.lo) || !holdable(f.hi)) return false;
  return (part.mant === 0n || dec(part) !== 0) && (other === undefined || other.mant === 0n || dec(other) !== 0);
}
function holdable(x: number | null): boolean {
  return x === null || (Number.isFinite(x) && Math.abs(x) <= MAX_MAGNITUDE);
}

/** the value of a word number ("forty-five", "two hundred and ten", "a hundred") */
function wordValue(words: string): number {
  let v = 0;
  for (const w of words.toLowerCase().split(/[\s-]+/)) {
    if (w === W.hundred) v = (v || 1) * 100;
    else if (w === W.article) v += 1;
    else v += W.ones[w] ?? W.tens[w] ?? 0;
  }
  return v;
}

// ------------------------------------------------------------------ compounds, fractions, range frames, names

const NUMBER_BODY = `(?:${INDIAN_GROUPS}|\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?`;

/** "… dollars 50 cents", "… and forty-five cents", "…元5角": a minor amount after a major one */
const COMPOUND_RE = new RegExp(
  `(?:${WS0}(?:${alt(LEX.compound_links)})${WS1}|${WS0})(?:(\\d{1,3})(?!\\d|[.,]\\d)|(${UNIT_WORD_NUM}))${WS0}(${alt(LEX.minor_units.map((m) => m.word))})`,
  'iuy',
);

/** the minor amounts completing a money figure that ends at `p` in `unit`, stated in units of 10^`exp` */
function compoundAfter(t: string, p: number, unit: Unit, exp: number): { end: number; minor: Decimal } | null {
  let total: Decimal | null = null;
  let end = p;
  let cur = exp;
  for (;;) {
    COMPOUND_RE.lastIndex = end;
    const m = COMPOUND_RE.exec(t);
    if (!m) break;
    const e = MINOR_UNITS.get(norm(m[3]!));
    if (!e || /\p{Lu}/u.test(m[3]!) || e.exp >= cur || !e.majors.has(unit)) break;
    const n = m[1] !== undefined ? BigInt(m[1]) : BigInt(wordValue(m[2]!));
    // less than one of the unit before it: "3 dollars 150 cents" is no compound
    if (n === 0n || n >= 10n ** BigInt(cur - e.exp)) break;
    const part: Decimal = { mant: n, exp: e.exp };
    total = total ? addDec(total, part) : part;
    end = COMPOUND_RE.lastIndex;
    cur = e.exp;
  }
  return total ? { end, minor: total } : null;
}

/** "half a million", "a quarter billion", "three quarters of a billion": a fraction right before a scale word */
const FRACTIONS = new Map(Object.entries(LEX.fractions.words).map(([w, v]) => [norm(w), v]));
const WHOLE_BEFORE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}.,-])(?:(\\d{1,3})|(${UNIT_WORD_NUM}))${WS1}(?:${alt(LEX.compound_links)})${WS1}$`,
  'iu',
);
const FRACTION_RE = new RegExp(
  `(?<![\\p{L}\\p{N}-])(?:${esc(W.article)}${WS1})?(${alt(Object.keys(LEX.fractions.words))})(?:${WS1}(?:${alt(LEX.fractions.links)}))?(?=${SCALE_RE.source})`,
  'giu',
);
const FRACTION_STICKY = new RegExp(FRACTION_RE.source, 'iuy');
/** each fraction word as its words ("three quarters": three, quarters) */
const FRACTION_WORD_TOKENS = Object.keys(LEX.fractions.words).map((w) => w.trim().split(/\s+/));
/** the last word of any fraction word (every one of its occurrences is found: a search from one past the last) */
const FRACTION_LAST_TOKEN_RE = new RegExp(alt([...new Set(FRACTION_WORD_TOKENS.map((ws) => ws[ws.length - 1]!))], esc), 'giu');
/**
 * Where FRACTION_RE may match (every position where it does, in order): the start of a fraction word whose last word
 * is found in the page, its other words before it over whitespace, or of the article before that. FRACTION_RE,
 * which opens with an optional one-letter article, is tried at every position of the page otherwise.
 */
function fractionStarts(t: string): number[] {
  const out: number[] = [];
  FRACTION_LAST_TOKEN_RE.lastIndex = 0;
  for (let m = FRACTION_LAST_TOKEN_RE.exec(t); m; m = FRACTION_LAST_TOKEN_RE.exec(t)) {
    const a = m.index;
    FRACTION_LAST_TOKEN_RE.lastIndex = a + 1;
    for (const tokens of FRACTION_WORD_TOKENS) {
      const last = tokens[tokens.length - 1]!;
      if (!mayEndWith(t, a + last.length, last)) continue;
      let pos = a;
      let ok = true;
      for (let i = tokens.length - 2; i >= 0 && ok; i--) {
        const e = wsStart(t, pos, isWsCode);
        if (e === pos || !mayEndWith(t, e, tokens[i]!)) ok = false;
        else pos = e - tokens[i]!.length;
      }
      if (!ok) continue;
      out.push(pos);
      const e = wsStart(t, pos, isWsCode);
      if (e < pos && mayEndWith(t, e, W.article)) out.push(e - W.article.length);
    }
  }
  return sortedUnique(out);
}

/** "between 150 and 160": the frames that open a range, each with the word joining its ends */
const RANGE_FRAMES = LEX.range_frames.map((f) => ({
  openLast: lastWordOf(f.open),
  open: new RegExp(`(?<![\\p{L}])${phrase(f.open)}${WS1}$`, 'iu'),
  join: new RegExp(
    `${WS1}${phrase(f.join)}${WS1}(?:(${alt(ALL_CURRENCY_PREFIXES, (s) => (/^[A-Za-z$]/.test(s) ? `(?<![A-Za-z])${esc(s)}` : esc(s)))})${WS0})?(${NUMBER_BODY})(?!\\d)`,
    'iuy',
  ),
}));
const RANGE_FRAME_ENDINGS = new WordEndings(RANGE_FRAMES.map((f) => f.openLast));
const RANGE_FRAME_MAX = Math.max(0, ...LEX.range_frames.map((f) => f.open.length)) + 12;
function frameBefore(t: string, at: number): { start: number; join: RegExp } | null {
  // an opening word ends right before the whitespace before `at`: the patterns are tried only where one may
  const e = wsStart(t, at, isWsCode);
  if (e === at || !RANGE_FRAME_ENDINGS.mayEnd(t, e)) return null;
  const from = Math.max(0, at - RANGE_FRAME_MAX);
  const before = t.slice(from, at);
  for (const f of RANGE_FRAMES) {
    const m = f.open.exec(before);
    if (m) return { start: from + m.index, join: f.join };
  }
  return null;
}
const RANGE_NOT_AFTER = new Set(LEX.range_not_after.map(norm));

/** words that never name a thing when capitalised before a number (sentence words, qualifiers, months) */
const NOT_NAME_WORDS = new Set([...STOP_WORDS, ...QUALS.keys(), ...LEX.months.map(norm), ...LEX.name_prefixes.map(norm)]);

/**
 * "Windows 11", "Zone 3": the start of a capitalised word that names the bare number after it — one space
 * between them, and the word inside a sentence (a lower-case word, a digit or a comma before it), so a
 * sentence opening "Over 300 …" or a heading is not read as a name. Null when there is none.
 */
/** the first word after `p` is a duration noun ("2 hours") */
function timeNounAt(t: string, p: number): boolean {
  WORD_RE.lastIndex = p;
  const m = WORD_RE.exec(t);
  return !!m && nounClass(m[1]!) === 'time';
}

function capitalisedNameBefore(t: string, ns: number): number | null {
  let i = ns - 1;
  if (i < 1 || !/[ \u00a0]/.test(t[i]!) || /[ \t\u00a0]/.test(t[i - 1]!)) return null;
  const end = i;
  i--;
  while (i >= 0 && end - i <= 40 && /\p{L}/u.test(t[i]!)) i--;
  const word = t.slice(i + 1, end);
  if (!/^\p{Lu}\p{Ll}+$/u.test(word) || NOT_NAME_WORDS.has(norm(word))) return null;
  if (i < 0 || !/[ \t\u00a0]/.test(t[i]!)) return null;
  let j = i;
  while (j >= 0 && i - j < 40 && /[ \t\u00a0]/.test(t[j]!)) j--;
  if (j < 0 || !/[\p{Ll}\p{N},]/u.test(t[j]!)) return null;
  return i + 1;
}

// ------------------------------------------------------------------ scanner

interface Suffix {
  end: number;
  scaleExp: number;
  unit: Unit | null;
  unitExp: number;
  unitWord: string | null;
  /** the number is a duration ("20 years"): span end */
  timeEnd: number | null;
  postQual: { bound: Bound; exclusive: boolean } | null;
}

/**
 * A minor unit read on its own ("45 cents", "3分") must be written in lower case ("Jiao Tong", "Fen River" are
 * names), must not run into a longer word ("3分钟" is minutes) and must not follow a score word in the same
 * clause ("得分90分"). True for any other unit word.
 */
function minorAloneOk(text: string, numberEnd: number, word: string, wordEnd: number): boolean {
  const e = MINOR_UNITS.get(norm(word));
  if (!e) return true;
  if (/\p{Lu}/u.test(word)) return false;
  if (e.notBefore.some((w) => text.startsWith(w, wordEnd))) return false;
  const before = text.slice(Math.max(0, numberEnd - 16), numberEnd).split(/[，。；;,.!?！？\n]/u).pop()!;
  return !e.notAfter.some((w) => before.includes(w));
}

/** /^[ \t]*[:：]/ on the three characters from `q` */
function colonWithin3(text: string, q: number): boolean {
  const end = Math.min(text.length, q + 3);
  let i = q;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i < end && (text.charCodeAt(i) === 58 || text.charCodeAt(i) === 0xff1a);
}

function readSuffix(text: string, p: number, currency: Unit | null, single: boolean): Suffix {
  const out: Suffix = { end: p, scaleExp: 0, unit: currency, unitExp: 0, unitWord: null, timeEnd: null, postQual: null };
  SCALE_RE.lastIndex = p;
  const sm = SCALE_RE.exec(text);
  if (sm) {
    const entry = SCALES.get(norm(sm[1]!))!;
    let ok = true;
    if (entry.needsCurrency && !currency) {
      CURRENCY_SUFFIX_RE.lastIndex = SCALE_RE.lastIndex;
      ok = CURRENCY_SUFFIX_RE.test(text);
    }
    // an attached abbreviation must not be the start of a longer word ("5 meters")
    if (ok) {
      out.scaleExp = entry.exp;
      out.end = SCALE_RE.lastIndex;
    }
  }
  UNIT_SUFFIX_RE.lastIndex = out.end;
  const um = UNIT_SUFFIX_RE.exec(text);
  if (um && minorAloneOk(text, p, um[1]!, UNIT_SUFFIX_RE.lastIndex)) {
    const e = SUFFIX_UNITS.get(norm(um[1]!))!;
    // "$5 billion dollars" keeps one currency; a different suffix currency after a prefix is not read
    if (!currency || e.unit === currency) {
      out.unit = e.unit;
      out.unitExp = e.exp;
      out.end = UNIT_SUFFIX_RE.lastIndex;
    }
  }
  // "1,000 or more firms", "20,000-odd staff": a post-qualifier may sit before the counted noun
  POST_QUAL_RE.lastIndex = out.end;
  const early = POST_QUAL_RE.exec(text);
  if (early) {
    out.postQual = POST_QUALS.get(norm(early[1]!)) ?? null;
    out.end = POST_QUAL_RE.lastIndex;
  }
  if (!out.unit) {
    // "11.4 for 10,000"
    RATE_RE.lastIndex = out.end;
    if (RATE_RE.exec(text)) {
      out.unit = 'per_10k';
      out.end = RATE_RE.lastIndex;
    }
  }
  if (!out.unit) {
    // look ahead for the counted noun over a few modifiers: "206 public (municipal) research laboratories"
    let q = out.end;
    let found: { cls: 'person' | 'count'; word: string; end: number } | null = null;
    let word = '';
    let prevWord = '';
    for (let i = 0; i < LEX.noun_window; i++) {
      WORD_RE.lastIndex = q;
      const wm = WORD_RE.exec(text);
      if (!wm) break;
      prevWord = word;
      let w = wm[1]!;
      word = w;
      q = WORD_RE.lastIndex;
      if (w.startsWith('(')) continue;
      // "1,530\nEmployees: 410,000": a word before a colon labels what follows, no number before it counts it
      if (colonWithin3(text, q)) break;
      let cls = nounClass(w);
      // "排名前10名", "第3名": a rank, not people
      if (cls === 'person' && RANK_BEFORE.some((r) => text.slice(Math.max(0, p - 16), p).replace(/[\d.,]+$/u, '').endsWith(r))) break;
      if (cls === null && HAN_START.test(w)) {
        // Chinese runs a classifier into the next word ("100家以上", "1500家企业"): the longest noun it starts with
        const rank = RANK_BEFORE.some((r) => text.slice(Math.max(0, p - 16), p).replace(/[\d.,]+$/u, '').endsWith(r));
        for (let n = Math.min(w.length - 1, 4); n >= 1 && !rank; n--) {
          const c = nounClass(w.slice(0, n));
          if (c === 'person' || c === 'count' || c === 'time') {
            q -= w.length - n;
            w = w.slice(0, n);
            cls = c;
            break;
          }
        }
      }
      if (cls === 'stop') break;
      if (cls === 'time') {
        // "6,100 last year": a time noun after "last"/"this"/"next" dates the number, it measures no span
        if (!found && !(i > 0 && TIME_DATERS.has(norm(prevWord)))) out.timeEnd = q;
        break;
      }
      if (cls === 'person' || cls === 'count') {
        found = { cls, word: w, end: q };
        // a singular noun after a plural number is a modifier ("29 city bus routes"): go on
        if (single || isPluralForm(w)) break;
      }
    }
    if (found) {
      out.unit = found.cls === 'person' ? 'persons' : 'count';
      out.unitWord = found.word;
      out.end = found.end;
      RATE_RE.lastIndex = found.end;
      if (RATE_RE.exec(text)) {
        out.unit = 'per_10k';
        out.end = RATE_RE.lastIndex;
      }
    }
  }
  if (out.timeEnd === null && !out.postQual) {
    POST_QUAL_RE.lastIndex = out.end;
    const pm = POST_QUAL_RE.exec(text);
    if (pm) {
      out.postQual = POST_QUALS.get(norm(pm[1]!)) ?? null;
      out.end = POST_QUAL_RE.lastIndex;
    }
  }
  return out;
}

function ruleFor(unit: Unit, scaleExp: number): string {
  if (MONEY_UNITS.has(unit)) return scaleExp ? 'grammar.currency.scale' : 'grammar.currency';
  switch (unit) {
    case 'percent':
      return 'grammar.percent';
    case 'percentage_points':
      return 'grammar.percentage_points';
    case 'times':
      return 'grammar.multiple';
    case 'km2':
      return 'grammar.area';
    case 'per_10k':
      return 'grammar.rate_per_10k';
    case 'persons':
      return 'grammar.persons';
    default:
      return scaleExp ? 'grammar.count.scale' : 'grammar.count';
  }
}

/** lo/hi from the bound and from the rounding of the stated digits (see units.yaml `interval`) */
function interval(
  d: Decimal,
  unit: Unit,
  scaled: boolean,
  bound: Bound,
  exclusive: boolean,
): Pick<FigureMatch, 'lo' | 'hi' | 'loExclusive' | 'hiExclusive'> {
  const v = dec(d);
  // half a unit of the last stated digit, when the statement is a rounded one
  const rounded = d.exp < 0 || scaled || ROUNDED_UNITS.has(unit);
  const halfLo = rounded ? dec({ mant: d.mant * 10n - 5n, exp: d.exp - 1 }) : v;
  const halfHi = rounded ? dec({ mant: d.mant * 10n + 5n, exp: d.exp - 1 }) : v;
  switch (bound) {
    case 'exact':
      return { lo: halfLo, hi: halfHi, loExclusive: false, hiExclusive: false };
    case 'lower':
      return { lo: v, hi: null, loExclusive: exclusive, hiExclusive: false };
    case 'upper':
      return { lo: null, hi: v, loExclusive: false, hiExclusive: exclusive };
    case 'approx': {
      const w = Math.max(LEX.interval.approx_relative * Math.abs(v), halfHi - v);
      return { lo: v - w, hi: v + w, loExclusive: false, hiExclusive: false };
    }
  }
}

class Scanner {
  readonly text: string;
  readonly claimed: Uint8Array;
  readonly figures: FigureMatch[] = [];
  readonly skips: SkipMatch[] = [];

  constructor(text: string) {
    this.text = text;
    this.claimed = new Uint8Array(text.length);
  }

  free(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.claimed[i]) return false;
    return true;
  }

  claim(start: number, end: number): void {
    this.claimed.fill(1, start, end);
  }

  skip(start: number, end: number, reason: SkipReason): boolean {
    if (end <= start || !this.free(start, end)) return false;
    if (!hasDigitIn(this.text, start, end)) return false;
    this.claim(start, end);
    this.skips.push({ start, end, text: this.text.slice(start, end), reason });
    return true;
  }

  // -------------------------------------------------------------- phase A
  structural(): void {
    const t = this.text;
    const index = new PageIndex(t);
    for (const p of SKIP_PATTERNS) {
      const take = (m: RegExpExecArray): void => {
        if (p.accept && !p.accept(m, t)) return;
        const span: [number, number] | null | undefined = p.spanOf
          ? p.spanOf(m, t)
          : p.group !== undefined
            ? m.indices?.[p.group]
            : [m.index, m.index + m[0].length];
        if (span) this.skip(span[0], span[1], p.reason);
      };
      if (p.startsAt || p.lineStart !== undefined) {
        // tried at each possible start (or each line start) in order, from the end of the last match on: what the
        // global search finds
        const y = stickyOf(p.re);
        let from = 0;
        for (const q of p.startsAt ? p.startsAt(t, index) : eachLineStart(t, p.lineStart!)) {
          if (q < from) continue;
          y.lastIndex = q;
          const m = y.exec(t);
          if (!m || m[0].length === 0) continue;
          take(m);
          from = q + m[0].length;
        }
        continue;
      }
      if (p.anyOf) {
        const res = p.anyOf;
        // each alternative's next match at or after `from` (undefined: not searched for yet)
        const next: (RegExpExecArray | null | undefined)[] = res.map(() => undefined);
        let from = 0;
        for (;;) {
          let best = -1;
          for (let i = 0; i < res.length; i++) {
            let m = next[i];
            if (m === undefined || (m !== null && m.index < from)) {
              res[i]!.lastIndex = from;
              next[i] = m = res[i]!.exec(t);
            }
            if (m && (best < 0 || m.index < next[best]!.index)) best = i;
          }
          if (best < 0) break;
          const m = next[best]!;
          if (m[0].length === 0) {
            from = m.index + 1;
            continue;
          }
          take(m);
          from = m.index + m[0].length;
        }
        continue;
      }
      p.re.lastIndex = 0;
      const next = (): RegExpExecArray | null => {
        if (p.ahead) {
          p.ahead.re.lastIndex = p.re.lastIndex;
          const a = p.ahead.re.exec(t);
          if (!a) return (p.re.lastIndex = 0), null;
          p.re.lastIndex = Math.max(p.re.lastIndex, a.index - p.ahead.back);
        }
        return p.re.exec(t);
      };
      for (let m = next(); m; m = next()) {
        if (m[0].length === 0) {
          p.re.lastIndex++;
          continue;
        }
        take(m);
      }
    }
    PAGINATION_RE.lastIndex = 0;
    for (let m = PAGINATION_RE.exec(t); m; m = PAGINATION_RE.exec(t)) {
      const nums = [...m[0].matchAll(/\d+/g)];
      const consecutive = nums.every((n, i) => i === 0 || Number(n[0]) === Number(nums[i - 1]![0]) + 1);
      if (!consecutive) continue;
      for (const n of nums) this.skip(m.index + n.index, m.index + n.index + n[0].length, 'page_number');
    }
    // found from where a letter meets a digit (a pattern for the whole token, tried at every word of the page,
    // backtracked over each word): the token of [A-Za-z0-9_] around it
    LETTER_DIGIT.lastIndex = 0;
    for (let m = LETTER_DIGIT.exec(t); m; m = LETTER_DIGIT.exec(t)) {
      let a = m.index;
      let b = m.index + 2;
      while (a > 0 && isWordCode(t.charCodeAt(a - 1))) a--;
      while (b < t.length && isWordCode(t.charCodeAt(b))) b++;
      LETTER_DIGIT.lastIndex = b;
      const tok = t.slice(a, b);
      if (ATTACHED_OK.test(tok) || ORDINAL_TOKEN.test(tok)) continue;
      this.skip(a, b, 'code');
    }
  }

  /** the qualifier ending right before `at`, if any */
  qualifierBefore(at: number): { start: number; bound: Bound; exclusive: boolean; amountsOnly: boolean } | null {
    // cheap filter first: the token before `at` must be able to end a qualifier
    const t = this.text;
    let i = at - 1;
    while (i >= 0 && isSpaceCode(t.charCodeAt(i))) i--;
    const tokEnd = i + 1;
    // ([\p{L}.~]: a letter, a full stop or a tilde)
    while (i >= 0 && tokEnd - i <= 24 && (isLetterAt(t, i) || t.charCodeAt(i) === 46 || t.charCodeAt(i) === 126)) i--;
    const tok = t.slice(i + 1, tokEnd).toLowerCase();
    if (!QUAL_LAST_WORDS.has(tok) && !(QUAL_CJK_LAST.has(tok.charCodeAt(tok.length - 1)) && QUAL_CJK.some((q) => tok.endsWith(q)))) return null;
    const from = Math.max(0, at - QUAL_MAX_LEN);
    const re = qualPatternFor(tok);
    const m = re ? re.exec(this.text.slice(from, at)) : null;
    if (!m) return null;
    const q = QUALS.get(norm(m[1]!));
    return q ? { start: from + m.index, ...q } : null;
  }

  prevWord(at: number): string | null {
    const w = prevWordAt(this.text, at);
    return w ? norm(w) : null;
  }

  /** (figureAt and rangeFrom build each figure whole: a copy per figure, or an object spread, cost a tenth of the scan) */
  addFigure(f: FigureMatch): void {
    this.claim(f.start, f.end);
    this.figures.push(f);
  }

  /** builds the figure around a number at [ns, ne) with value d; null when the context says it is none */
  figureAt(
    ns: number,
    ne: number,
    d: Decimal,
    kind: 'digits' | 'words',
    artefact: boolean,
    bare = false,
  ): { fig: FigureMatch | null; skip?: { start: number; end: number; reason: SkipReason } } {
    const t = this.text;
    let currency: Unit | null = null;
    let s0 = ns;
    if (kind === 'digits' && !bare) {
      const cm =
        CURRENCY_PREFIX_LAST.has(lastNonSpace(t, ns)) && mayFollowCurrencyPrefix(t, ns) ? CURRENCY_PREFIX_RE.exec(t.slice(Math.max(0, ns - 16), ns)) : null;
      if (cm) {
        currency = CURRENCY_PREFIX.get(norm(cm[1]!)) ?? null;
        if (currency) s0 = ns - (cm[0].length);
      } else {
        // the high end of "$3-4 billion" carries the currency stated before the low end
        // (only after a range joiner: most numbers have none, and the full pattern is tried at every position)
        const back = t.slice(Math.max(0, ns - 40), ns);
        const rb = mayFollowRangeJoiner(t, ns) && RANGE_JOINER_END.test(back) ? RANGE_BACK_RE.exec(back) : null;
        if (rb) currency = CURRENCY_PREFIX.get(norm(rb[1]!)) ?? null;
      }
    }
    let suf: Suffix = bare
      ? { end: ne, scaleExp: 0, unit: null, unitExp: 0, unitWord: null, timeEnd: null, postQual: null }
      : readSuffix(t, ne, currency, d.exp === 0 && d.mant === 1n);
    let fromTo = false;
    if (!bare && kind === 'digits') {
      const r = this.rangeFrom(ns, ne, s0, d, currency, suf);
      if (r === 'time_span') return { fig: null, skip: { start: ns, end: ne, reason: 'time_span' } };
      if (r === 'from') {
        // "grew from 2.1 to 2.3 trillion yuan": two figures, the first stated in the scale and unit of the second
        const high = readSuffix(t, RANGE_RE.lastIndex, currency, false);
        if (high.scaleExp || high.unit) {
          suf = { ...high, end: ne, postQual: null };
          fromTo = true;
        }
      } else if (r) return r;
    }
    // "Windows 11", "Zone 3": a capitalised word inside a sentence names the bare number after it
    if (!bare && kind === 'digits' && !fromTo && !currency && !suf.unit && !suf.scaleExp && !suf.postQual && ne - ns <= 3 && allDigits(t, ns, ne) && !timeNounAt(t, ne)) {
      const nameStart = capitalisedNameBefore(t, ns);
      if (nameStart !== null && !this.qualifierBefore(ns)) return { fig: null, skip: { start: nameStart, end: ne, reason: 'part_of_name' } };
    }
    if (suf.timeEnd !== null && !suf.unit) return { fig: null, skip: { start: ns, end: suf.timeEnd, reason: 'time_span' } };
    // the rate base stated before the number: "for every thousand residents there are 4.2 doctors"
    if (suf.unit === 'count' && suf.unitWord) {
      const before = t.slice(Math.max(0, ns - 80), ns);
      if (RATE_BASE_FIRST_RE.test(before) && RATE_BEFORE_RE.test(before)) suf = { ...suf, unit: 'per_10k' };
    }
    const prev = this.prevWord(s0);
    if (prev && DENOMINATOR_WORDS.has(prev) && !currency) {
      return { fig: null, skip: RATE_BASE_RE.test(t.slice(ns, ne)) ? { start: ns, end: ne, reason: 'rate_base' } : undefined };
    }
    const qualBefore = bare ? null : this.qualifierBefore(s0);
    // "the city passed 12 measures": a verb that bounds an amount names an act when a counted thing follows
    const qual = qualBefore?.amountsOnly && suf.unit === 'count' && suf.unitWord ? null : qualBefore;
    const scaled = suf.scaleExp !== 0;
    if (kind === 'digits' && d.exp === 0 && !artefact && !scaled && !suf.unit && !hasCommaIn(t, ns, ne)) {
      const v = Number(d.mant);
      if (v >= LEX.years.min && v <= LEX.years.max && ne - ns === 4) {
        return { fig: null, skip: { start: ns, end: ne, reason: 'year' } };
      }
    }
    if (kind === 'digits' && d.exp === 0 && ne - ns === 4 && !scaled && (suf.unit === 'count' || suf.unit === 'persons')) {
      // "around 2000 software companies" is a count; "In 2000 companies …" reads as a year
      const v = Number(d.mant);
      if (v >= LEX.years.min && v <= LEX.years.max && prev && YEAR_PREPS.has(prev) && !qual) {
        return { fig: null, skip: { start: ns, end: ne, reason: 'year' } };
      }
    }
    if (kind === 'words') {
      const one = dec(d) === 1;
      // "five of the parks" counts some of a set; "one of them" is no count
      const partitive = !one && !scaled && !suf.unit && WORD_PARTITIVE_RE.test(t.slice(ne, ne + 20));
      const isFigure = scaled || !!suf.unit || (qual !== null && !one) || partitive;
      if (!isFigure) return { fig: null };
      // "one" before a noun is the article ("One state park in Pune approved …", "a survey of one cluster"),
      // unless counted beside another count ("one area and 12 parks", "one platform for innovation and six measures")
      if (one && !scaled && qual === null && suf.unitWord !== null && !WORD_COORDINATED_RE.test(t.slice(suf.end, suf.end + 60))) return { fig: null };
      if (partitive) suf = { ...suf, unit: 'count' };
    }
    const unit: Unit = suf.unit ?? 'count';
    let value: Decimal = { mant: d.mant, exp: d.exp + suf.scaleExp + suf.unitExp };
    let end = suf.end;
    let compound = false;
    if (!bare && MONEY_UNITS.has(unit) && !scaled && d.exp === 0 && !suf.postQual) {
      // "3 dollars 50 cents", "3元5角2分": smaller units of the same currency complete the amount
      const c = compoundAfter(t, end, unit, suf.unitExp);
      if (c) {
        value = addDec(value, c.minor);
        end = c.end;
        compound = true;
      }
    }
    const bq = suf.postQual ?? (qual ? { bound: qual.bound, exclusive: qual.exclusive } : null);
    const bound: Bound = bq?.bound ?? 'exact';
    const start = qual ? qual.start : s0;
    const rule = compound
      ? 'grammar.currency.compound'
      : fromTo
        ? 'grammar.from_to'
        : kind === 'words'
        ? 'grammar.word_number'
        : artefact
          ? 'grammar.thousands_space_artifact'
          : ruleFor(unit, suf.scaleExp);
    const iv = interval(value, unit, scaled, bound, bq?.exclusive ?? false);
    const fig: FigureMatch = {
      start,
      end,
      numberStart: ns,
      numberEnd: ne,
      value: dec(value),
      unit,
      unitWord: suf.unitWord,
      bound,
      lo: iv.lo,
      hi: iv.hi,
      loExclusive: iv.loExclusive,
      hiExclusive: iv.hiExclusive,
      rule,
      valueText: t.slice(start, end),
      pairedWith: null,
    };
    if (!representable(fig, value)) return { fig: null, skip: { start: ns, end: ne, reason: 'not_representable' } };
    return { fig };
  }

  /**
   * A range starting at the number [ns, ne): "150-160 companies", "2.1–2.3 trillion yuan", "between 150 and
   * 160", "ranging from 5 to 10 percent". One figure: its interval [lo, hi] is the two stated ends (no rounding
   * margin: the text states the interval itself), its value the midpoint of the ends, its bound 'approx'. The low end borrows the scale, unit and currency stated after
   * the high end. Null when the number opens no range; 'time_span' for "20-30 years".
   */
  rangeFrom(
    ns: number,
    ne: number,
    s0: number,
    d: Decimal,
    currency: Unit | null,
    low: Suffix,
  ): { fig: FigureMatch | null; skip?: { start: number; end: number; reason: SkipReason } } | 'time_span' | 'from' | null {
    const t = this.text;
    const isYear = (s: string) => /^\d{4}$/.test(s) && Number(s) >= LEX.years.min && Number(s) <= LEX.years.max;
    const frame = frameBefore(t, s0);
    let highText: string;
    let highEnd: number;
    let wordJoin: boolean;
    if (frame) {
      // "between 3 billion and 4 billion yuan": the low end may carry its own scale or unit
      const jr = frame.join;
      jr.lastIndex = low.end;
      const jm = jr.exec(t);
      if (!jm) return null;
      if (jm[1] && CURRENCY_PREFIX.get(norm(jm[1])) !== currency) return null;
      highText = jm[2]!;
      highEnd = jr.lastIndex;
      wordJoin = true;
    } else {
      if ((low.unit ?? currency) !== currency || low.scaleExp || low.end !== ne) return null;
      RANGE_RE.lastIndex = ne;
      const rm = RANGE_RE.exec(t);
      if (!rm) return null;
      wordJoin = /[A-Za-z]/.test(rm[0]);
      // "grew from 150 to 160 companies" is a change, not a range
      const prev = this.prevWord(s0);
      if (wordJoin && prev && RANGE_NOT_AFTER.has(prev)) return isYear(t.slice(ns, ne)) ? null : 'from';
      highText = rm[1]!;
      highEnd = RANGE_RE.lastIndex;
    }
    const lowText = t.slice(ns, ne);
    // "fell in 2012 to 5 percent" is a year then a figure; "between 2012 and 2015" two years
    if (isYear(lowText) && (wordJoin || isYear(highText))) return null;
    const high = readSuffix(t, highEnd, currency, false);
    if (high.timeEnd !== null && !high.unit) return 'time_span';
    // bare ends ("150 to 160 more"): a range only with a word between them ("18-25" may be a score or a code)
    // and of one order of magnitude ("up 12 to 1,500" is a change and a level)
    const bareEnds = !frame && !high.scaleExp && !high.unit;
    if (bareEnds && !wordJoin) return null;
    const lowUnit = low.unit ?? currency;
    const highUnit = high.unit ?? currency;
    if (frame && lowUnit !== null && highUnit !== null && lowUnit !== highUnit) return null;
    const unit: Unit = highUnit ?? lowUnit ?? 'count';
    const lowOwn = frame !== null && (low.scaleExp !== 0 || low.unit !== null);
    const lowExp = lowOwn ? low.scaleExp + low.unitExp : high.scaleExp + high.unitExp;
    const hd = parseDigits(highText);
    const lowVal: Decimal = { mant: d.mant, exp: d.exp + lowExp };
    const highVal: Decimal = { mant: hd.mant, exp: hd.exp + high.scaleExp + high.unitExp };
    if (!(dec(lowVal) < dec(highVal))) return null;
    if (bareEnds && dec(highVal) > 10 * dec(lowVal)) return null;
    // the interval a range states is its two ends (a rounding margin on top would widen what the text says)
    const lo = dec(lowVal);
    const hi = dec(highVal);
    const qual = this.qualifierBefore(frame ? frame.start : s0);
    // an approximate qualifier belongs to the range ("about 150-160"); a bound ("more than 5-10") does not fit one
    const start = qual?.bound === 'approx' ? qual.start : frame ? frame.start : s0;
    const fig: FigureMatch = {
      start,
      end: high.end,
      numberStart: ns,
      numberEnd: highEnd,
      value: dec(midpoint(lowVal, highVal)),
      unit,
      unitWord: high.unitWord ?? low.unitWord,
      bound: 'approx',
      lo,
      hi,
      loExclusive: false,
      hiExclusive: false,
      rule: 'grammar.range',
      valueText: t.slice(start, high.end),
      pairedWith: null,
    };
    if (!representable(fig, lowVal, highVal)) return { fig: null, skip: { start: ns, end: highEnd, reason: 'not_representable' } };
    return { fig };
  }

  // -------------------------------------------------------------- phase C
  digits(): void {
    const t = this.text;
    NUMBER_RE.lastIndex = 0;
    for (let m = NUMBER_RE.exec(t); m; m = NUMBER_RE.exec(t)) {
      const ns = m.index;
      let ne = ns + m[0].length;
      if (this.claimed[ns]) continue;
      let numText = m[0];
      let artefact = numText.includes(', ');
      // "16, 206, 671 and 90" is a list, not 16206671: the artefact does not continue a comma list, and
      // a multi-group one ("1, 000, 000") is a list when an "and/or N" ends it
      if (
        artefact &&
        (/^,\s?\d/.test(t.slice(ne, ne + 3)) ||
          /\d,\s?$/.test(t.slice(Math.max(0, ns - 3), ns)) ||
          (numText.split(', ').length > 2 && LIST_END_RE.test(t.slice(ne, ne + 12))))
      ) {
        numText = numText.slice(0, numText.indexOf(','));
        ne = ns + numText.length;
        artefact = false;
        NUMBER_RE.lastIndex = ne;
      }
      if (!this.free(ns, ne)) {
        // a number running into a claimed span: cover the free digits as a code, never a figure
        for (let i = ns; i < ne; i++) if (!this.claimed[i] && /\d/.test(t[i]!)) this.skip(i, i + 1, 'code');
        continue;
      }
      // more digits than any figure states: not parsed at all (big-integer text conversion grows with the square)
      if (numText.length > MAX_DIGITS && numText.replace(/\D/g, '').length > MAX_DIGITS) {
        this.skip(ns, ne, 'not_representable');
        continue;
      }
      const r = this.figureAt(ns, ne, parseDigits(numText), 'digits', artefact);
      if (r.fig && this.free(r.fig.start, r.fig.end)) {
        this.addFigure(r.fig);
        NUMBER_RE.lastIndex = Math.max(NUMBER_RE.lastIndex, r.fig.end);
      } else if (r.fig) {
        // its qualifier or unit words collide with a structural skip: keep the bare number
        const bare = this.figureAt(ns, ne, parseDigits(numText), 'digits', artefact, true);
        if (bare.fig) this.addFigure(bare.fig);
        else this.skip(ns, ne, bare.skip?.reason ?? 'code');
      } else if (r.skip && this.skip(r.skip.start, r.skip.end, r.skip.reason)) {
        NUMBER_RE.lastIndex = Math.max(NUMBER_RE.lastIndex, r.skip.end);
      } else {
        this.skip(ns, ne, 'code');
      }
    }
  }

  // -------------------------------------------------------------- phase B (fractions) and D (word numbers)
  /** "half a million", "three quarters of a billion": read before the digits and word numbers (which would take "a million") */
  fractions(): void {
    const t = this.text;
    // tried where it may start, in order, from the end of the last match on: what the global search finds
    let from = 0;
    for (const q of fractionStarts(t)) {
      if (q < from) continue;
      FRACTION_STICKY.lastIndex = q;
      const m = FRACTION_STICKY.exec(t);
      if (!m) continue;
      let ns = m.index;
      const ne = ns + m[0].length;
      from = ne;
      const v = FRACTIONS.get(norm(m[1]!));
      if (v === undefined || !this.free(ns, ne)) continue;
      let d = parseDigits(String(v));
      // "one and a half million", "2 and a half billion": the whole number before belongs to the figure
      const w = WHOLE_BEFORE_RE.exec(t.slice(Math.max(0, ns - 40), ns));
      if (w) {
        const whole = w[1] !== undefined ? BigInt(w[1]) : BigInt(wordValue(w[2]!));
        d = addDec({ mant: whole, exp: 0 }, d);
        ns -= w[0].length;
        if (!this.free(ns, ne)) continue;
      }
      const r = this.figureAt(ns, ne, d, 'words', false);
      if (r.fig && r.fig.rule === 'grammar.word_number' && this.free(r.fig.start, r.fig.end)) {
        r.fig.rule = 'grammar.fraction';
        this.addFigure(r.fig);
        from = Math.max(from, r.fig.end);
      }
    }
  }

  words(): void {
    const t = this.text;
    WORD_NUMBER_RE.lastIndex = 0;
    for (let m = WORD_NUMBER_RE.exec(t); m; m = WORD_NUMBER_RE.exec(t)) {
      const ns = m.index;
      const ne = ns + m[0].length;
      if (!this.free(ns, ne)) continue;
      // compounds ("one-plus-six", "Five-year") are adjectives or names, not counts
      if (/^-\p{L}/u.test(t.slice(ne, ne + 2))) continue;
      // a capitalised number word inside a sentence is a name ("One Space Technology")
      if (/^\p{Lu}/u.test(m[0]) && !/(?:^|[.!?:;"“”(\[\n\f])\s*$/u.test(t.slice(Math.max(0, ns - 4), ns))) continue;
      const r = this.figureAt(ns, ne, { mant: BigInt(wordValue(m[0])), exp: 0 }, 'words', false);
      if (r.fig && this.free(r.fig.start, r.fig.end)) {
        this.addFigure(r.fig);
        WORD_NUMBER_RE.lastIndex = Math.max(WORD_NUMBER_RE.lastIndex, r.fig.end);
      } else if (r.skip?.reason === 'time_span' && this.free(r.skip.start, r.skip.end)) {
        // word durations are recorded like digit ones ("two decades"), so the reader sees why
        this.claim(r.skip.start, r.skip.end);
        this.skips.push({ ...r.skip, text: t.slice(r.skip.start, r.skip.end) });
      }
    }
  }

  // -------------------------------------------------------------- phase E
  leftovers(): void {
    const re = /\d+/g;
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) {
      let i = m.index;
      const end = i + m[0].length;
      while (i < end) {
        if (this.claimed[i]) {
          i++;
          continue;
        }
        let j = i;
        while (j < end && !this.claimed[j]) j++;
        this.skip(i, j, 'code');
        i = j;
      }
    }
  }

  /** "27.9 trillion yuan ($4 trillion)": the same amount in two currencies */
  pair(): void {
    const f = this.figures;
    for (let i = 0; i + 1 < f.length; i++) {
      const a = f[i]!;
      const b = f[i + 1]!;
      if (!MONEY_UNITS.has(a.unit) || !MONEY_UNITS.has(b.unit) || a.unit === b.unit) continue;
      const between = this.text.slice(a.end, b.start);
      const after = this.text.slice(b.end, b.end + 3);
      if (/^\s*[(（]\s*(?:or\s+|i\.e\.\s*|about\s+)?$/u.test(between) && /^\s*[)）]/u.test(after)) {
        a.pairedWith = i + 1;
        b.pairedWith = i;
      }
    }
  }
}

/**
 * Finds every figure and every non-figure number in `text`. Both lists are sorted by start; every
 * digit run of the text lies inside exactly one figure or one skip. Word numbers appear only when
 * they are figures (or durations, as 'time_span' skips).
 */
export function scanFigures(text: string): { figures: FigureMatch[]; skips: SkipMatch[] } {
  const s = new Scanner(text);
  s.structural();
  s.fractions();
  s.digits();
  s.words();
  s.leftovers();
  s.figures.sort((a, b) => a.start - b.start);
  s.skips.sort((a, b) => a.start - b.start);
  s.pair();
  return { figures: s.figures, skips: s.skips };
}
