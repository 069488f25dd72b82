import type { Mention } from '../../extract/records.js';
import { relationOf } from '../relations.js';
import { sentenceClauses, type Clause } from '../sentences.js';
import type { Check, CheckContext, Finding } from '../types.js';
import { TextCache, addIntervals, compileRegex, finding, fmtNum, mentionInterval, overlaps, slackOf, spanPlace } from '../util.js';

export const RULE_ID = 'parts-sum';

/** Text between mention a and mention b (a < b) of a clause, other mentions included verbatim. */
export function between(c: Clause, a: number, b: number): string {
  let s = c.gaps[a + 1] ?? '';
  for (let k = a + 1; k < b; k++) s += c.mentions[k]!.quote + (c.gaps[k + 1] ?? '');
  return s;
}

export interface PartsMatch {
  whole: Mention;
  parts: Mention[];
  form: 'after_whole' | 'total_including';
}

/**
 * Detects "X, among which Y … and Z" / "X, of which Y … and Z" / "a total of X … including Y and Z"
 * in one clause: a whole, then parts of the same unit, the last joined by "and".
 */
export function detectParts(c: Clause, ctx: Pick<CheckContext, 'relations'>): PartsMatch[] {
  const rel = relationOf(ctx.relations, 'parts_sum_phrases');
  const afterWhole = rel.part_markers_after_whole.map(compileRegex);
  const wholeCues = rel.whole_cues_before.map(compileRegex);
  const afterTotal = rel.part_markers_after_total.map(compileRegex);
  const joiner = compileRegex(rel.last_part_joiner);
  const clauseBreak = compileRegex(rel.clause_break);
  const ms = c.mentions;
  const out: PartsMatch[] = [];
  for (let i = 0; i + 1 < ms.length; i++) {
    const whole = ms[i]!;
    let start = -1;
    let form: PartsMatch['form'] = 'after_whole';
    if (afterWhole.some((r) => r.test(c.gaps[i + 1] ?? ''))) start = i + 1;
    else if (wholeCues.some((r) => r.test(c.gaps[i] ?? ''))) {
      for (let k = i + 1; k < ms.length; k++) {
        if (clauseBreak.test(c.gaps[k] ?? '')) break;
        if (afterTotal.some((r) => r.test(c.gaps[k] ?? ''))) {
          start = k;
          form = 'total_including';
          break;
        }
        if (ms[k]!.unit === whole.unit) break; // another figure of the whole's unit before "including"
      }
    }
    if (start < 0) continue;
    const idx: number[] = [];
    for (let j = start; j < ms.length; j++) {
      if (j > start && clauseBreak.test(c.gaps[j] ?? '')) break;
      if (ms[j]!.unit === whole.unit) idx.push(j);
    }
    // the list ends at the last part introduced by "and"
    let last = -1;
    for (let q = 1; q < idx.length; q++) if (joiner.test(between(c, idx[q - 1]!, idx[q]!))) last = q;
    if (last < 1) continue;
    out.push({ whole, parts: idx.slice(0, last + 1).map((j) => ms[j]!), form });
  }
  return out;
}

async function run(ctx: CheckContext): Promise<Finding[]> {
  const slack = slackOf(ctx);
  const out: Finding[] = [];
  const cache = new TextCache(ctx.texts);
  for (const c of sentenceClauses(ctx, cache)) {
    for (const { whole, parts } of detectParts(c, ctx)) {
      const sum = addIntervals(parts.map((p) => mentionInterval(p, slack)));
      const w = mentionInterval(whole, slack);
      const point = parts.reduce((s, p) => s + p.value, 0);
      const actual = `${parts.map((p) => fmtNum(p.value)).join(' + ')} = ${fmtNum(point)}`;
      const expected = fmtNum(whole.value);
      const place = spanPlace(whole, parts[parts.length - 1]!);
      const quoted = parts.map((p) => JSON.stringify(p.quote)).join(' + ');
      if (overlaps(sum, w, slack.epsilon)) {
        out.push(finding(RULE_ID, 'info', 'pass', `${c.sourceId}: parts ${quoted} add up to the whole ${JSON.stringify(whole.quote)}: ${actual}`, place, actual, expected));
      } else {
        out.push(
          finding(
            RULE_ID,
            'warning',
            'fail',
            `${c.sourceId}: parts ${quoted} add up to ${fmtNum(point)} (${fmtNum(sum.lo)}–${fmtNum(sum.hi)} with rounding and bounds), ` +
              `not the whole ${JSON.stringify(whole.quote)} (${fmtNum(w.lo)}–${fmtNum(w.hi)})`,
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

export const check: Check = {
  ruleId: RULE_ID,
  description: '"X, among which Y and Z" / "a total of X including Y and Z": the parts add up to the whole.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
