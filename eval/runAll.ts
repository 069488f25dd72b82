/**
 * `npm run eval`: builds the evaluation corpus and the five archived sources into temporary folders and
 * prints both gold tables (the same numbers `npm test` holds floors on, see eval/eval.test.ts).
 */
import { runSuites } from './suites.js';

runSuites().then(
  (suites) => {
    process.stdout.write(`${suites.map((s) => s.table).join('\n\n')}\n`);
  },
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
