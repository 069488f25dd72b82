import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { build, gitCommit } from './build.js';

const root = path.resolve(import.meta.dirname, '..');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
const realManifest = JSON.parse(readFileSync(path.join(root, 'sources', 'manifest.json'), 'utf8')) as Record<string, unknown>[];

/** A sources folder holding the given real sources plus extra hand-made files. */
function sourcesFolder(ids: string[], extra: { entry: Record<string, unknown>; body: Buffer }[] = []): string {
  const dir = tempDir('figtrail-build-src-');
  const manifest: Record<string, unknown>[] = [];
  for (const id of ids) {
    const e = realManifest.find((m) => m.id === id)!;
    copyFileSync(path.join(root, 'sources', e.file as string), path.join(dir, e.file as string));
    manifest.push(e);
  }
  for (const { entry, body } of extra) {
    writeFileSync(path.join(dir, entry.file as string), body);
    manifest.push({ title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex(body), ...entry });
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

describe('build with a broken source', () => {
  it('exits non-zero, names the broken source, and still writes the good one', async () => {
    const torch = readFileSync(path.join(root, 'sources', 'torch-national-hitech-zones.pdf'));
    const src = sourcesFolder(
      ['scio-2024-07-24-miit'],
      [{ entry: { id: 'broken-pdf', file: 'broken.pdf', media_type: 'application/pdf' }, body: torch.subarray(0, Math.floor(torch.length * 0.4)) }],
    );
    const out = path.join(tempDir('figtrail-build-out-'), 'build');
    const lines: string[] = [];
    const result = await build({ sourcesDir: src, outDir: out, log: (l) => lines.push(l) });
    expect(result.exitCode).toBe(1);
    expect(result.errors.map((e) => [e.source_id, e.reason])).toEqual([['broken-pdf', 'corrupt_pdf']]);
    expect(lines.join('\n')).toContain('broken-pdf');
    expect(readFileSync(path.join(out, 'text', 'scio-2024-07-24-miit.txt'), 'utf8')).toContain('There are 178 national high-tech industrial development zones');
    expect(existsSync(path.join(out, 'text', 'broken-pdf.txt'))).toBe(false);
    // the schema of `figtrail explain --json` is published with the data, and covered by the checksums
    expect(readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toMatch(/ {2}explain\.schema\.json\n/);
    const errors = JSON.parse(readFileSync(path.join(out, 'errors.json'), 'utf8')) as { source_id: string; reason: string }[];
    expect(errors.map((e) => e.source_id)).toEqual(['broken-pdf']);
    // --keep-going records the error but exits 0
    const kept = await build({ sourcesDir: src, outDir: out, keepGoing: true, quiet: true });
    expect(kept.errors).toHaveLength(1);
    expect(kept.exitCode).toBe(0);
  });
});

describe('--keep-going', () => {
  it('treats a sha256 mismatch like any other failed source: exit 1 without it, 0 with it', async () => {
    const body = Buffer.from('<p>There were 12 test zones in 2020.</p>');
    const src = sourcesFolder(['scio-2024-07-24-miit'], [{ entry: { id: 'tampered', file: 'tampered.html', media_type: 'text/html' }, body }]);
    writeFileSync(path.join(src, 'tampered.html'), '<p>There were 13 test zones in 2020.</p>'); // the bytes no longer match the manifest
    const out = path.join(tempDir('figtrail-build-out-'), 'build');
    const strict = await build({ sourcesDir: src, outDir: out, quiet: true, cacheDir: null });
    expect(strict.errors.map((e) => [e.source_id, e.reason])).toEqual([['tampered', 'sha256_mismatch']]);
    expect(strict.exitCode).toBe(1);
    const kept = await build({ sourcesDir: src, outDir: out, keepGoing: true, quiet: true, cacheDir: null });
    expect(kept.errors.map((e) => e.reason)).toEqual(['sha256_mismatch']);
    expect(kept.exitCode).toBe(0);
  });
});

describe('gitCommit', () => {
  it('marks a commit built from a tree with changes as +dirty', () => {
    const repo = tempDir('figtrail-git-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, stdio: 'pipe' }).toString().trim();
    git('init', '-q');
    writeFileSync(path.join(repo, 'a.txt'), 'one\n');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'one');
    const head = git('rev-parse', 'HEAD');
    const saved = process.env.GITHUB_SHA;
    delete process.env.GITHUB_SHA;
    try {
      expect(gitCommit(repo)).toBe(head);
      writeFileSync(path.join(repo, 'a.txt'), 'two\n');
      expect(gitCommit(repo)).toBe(`${head}+dirty`);
      git('checkout', '-q', 'a.txt');
      writeFileSync(path.join(repo, 'new.txt'), 'untracked\n');
      expect(gitCommit(repo)).toBe(`${head}+dirty`);
    } finally {
      if (saved !== undefined) process.env.GITHUB_SHA = saved;
    }
  });
});
