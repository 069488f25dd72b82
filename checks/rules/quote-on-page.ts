import { toPageSpan } from '../../extract/offsets.js';
import type { Mention } from '../../extract/records.js';
import type { Check, CheckContext, Finding } from '../types.js';
import { TextCache, finding, groupBy, isPdf, mentionPlace } from '../util.js';

export const RULE_ID = 'quote-on-page';

/**
 * PDF mentions: re-reading the raw PDF gives, on the mention's page at the page-relative offset,
 * the quote. The page and its offset come from the published text layer (pages joined by "\f").
 */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const cache = new TextCache(ctx.texts);
  const mediaType = new Map(ctx.sources.map((s) => [s.source_id, s.media_type]));
  const pdf: Mention[] = [];
  for (const m of ctx.mentions) if (isPdf(mediaType.get(m.source_id))) pdf.push(m);
  const bySource = groupBy(pdf, (m) => m.source_id);
  for (const sourceId of [...bySource.keys()].sort()) {
    const ms: Mention[] = bySource.get(sourceId)!;
    const idx = cache.index(sourceId);
    const pages = cache.pageSpans(sourceId);
    let reread: string[];
    try {
      reread = await ctx.rereadPdfPages(await ctx.readRaw(sourceId));
    } catch (e) {
      out.push(finding(RULE_ID, 'error', 'fail', `${sourceId}: cannot re-read the PDF: ${(e as Error).message}`, { source_id: sourceId }));
      continue;
    }
    if (!idx || !pages) {
      out.push(finding(RULE_ID, 'error', 'fail', `${sourceId}: no published text layer`, { source_id: sourceId }));
      continue;
    }
    if (reread.length !== pages.length) {
      out.push(finding(RULE_ID, 'error', 'fail', `${sourceId}: the PDF has ${reread.length} pages, the text layer ${pages.length}`, { source_id: sourceId }, String(reread.length), String(pages.length)));
    }
    let bad = 0;
    for (const m of ms) {
      const place = mentionPlace(m);
      const fail = (message: string, actual: string | null, expected: string | null): void => {
        bad++;
        out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: ${message}`, place, actual, expected));
      };
      if (!(m.char_start >= 0 && m.char_start < m.char_end && m.char_end <= idx.cpLength)) {
        fail(`span [${m.char_start}, ${m.char_end}) is not inside the text layer`, null, m.quote);
        continue;
      }
      const ps = toPageSpan(pages, idx.spanToUtf16({ start: m.char_start, end: m.char_end }));
      if (!ps) {
        fail('the quote crosses a page break', null, m.quote);
        continue;
      }
      if (m.page !== ps.page) {
        fail(`published page ${m.page ?? 'null'}, but the offsets lie on page ${ps.page}`, String(m.page), String(ps.page));
        continue;
      }
      const pageText = reread[ps.page - 1];
      if (pageText === undefined) {
        fail(`the re-read PDF has no page ${ps.page}`, null, m.quote);
        continue;
      }
      const at = pageText.slice(ps.start, ps.end);
      if (at !== m.quote) fail(`re-read page ${ps.page} has ${JSON.stringify(at)} at [${ps.start}, ${ps.end}), quote is ${JSON.stringify(m.quote)}`, at, m.quote);
    }
    if (bad === 0) out.push(finding(RULE_ID, 'info', 'pass', `${sourceId}: all ${ms.length} quotes on their re-read pages`, { source_id: sourceId }));
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  description: 'PDF mentions: the re-read page holds the quote at the page-relative offset.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
