import { createHash } from 'node:crypto';
import type { Check, CheckContext, Finding } from '../types.js';
import { finding } from '../util.js';

export const RULE_ID = 'source-sha256';

/** The archived raw file still hashes to the sha256 the sources table publishes. */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const sources = [...ctx.sources].sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0));
  for (const s of sources) {
    const place = { source_id: s.source_id };
    let bytes: Uint8Array;
    try {
      bytes = await ctx.readRaw(s.source_id);
    } catch (e) {
      out.push(finding(RULE_ID, 'error', 'fail', `${s.source_id}: cannot read raw file ${s.file}: ${(e as Error).message}`, place, null, s.sha256));
      continue;
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual === s.sha256.toLowerCase()) {
      out.push(finding(RULE_ID, 'info', 'pass', `${s.source_id}: sha256 matches`, place, actual, s.sha256));
    } else {
      out.push(finding(RULE_ID, 'error', 'fail', `${s.source_id}: sha256 of ${s.file} is ${actual}, published ${s.sha256}`, place, actual, s.sha256));
    }
    if (typeof s.bytes === 'number' && s.bytes !== bytes.length) {
      out.push(finding(RULE_ID, 'error', 'fail', `${s.source_id}: ${s.file} has ${bytes.length} bytes, published ${s.bytes}`, place, String(bytes.length), String(s.bytes)));
    }
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  description: 'The sha256 (and byte count) of each archived raw file equals its sources row.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
