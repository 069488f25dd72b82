import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from './build.js';
import { isPageAsset } from './pageImages.js';
import { listFiles } from './publish.js';
import { committedWithVersion, compareBuildToVersion, latestVersion, releaseInstructions } from './release.js';

/**
 * The data gate of CI: the committed latest version must equal a fresh build of sources/, or the change
 * must come with a new release (`npm run release -- --bump …`, then commit out/).
 */
const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-gate-'));
const out = path.join(tmp, 'build');
let result: BuildResult;
beforeAll(async () => {
  result = await build({ sourcesDir: path.join(root, 'sources'), outDir: out, quiet: true });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('released data', () => {
  it('the latest version in out/ equals a fresh build of sources/', async () => {
    const latest = latestVersion(path.join(root, 'out'));
    expect(latest, 'no version released yet: run `npm run build && npm run release -- --bump major`').not.toBeNull();
    expect(result.exitCode).toBe(0);
    const cmp = await compareBuildToVersion(out, path.join(root, 'out', `v${latest}`));
    expect(cmp.differences, `data changed since v${latest} without a release: ${releaseInstructions(cmp.differences)}`).toEqual([]);
    expect(cmp.same).toBe(true);
  });

  it('a version of the current sources adds less than 1 MB to git history (pdf.js and the PDFs for the page views are not committed)', () => {
    const committed = listFiles(out).filter(committedWithVersion);
    const images = listFiles(out).filter(isPageAsset);
    expect(images.length).toBeGreaterThan(0);
    // git stores each file zlib-compressed: gzip sizes are a close upper bound of what a version commits
    const bytes = committed.reduce((n, f) => n + gzipSync(readFileSync(path.join(out, f))).length, 0);
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});
