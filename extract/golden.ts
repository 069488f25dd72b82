import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * Golden-file assertion (Observable Framework style): compares `actual` text with the file at `file`.
 * A missing golden is written only outside CI (with a warning: review it before committing);
 * in CI a missing golden is an error. A mismatch fails with a line diff.
 */
export function expectGolden(file: string, actual: string): void {
  const rel = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    // the usual reason: a source was just added (figtrail sources add); its golden is its reviewed reading
    if (process.env.CI) {
      throw new Error(
        `golden file ${rel} is missing. A new source? Golden files are written only outside CI: run \`npx vitest run extract/golden.test.ts\` ` +
          `locally (CI unset), review the file it writes, and commit it with the source: \`git add ${rel}\``,
      );
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    console.warn(`golden file ${rel} was missing and has been written (a new source?): review it, then commit it with the source: git add ${rel}`);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  // Comparing line arrays makes vitest print a readable per-line diff.
  expect(actual.split('\n'), `golden ${path.basename(file)} differs (if the change is intended: delete ${rel}, run \`npx vitest run extract/golden.test.ts\` outside CI, review the diff with \`git diff ${rel}\`)`).toEqual(expected.split('\n'));
}
