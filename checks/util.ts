import { OffsetIndex, joinPages, pageAt, type PageSpan } from '../extract/offsets.js';
import type { Mention } from '../extract/records.js';
import { relationOf } from './relations.js';
import type { CheckContext, Fact, Finding, Place, Severity, Status } from './types.js';

// ---------------------------------------------------------------- findings

export const NO_PLACE: Place = {
  source_id: null,
  page: null,
  char_start: null,
  char_end: null,
  mention_id: null,
  fact_id: null,
  table: null,
};

export function finding(
  rule_id: string,
  severity: Severity,
  status: Status,
  message: string,
  place: Partial<Place> = {},
  actual: string | null = null,
  expected: string | null = null,
): Finding {
  return { rule_id, severity, status, message, place: { ...NO_PLACE, ...place }, actual, expected };
}

export function mentionPlace(m: Mention): Partial<Place> {
  return { source_id: m.source_id, page: m.page, char_start: m.char_start, char_end: m.char_end, mention_id: m.mention_id };
}

/** Place of a run of mentions (first … last) in one source. */
export function spanPlace(first: Mention, last: Mention): Partial<Place> {
  return { ...mentionPlace(first), char_end: last.char_end };
}

export function factPlace(f: Fact): Partial<Place> {
  return { fact_id: f.fact_id };
}

// ---------------------------------------------------------------- numbers

/** Plain number for messages: no exponent, at most 6 decimals, trailing zeros dropped. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const s = x.toFixed(6).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** "27.6 %" — a percentage with one decimal. */
export function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞ %' : '-∞ %';
  const s = x.toFixed(1);
  return `${s === '-0.0' ? '0.0' : s} %`;
}

/** Stated percentages keep their own precision: "36.5 %", "48 %". */
export function fmtStatedPct(m: Pick<Mention, 'value'>): string {
  return `${fmtNum(m.value)} %`;
}

export interface Interval {
  lo: number;
  hi: number;
}

export interface Slack {
  open_bound_slack: number;
  approx_slack: number;
  epsilon: number;
}

export function slackOf(ctx: Pick<CheckContext, 'relations'>): Slack {
  const t = relationOf(ctx.relations, 'tolerances');
  return { open_bound_slack: t.open_bound_slack, approx_slack: t.approx_slack, epsilon: t.epsilon };
}

/**
 * Half a unit of the last stated digit of `value_text`, in value units: "6.98 million" → 5 000,
 * "14 million" → 500 000, "36.5" percent → 0.05, "48" percent → 0.5. A bare integer that is not a
 * percentage ("229 companies", "78,000") is taken as exact: 0.
 */
export function roundingHalfUnit(valueText: string, value: number, unit: string): number {
  const m = /(\d[\d,]*)(?:\.(\d+))?/.exec(valueText);
  if (!m) return 0;
  const digits = Number((m[1] ?? '').replace(/,/g, '') + (m[2] ? `.${m[2]}` : ''));
  if (!Number.isFinite(digits) || digits === 0) return 0;
  const decimals = m[2]?.length ?? 0;
  // value may be scaled ("6.98 million" → 6 980 000): scale the half unit likewise
  const scale = Math.abs(value / digits);
  const scaled = Math.abs(scale - 1) > 1e-9;
  if (decimals === 0 && !scaled && unit !== 'percent') return 0;
  return 0.5 * 10 ** -decimals * scale;
}

/**
 * The range a mention's figure stands for: its published lo/hi when present, otherwise its bound
 * ("more than N" → [N, N × (1 + open_bound_slack)]) or rounding of the stated digits.
 * An open side of a published bound gets the declared slack, so "more than" is never unbounded.
 */
export function mentionInterval(
  m: Pick<Mention, 'value' | 'lo' | 'hi' | 'bound' | 'value_text' | 'unit'>,
  slack: Slack,
): Interval {
  const v = m.value;
  const mag = Math.abs(v);
  switch (m.bound) {
    case 'lower': {
      const lo = m.lo ?? v;
      return { lo, hi: m.hi ?? lo + Math.abs(lo) * slack.open_bound_slack };
    }
    case 'upper': {
      const hi = m.hi ?? v;
      return { lo: m.lo ?? hi - Math.abs(hi) * slack.open_bound_slack, hi };
    }
    case 'approx':
      return { lo: m.lo ?? v - mag * slack.approx_slack, hi: m.hi ?? v + mag * slack.approx_slack };
    case 'exact': {
      if (m.lo !== null || m.hi !== null) return { lo: m.lo ?? v, hi: m.hi ?? v };
      const h = roundingHalfUnit(m.value_text, v, m.unit);
      return { lo: v - h, hi: v + h };
    }
  }
}

export function factInterval(f: Pick<Fact, 'value' | 'lo' | 'hi'>): Interval | null {
  if (f.value === null || !Number.isFinite(f.value)) return null;
  return { lo: f.lo ?? f.value, hi: f.hi ?? f.value };
}

export function overlaps(a: Interval, b: Interval, epsilon = 1e-9): boolean {
  const tol = epsilon * Math.max(1, Math.abs(a.lo), Math.abs(a.hi), Math.abs(b.lo), Math.abs(b.hi));
  return a.lo <= b.hi + tol && b.lo <= a.hi + tol;
}

export function addIntervals(xs: readonly Interval[]): Interval {
  return xs.reduce((s, x) => ({ lo: s.lo + x.lo, hi: s.hi + x.hi }), { lo: 0, hi: 0 });
}

/** a / b for positive intervals. */
export function divIntervals(a: Interval, b: Interval): Interval | null {
  if (b.lo <= 0 || a.lo < 0) return null;
  return { lo: a.lo / b.hi, hi: a.hi / b.lo };
}

// ---------------------------------------------------------------- text layers

export class TextCache {
  private readonly indexes = new Map<string, OffsetIndex>();
  private readonly pages = new Map<string, PageSpan[]>();
  constructor(private readonly texts: Map<string, string>) {}

  index(sourceId: string): OffsetIndex | null {
    let idx = this.indexes.get(sourceId);
    if (!idx) {
      const text = this.texts.get(sourceId);
      if (text === undefined) return null;
      idx = new OffsetIndex(text);
      this.indexes.set(sourceId, idx);
    }
    return idx;
  }

  /** Page spans of a text layer made of pages joined by "\f" (one page when there is no form feed). */
  pageSpans(sourceId: string): PageSpan[] | null {
    let p = this.pages.get(sourceId);
    if (!p) {
      const text = this.texts.get(sourceId);
      if (text === undefined) return null;
      p = joinPages(text.split('\f')).pages;
      this.pages.set(sourceId, p);
    }
    return p;
  }

  /** 1-based page of a code-point offset in a paged (PDF) text layer. */
  pageOf(sourceId: string, cp: number): number | null {
    const idx = this.index(sourceId);
    const pages = this.pageSpans(sourceId);
    if (!idx || !pages) return null;
    return pageAt(pages, idx.toUtf16(cp))?.page ?? null;
  }
}

export function isPdf(mediaType: string | undefined): boolean {
  return mediaType === 'application/pdf';
}

export function isHtml(mediaType: string | undefined): boolean {
  return mediaType === 'text/html' || mediaType === 'application/xhtml+xml';
}

/** A fact's mention ids; a list, or (as some writers flatten it) a comma-separated / JSON-encoded string. */
export function mentionIds(f: { mention_ids: readonly string[] | string }): string[] {
  const v = f.mention_ids;
  if (typeof v !== 'string') return [...v];
  const s = v.trim();
  if (s === '') return [];
  if (s.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through to comma splitting
    }
  }
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

export function groupBy<T>(xs: Iterable<T>, key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Compiled patterns by source: the rules compile their relations' patterns per clause and per source, and a
 *  case-insensitive Unicode pattern is costly to compile (~0.3 s of a scale build's checks). Without the g or y
 *  flag a RegExp keeps no state between uses, so one object serves every caller. */
const compiledPatterns = new Map<string, RegExp>();

export function compileRegex(source: string): RegExp {
  let r = compiledPatterns.get(source);
  if (!r) {
    r = new RegExp(source, 'iu');
    compiledPatterns.set(source, r);
  }
  return r;
}
