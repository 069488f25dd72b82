import type { Mention } from '../../extract/records.js';
import { relationOf, type RelationOf } from '../relations.js';
import { sentenceClauses, type Clause } from '../sentences.js';
import type { Check, CheckContext, Finding } from '../types.js';
import { TextCache, compileRegex, finding, fmtNum, mentionInterval, slackOf, spanPlace, type Slack } from '../util.js';

export const RULE_ID = 'cumulative-counts';

export interface CountPair {
  count: Mention;
  threshold: Mention;
}

export interface CumulativeMatch {
  pairs: CountPair[];
  whole: Mention | null;
}

type Rel = RelationOf<'cumulative_thresholds'>;

/** (count, lower-bounded money threshold) pairs of one clause: "6 achieved over 500 billion yuan". */
function pairsOf(c: Clause, rel: Rel): { pairs: CountPair[]; used: Set<Mention> } {
  const clauseBreak = compileRegex(rel.clause_break);
  const pairs: CountPair[] = [];
  const used = new Set<Mention>();
  const ms = c.mentions;
  for (let i = 0; i + 1 < ms.length; i++) {
    const count = ms[i]!;
    const threshold = ms[i + 1]!;
    const gap = c.gaps[i + 1] ?? '';
    if (!rel.count_units.includes(count.unit) || !Number.isInteger(count.value)) continue;
    if (!rel.threshold_units.includes(threshold.unit) || threshold.bound !== 'lower') continue;
    if ([...gap].length > rel.max_gap_chars || clauseBreak.test(gap)) continue;
    pairs.push({ count, threshold });
    used.add(count).add(threshold);
    i++;
  }
  return { pairs, used };
}

/**
 * Counts over descending lower-bound thresholds ("2 achieved more than 1 trillion yuan …, 6 over 500
 * billion yuan, 31 over 200 billion yuan and 55 over 100 billion yuan") are cumulative, so they must not
 * decrease as the threshold falls, and none may exceed the whole ("the 114 zones") stated before them
 * in the same sentence or the sentence right before. Pairs may run on into the next sentence.
 */
export function detectCumulative(clauses: readonly Clause[], ctx: Pick<CheckContext, 'relations' | 'texts'>, cache: TextCache): CumulativeMatch[] {
  const rel = relationOf(ctx.relations, 'cumulative_thresholds');
  const sentenceBreak = new RegExp(rel.sentence_break, 'gu');
  const adjacent = (a: Clause, b: Clause): boolean => {
    if (a.sourceId !== b.sourceId || a.end > b.start) return false;
    const idx = cache.index(a.sourceId);
    return idx !== null && [...idx.sliceCodePoints(a.end, b.start).matchAll(sentenceBreak)].length <= 1;
  };
  const out: CumulativeMatch[] = [];
  for (let ci = 0; ci < clauses.length; ci++) {
    const c = clauses[ci]!;
    const prev = clauses[ci - 1];
    const { pairs, used } = pairsOf(c, rel);
    if (pairs.length === 0) continue;
    // a list that goes on in the next sentence
    const next = clauses[ci + 1];
    if (next && adjacent(c, next)) {
      const more = pairsOf(next, rel);
      if (more.pairs.length > 0 && next.mentions[0] === more.pairs[0]!.count) {
        pairs.push(...more.pairs);
        ci++;
      }
    }
    if (pairs.length < 2) continue;
    const units = new Set(pairs.map((p) => p.threshold.unit));
    if (units.size !== 1) continue;
    // the whole: the nearest count before the first pair in this sentence, else in the sentence before
    const firstAt = c.mentions.indexOf(pairs[0]!.count);
    let whole: Mention | null = null;
    for (let k = firstAt - 1; k >= 0 && !whole; k--) {
      const m = c.mentions[k]!;
      if (rel.count_units.includes(m.unit) && !used.has(m)) whole = m;
    }
    if (!whole && prev && adjacent(prev, c)) {
      for (let k = prev.mentions.length - 1; k >= 0 && !whole; k--) {
        const m = prev.mentions[k]!;
        if (rel.count_units.includes(m.unit)) whole = m;
      }
    }
    out.push({ pairs, whole });
  }
  return out;
}

function check1(pairs: CountPair[], whole: Mention | null, slack: Slack): { ok: boolean; chain: string; problem: string | null } {
  const sorted = [...pairs].sort((a, b) => b.threshold.value - a.threshold.value);
  const seq: Mention[] = sorted.map((p) => p.count);
  if (whole) seq.push(whole);
  let chain = fmtNum(seq[0]!.value);
  let problem: string | null = null;
  for (let i = 1; i < seq.length; i++) {
    const a = seq[i - 1]!;
    const b = seq[i]!;
    const ok = mentionInterval(a, slack).lo <= mentionInterval(b, slack).hi;
    chain += `${ok ? ' ≤ ' : ' > '}${fmtNum(b.value)}`;
    if (!ok && !problem) {
      const what = i < sorted.length ? `over ${JSON.stringify(sorted[i]!.threshold.quote)}` : 'in all';
      const above = `over ${JSON.stringify(sorted[i - 1]!.threshold.quote)}`;
      problem = `${fmtNum(a.value)} ${above} but only ${fmtNum(b.value)} ${what}`;
    }
  }
  return { ok: problem === null, chain, problem };
}

async function run(ctx: CheckContext): Promise<Finding[]> {
  const slack = slackOf(ctx);
  const cache = new TextCache(ctx.texts);
  const out: Finding[] = [];
  for (const { pairs, whole } of detectCumulative(sentenceClauses(ctx, cache), ctx, cache)) {
    const { ok, chain, problem } = check1(pairs, whole, slack);
    const first = whole ?? pairs[0]!.count;
    const place = spanPlace(first, pairs[pairs.length - 1]!.threshold);
    const expected = 'non-decreasing as the threshold falls';
    if (ok) out.push(finding(RULE_ID, 'info', 'pass', `${first.source_id}: cumulative counts ${chain}`, place, chain, expected));
    else out.push(finding(RULE_ID, 'warning', 'fail', `${first.source_id}: cumulative counts decrease: ${problem} (${chain})`, place, chain, expected));
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  description: 'Counts over descending lower-bound thresholds do not decrease and stay within the whole.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
