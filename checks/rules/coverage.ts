import type { Check, CheckContext, Finding } from '../types.js';
import { TextCache, finding, isPdf } from '../util.js';

export const RULE_ID = 'coverage';

interface Iv {
  start: number;
  end: number;
}

function merge(spans: Iv[]): Iv[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Iv[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Whether [start, end) lies inside one merged span (binary search). */
function covered(merged: readonly Iv[], start: number, end: number): boolean {
  let lo = 0;
  let hi = merged.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = merged[mid]!;
    if (start < s.start) hi = mid - 1;
    else if (start >= s.end) lo = mid + 1;
    else return end <= s.end;
  }
  return false;
}

/** Every digit run of every text layer lies inside a mention or a skip: no number went unaccounted. */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const cache = new TextCache(ctx.texts);
  const mediaType = new Map(ctx.sources.map((s) => [s.source_id, s.media_type]));
  const spans = new Map<string, Iv[]>();
  const add = (sid: string, start: number, end: number): void => {
    const list = spans.get(sid) ?? [];
    list.push({ start, end });
    spans.set(sid, list);
  };
  for (const m of ctx.mentions) add(m.source_id, m.char_start, m.char_end);
  for (const s of ctx.skips) add(s.source_id, s.char_start, s.char_end);
  for (const sourceId of [...ctx.texts.keys()].sort()) {
    const idx = cache.index(sourceId)!;
    const merged = merge(spans.get(sourceId) ?? []);
    const paged = isPdf(mediaType.get(sourceId));
    let runs = 0;
    let bad = 0;
    for (const m of idx.text.matchAll(/\d+/g)) {
      runs++;
      const start = idx.toCodePoint(m.index);
      const end = idx.toCodePoint(m.index + m[0].length);
      if (covered(merged, start, end)) continue;
      bad++;
      const ctxText = idx.sliceCodePoints(Math.max(0, start - 20), Math.min(idx.cpLength, end + 20)).replace(/\s+/g, ' ');
      out.push(
        finding(
          RULE_ID,
          'warning',
          'fail',
          `${sourceId}: digits ${JSON.stringify(m[0])} at [${start}, ${end}) are in no mention and no skip: …${ctxText}…`,
          { source_id: sourceId, page: paged ? cache.pageOf(sourceId, start) : null, char_start: start, char_end: end },
          m[0],
          'inside a mention or a skip',
        ),
      );
    }
    if (bad === 0) out.push(finding(RULE_ID, 'info', 'pass', `${sourceId}: all ${runs} digit runs covered`, { source_id: sourceId }, String(runs), String(runs)));
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  description: 'Every digit run of every text layer is inside a mention span or a skip span.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
