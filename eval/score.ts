import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MentionSchema, type Mention } from '../extract/records.js';
import type { GoldDocument, GoldFigure } from './gold.js';

/**
 * Scores a build's mentions against hand-written gold. A mention belongs to the gold figure whose text span
 * holds the mention's number (its first digit, or its start for word numbers), so matching is by position in
 * the text layer, never by value. Per field: precision = right / readings the build made, recall = right /
 * readings the gold asks for.
 */

export const EvalMentionSchema = MentionSchema.pick({
  mention_id: true,
  source_id: true,
  char_start: true,
  char_end: true,
  quote: true,
  value: true,
  unit: true,
  bound: true,
  lo: true,
  hi: true,
  metric: true,
  subject: true,
  period: true,
});
export type EvalMention = Pick<Mention, 'mention_id' | 'source_id' | 'char_start' | 'char_end' | 'quote' | 'value' | 'unit' | 'bound' | 'lo' | 'hi' | 'metric' | 'subject' | 'period'>;

export function readMentions(buildDir: string): EvalMention[] {
  const file = path.join(buildDir, 'mentions.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  return z.array(EvalMentionSchema).parse(json);
}

export const FIELDS = ['value', 'value_unit', 'bound', 'metric', 'subject', 'period', 'full'] as const;
export type Field = (typeof FIELDS)[number];
export const FIELD_LABELS: Record<Field, string> = {
  value: 'value',
  value_unit: 'value+unit',
  bound: 'bound',
  metric: 'metric',
  subject: 'subject',
  period: 'period',
  full: 'full reading',
};

export interface FieldScore {
  /** readings the gold asks for */
  gold: number;
  /** readings the build made (on gold figures, on extra mentions, and on mentions no gold row expects) */
  found: number;
  /** readings the build got right */
  right: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface Miss {
  source_id: string;
  file: string;
  line: number;
  quote: string;
  expected: string;
  got: string;
  /** what is wrong, worst first: missing, value, unit, bound, metric, subject, period */
  wrong: string[];
}

export interface NegativeHit {
  source_id: string;
  file: string;
  line: number;
  quote: string;
  /** why the rule exists, or the forbidden reading */
  rule: string;
  got: string;
}

export interface EvalResult {
  gold_files: number;
  figures: number;
  must_not: number;
  mentions: number;
  fields: Record<Field, FieldScore>;
  /** mentions in complete documents that no gold row expects */
  unexpected: number;
  /** the first of them (as many as `worst`), in source and text order */
  unexpected_mentions: { source_id: string; quote: string; got: string }[];
  /** second and further mentions on one gold figure ("150" and "160" read as two figures of one range) */
  extra: number;
  negatives: NegativeHit[];
  worst: Miss[];
  /** mentions of sources that have no gold (not scored) */
  unscored_sources: string[];
}

const REL_TOL = 1e-9;
/** a range's ends may be read with their rounding interval ("2.1–2.3 trillion" → [2.05, 2.35]) */
const RANGE_END_TOL = 0.025;

function close(a: number, b: number, rel = REL_TOL): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

/**
 * A period id as the days it covers: '2023' → 2023-01-01..2023-12-31, '2023-H1', '2023-Q3', '2023-05',
 * '2023-05-17', and 'A/B' from the start of A to the end of B; so '2023-H1' equals '2023-01/2023-06'.
 * Anything else stays its own string.
 */
export function periodSpan(p: string): string {
  const one = (s: string): [string, string] | null => {
    let m = /^(\d{4})$/u.exec(s);
    if (m) return [`${m[1]}-01-01`, `${m[1]}-12-31`];
    m = /^(\d{4})-H([12])$/u.exec(s);
    if (m) return m[2] === '1' ? [`${m[1]}-01-01`, `${m[1]}-06-30`] : [`${m[1]}-07-01`, `${m[1]}-12-31`];
    m = /^(\d{4})-Q([1-4])$/u.exec(s);
    if (m) {
      const q = Number(m[2]);
      return [`${m[1]}-${pad((q - 1) * 3 + 1)}-01`, `${m[1]}-${pad(q * 3)}-${lastDay(Number(m[1]), q * 3)}`];
    }
    m = /^(\d{4})-(\d{2})$/u.exec(s);
    if (m) return [`${m[1]}-${m[2]}-01`, `${m[1]}-${m[2]}-${lastDay(Number(m[1]), Number(m[2]))}`];
    m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(s);
    if (m) return [s, s];
    return null;
  };
  const parts = p.split('/');
  if (parts.length === 1) {
    const a = one(p);
    return a ? `${a[0]}..${a[1]}` : p;
  }
  if (parts.length === 2) {
    const a = one(parts[0]!);
    const b = one(parts[1]!);
    if (a && b) return `${a[0]}..${b[1]}`;
  }
  return p;
}
function pad(n: number): string {
  return String(n).padStart(2, '0');
}
function lastDay(y: number, m: number): string {
  return pad(new Date(Date.UTC(y, m, 0)).getUTCDate());
}

function samePeriod(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return periodSpan(a) === periodSpan(b);
}

/** What the build got right about one gold figure. */
export interface Judgement {
  value: boolean;
  unit: boolean;
  bound: boolean;
  metric: boolean | null;
  subject: boolean | null;
  period: boolean | null;
}

export function judge(g: GoldFigure['row'], m: EvalMention): Judgement {
  let value: boolean;
  let bound: boolean;
  if (Array.isArray(g.value)) {
    // a range is right when the mention's interval has the stated ends (whatever the build calls its bound)
    const [lo, hi] = g.value;
    value = m.lo !== null && m.hi !== null && close(m.lo, lo, RANGE_END_TOL) && close(m.hi, hi, RANGE_END_TOL) && m.lo < m.hi;
    bound = value;
  } else {
    value = close(m.value, g.value);
    bound = m.bound === g.bound;
  }
  const field = (k: 'metric' | 'subject' | 'period'): boolean | null => {
    const want = g[k];
    if (want === undefined) return null;
    return k === 'period' ? samePeriod(m.period, want) : m[k] === want;
  };
  return { value, unit: m.unit === g.unit, bound, metric: field('metric'), subject: field('subject'), period: field('period') };
}

function full(j: Judgement): boolean {
  return j.value && j.unit && j.bound && j.metric !== false && j.subject !== false && j.period !== false;
}

/** Orders the candidate mentions of one figure: most fields right first, then earliest. */
function rank(j: Judgement): number {
  return (j.value ? 32 : 0) + (j.unit ? 16 : 0) + (j.bound ? 8 : 0) + (j.metric ? 4 : 0) + (j.subject ? 2 : 0) + (j.period ? 1 : 0);
}

/** The code point where a mention's number starts: its first digit, or its start (word numbers). */
export function numberPoint(m: EvalMention): number {
  let i = 0;
  for (const ch of m.quote) {
    if (/[0-9０-９]/u.test(ch)) return m.char_start + i;
    i++;
  }
  return m.char_start;
}

function within(p: number, span: { start: number; end: number }): boolean {
  return p >= span.start && p < span.end;
}

function describeGold(g: GoldFigure['row']): string {
  const v = Array.isArray(g.value) ? `${g.value[0]}..${g.value[1]}` : String(g.value);
  const parts = [`${v} ${g.unit} ${g.bound}`];
  for (const k of ['metric', 'subject', 'period'] as const) if (g[k] !== undefined) parts.push(`${k}=${g[k] ?? '∅'}`);
  return parts.join(' ');
}

function describeMention(m: EvalMention | null, g?: GoldFigure['row']): string {
  if (!m) return 'no mention';
  const v = m.lo !== null && m.hi !== null && m.bound !== 'exact' && g && Array.isArray(g.value) ? `${m.value} [${m.lo}..${m.hi}]` : String(m.value);
  return `${v} ${m.unit} ${m.bound} metric=${m.metric ?? '∅'} subject=${m.subject ?? '∅'} period=${m.period ?? '∅'}`;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round(a / b);
}
function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export function score(gold: GoldDocument[], mentions: readonly EvalMention[], opts: { worst?: number } = {}): EvalResult {
  const bySource = new Map<string, EvalMention[]>();
  for (const m of mentions) {
    const list = bySource.get(m.source_id) ?? [];
    list.push(m);
    bySource.set(m.source_id, list);
  }
  const goldSources = new Set(gold.map((d) => d.source));
  const counts: Record<Field, { gold: number; found: number; right: number }> = Object.fromEntries(
    FIELDS.map((f) => [f, { gold: 0, found: 0, right: 0 }]),
  ) as Record<Field, { gold: number; found: number; right: number }>;
  const negatives: NegativeHit[] = [];
  const misses: (Miss & { severity: number; start: number })[] = [];
  let unexpected = 0;
  const strays: { source_id: string; quote: string; got: string }[] = [];
  let extra = 0;
  let scoredMentions = 0;

  /** a mention that stands for no gold figure: every reading it makes is a wrong one */
  const countStray = (m: EvalMention) => {
    for (const f of ['value', 'value_unit', 'bound', 'full'] as const) counts[f].found++;
    if (m.metric !== null) counts.metric.found++;
    if (m.subject !== null) counts.subject.found++;
    if (m.period !== null) counts.period.found++;
  };

  for (const doc of [...gold].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
    const ms = [...(bySource.get(doc.source) ?? [])].sort((a, b) => a.char_start - b.char_start || a.char_end - b.char_end);
    const candidates = new Map<GoldFigure, EvalMention[]>();
    for (const m of ms) {
      const p = numberPoint(m);
      const fig = doc.figures.find((f) => within(p, f.span));
      for (const n of doc.notFigures) {
        // one hit per must-not row, however many mentions fall on it ("1-6月" read as 1 and 6)
        if (within(p, n.span) && !negatives.some((h) => h.file === n.file && h.line === n.line)) negatives.push({ source_id: doc.source, file: n.file, line: n.line, quote: n.text, rule: `not a figure: ${n.row.why}`, got: describeMention(m) });
      }
      if (fig) {
        const list = candidates.get(fig) ?? [];
        list.push(m);
        candidates.set(fig, list);
        scoredMentions++;
      } else if (doc.complete) {
        unexpected++;
        strays.push({ source_id: doc.source, quote: m.quote, got: describeMention(m) });
        scoredMentions++;
        countStray(m);
      }
    }
    for (const fig of doc.figures) {
      const g = fig.row;
      const cands = candidates.get(fig) ?? [];
      let best: EvalMention | null = null;
      let bestJ: Judgement | null = null;
      for (const m of cands) {
        const j = judge(g, m);
        if (!bestJ || rank(j) > rank(bestJ)) {
          best = m;
          bestJ = j;
        }
      }
      for (const m of cands) {
        if (m !== best) {
          extra++;
          countStray(m);
        }
      }
      counts.value.gold++;
      counts.value_unit.gold++;
      counts.bound.gold++;
      counts.full.gold++;
      for (const k of ['metric', 'subject', 'period'] as const) if (g[k] !== undefined && g[k] !== null) counts[k].gold++;
      const wrong: string[] = [];
      if (!best || !bestJ) {
        wrong.push('missing');
      } else {
        const j = bestJ;
        for (const f of ['value', 'value_unit', 'bound', 'full'] as const) counts[f].found++;
        if (j.value) counts.value.right++;
        if (j.value && j.unit) counts.value_unit.right++;
        if (j.bound) counts.bound.right++;
        if (full(j)) counts.full.right++;
        for (const k of ['metric', 'subject', 'period'] as const) {
          if (g[k] === undefined) continue; // not judged: the vocabulary has no word for it
          if (best[k] !== null) counts[k].found++;
          if (g[k] !== null && j[k]) counts[k].right++;
        }
        if (!j.value) wrong.push('value');
        if (!j.unit) wrong.push('unit');
        if (!j.bound) wrong.push('bound');
        for (const k of ['metric', 'subject', 'period'] as const) if (j[k] === false) wrong.push(k);
        if (g.not) {
          for (const k of ['metric', 'subject', 'period', 'unit'] as const) {
            const banned = g.not[k];
            if (!banned) continue;
            const got = best[k];
            const hit = banned.some((b) => (k === 'period' ? got !== null && samePeriod(got, b) : got === b));
            if (hit) negatives.push({ source_id: doc.source, file: fig.file, line: fig.line, quote: fig.text, rule: `must not be ${k}=${got}`, got: describeMention(best) });
          }
        }
      }
      if (wrong.length) {
        const severity = { missing: 7, value: 6, unit: 5, bound: 4, metric: 3, subject: 2, period: 1 }[wrong[0] as 'missing'] ?? 0;
        misses.push({ source_id: doc.source, file: fig.file, line: fig.line, quote: fig.text, expected: describeGold(g), got: describeMention(best, g), wrong, severity, start: fig.span.start });
      }
    }
  }

  const fields = Object.fromEntries(
    FIELDS.map((f) => {
      const c = counts[f];
      const precision = ratio(c.right, c.found);
      const recall = ratio(c.right, c.gold);
      const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : round((2 * (c.right / c.found) * (c.right / c.gold)) / (c.right / c.found + c.right / c.gold));
      return [f, { ...c, precision, recall, f1 }];
    }),
  ) as Record<Field, FieldScore>;

  misses.sort((a, b) => b.severity - a.severity || b.wrong.length - a.wrong.length || (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0) || a.start - b.start);
  negatives.sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0) || a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const unscored = [...new Set(mentions.map((m) => m.source_id).filter((s) => !goldSources.has(s)))].sort();
  return {
    gold_files: gold.length,
    figures: gold.reduce((n, d) => n + d.figures.length, 0),
    must_not: gold.reduce((n, d) => n + d.notFigures.length + d.figures.filter((f) => f.row.not).length, 0),
    mentions: scoredMentions,
    fields,
    unexpected,
    unexpected_mentions: strays.slice(0, opts.worst ?? 10),
    extra,
    negatives,
    worst: misses.slice(0, opts.worst ?? 10).map(({ severity: _s, start: _st, ...m }) => m),
    unscored_sources: unscored,
  };
}
