import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from './build.js';
import { compareBuildToVersion, latestVersion, releaseInstructions } from './release.js';

/**
 * The data gate of CI: the committed latest version must equal a fresh build of sources/, or the change
 * must come with a new release (`npm run release -- --bump …`, then commit out/).
 */
const root = path.resolve(import.meta.dirname, '..');

describe('released data', () => {
  it('the latest version in out/ equals a fresh build of sources/', async () => {
    const latest = latestVersion(path.join(root, 'out'));
    expect(latest, 'no version released yet: run `npm run build && npm run release -- --bump major`').not.toBeNull();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-gate-'));
    try {
      const out = path.join(tmp, 'build');
      const result = await build({ sourcesDir: path.join(root, 'sources'), outDir: out, quiet: true });
      expect(result.exitCode).toBe(0);
      const cmp = await compareBuildToVersion(out, path.join(root, 'out', `v${latest}`));
      expect(cmp.differences, `data changed since v${latest} without a release: ${releaseInstructions(cmp.differences)}`).toEqual([]);
      expect(cmp.same).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
