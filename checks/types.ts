import type { CHECK_STATUSES, Fact, Mention, Place, SEVERITIES, Skip, SourceRow } from '../contracts/index.js';
import type { Relation } from './relations.js';

export type { Fact, Mention, Skip, SourceRow } from '../contracts/index.js';
export type { Relation } from './relations.js';

export type Severity = (typeof SEVERITIES)[number];
export type Status = (typeof CHECK_STATUSES)[number];

/** Where a finding points (the checks table's place_* columns). Character offsets are published code points (like mentions). */
export type { Place } from '../contracts/index.js';

/** One check result (vfile-message style: data, never an exception). */
export interface Finding {
  rule_id: string;
  severity: Severity;
  status: Status;
  message: string;
  place: Place;
  /** display strings ("27.6 %") so the published table stays typed */
  actual: string | null;
  expected: string | null;
}

export interface PublishedTable {
  /** an array, or rows read again from disk on each pass (a build's mentions and skips: pipeline/rowFile.ts) */
  rows: Iterable<unknown>;
  schema: object;
}

export interface CheckContext {
  sources: SourceRow[];
  /** an array, or (a build's late checks) the rows read again from disk on each pass: iterate, never index */
  mentions: Iterable<Mention>;
  skips: Iterable<Skip>;
  facts: Fact[];
  /** source_id → published text layer (text/<id>.txt) */
  texts: Map<string, string>;
  /** published JSON tables with their JSON Schemas */
  tables: Map<string, PublishedTable>;
  /** raw archived bytes of a source */
  readRaw(sourceId: string): Promise<Uint8Array>;
  /** page texts of a PDF, as the build reads them (extract/pdf.ts readPdfPageTexts); tests pass a fake */
  rereadPdfPages(bytes: Uint8Array): Promise<string[]>;
  /** checks/relations.yaml */
  relations: Relation[];
}

export interface Check {
  ruleId: string;
  description: string;
  /**
   * true when the rule reads ctx.facts or ctx.tables (the reconciled or published tables); the others read
   * only sources, mentions, skips and texts, so the build can run them while DuckDB reconciles
   */
  needsFacts?: boolean;
  run(ctx: CheckContext): Promise<Finding[]>;
  /**
   * What the rule finds in one source's rows (ctx then holds that source alone: its sources row, mentions,
   * skips and text layer). A build calls it on each source in turn, its rows read back from disk while DuckDB
   * reconciles (pipeline/steps/check.ts), so no step holds every source's mentions at once; run over all sources
   * gives the same findings as bySource over each one plus afterSources (checks/index.test.ts holds them to it).
   */
  bySource?(ctx: CheckContext): Promise<Finding[]>;
  /** With bySource: what the rule finds once every source was seen (over the facts); none when absent. */
  afterSources?(ctx: CheckContext): Promise<Finding[]>;
  /**
   * For a rule that reads ctx.mentions besides the facts: the part of one mention it reads (the fields its run
   * reads), or null when it reads nothing of that mention. A build keeps only these parts, gathered while it reads
   * each source's mentions for the bySource rules (pipeline/steps/check.ts), and runs the rule over them and the
   * facts, instead of reading every mention from disk again for it. run over the parts must find what it finds
   * over the whole mentions (checks/index.test.ts holds each such rule to it).
   */
  mentionPart?(m: Mention): Partial<Mention> | null;
}
