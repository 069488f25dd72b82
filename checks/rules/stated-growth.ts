import type { Mention } from '../../extract/records.js';
import { relationsOf, type RelationOf } from '../relations.js';
import type { Check, CheckContext, Fact, Finding } from '../types.js';
import { factInterval, finding, fmtNum, fmtPct, mentionInterval, mentionPlace, overlaps, slackOf } from '../util.js';

export const RULE_ID = 'stated-growth';

/** Calendar year a fact covers, or null when it is not one whole year. */
export function factYear(f: Pick<Fact, 'period' | 'period_start' | 'period_end'>): number | null {
  if (f.period && /^\d{4}$/.test(f.period)) return Number(f.period);
  const s = f.period_start ?? '';
  const e = f.period_end ?? '';
  const y = s.slice(0, 4);
  if (/^\d{4}-01-01/.test(s) && e.startsWith(`${y}-12-31`)) return Number(y);
  return null;
}

/** Year a mention's period names ("2013", "2013-01-01/2013-12-31"), or null. */
export function mentionYear(m: Pick<Mention, 'period'>): number | null {
  const p = m.period ?? '';
  if (/^\d{4}$/.test(p)) return Number(p);
  const r = /^(\d{4})-01-01\/(\d{4})-12-31$/.exec(p);
  return r && r[1] === r[2] ? Number(r[1]) : null;
}

/** The level metric a growth metric is compared against under a relation, or null. */
export function levelMetricFor(rel: RelationOf<'growth'>, growthMetric: string): string | null {
  if (rel.growth_metric !== undefined && rel.level_metric !== undefined && rel.growth_metric === growthMetric) return rel.level_metric;
  const suf = rel.growth_metric_suffix;
  if (suf !== undefined && growthMetric.endsWith(suf) && growthMetric.length > suf.length) return growthMetric.slice(0, -suf.length);
  return null;
}

/**
 * A stated growth rate ("up 28.5 percent", "an increase of 13.5 percent year on year") for metric M of
 * subject S in year Y agrees with the facts for M/S in Y and Y − 1 (declared growth relations say which
 * metric pairs to compare), within the figures' bounds plus the relation's tolerance in points.
 */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const slack = slackOf(ctx);
  const out: Finding[] = [];
  const facts = new Map<string, Fact>();
  for (const f of ctx.facts) {
    const y = factYear(f);
    if (y === null || f.is_target || factInterval(f) === null) continue;
    const k = `${f.metric}\u0000${f.subject}\u0000${y}`;
    if (!facts.has(k)) facts.set(k, f);
  }
  const rels = relationsOf(ctx.relations, 'growth');
  // only the stated percentages are kept (the mentions may be read from disk, one pass), in id order
  const mentions: Mention[] = [];
  for (const m of ctx.mentions) if (!(m.unit !== 'percent' || m.metric === null || m.subject === null || m.is_target)) mentions.push(m);
  mentions.sort((a, b) => (a.mention_id < b.mention_id ? -1 : 1));
  const seen = new Set<string>();
  for (const m of mentions) {
    if (m.metric === null || m.subject === null) continue; // (kept out above; this tells the types)
    const y = mentionYear(m);
    if (y === null) continue;
    for (const rel of rels) {
      const level = levelMetricFor(rel, m.metric);
      if (level === null || seen.has(m.mention_id)) continue;
      const cur = facts.get(`${level}\u0000${m.subject}\u0000${y}`);
      const prev = facts.get(`${level}\u0000${m.subject}\u0000${y - 1}`);
      if (!cur || !prev) continue;
      seen.add(m.mention_id);
      const ci = factInterval(cur)!;
      const pi = factInterval(prev)!;
      if (pi.lo <= 0) continue;
      const computed = { lo: (ci.lo / pi.hi - 1) * 100 - rel.tolerance_pp, hi: (ci.hi / pi.lo - 1) * 100 + rel.tolerance_pp };
      const stated = mentionInterval(m, slack);
      const point = (cur.value! / prev.value! - 1) * 100;
      const actual = fmtPct(point);
      const expected = `${fmtNum(m.value)} %`;
      const what = `${level}/${m.subject} ${y - 1} → ${y}: ${fmtNum(prev.value!)} → ${fmtNum(cur.value!)} is ${actual}`;
      if (overlaps(computed, stated, slack.epsilon)) {
        out.push(finding(RULE_ID, 'info', 'pass', `${m.mention_id}: ${what}, consistent with the stated ${JSON.stringify(m.quote)}`, mentionPlace(m), actual, expected));
      } else {
        out.push(
          finding(
            RULE_ID,
            'warning',
            'fail',
            `${m.mention_id}: ${what} (facts ${prev.fact_id}, ${cur.fact_id}), but ${JSON.stringify(m.quote)} states ${expected} (tolerance ${fmtNum(rel.tolerance_pp)} pp)`,
            { ...mentionPlace(m), fact_id: cur.fact_id },
            actual,
            expected,
          ),
        );
      }
    }
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: 'A stated growth rate agrees with the facts for the same metric and subject in Y and Y − 1.',
  run,
  // what run reads of a mention: the stated percentages it keeps, with their interval, period and place
  mentionPart: (m) =>
    m.unit !== 'percent' || m.metric === null || m.subject === null || m.is_target
      ? null
      : {
          mention_id: m.mention_id,
          source_id: m.source_id,
          page: m.page,
          char_start: m.char_start,
          char_end: m.char_end,
          unit: m.unit,
          metric: m.metric,
          subject: m.subject,
          is_target: m.is_target,
          period: m.period,
          value: m.value,
          value_text: m.value_text,
          bound: m.bound,
          lo: m.lo,
          hi: m.hi,
          quote: m.quote,
        },
};
