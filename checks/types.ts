import type { Mention, Skip, SourceRow as PublishedSourceRow } from '../extract/records.js';
import type { Relation } from './relations.js';

export type { Mention, Skip } from '../extract/records.js';
export type { Relation } from './relations.js';

export type Severity = 'error' | 'warning' | 'info';
export type Status = 'pass' | 'fail';

/** Where a finding points. Character offsets are published code points (like mentions). */
export interface Place {
  source_id: string | null;
  page: number | null;
  char_start: number | null;
  char_end: number | null;
  mention_id: string | null;
  fact_id: string | null;
  table: string | null;
}

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

/** A row of sources.json (extract/records.ts), read leniently: files from older versions may differ. */
export type SourceRow = Omit<PublishedSourceRow, 'title' | 'capture' | 'status'> & { title: string | null; capture: string | null; status: string };

/** The fields of a facts.json row the checks read. */
export interface FactLike {
  fact_id: string;
  metric: string;
  subject: string;
  period: string | null;
  period_start: string | null;
  period_end: string | null;
  value: number | null;
  unit: string;
  lo: number | null;
  hi: number | null;
  status: string;
  n_mentions: number;
  n_sources: number;
  /** a list, or (as some writers flatten it) a comma-separated / JSON-encoded string */
  mention_ids: string[] | string;
  chosen_mention_id: string | null;
  rule: string | null;
  resolution: string | null;
  is_target: boolean;
}

export interface PublishedTable {
  rows: unknown[];
  schema: object;
}

export interface CheckContext {
  sources: SourceRow[];
  mentions: Mention[];
  skips: Skip[];
  facts: FactLike[];
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
}
