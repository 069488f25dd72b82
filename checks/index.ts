import type { Check, CheckContext, Finding } from './types.js';
import { finding } from './util.js';
import { check as schemaValid } from './rules/schema-valid.js';
import { check as sourceSha256 } from './rules/source-sha256.js';
import { check as quoteAtOffsets } from './rules/quote-at-offsets.js';
import { check as quoteAtBytes } from './rules/quote-at-bytes.js';
import { check as quoteOnPage } from './rules/quote-on-page.js';
import { check as coverage } from './rules/coverage.js';
import { check as percentRange } from './rules/percent-range.js';
import { check as partsSum } from './rules/parts-sum.js';
import { check as statedShare } from './rules/stated-share.js';
import { check as cumulativeCounts } from './rules/cumulative-counts.js';
import { check as monotonic } from './rules/monotonic.js';
import { check as statedGrowth } from './rules/stated-growth.js';
import { check as factsHaveMentions } from './rules/facts-have-mentions.js';

export type { Check, CheckContext, Fact, Finding, Place, PublishedTable, Severity, SourceRow, Status } from './types.js';
export { loadRelations, parseRelations, type Relation } from './relations.js';
export { formatFindingsTable, hasErrors, writeGithubReport } from './report.js';

/** All rules, in a stable order (provenance first, then consistency). */
export const CHECKS: Check[] = [
  schemaValid,
  sourceSha256,
  quoteAtOffsets,
  quoteAtBytes,
  quoteOnPage,
  coverage,
  factsHaveMentions,
  percentRange,
  partsSum,
  statedShare,
  cumulativeCounts,
  monotonic,
  statedGrowth,
];

function cmpNullable<T extends string | number>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Deterministic order: rule_id, source_id, char_start, fact_id, message (nulls first). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmpNullable(a.rule_id, b.rule_id) ||
    cmpNullable(a.place.source_id, b.place.source_id) ||
    cmpNullable(a.place.char_start, b.place.char_start) ||
    cmpNullable(a.place.fact_id, b.place.fact_id) ||
    cmpNullable(a.message, b.message)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/**
 * Runs every check (or the given ones). A check that throws does not stop the others: its exception
 * becomes an error finding of that rule.
 */
export async function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const c of checks) {
    try {
      all.push(...(await c.run(ctx)));
    } catch (e) {
      all.push(finding(c.ruleId, 'error', 'fail', `check ${c.ruleId} crashed: ${(e as Error).message}`));
    }
  }
  return sortFindings(all);
}
