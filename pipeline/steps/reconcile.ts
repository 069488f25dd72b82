import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Lexicon } from '../../extract/lexicon.js';
import type { SourceRow } from '../../extract/records.js';
import type { TransformResult } from '../../transform/run.js';

/**
 * Step 2 — mentions → facts and series, in DuckDB. Inputs: the mentions (newline-delimited JSON written by
 * the extract step), the sources rows, the dataset's metric kinds, rules and decisions. Output: the facts and
 * series rows with the reconcile summary. It returns a promise at once, so that the checks that need no
 * facts can run while DuckDB works on its own threads.
 */
export interface ReconcileStepInput {
  workDir: string;
  /** or, from shards, their Parquet files of mentions */
  mentionsPath: string | readonly string[];
  sources: readonly SourceRow[];
  lexicon: Lexicon;
  rulesPath: string;
  decisionsPath: string | null;
}

/** The lexicon's metric kinds, as the transform stage reads them. */
export function metricKinds(lexicon: Lexicon): { id: string; kind: string; unit_kinds: string[] }[] {
  return lexicon.metrics.map((m) => ({ id: m.id, kind: m.kind, unit_kinds: [...m.unit_kinds] })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function reconcileStep(input: ReconcileStepInput): Promise<TransformResult> {
  const sourcesPath = path.join(input.workDir, 'sources.json');
  const metricsPath = path.join(input.workDir, 'metrics.json');
  writeFileSync(sourcesPath, JSON.stringify(input.sources));
  writeFileSync(metricsPath, JSON.stringify(metricKinds(input.lexicon)));
  // the transform (and DuckDB) load on first use: a build loads them while its workers extract (see build.ts)
  const running = import('../../transform/run.js').then(({ runTransform }) =>
    runTransform({
      mentionsPath: input.mentionsPath,
      sourcesPath,
      metricsPath,
      rulesPath: input.rulesPath,
      ...(input.decisionsPath !== null ? { decisionsPath: input.decisionsPath } : {}),
    }),
  );
  running.catch(() => {}); // awaited by the caller; this only keeps an early failure from going unhandled
  return running;
}
