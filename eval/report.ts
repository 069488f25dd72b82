import { FIELD_LABELS, FIELDS, type EvalResult, type Field } from './score.js';

/** Floors a run must reach: F1 per field, and the most must-not rows that may be violated. */
export interface Thresholds {
  minF1: Partial<Record<Field, number>>;
  maxNegatives?: number;
}

export interface ThresholdFailure {
  what: string;
  actual: number | null;
  limit: number;
}

export function checkThresholds(r: EvalResult, t: Thresholds): ThresholdFailure[] {
  const out: ThresholdFailure[] = [];
  for (const f of FIELDS) {
    const min = t.minF1[f];
    if (min === undefined) continue;
    const f1 = r.fields[f].f1;
    if (f1 === null || f1 < min) out.push({ what: `F1 ${FIELD_LABELS[f]}`, actual: f1, limit: min });
  }
  if (t.maxNegatives !== undefined && r.negatives.length > t.maxNegatives) out.push({ what: 'negatives hit', actual: r.negatives.length, limit: t.maxNegatives });
  return out;
}

function num(x: number | null): string {
  return x === null ? '–' : x.toFixed(3);
}

function oneLine(s: string): string {
  return s.replace(/\s+/gu, ' ');
}

/** The human-readable report: the per-field table, the negatives hit and the worst misses. */
export function formatReport(r: EvalResult, title: string): string {
  const lines: string[] = [];
  lines.push(`${title}: ${r.gold_files} gold documents, ${r.figures} figures, ${r.must_not} must-not rows; ${r.mentions} mentions scored`);
  const head = ['field', 'gold', 'found', 'right', 'precision', 'recall', 'F1'];
  const rows = FIELDS.map((f) => {
    const s = r.fields[f];
    return [FIELD_LABELS[f], String(s.gold), String(s.found), String(s.right), num(s.precision), num(s.recall), num(s.f1)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(fmt(head));
  for (const row of rows) lines.push(fmt(row));
  lines.push(`mentions no gold row expects: ${r.unexpected}; extra mentions on one gold figure: ${r.extra}`);
  for (const m of r.unexpected_mentions) lines.push(`  ${m.source_id} "${oneLine(m.quote)}": ${m.got}`);
  if (r.unscored_sources.length) lines.push(`sources without gold (not scored): ${r.unscored_sources.join(', ')}`);
  lines.push(`negatives hit: ${r.negatives.length}`);
  for (const n of r.negatives) lines.push(`  ${n.file}:${n.line} ${n.source_id} "${oneLine(n.quote)}" — ${n.rule}; got ${n.got}`);
  lines.push(`worst misses (${r.worst.length}):`);
  for (const m of r.worst) {
    lines.push(`  ${m.file}:${m.line} ${m.source_id} "${oneLine(m.quote)}" [${m.wrong.join(', ')}]`);
    lines.push(`      expected ${m.expected}`);
    lines.push(`      got      ${m.got}`);
  }
  return lines.join('\n');
}

export function formatFailures(fails: ThresholdFailure[]): string {
  return fails.map((f) => `below threshold: ${f.what} ${num(f.actual)} (${f.what === 'negatives hit' ? 'max' : 'min'} ${f.limit})`).join('\n');
}
