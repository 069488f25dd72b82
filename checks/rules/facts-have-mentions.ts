import type { Check, CheckContext, Finding } from '../types.js';
import { factPlace, finding, mentionIds } from '../util.js';

export const RULE_ID = 'facts-have-mentions';

/** Every fact rests on mentions that exist; its counts and chosen mention agree with them. */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  // only each mention's source: the mentions themselves may be read from disk (one pass)
  const sourceOf = new Map<string, string>();
  for (const m of ctx.mentions) sourceOf.set(m.mention_id, m.source_id);
  let ok = 0;
  for (const f of ctx.facts) {
    const place = factPlace(f);
    const ids = mentionIds(f);
    const problems: Finding[] = [];
    if (ids.length === 0) problems.push(finding(RULE_ID, 'error', 'fail', `fact ${f.fact_id} (${f.metric}/${f.subject}/${f.period ?? '?'}) has no mentions`, place, '0 mentions', '≥ 1 mention'));
    const missing = ids.filter((id) => !sourceOf.has(id));
    if (missing.length > 0) problems.push(finding(RULE_ID, 'error', 'fail', `fact ${f.fact_id}: mention_ids not in mentions: ${missing.join(', ')}`, place, missing.join(', '), null));
    if (f.chosen_mention_id !== null && !ids.includes(f.chosen_mention_id)) {
      problems.push(finding(RULE_ID, 'error', 'fail', `fact ${f.fact_id}: chosen_mention_id ${f.chosen_mention_id} is not one of its mention_ids`, { ...place, mention_id: f.chosen_mention_id }, f.chosen_mention_id, ids.join(', ')));
    }
    if (ids.length > 0 && f.n_mentions !== ids.length) {
      problems.push(finding(RULE_ID, 'error', 'fail', `fact ${f.fact_id}: n_mentions ${f.n_mentions} but ${ids.length} mention_ids`, place, String(f.n_mentions), String(ids.length)));
    }
    if (missing.length === 0 && ids.length > 0) {
      const nSources = new Set(ids.map((id) => sourceOf.get(id)!)).size;
      if (f.n_sources !== nSources) problems.push(finding(RULE_ID, 'error', 'fail', `fact ${f.fact_id}: n_sources ${f.n_sources} but its mentions come from ${nSources}`, place, String(f.n_sources), String(nSources)));
    }
    if (problems.length === 0) ok++;
    out.push(...problems);
  }
  if (ok === ctx.facts.length) out.push(finding(RULE_ID, 'info', 'pass', `all ${ok} facts rest on existing mentions`));
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: "Every fact's mention_ids exist in mentions; no fact without mentions.",
  run,
  // what run reads of a mention: its id and its source
  mentionPart: (m) => ({ mention_id: m.mention_id, source_id: m.source_id }),
};
