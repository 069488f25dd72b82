import { z } from 'zod';

/**
 * Internal records, validated with zod where they cross a stage boundary.
 * The published JSON Schemas (ajv) describe the same shapes for outside readers.
 */

export const UNITS = ['CNY', 'USD', 'percent', 'count', 'persons', 'km2', 'times', 'per_10k', 'unknown', 'percentage_points'] as const;
export type Unit = (typeof UNITS)[number];

export const BOUNDS = ['exact', 'lower', 'upper', 'approx'] as const;
export type Bound = (typeof BOUNDS)[number];

export const PERIOD_BASES = ['stated', 'carried', 'publication', 'none'] as const;
export type PeriodBasis = (typeof PERIOD_BASES)[number];

/** One figure as stated in a source: the row of the published `mentions` table. */
export const MentionSchema = z.object({
  mention_id: z.string().regex(/^m_[0-9a-f]{16}$/),
  source_id: z.string(),
  source_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** PDF: 1-based page; HTML: null */
  page: z.number().int().positive().nullable(),
  /** code points into text/<source_id>.txt, end exclusive */
  char_start: z.number().int().nonnegative(),
  char_end: z.number().int().nonnegative(),
  /** HTML: bytes of the raw file, end exclusive; PDF: null */
  byte_start: z.number().int().nonnegative().nullable(),
  byte_end: z.number().int().nonnegative().nullable(),
  quote: z.string().min(1),
  prefix: z.string(),
  suffix: z.string(),
  sentence: z.string(),
  value_text: z.string(),
  value: z.number(),
  unit: z.enum(UNITS),
  bound: z.enum(BOUNDS),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  lo_exclusive: z.boolean(),
  hi_exclusive: z.boolean(),
  metric: z.string().nullable(),
  subject: z.string().nullable(),
  period: z.string().nullable(),
  period_basis: z.enum(PERIOD_BASES),
  is_target: z.boolean(),
  /** another mention stating the same figure in another unit ("27.9 trillion yuan ($4 trillion)") */
  paired_mention_id: z.string().nullable(),
  region: z.string(),
  rule: z.string(),
  extractor_version: z.string(),
});
export type Mention = z.infer<typeof MentionSchema>;

/** A number token that is not a figure (a year, a phone number …): recorded, never published as a mention. */
export const SkipSchema = z.object({
  source_id: z.string(),
  page: z.number().int().positive().nullable(),
  char_start: z.number().int().nonnegative(),
  char_end: z.number().int().nonnegative(),
  text: z.string(),
  reason: z.string(),
});
export type Skip = z.infer<typeof SkipSchema>;

/** A source that failed to build, with the reason (see SourceErrorReason). */
export const SourceErrorRecordSchema = z.object({
  source_id: z.string(),
  reason: z.string(),
  message: z.string(),
});
export type SourceErrorRecord = z.infer<typeof SourceErrorRecordSchema>;

/** One archived source as published in sources.json: its manifest entry plus what the build found. */
export interface SourceRow {
  source_id: string;
  file: string;
  media_type: string;
  title: string;
  publisher: string | null;
  original_url: string | null;
  /** 'YYYY-MM-DD' or null */
  published: string | null;
  capture: string;
  notes: string | null;
  sha256: string;
  bytes: number | null;
  pages: number | null;
  /** code points in text/<source_id>.txt */
  text_chars: number | null;
  text_sha256: string | null;
  status: 'ok' | 'error';
  error_reason: string | null;
}
