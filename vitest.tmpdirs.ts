import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Tests remove their temp folders. This global setup gives the run a temp folder of its own (TMPDIR, which
 * os.tmpdir() reads and the forked test workers inherit), so other programs' files never count, and at the
 * end names every folder or file a test left in it and fails the run. The folder itself is removed either way.
 */
export default function setup(): () => void {
  const parent = os.tmpdir();
  const own = mkdtempSync(path.join(parent, 'figtrail-test-run-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = own;
  return () => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    const left = leftovers(own);
    rmSync(own, { recursive: true, force: true });
    if (left.length) {
      throw new Error(`tests left ${left.length} temp folder(s)/file(s) behind (remove them in afterAll/finally): ${left.join(', ')}`);
    }
  };
}

/** What is left in a test run's temp folder (vitest's and node's own scratch files aside). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !/^(vitest|node-compile-cache|v8-compile-cache)/.test(n))
    .sort();
}
