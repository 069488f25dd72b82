import { z } from 'zod';
import { readLanguageFile } from '../extract/language.js';
import { escapeHtml } from './html.js';

/**
 * The one way figtrail writes a number for a reader: a short form ("16.596 trillion yuan", "12.695 million
 * persons", "459,000 persons", "28.5%") with the exact value beside it for a hover title ("16,596,000,000,000
 * yuan"). Every page of the audit site, the charts' axes and `figtrail explain` use it. The words (scale
 * words, unit names, separators) are language data: extract/language/display.yaml.
 */

const DisplaySchema = z
  .object({
    version: z.literal(1),
    scales: z.array(z.object({ factor: z.number().positive(), word: z.string().min(1) }).strict()).min(1),
    group: z.string(),
    group_from: z.number().positive(),
    decimal: z.string().min(1),
    significant: z.number().int().min(1).max(17),
    units: z.record(z.string(), z.object({ word: z.string(), one: z.string().optional(), attached: z.boolean().optional() }).strict()),
  })
  .strict();
export type DisplayLanguage = z.infer<typeof DisplaySchema>;

export class DisplayLanguageError extends Error {
  override name = 'DisplayLanguageError';
}

/** Reads and validates a display language (display.yaml's shape); scales come back largest first. */
export function parseDisplayLanguage(data: unknown, file = 'display.yaml'): DisplayLanguage {
  const r = DisplaySchema.safeParse(data);
  if (!r.success) throw new DisplayLanguageError(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return { ...r.data, scales: [...r.data.scales].sort((a, b) => b.factor - a.factor) };
}

let memo: DisplayLanguage | null = null;
/** The engine's display language (extract/language/display.yaml), read once. */
export function displayLanguage(): DisplayLanguage {
  return (memo ??= parseDisplayLanguage(readLanguageFile('display.yaml').data, 'extract/language/display.yaml'));
}

/** The decimal digits of a finite number, never in exponent notation ("1.2695e7" → "12695000"). */
function plainDigits(v: number): string {
  const s = String(Math.abs(v));
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[1]! + (m[2] ?? '');
  const point = m[1]!.length + Number(m[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A number written whole: digit groups from `group_from` up, the language's decimal sign. */
export function exactNumber(v: number, lang = displayLanguage()): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'NaN';
  const [int, frac] = plainDigits(v).split('.') as [string, string | undefined];
  const grouped = Math.abs(v) >= lang.group_from ? int.replace(/\B(?=(\d{3})+$)/g, lang.group) : int;
  return `${v < 0 ? '−' : ''}${grouped}${frac ? lang.decimal + frac : ''}`;
}

const round = (v: number, significant: number) => Number(v.toPrecision(significant));

/** The short form of a number: scaled by the largest scale word it reaches, to `significant` digits. */
function shortParts(v: number, lang: DisplayLanguage): { number: string; scale: string | null } {
  if (!Number.isFinite(v)) return { number: exactNumber(v, lang), scale: null };
  const a = Math.abs(v);
  for (const s of lang.scales) if (a >= s.factor) return { number: exactNumber(round(v / s.factor, lang.significant), lang), scale: s.word };
  return { number: exactNumber(round(v, lang.significant), lang), scale: null };
}

/** "16.596 trillion", "459,000", "28.5": a number without its unit (axes, running text). */
export function formatNumber(v: number, lang = displayLanguage()): string {
  const p = shortParts(v, lang);
  return p.scale ? `${p.number} ${p.scale}` : p.number;
}

/** The words of a unit after a number (a unit the language does not name is written by its id). */
function unitWord(unit: string, v: number, lang: DisplayLanguage): { word: string; attached: boolean } {
  const u = Object.hasOwn(lang.units, unit) ? lang.units[unit] : undefined;
  if (!u) return { word: unit, attached: false };
  return { word: v === 1 && u.one !== undefined ? u.one : u.word, attached: u.attached === true };
}

function withUnit(number: string, unit: string, v: number, lang: DisplayLanguage): string {
  const u = unitWord(unit, v, lang);
  if (!u.word) return number;
  return u.attached ? `${number}${u.word}` : `${number} ${u.word}`;
}

/** A value with its unit, short form ("16.596 trillion yuan", "105", "28.5%"); null is "—". */
export function formatValue(v: number | null | undefined, unit: string, lang = displayLanguage()): string {
  if (v === null || v === undefined) return '—';
  return withUnit(formatNumber(v, lang), unit, v, lang);
}

/** A value with its unit, every digit ("16,596,000,000,000 yuan"): the hover title of formatValue. */
export function exactValue(v: number | null | undefined, unit: string, lang = displayLanguage()): string {
  if (v === null || v === undefined) return '—';
  return withUnit(exactNumber(v, lang), unit, v, lang);
}

export interface IntervalLike {
  lo: number | null;
  hi: number | null;
  lo_exclusive?: boolean;
  hi_exclusive?: boolean;
  unit: string;
}

const open = (f: IntervalLike) => (f.lo === null || f.lo_exclusive ? '(' : '[');
const close = (f: IntervalLike) => (f.hi === null || f.hi_exclusive ? ')' : ']');

/**
 * "[12.6945, 12.6955] million persons", "[28.45%, 28.55%]", "(3 trillion yuan, +∞)": exclusive ends in
 * parentheses, a missing end as ±∞. Both ends on one scale share the scale and unit words.
 */
export function formatInterval(f: IntervalLike, lang = displayLanguage()): string {
  const unit = unitWord(f.unit, 2, lang);
  if (f.lo !== null && f.hi !== null && !unit.attached) {
    const lo = shortParts(f.lo, lang), hi = shortParts(f.hi, lang);
    if (lo.scale === hi.scale) {
      const words = [lo.scale, unit.word].filter(Boolean).join(' ');
      return `${open(f)}${lo.number}, ${hi.number}${close(f)}${words ? ` ${words}` : ''}`;
    }
  }
  const lo = f.lo === null ? '−∞' : formatValue(f.lo, f.unit, lang);
  const hi = f.hi === null ? '+∞' : formatValue(f.hi, f.unit, lang);
  return `${open(f)}${lo}, ${hi}${close(f)}`;
}

/** The interval with every digit: the hover title of formatInterval. */
export function exactInterval(f: IntervalLike, lang = displayLanguage()): string {
  const lo = f.lo === null ? '−∞' : exactNumber(f.lo, lang);
  const hi = f.hi === null ? '+∞' : exactNumber(f.hi, lang);
  const unit = unitWord(f.unit, 2, lang);
  if (unit.attached) return `${open(f)}${f.lo === null ? lo : lo + unit.word}, ${f.hi === null ? hi : hi + unit.word}${close(f)}`;
  return `${open(f)}${lo}, ${hi}${close(f)}${unit.word ? ` ${unit.word}` : ''}`;
}

/** HTML: the short value, the exact one as its title. */
export function valueHtml(v: number | null | undefined, unit: string, cls = 'v'): string {
  return `<span class="${escapeHtml(cls)}" title="${escapeHtml(exactValue(v, unit))}">${escapeHtml(formatValue(v, unit))}</span>`;
}

/** HTML: the short interval, the exact one as its title. */
export function intervalHtml(f: IntervalLike, cls = 'iv'): string {
  return `<span class="${escapeHtml(cls)}" title="${escapeHtml(exactInterval(f))}">${escapeHtml(formatInterval(f))}</span>`;
}

// ---------------------------------------------------------------------------------------------------------
// running text written by the engine (check messages, a fact's reasoning)

/**
 * Quoted document text inside engine-written text: a JSON string literal ("78,000\nenterprises", as some
 * checks write quotes) or a single-quoted quote ('over 968 billion⏎yuan', as the reconciliation writes them;
 * a quote may hold an apostrophe, so a closing quote is one followed by punctuation, a space or the end).
 */
const QUOTED = /"(?:[^"\\\n]|\\.)*"|(?<=^|[\s:(,;])'(?:[^']|'(?![\s)(,;.]|$))*'(?=[\s)(,;.]|$)/g;
/** A number as engines print it (JSON, SQL `format`), not part of an id, a date or a larger number. */
const NUMBER = /(?<![\w./:\-−])(?<!\d,)[-−]?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w/:%\-−]|[.,]\d)/gi;

function proseNumbers(text: string): string {
  let out = '';
  let pos = 0;
  for (const m of text.matchAll(NUMBER)) {
    const v = Number(m[0].replace('−', '-'));
    out += escapeHtml(text.slice(pos, m.index));
    pos = m.index + m[0].length;
    // a short number in plain digits stays as written ("13.0" keeps its stated precision)
    const plain = !/e/i.test(m[0]) && Math.abs(v) < displayLanguage().group_from;
    const short = Number.isFinite(v) && !plain ? formatNumber(v) : m[0];
    out += short === m[0] ? escapeHtml(m[0]) : `<span class="n" title="${escapeHtml(exactNumber(v))}">${escapeHtml(short)}</span>`;
  }
  out += escapeHtml(text.slice(pos));
  return out.replace(/\r\n|\r|\n/g, '<br>');
}

function quotedText(q: string): string {
  let inner = q.slice(1, -1);
  if (q.startsWith('"')) {
    try {
      inner = JSON.parse(q) as string;
    } catch {
      /* not a JSON literal after all: shown as written */
    }
  }
  // a quote's line breaks are where the document's lines wrapped, not the writer's: one space
  return `<q>${escapeHtml(inner.replace(/\s+/g, ' '))}</q>`;
}

/**
 * Engine-written text as HTML for a reader: quoted document text shown as a quote with its escapes decoded
 * and its line breaks as spaces; numbers outside quotes in the one number format (exact value on hover);
 * line breaks of the text itself as line breaks. Quotes are never reformatted.
 */
export function proseHtml(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  let out = '';
  let pos = 0;
  for (const m of text.matchAll(QUOTED)) {
    out += proseNumbers(text.slice(pos, m.index));
    out += quotedText(m[0]);
    pos = m.index + m[0].length;
  }
  return out + proseNumbers(text.slice(pos));
}
