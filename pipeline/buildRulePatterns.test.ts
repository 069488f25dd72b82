import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { DatasetError, defaultDatasetDir } from './dataset.js';
import type { WorkerPool } from './pool.js';
import { projectRoot } from './root.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-rule-patterns-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A pool whose sources never finish: extraction that waits on it never ends, so a build that rejects while using it
 * rejected before extraction was over.
 */
function pool(): WorkerPool {
  let closed = false;
  return {
    size: 1,
    workersStarted: 1,
    log: () => {},
    provideLexicon: () => {},
    grow: () => {},
    whenReady: async () => {},
    run: () => new Promise(() => {}),
    close: async () => {
      closed = true;
    },
    get closed() {
      return closed;
    },
  } as unknown as WorkerPool;
}

describe('build: the rules are checked in DuckDB while the sources are read', () => {
  it('a rule pattern DuckDB cannot run fails the build before extraction ends, and the build leaves nothing behind', async () => {
    const dataset = path.join(tmp, 'dataset');
    cpSync(defaultDatasetDir(), dataset, { recursive: true });
    const rules = path.join(dataset, 'rules.yaml');
    // a look-behind: JavaScript accepts it, DuckDB's RE2 refuses it
    writeFileSync(rules, readFileSync(rules, 'utf8').replace(/publisher_pattern: '[^']*'/, "publisher_pattern: '(?<!Not )News'"));
    const stuck = pool();
    const outDir = path.join(tmp, 'out');
    await expect(
      build({ datasetDir: dataset, sourcesDir: path.join(projectRoot(), 'sources'), outDir, cacheDir: null, quiet: true, pool: stuck }),
    ).rejects.toThrow(DatasetError);
    expect((stuck as unknown as { closed: boolean }).closed).toBe(true);
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(tmp).sort()).toEqual(['dataset']);
  }, 60_000);
});
