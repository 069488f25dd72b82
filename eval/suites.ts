import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, projectRoot } from '../pipeline/build.js';
import { evaluate } from './command.js';
import { formatReport } from './report.js';
import type { EvalResult } from './score.js';

/** The two gold suites the project measures itself with: the hand-written corpus and the five archived sources. */
export const SUITES = [
  { name: 'corpus', sources: 'eval/corpus', gold: 'eval/corpus/gold' },
  { name: 'five sources', sources: 'sources', gold: 'dataset/gold' },
] as const;

export interface SuiteResult {
  name: string;
  gold: string;
  result: EvalResult;
  table: string;
}

/**
 * Builds each suite's sources into a temporary folder (removed afterwards) and scores it against its gold.
 * `cacheDir` null: no extraction cache (tests); undefined: the project's default cache (npm run eval).
 */
export async function runSuites(opts: { cacheDir?: string | null } = {}): Promise<SuiteResult[]> {
  const root = projectRoot();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-eval-'));
  try {
    const out: SuiteResult[] = [];
    for (const s of SUITES) {
      const outDir = path.join(tmp, s.name.replace(/\W+/gu, '-'));
      await build({ sourcesDir: path.join(root, s.sources), outDir, quiet: true, site: false, keepGoing: true, ...(opts.cacheDir === undefined ? {} : { cacheDir: opts.cacheDir }) });
      const result = evaluate(path.join(root, s.gold), outDir);
      out.push({ name: s.name, gold: s.gold, result, table: formatReport(result, `figtrail eval ${s.gold} (${s.name}, built from ${s.sources}/)`) });
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
