import { relationsOf } from '../relations.js';
import type { Check, CheckContext, Fact, Finding } from '../types.js';
import { factInterval, factPlace, finding, fmtNum } from '../util.js';

export const RULE_ID = 'monotonic';

/**
 * Facts of a declared `monotonic` relation (relations.yaml: metric + subject, e.g. a count that only
 * grows), ordered by period, never go the wrong way. Targets (plans) are left out.
 */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const rel of relationsOf(ctx.relations, 'monotonic')) {
    const key = (f: Fact): string => f[rel.order_by] ?? '';
    const series = ctx.facts
      .filter((f) => f.metric === rel.metric && f.subject === rel.subject && !f.is_target && factInterval(f) !== null && key(f) !== '')
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.fact_id < b.fact_id ? -1 : 1));
    const up = rel.direction === 'non_decreasing';
    const chain = series.map((f) => `${fmtNum(f.value!)} (${key(f)})`).join(up ? ' ≤ ' : ' ≥ ');
    let bad = 0;
    for (let i = 1; i < series.length; i++) {
      const a = series[i - 1]!;
      const b = series[i]!;
      if (key(a) === key(b)) continue; // same period: reconciliation's business, not order
      const ia = factInterval(a)!;
      const ib = factInterval(b)!;
      const ok = up ? ia.lo <= ib.hi : ia.hi >= ib.lo;
      if (ok) continue;
      bad++;
      const actual = `${fmtNum(a.value!)} → ${fmtNum(b.value!)}`;
      out.push(
        finding(
          RULE_ID,
          'warning',
          'fail',
          `${rel.id}: ${rel.metric}/${rel.subject} goes from ${fmtNum(a.value!)} (${key(a)}, ${a.fact_id}) to ${fmtNum(b.value!)} (${key(b)}, ${b.fact_id}); declared ${rel.direction.replace('_', '-')}`,
          factPlace(b),
          actual,
          up ? `≥ ${fmtNum(a.value!)}` : `≤ ${fmtNum(a.value!)}`,
        ),
      );
    }
    if (bad === 0) out.push(finding(RULE_ID, 'info', 'pass', `${rel.id}: ${series.length} facts ${rel.direction.replace('_', '-')}${chain ? `: ${chain}` : ''}`, {}, chain || null, rel.direction));
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: 'Declared monotonic series (national zone count by period) never go the wrong way.',
  run,
};
