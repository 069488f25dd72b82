import type { Mention } from '../../extract/records.js';
import type { Check, CheckContext, Finding } from '../types.js';
import { TextCache, finding, groupBy, mentionPlace } from '../util.js';

export const RULE_ID = 'quote-at-offsets';
/** prefix / suffix are the (up to) this many code points before / after the quote */
export const CONTEXT_CODE_POINTS = 32;

function show(s: string): string {
  return JSON.stringify(s);
}

/**
 * The published text layer, sliced by the mention's code-point offsets, is its quote; prefix and suffix
 * are the ≤ 32 code points around it. Fails closed: a mismatch is an error, nothing is re-anchored.
 */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const cache = new TextCache(ctx.texts);
  const bySource = groupBy(ctx.mentions, (m) => m.source_id);
  for (const sourceId of [...bySource.keys()].sort()) {
    const ms: Mention[] = bySource.get(sourceId)!;
    const idx = cache.index(sourceId);
    if (!idx) {
      for (const m of ms) out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: no published text layer for ${sourceId}`, mentionPlace(m), null, m.quote));
      continue;
    }
    let bad = 0;
    for (const m of ms) {
      const place = mentionPlace(m);
      if (!(m.char_start >= 0 && m.char_start < m.char_end && m.char_end <= idx.cpLength)) {
        bad++;
        out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: span [${m.char_start}, ${m.char_end}) is not inside the text layer of ${idx.cpLength} code points`, place, null, m.quote));
        continue;
      }
      const at = idx.sliceCodePoints(m.char_start, m.char_end);
      const prefix = idx.sliceCodePoints(Math.max(0, m.char_start - CONTEXT_CODE_POINTS), m.char_start);
      const suffix = idx.sliceCodePoints(m.char_end, Math.min(idx.cpLength, m.char_end + CONTEXT_CODE_POINTS));
      let ok = true;
      if (at !== m.quote) {
        ok = false;
        out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: text at [${m.char_start}, ${m.char_end}) is ${show(at)}, quote is ${show(m.quote)}`, place, at, m.quote));
      }
      if (prefix !== m.prefix) {
        ok = false;
        out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: prefix is ${show(m.prefix)}, the text before the quote is ${show(prefix)}`, place, m.prefix, prefix));
      }
      if (suffix !== m.suffix) {
        ok = false;
        out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: suffix is ${show(m.suffix)}, the text after the quote is ${show(suffix)}`, place, m.suffix, suffix));
      }
      if (!ok) bad++;
    }
    if (bad === 0) out.push(finding(RULE_ID, 'info', 'pass', `${sourceId}: all ${ms.length} quotes at their offsets`, { source_id: sourceId }));
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  description: 'The text layer sliced by [char_start, char_end) code points equals the quote; prefix/suffix match.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
