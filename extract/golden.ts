import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * Golden-file assertion (Observable Framework style): compares `actual` text with the file at `file`.
 * A missing golden is written only outside CI (with a warning: review it before committing);
 * in CI a missing golden is an error. A mismatch fails with a line diff.
 */
export function expectGolden(file: string, actual: string): void {
  if (!existsSync(file)) {
    if (process.env.CI) throw new Error(`golden file ${file} is missing (golden files are written only outside CI)`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    console.warn(`golden file ${file} was missing and has been written: review it before committing`);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  // Comparing line arrays makes vitest print a readable per-line diff.
  expect(actual.split('\n'), `golden ${path.basename(file)} differs (update the file if the change is intended)`).toEqual(expected.split('\n'));
}
