import type { Mention } from '../../extract/records.js';
import { relationOf, relationsOf } from '../relations.js';
import { sentenceClauses, type Clause } from '../sentences.js';
import type { Check, CheckContext, Fact, Finding } from '../types.js';
import {
  TextCache,
  compileRegex,
  divIntervals,
  factInterval,
  factPlace,
  finding,
  fmtNum,
  fmtPct,
  fmtStatedPct,
  mentionInterval,
  overlaps,
  slackOf,
  spanPlace,
  type Interval,
} from '../util.js';

export const RULE_ID = 'stated-share';

export interface ShareMatch {
  part: Mention;
  share: Mention;
  whole: Mention;
}

/**
 * "N or P percent of which …", "N, or P% of the total", "N, accounting for P% of …": the share P is
 * compared with N / whole, where the whole is the preceding figure of N's unit in the sentence
 * (one announced by "a total of" preferred, else the nearest).
 */
export function detectShares(c: Clause, ctx: Pick<CheckContext, 'relations'>): ShareMatch[] {
  const rel = relationOf(ctx.relations, 'share_phrases');
  const orBetween = compileRegex(rel.or_between);
  const ofAfter = compileRegex(rel.of_after);
  const accounting = compileRegex(rel.accounting_between);
  const wholeCue = compileRegex(rel.whole_cue_before);
  const ms = c.mentions;
  const out: ShareMatch[] = [];
  for (let j = 0; j + 1 < ms.length; j++) {
    const part = ms[j]!;
    const share = ms[j + 1]!;
    if (part.unit === 'percent' || share.unit !== 'percent') continue;
    const g = c.gaps[j + 1] ?? '';
    const isOr = orBetween.test(g) && ofAfter.test(c.gaps[j + 2] ?? '');
    if (!isOr && !accounting.test(g)) continue;
    const candidates: number[] = [];
    for (let k = j - 1; k >= 0; k--) if (ms[k]!.unit === part.unit) candidates.push(k);
    const cued = candidates.find((k) => wholeCue.test(c.gaps[k] ?? ''));
    const k = cued ?? candidates[0];
    if (k === undefined) continue;
    out.push({ part, share, whole: ms[k]! });
  }
  return out;
}

function pctRange(r: Interval): string {
  return `${fmtPct(r.lo)}–${fmtPct(r.hi)}`;
}

function factKey(f: Pick<Fact, 'metric' | 'subject' | 'period'>): string {
  return `${f.metric}\u0000${f.subject}\u0000${f.period ?? ''}`;
}

/** The shares stated in one sentence, against the figures of that sentence: one source at a time. */
async function statedInSentences(ctx: CheckContext): Promise<Finding[]> {
  const slack = slackOf(ctx);
  const out: Finding[] = [];
  const cache = new TextCache(ctx.texts);
  for (const c of sentenceClauses(ctx, cache)) {
    for (const { part, share, whole } of detectShares(c, ctx)) {
      const n = mentionInterval(part, slack);
      const w = mentionInterval(whole, slack);
      const ratio = divIntervals(n, w);
      if (!ratio || whole.value <= 0) continue;
      const computed: Interval = { lo: ratio.lo * 100, hi: ratio.hi * 100 };
      const stated = mentionInterval(share, slack);
      const point = (part.value / whole.value) * 100;
      const actual = fmtPct(point);
      const expected = fmtStatedPct(share);
      const place = spanPlace(whole, share);
      const what = `${JSON.stringify(part.quote)} / ${JSON.stringify(whole.quote)} = ${actual}`;
      if (overlaps(computed, stated, slack.epsilon)) {
        out.push(finding(RULE_ID, 'info', 'pass', `${c.sourceId}: ${what}, consistent with the stated ${expected} (computed ${pctRange(computed)} with rounding and bounds)`, place, actual, expected));
      } else {
        const boundNote =
          part.bound === 'lower' || whole.bound === 'lower'
            ? ` "More than"/"over" is read as at most ${fmtNum(slack.open_bound_slack * 100)} % above the figure, so the stated share cannot be reached.`
            : '';
        out.push(
          finding(
            RULE_ID,
            'warning',
            'fail',
            `${c.sourceId}: stated share ${expected} but ${what} (${pctRange(computed)} with rounding and bounds, stated ${pctRange(stated)}).${boundNote}`,
            place,
            actual,
            expected,
          ),
        );
      }
    }
  }
  return out;
}

/** Declared share relations over facts: share = part / whole for the same subject and period. */
async function declaredOverFacts(ctx: CheckContext): Promise<Finding[]> {
  const slack = slackOf(ctx);
  const out: Finding[] = [];
  const byKey = new Map<string, Fact>();
  for (const f of ctx.facts) if (!f.is_target && f.value !== null) byKey.set(factKey(f), f);
  for (const rel of relationsOf(ctx.relations, 'share')) {
    const shares = ctx.facts.filter((f) => f.metric === rel.share_metric && !f.is_target).sort((a, b) => (a.fact_id < b.fact_id ? -1 : 1));
    for (const s of shares) {
      const p = byKey.get(factKey({ ...s, metric: rel.part_metric }));
      const w = byKey.get(factKey({ ...s, metric: rel.whole_metric }));
      const si = factInterval(s);
      const pi = p && factInterval(p);
      const wi = w && factInterval(w);
      if (!si || !pi || !wi || !p || !w) continue;
      const ratio = divIntervals(pi, wi);
      if (!ratio) continue;
      const computed = { lo: ratio.lo * 100 - rel.tolerance_pp, hi: ratio.hi * 100 + rel.tolerance_pp };
      const actual = fmtPct((p.value! / w.value!) * 100);
      const expected = `${fmtNum(s.value!)} %`;
      const what = `${rel.id}: ${s.subject} ${s.period ?? ''}: ${rel.part_metric} / ${rel.whole_metric} = ${actual}`;
      if (overlaps(computed, si, slack.epsilon)) out.push(finding(RULE_ID, 'info', 'pass', `${what}, consistent with ${rel.share_metric} ${expected}`, factPlace(s), actual, expected));
      else out.push(finding(RULE_ID, 'warning', 'fail', `${what} but ${rel.share_metric} is ${expected} (tolerance ${fmtNum(rel.tolerance_pp)} pp)`, factPlace(s), actual, expected));
    }
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: '"N or P percent of which" / "N, accounting for P% of": P agrees with N / whole.',
  run: async (ctx) => [...(await statedInSentences(ctx)), ...(await declaredOverFacts(ctx))],
  bySource: statedInSentences,
  afterSources: declaredOverFacts,
};
