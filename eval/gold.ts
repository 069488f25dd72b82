import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq } from 'yaml';
import { parseYamlWithLines } from '../pipeline/yamlLines.js';
import { z } from 'zod';
import { OffsetIndex, type Span } from '../extract/offsets.js';
import { BOUNDS, UNITS } from '../extract/records.js';

/**
 * The gold format of `figtrail eval` (spec: eval/README.md): one YAML file per source document, written by
 * hand by an analyst, saying which figures the document states and how each must be read, which numbers are
 * not figures, and which readings must not be made. Rows are tied to the text layer by position (a quote,
 * pinned by a longer `in` text and an occurrence index where it repeats), never by value.
 */

export class GoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoldError';
  }
}

/** A gold unit is a unit of the build's vocabulary, or an ISO 4217 currency code the build may not know yet. */
const GOLD_UNITS = UNITS.filter((u) => u !== 'unknown');
const UnitSchema = z
  .string()
  .refine((u) => (GOLD_UNITS as readonly string[]).includes(u) || /^[A-Z]{3}$/.test(u), {
    message: `unit must be one of ${GOLD_UNITS.join(', ')} or an ISO 4217 currency code (EUR, GBP …)`,
  });

/** "range": the figure is an interval stated by its two ends ("between 150 and 160"); value is [lo, hi]. */
export const GOLD_BOUNDS = [...BOUNDS, 'range'] as const;
export type GoldBound = (typeof GOLD_BOUNDS)[number];

const OneOrMany = z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const Place = {
  /** the figure as written in the text (number with its scale, unit, qualifier as far as the analyst reads it) */
  quote: z.string().min(1),
  /** a longer text of the document that contains `quote`, to say which occurrence is meant */
  in: z.string().min(1).optional(),
  /** 1-based: the n-th occurrence of `in` (or of `quote` when there is no `in`) in the text layer */
  occurrence: z.number().int().positive().optional(),
};

export const ReadingFields = ['metric', 'subject', 'period'] as const;
export type ReadingField = (typeof ReadingFields)[number];

const FigureRowSchema = z
  .object({
    ...Place,
    value: z.union([z.number(), z.tuple([z.number(), z.number()])], { error: 'value must be a number in base units, or [lo, hi] for a range' }),
    unit: UnitSchema,
    bound: z.enum(GOLD_BOUNDS).default('exact'),
    /** null: an analyst abstains (no metric/subject/period of the vocabulary applies); absent: not judged */
    metric: z.string().min(1).nullable().optional(),
    subject: z.string().min(1).nullable().optional(),
    /** a period id of the build ('2023', '2023-H1', '2023-Q1/2023-Q3', '2023-05'); a bare year may be unquoted */
    period: z.union([z.string().min(1), z.number().int().transform(String)]).nullable().optional(),
    /** readings that must not be made for this figure */
    not: z
      .object({ metric: OneOrMany.optional(), subject: OneOrMany.optional(), period: OneOrMany.optional(), unit: OneOrMany.optional() })
      .strict()
      .optional(),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((row, ctx) => {
    const isRange = Array.isArray(row.value);
    if (isRange !== (row.bound === 'range')) {
      ctx.addIssue({ code: 'custom', path: ['bound'], message: 'a range has bound: range and value: [lo, hi]; any other bound takes one number' });
    }
    if (Array.isArray(row.value) && !(row.value[0] < row.value[1])) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a range needs lo < hi' });
  });

const NotFigureRowSchema = z
  .object({ ...Place, why: z.string().min(1) })
  .strict();

export const GoldFileSchema = z
  .object({
    source: z.string().min(1),
    /** true: every figure of the document has a row, so a mention with no row is a false positive */
    complete: z.boolean().default(true),
    figures: z.array(FigureRowSchema).default([]),
    not_figures: z.array(NotFigureRowSchema).default([]),
  })
  .strict();

export type FigureRow = z.infer<typeof FigureRowSchema>;
export type NotFigureRow = z.infer<typeof NotFigureRowSchema>;

/** Where a row sits: its gold file and line (for messages) and its span in the text layer (code points). */
export interface Located {
  file: string;
  line: number;
  /** code points into text/<source>.txt, end exclusive */
  span: Span;
  /** the text at `span` (the document's own spelling, line breaks included) */
  text: string;
}

export interface GoldFigure extends Located {
  row: FigureRow;
}
export interface GoldNotFigure extends Located {
  row: NotFigureRow;
}

export interface GoldDocument {
  file: string;
  source: string;
  complete: boolean;
  figures: GoldFigure[];
  notFigures: GoldNotFigure[];
}

/** Raw rows with their lines, before anchoring in a text layer. */
export interface ParsedGoldFile {
  file: string;
  source: string;
  complete: boolean;
  figures: { row: FigureRow; line: number }[];
  notFigures: { row: NotFigureRow; line: number }[];
}

/** Parses and validates one gold file; every problem names the file and line. */
export function parseGoldFile(file: string, text: string): ParsedGoldFile {
  const y = parseYamlWithLines(text);
  const { doc, lineOf } = y;
  if (y.errors.length) throw new GoldError(y.errors.map((e) => `${file}:${e.line}: ${e.message}`).join('\n'));
  const r = GoldFileSchema.safeParse(y.data);
  /** line of the node at `p`, or of its nearest parent that exists */
  const lineAt = y.lineAt;
  if (!r.success) {
    throw new GoldError(
      r.error.issues
        .map((i) => `${file}:${lineAt(i.path as PropertyKey[])}: ${i.path.join('.') || '(file)'}: ${i.message}`)
        .join('\n'),
    );
  }
  const rowLines = (key: string): number[] => {
    const seq = doc.get(key, true);
    if (!isSeq(seq)) return [];
    return seq.items.map((it) => (isMap(it) && it.range ? lineOf(it.range[0]) : 1));
  };
  const figLines = rowLines('figures');
  const notLines = rowLines('not_figures');
  return {
    file,
    source: r.data.source,
    complete: r.data.complete,
    figures: r.data.figures.map((row, i) => ({ row, line: figLines[i] ?? 1 })),
    notFigures: r.data.not_figures.map((row, i) => ({ row, line: notLines[i] ?? 1 })),
  };
}

const QUOTE_CLASSES: Record<string, string> = {
  "'": "['‘’]",
  '‘': "['‘’]",
  '’': "['‘’]",
  '"': '["“”]',
  '“': '["“”]',
  '”': '["“”]',
};

/**
 * A pattern for text as a person types it: any run of white space matches any run of white space (PDF text
 * wraps lines mid-phrase; pages are joined by a form feed) and straight quotes match curly ones.
 */
export function looseTextPattern(s: string): RegExp {
  let src = '';
  for (const part of s.trim().split(/(\s+)/u)) {
    if (part === '') continue;
    if (/^\s+$/u.test(part)) {
      src += '\\s+';
      continue;
    }
    for (const ch of part) src += QUOTE_CLASSES[ch] ?? ch.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  }
  return new RegExp(src, 'gu');
}

function findAll(text: string, needle: string): Span[] {
  const re = looseTextPattern(needle);
  const out: Span[] = [];
  for (const m of text.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** Places a row in the text layer; the span is in UTF-16 offsets of `text`. */
function anchor(text: string, place: { quote: string; in?: string | undefined; occurrence?: number | undefined }, where: string): Span {
  const outer = place.in ?? place.quote;
  const hits = findAll(text, outer);
  const label = place.in === undefined ? 'quote' : 'in';
  if (hits.length === 0) throw new GoldError(`${where}: ${label} "${outer}" is not in the text layer`);
  let hit: Span;
  if (place.occurrence !== undefined) {
    if (place.occurrence > hits.length) throw new GoldError(`${where}: occurrence ${place.occurrence} of ${label} "${outer}" asked, the text has ${hits.length}`);
    hit = hits[place.occurrence - 1]!;
  } else {
    if (hits.length > 1) throw new GoldError(`${where}: ${label} "${outer}" occurs ${hits.length} times in the text layer; add occurrence: N or a longer in:`);
    hit = hits[0]!;
  }
  if (place.in === undefined) return hit;
  const inner = findAll(text.slice(hit.start, hit.end), place.quote);
  if (inner.length === 0) throw new GoldError(`${where}: quote "${place.quote}" is not inside in: "${place.in}"`);
  return { start: hit.start + inner[0]!.start, end: hit.start + inner[0]!.end };
}

/** Anchors a parsed gold file in its source's text layer. */
export function anchorGold(parsed: ParsedGoldFile, text: string): GoldDocument {
  const idx = new OffsetIndex(text);
  const place = <R extends { quote: string; in?: string | undefined; occurrence?: number | undefined }>(row: R, line: number) => {
    const u16 = anchor(text, row, `${parsed.file}:${line}`);
    return { file: parsed.file, line, span: idx.spanToCodePoints(u16), text: text.slice(u16.start, u16.end), row };
  };
  const figures = parsed.figures.map(({ row, line }) => place(row, line));
  const notFigures = parsed.notFigures.map(({ row, line }) => place(row, line));
  // a mention is credited to the one figure whose span holds it: figure spans may not overlap
  const sorted = [...figures].sort((a, b) => a.span.start - b.span.start);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.span.start < a.span.end) throw new GoldError(`${b.file}:${b.line}: quote "${b.row.quote}" overlaps the figure of line ${a.line} ("${a.row.quote}"); give each figure its own text`);
  }
  return { file: parsed.file, source: parsed.source, complete: parsed.complete, figures, notFigures };
}

/** The gold files under a path: the file itself, or every *.yaml / *.yml under the folder (sorted). */
export function goldFiles(goldPath: string): string[] {
  let st;
  try {
    st = statSync(goldPath);
  } catch {
    throw new GoldError(`gold not found: ${goldPath}`);
  }
  if (st.isFile()) return [goldPath];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/u.test(name)) out.push(full);
    }
  };
  walk(goldPath);
  if (out.length === 0) throw new GoldError(`no gold files (*.yaml) under ${goldPath}`);
  return out;
}

/** Reads all gold under `goldPath` and anchors each file in `<buildDir>/text/<source>.txt`. */
export function loadGold(goldPath: string, buildDir: string): GoldDocument[] {
  const docs: GoldDocument[] = [];
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const file of goldFiles(goldPath)) {
    const shown = path.relative(process.cwd(), file) || file;
    try {
      const parsed = parseGoldFile(shown, readFileSync(file, 'utf8'));
      const other = seen.get(parsed.source);
      if (other) throw new GoldError(`${shown}:1: source ${parsed.source} already has gold in ${other}`);
      seen.set(parsed.source, shown);
      const textFile = path.join(buildDir, 'text', `${parsed.source}.txt`);
      let text: string;
      try {
        text = readFileSync(textFile, 'utf8');
      } catch {
        throw new GoldError(`${shown}:1: the build has no text layer for source ${parsed.source} (${textFile}); did the source fail to build?`);
      }
      docs.push(anchorGold(parsed, text));
    } catch (e) {
      if (e instanceof GoldError) problems.push(e.message);
      else throw e;
    }
  }
  if (problems.length) throw new GoldError(problems.join('\n'));
  return docs;
}
