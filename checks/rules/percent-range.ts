import type { Check, CheckContext, Finding } from '../types.js';
import { compileRegex, factPlace, finding, fmtNum, mentionPlace } from '../util.js';
import { relationOf } from '../relations.js';

export const RULE_ID = 'percent-range';

/** Percent figures lie in [min, max] (declared: 0–100) unless they are growth rates. */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const rel = relationOf(ctx.relations, 'percent_range');
  const unbounded = rel.unbounded_metric_patterns.map(compileRegex);
  const growthCue = compileRegex(rel.growth_cue_before);
  const isGrowthMetric = (metric: string | null): boolean => metric !== null && unbounded.some((r) => r.test(metric));
  const expected = `${fmtNum(rel.min)}–${fmtNum(rel.max)} %`;
  const out: Finding[] = [];
  let nm = 0;
  let badM = 0;
  for (const m of ctx.mentions) {
    if (m.unit !== 'percent') continue;
    nm++;
    if (isGrowthMetric(m.metric)) continue;
    // no metric yet: a growth cue right before the figure ("up 128 percent") marks a growth rate
    if (m.metric === null && growthCue.test(m.prefix)) continue;
    if (m.value >= rel.min && m.value <= rel.max) continue;
    badM++;
    out.push(
      finding(RULE_ID, 'error', 'fail', `${m.mention_id}: ${JSON.stringify(m.quote)} is ${fmtNum(m.value)} % for ${m.metric ?? 'an unassigned metric'}, outside ${expected}`, mentionPlace(m), `${fmtNum(m.value)} %`, expected),
    );
  }
  let nf = 0;
  let badF = 0;
  for (const f of ctx.facts) {
    if (f.unit !== 'percent' || f.value === null) continue;
    nf++;
    if (isGrowthMetric(f.metric)) continue;
    if (f.value >= rel.min && f.value <= rel.max) continue;
    badF++;
    out.push(finding(RULE_ID, 'error', 'fail', `fact ${f.fact_id}: ${f.metric}/${f.subject}/${f.period ?? '?'} is ${fmtNum(f.value)} %, outside ${expected}`, factPlace(f), `${fmtNum(f.value)} %`, expected));
  }
  if (badM === 0) out.push(finding(RULE_ID, 'info', 'pass', `all ${nm} percent mentions in range (growth rates exempt)`, { table: 'mentions' }));
  if (badF === 0) out.push(finding(RULE_ID, 'info', 'pass', `all ${nf} percent facts in range (growth rates exempt)`, { table: 'facts' }));
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: 'Percent mentions and facts lie in 0–100 unless the metric is a growth rate.',
  run,
  // what run reads of a mention: only percent figures count, each with what its finding shows
  mentionPart: (m) =>
    m.unit !== 'percent'
      ? null
      : { mention_id: m.mention_id, source_id: m.source_id, page: m.page, char_start: m.char_start, char_end: m.char_end, unit: m.unit, metric: m.metric, prefix: m.prefix, value: m.value, quote: m.quote },
};
