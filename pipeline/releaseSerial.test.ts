import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { publishTables, verifySha256Sums, type PublishMeta } from './publish.js';
import { release, RELEASE_STEPS, type VersionEntry } from './release.js';
import type { TableName } from '../contracts/index.js';

const root = path.resolve(import.meta.dirname, '..');
const fixtureDir = path.join(root, 'pipeline', 'fixtures', 'publish');
// the child processes run the compiled code (npm test compiles first)
const compiledRelease = pathToFileURL(path.join(root, 'dist', 'pipeline', 'release.js')).href;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-release-serial-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Tables = Record<TableName, Record<string, unknown>[]>;
const meta: Omit<PublishMeta, 'datasetVersion'> = { figtrailVersion: '0.1.0', gitCommit: 'cafe', inputHashes: {}, sourceDateEpoch: 1700000000 };
let n = 0;

/** A build folder as the build writes it; `change` makes its data differ from the fixture's. */
async function makeBuild(change = false): Promise<string> {
  const tables = JSON.parse(readFileSync(path.join(fixtureDir, 'tables.json'), 'utf8')) as Tables;
  if (change) tables.facts = tables.facts!.slice(1);
  const dir = path.join(tmp, `build-${n++}`);
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(fixtureDir, 'text'), path.join(dir, 'text'), { recursive: true });
  await publishTables(dir, tables, { ...meta, datasetVersion: 'unreleased', sourceDateEpoch: null });
  return dir;
}

/** An out folder with v1.0.0 released from the fixture build. */
async function outWithFirstRelease(): Promise<string> {
  const out = path.join(tmp, `out-${n++}`);
  mkdirSync(out);
  await release({ buildDir: await makeBuild(), outDir: out, bump: 'major', meta });
  return out;
}

const listed = (out: string) => (JSON.parse(readFileSync(path.join(out, 'versions.json'), 'utf8')) as VersionEntry[]).map((v) => v.version);
const folders = (out: string) => readdirSync(out).sort();

function cli(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'figtrail.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => resolve({ code, err }));
  });
}

describe('concurrent releases run one at a time', () => {
  it('release --bump minor and --bump patch at the same time: one releases, the other sees its version and finds nothing new', async () => {
    const out = await outWithFirstRelease();
    const changed = await makeBuild(true);
    // --allow-dirty: the commit the test tree is at is not what this test is about
    const [minor, patch] = await Promise.all([
      cli(['release', '--bump', 'minor', '--build', changed, '--out', out, '--allow-dirty']),
      cli(['release', '--bump', 'patch', '--build', changed, '--out', out, '--allow-dirty']),
    ]);
    expect([minor.code, patch.code].sort()).toEqual([0, 1]);
    const loser = minor.code === 1 ? minor : patch;
    const winner = minor.code === 0 ? '1.1.0' : '1.0.1';
    expect(loser.err).toContain(`no change since v${winner}`);
    expect(listed(out)).toEqual(['1.0.0', winner]);
    expect(folders(out)).toEqual(['v1.0.0', `v${winner}`, 'versions.json']);
  }, 120_000);
});

describe('a release killed at any point', () => {
  function killedAt(step: string, buildDir: string, out: string): NodeJS.Signals | null {
    const script = `import { release } from ${JSON.stringify(compiledRelease)};
await release({ buildDir: ${JSON.stringify(buildDir)}, outDir: ${JSON.stringify(out)}, bump: 'minor', meta: ${JSON.stringify(meta)},
  fault: (s) => { if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL'); } });`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).signal;
  }

  // every window a kill can hit: after taking the lock, while the version folder is being staged, once it is
  // staged, once it is in place, once the new versions.json is written but not renamed in, once it is listed
  const windows = ['locked', 'staging', 'staged', 'version-in-place', 'list-written', 'listed'] as const;
  it('the windows tested here are every step the release marks', () => {
    expect([...RELEASE_STEPS]).toEqual([...windows]);
  });
  for (const step of windows) {
    it(`killed after ${step}: the next release repairs what it left, with a message, and out/ is consistent`, async () => {
      const out = await outWithFirstRelease();
      const changed = await makeBuild(true);
      expect(killedAt(step, changed, out)).toBe('SIGKILL');
      const lines: string[] = [];
      let refused: string | null = null;
      try {
        await release({ buildDir: changed, outDir: out, bump: 'minor', meta, log: (l) => lines.push(l) });
      } catch (e) {
        refused = (e as Error).message;
      }
      // the killed release got v1.1.0 in place (version-in-place, listed) or not (locked, staged): either way v1.1.0 now exists once
      const inPlace = step === 'version-in-place' || step === 'list-written' || step === 'listed';
      if (inPlace) expect(refused).toContain('no change since v1.1.0');
      else expect(refused).toBeNull();
      if (step === 'version-in-place' || step === 'list-written') expect(lines.join('\n')).toMatch(/v1\.1\.0 .*not listed.*listed it now/);
      if (step === 'list-written') expect(lines.join('\n')).toMatch(/removed \.versions\.json\.tmp-\d+, the unfinished versions\.json/);
      if (step === 'staging' || step === 'staged') expect(lines.join('\n')).toMatch(/removed .*unfinished release folder/);
      if (!inPlace) expect(lines.join('\n')).toMatch(/stale lock/);
      expect(listed(out)).toEqual(['1.0.0', '1.1.0']);
      expect(folders(out)).toEqual(['v1.0.0', 'v1.1.0', 'versions.json']);
      expect(verifySha256Sums(path.join(out, 'v1.1.0'))).toEqual([]);
    }, 60_000);
  }

  it('a version listed in versions.json whose folder is gone is refused, saying why and how to restore and check it', async () => {
    const out = await outWithFirstRelease();
    const sums = (JSON.parse(readFileSync(path.join(out, 'versions.json'), 'utf8')) as VersionEntry[])[0]!.sha256sums;
    rmSync(path.join(out, 'v1.0.0'), { recursive: true });
    const refused = await release({ buildDir: await makeBuild(true), outDir: out, bump: 'minor', meta }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/v1\.0\.0 is listed in .*versions\.json but .* is missing/);
    // why no repair: no kill leaves this, and the version can be neither made again nor dropped
    expect(refused).toContain('No interrupted release leaves this');
    expect(refused).toContain('cannot make a past version again or drop it');
    // what to do: restore the released bytes and check them against the hash versions.json recorded
    expect(refused).toContain(`git checkout HEAD -- ${path.join(out, 'v1.0.0')}`);
    expect(refused).toContain(`sha256sum ${path.join(out, 'v1.0.0', 'SHA256SUMS')}\` prints ${sums}`);
    expect(existsSync(path.join(out, 'v1.1.0'))).toBe(false);
    expect(listed(out)).toEqual(['1.0.0']);
  });

  it('waits for a live lock holder instead of releasing beside it', async () => {
    const out = await outWithFirstRelease();
    // a lock held by a live process (this test's parent) that lets go after a moment
    writeFileSync(path.join(out, '.release.lock'), JSON.stringify({ pid: process.ppid, token: 'other', started: 'now' }));
    setTimeout(() => rmSync(path.join(out, '.release.lock'), { force: true }), 600);
    const lines: string[] = [];
    const r = await release({ buildDir: await makeBuild(true), outDir: out, bump: 'patch', meta, log: (l) => lines.push(l) });
    expect(r.version).toBe('1.0.1');
    expect(lines.join('\n')).toMatch(new RegExp(`waiting for the release running as PID ${process.ppid}`));
    expect(folders(out)).toEqual(['v1.0.0', 'v1.0.1', 'versions.json']);
  });
});
