import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CHECKS, runChecks, sortFindings } from '../../checks/index.js';
import type { Relation } from '../../checks/relations.js';
import { RULE_ID as SCHEMA_VALID, TableValidation } from '../../checks/rules/schema-valid.js';
import type { Check, CheckContext, Finding } from '../../checks/types.js';
import { finding } from '../../checks/util.js';
import { sha256Hex, type ManifestEntry } from '../../extract/manifest.js';
import { openSource } from '../../extract/sourceFile.js';
import type { Mention, Skip, SourceRow } from '../../extract/records.js';

/**
 * Step 3 — checks over everything that will be published. Inputs: the extracted rows and text layers, the
 * archived sources (re-read to prove every quote), the dataset's relations; then the facts and the tables as
 * they will be published. Output: findings (data, never exceptions).
 *
 * Memory does not grow with the corpus: `early` (while DuckDB reconciles) goes through the sources once, each
 * with its own mentions and skips (read from disk, in manifest order: pipeline/rowFile.ts), and runs the rules
 * that read one source at a time (`bySource`: quotes, coverage, sentences) on them, then any other rule that
 * needs no facts; `late` runs the rules over the facts and the published tables. That one pass is the only
 * one the checks make over the mentions: on the way it validates the mentions and skips tables against their
 * schemas (`rowSchemas`: schema-valid) and keeps of each mention the part a rule over the facts reads of it
 * (`Check.mentionPart`), so no rule reads them from disk again (each pass parses every row: ~0.7 s per 100,000).
 */
export interface CheckStepInput {
  manifest: readonly ManifestEntry[];
  sourcesDir: string;
  /** the size cap of a source file (the build's --max-bytes) */
  maxBytes?: number;
  pageTextsDir: string;
  /** resolves once pageTextsDir has every page text the extraction will put there */
  pageTextsSettled?: Promise<void>;
  relations: Relation[];
  /**
   * the JSON Schemas the mentions and skips tables are published under: the schema-valid check validates those
   * rows during the pass of `early`, and uses that in `late` for a table given with the very same rows and schema
   */
  rowSchemas?: { mentions?: object; skips?: object };
  /** other work on the same pass: each source's mentions and skips in turn (the build writes their published JSON) */
  alsoRead?(mentions: Mention[], skips: Skip[]): void;
}

/** What the rules read besides the facts and tables: every source's rows (arrays, or rows read from disk). */
export type CheckRows = Pick<CheckContext, 'sources' | 'mentions' | 'skips' | 'texts'>;

export class CheckStep {
  private readonly base: Pick<CheckContext, 'readRaw' | 'rereadPdfPages' | 'relations'>;
  private readonly findings: Finding[] = [];
  /** a bySource rule that threw on some source: its first such error (by source id) stands for the rule */
  private readonly crashed = new Map<string, { sourceId: string; message: string }>();
  private readonly rowSchemas: NonNullable<CheckStepInput['rowSchemas']>;
  private readonly alsoRead: CheckStepInput['alsoRead'] | null;
  /** what `early` gathered on its pass: the rows it read, each table's validation, each rule's mention parts */
  private gathered: { rows: CheckRows; validated: Map<'mentions' | 'skips', TableValidation>; parts: Map<Check, Partial<Mention>[]> } | null = null;

  constructor(input: CheckStepInput) {
    const fileOf = new Map(input.manifest.map((e) => [e.id, e.file]));
    this.base = {
      // through the door: inside the sources folder, a regular file, within the cap
      readRaw: async (id: string) => openSource(input.sourcesDir, fileOf.get(id)!, { sourceId: id, ...(input.maxBytes === undefined ? {} : { maxBytes: input.maxBytes }) }),
      // the page texts of readPdfPageTexts, read by the extraction workers (or the cache) from the same bytes
      rereadPdfPages: async (bytes: Uint8Array) => {
        await input.pageTextsSettled;
        const f = path.join(input.pageTextsDir, `${sha256Hex(bytes)}.json`);
        if (existsSync(f)) {
          const read = JSON.parse(readFileSync(f, 'utf8')) as string[] | { error: string };
          if (Array.isArray(read)) return read;
          throw new Error(`the second read in the extraction worker was stopped: ${read.error}`);
        }
        // pdf.js loads only here: a build whose page texts all came with the extraction never loads it on this thread
        const { readPdfPageTexts } = await import('../../extract/pdf.js');
        return readPdfPageTexts(bytes);
      },
      relations: input.relations,
    };
    this.rowSchemas = input.rowSchemas ?? {};
    this.alsoRead = input.alsoRead ?? null;
  }

  private context(rows: CheckRows, facts: CheckContext['facts'] = [], tables: CheckContext['tables'] = new Map()): CheckContext {
    return { ...this.base, ...rows, facts, tables };
  }

  /** The bySource rules over one source's rows (its mentions and skips may be dropped afterwards). */
  async source(row: SourceRow, mentions: Mention[], skips: Skip[], text: string | null): Promise<void> {
    const ctx = this.context({ sources: [row], mentions, skips, texts: new Map(text === null ? [] : [[row.source_id, text]]) });
    // the source's archived file is read once for all its rules (three of them read it), not once per rule
    let raw: Promise<Uint8Array> | null = null;
    ctx.readRaw = (id: string) => (id === row.source_id ? (raw ??= this.base.readRaw(id)) : this.base.readRaw(id));
    for (const c of CHECKS) {
      if (!c.bySource || this.crashed.has(c.ruleId)) continue;
      try {
        this.findings.push(...(await c.bySource(ctx)));
      } catch (e) {
        this.crash(c, row.source_id, (e as Error).message);
      }
    }
  }

  /**
   * The bySource rules over each source in turn (rows in manifest order, as the build writes them: one source's
   * mentions and skips follow one another), then the other rules that need no facts (none among the project's own).
   */
  async early(rows: CheckRows): Promise<void> {
    const validated = new Map<'mentions' | 'skips', TableValidation>();
    for (const t of ['mentions', 'skips'] as const) {
      const schema = this.rowSchemas[t];
      if (schema) validated.set(t, new TableValidation(t, schema));
    }
    const parts = new Map<Check, Partial<Mention>[]>();
    for (const c of CHECKS) if (c.mentionPart && c.needsFacts && !c.bySource) parts.set(c, []);
    this.gathered = { rows, validated, parts };
    const mentions = grouped(rows.mentions);
    const skips = grouped(rows.skips);
    // stepped by hand, so finished by hand: a throw part-way must still close the row files they read
    try {
      let m = mentions.next();
      let k = skips.next();
      for (const row of rows.sources) {
        const id = row.source_id;
        const ms = !m.done && m.value.sourceId === id ? m.value.rows : [];
        if (ms.length) m = mentions.next();
        const ks = !k.done && k.value.sourceId === id ? k.value.rows : [];
        if (ks.length) k = skips.next();
        await this.source(row, ms, ks, rows.texts.get(id) ?? null);
        this.gather(id, ms, ks);
      }
      if (!m.done || !k.done) throw new Error(`internal: the mentions or skips of ${(m.done ? k : m).value!.sourceId} are not in the sources' order`);
    } finally {
      mentions.return(undefined);
      skips.return(undefined);
    }
    this.findings.push(...(await runChecks(this.context(rows), CHECKS.filter((c) => !c.needsFacts && !c.bySource))));
  }

  /** One source's rows, on the pass of `early`: validated as table rows, and each rule's parts of its mentions kept. */
  private gather(sourceId: string, mentions: Mention[], skips: Skip[]): void {
    const g = this.gathered!;
    this.alsoRead?.(mentions, skips);
    for (const [t, v] of g.validated) {
      try {
        v.add(t === 'mentions' ? mentions : skips);
      } catch (e) {
        this.crash({ ruleId: SCHEMA_VALID }, sourceId, (e as Error).message);
      }
    }
    for (const [c, kept] of g.parts) {
      try {
        for (const m of mentions) {
          const part = c.mentionPart!(m);
          if (part !== null) kept.push(part);
        }
      } catch (e) {
        this.crash(c, sourceId, (e as Error).message);
      }
    }
  }

  async late(rows: CheckRows, facts: CheckContext['facts'], tables: CheckContext['tables']): Promise<Finding[]> {
    const ctx = this.context(rows, facts, tables);
    const g = this.gathered?.rows === rows ? this.gathered : null;
    for (const c of CHECKS.filter((c) => c.needsFacts && !c.bySource)) {
      if (this.crashed.has(c.ruleId)) continue;
      let own = ctx;
      const parts = g?.parts.get(c);
      // the parts of the mentions this rule reads, kept on the pass of early (Check.mentionPart)
      if (parts) own = { ...ctx, mentions: parts as Mention[] };
      if (c.ruleId === SCHEMA_VALID && g) {
        // the mentions and skips tables validated on that pass, when published with those very rows and schemas
        const rest = new Map(tables);
        for (const [t, v] of g.validated) {
          const table = tables.get(t);
          if (!table || table.rows !== rows[t] || table.schema !== this.rowSchemas[t]) continue;
          rest.delete(t);
          this.findings.push(...v.findings());
        }
        own = { ...ctx, tables: rest };
      }
      this.findings.push(...(await runChecks(own, [c])));
    }
    for (const c of CHECKS) {
      if (!c.bySource || !c.afterSources || this.crashed.has(c.ruleId)) continue;
      try {
        this.findings.push(...(await c.afterSources(ctx)));
      } catch (e) {
        this.crash(c, '\uffff', (e as Error).message); // after any source's error (run reads the sources first)
      }
    }
    // as runChecks: a rule that threw gives one error finding in place of its own
    const kept = this.findings.filter((f) => !this.crashed.has(f.rule_id));
    for (const [ruleId, { message }] of this.crashed) kept.push(finding(ruleId, 'error', 'fail', `check ${ruleId} crashed: ${message}`));
    return sortFindings(kept);
  }

  private crash(c: Pick<Check, 'ruleId'>, sourceId: string, message: string): void {
    const seen = this.crashed.get(c.ruleId);
    if (!seen || sourceId < seen.sourceId) this.crashed.set(c.ruleId, { sourceId, message });
  }
}

/** Consecutive rows of one source, as lists (one source's rows at a time in memory). */
function* grouped<T extends { source_id: string }>(rows: Iterable<T>): Generator<{ sourceId: string; rows: T[] }, void, undefined> {
  let cur: { sourceId: string; rows: T[] } | null = null;
  for (const r of rows) {
    if (cur && cur.sourceId === r.source_id) cur.rows.push(r);
    else {
      if (cur) yield cur;
      cur = { sourceId: r.source_id, rows: [r] };
    }
  }
  if (cur) yield cur;
}
