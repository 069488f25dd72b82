import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CHECKS, runChecks, sortFindings } from '../../checks/index.js';
import type { Relation } from '../../checks/relations.js';
import type { CheckContext, Finding } from '../../checks/types.js';
import { sha256Hex, type ManifestEntry } from '../../extract/manifest.js';
import { openSource } from '../../extract/sourceFile.js';
import type { Mention, Skip, SourceRow } from '../../extract/records.js';

/**
 * Step 3 — checks over everything that will be published. Inputs: the extracted rows and text layers, the
 * archived sources (re-read to prove every quote), the dataset's relations; then the facts and the tables as
 * they will be published. Output: findings (data, never exceptions). `early` runs the checks that need no
 * facts (while DuckDB reconciles), `late` the rest.
 */
export interface CheckStepInput {
  manifest: readonly ManifestEntry[];
  sourcesDir: string;
  /** the size cap of a source file (the build's --max-bytes) */
  maxBytes?: number;
  sources: SourceRow[];
  mentions: Mention[];
  skips: Skip[];
  texts: Map<string, string>;
  pageTextsDir: string;
  relations: Relation[];
}

export class CheckStep {
  readonly context: CheckContext;
  private readonly findings: Finding[] = [];

  constructor(input: CheckStepInput) {
    const fileOf = new Map(input.manifest.map((e) => [e.id, e.file]));
    this.context = {
      sources: input.sources,
      mentions: input.mentions,
      skips: input.skips,
      facts: [],
      texts: input.texts,
      tables: new Map(),
      // through the door: inside the sources folder, a regular file, within the cap
      readRaw: async (id: string) => openSource(input.sourcesDir, fileOf.get(id)!, { sourceId: id, ...(input.maxBytes === undefined ? {} : { maxBytes: input.maxBytes }) }),
      // the page texts of readPdfPageTexts, read by the extraction workers (or the cache) from the same bytes
      rereadPdfPages: async (bytes: Uint8Array) => {
        const f = path.join(input.pageTextsDir, `${sha256Hex(bytes)}.json`);
        if (existsSync(f)) return JSON.parse(readFileSync(f, 'utf8')) as string[];
        // pdf.js loads only here: a build whose page texts all came with the extraction never loads it on this thread
        const { readPdfPageTexts } = await import('../../extract/pdf.js');
        return readPdfPageTexts(bytes);
      },
      relations: input.relations,
    };
  }

  async early(): Promise<void> {
    this.findings.push(...(await runChecks(this.context, CHECKS.filter((c) => !c.needsFacts))));
  }

  async late(facts: CheckContext['facts'], tables: CheckContext['tables']): Promise<Finding[]> {
    this.context.facts = facts;
    for (const [k, v] of tables) this.context.tables.set(k, v);
    this.findings.push(...(await runChecks(this.context, CHECKS.filter((c) => c.needsFacts))));
    return sortFindings(this.findings);
  }
}
