import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The README is the user's manual: its commands exist and need nothing the project does not install. */
const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const shellLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((l) => l.trim() !== '');

describe('README', () => {
  it('uses only figtrail commands the CLI knows', () => {
    const usage = execFileSync(process.execPath, [path.join(root, 'bin', 'figtrail.js'), '--help'], { encoding: 'utf8' });
    const known = new Set([...usage.matchAll(/^\s+figtrail ([a-z-]+)/gm)].map((m) => m[1]!));
    const used = [...readme.matchAll(/npx figtrail ([a-z-]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(5);
    for (const c of ['facts', 'metrics', 'explain', 'page-images']) expect(used).toContain(c);
    expect(used.filter((c) => !known.has(c))).toEqual([]);
  });

  it('needs no duckdb CLI, and opens the site on Linux', () => {
    expect(readme).not.toMatch(/duckdb -c/);
    expect(shellLines.filter((l) => /^\s*open\s/.test(l))).toEqual([]);
    expect(readme).toContain('xdg-open out/build/site/index.html');
    // reading from Python follows a fact to its mentions and sources
    expect(readme).toMatch(/unnest\(f\.mention_ids\)[\s\S]*mentions\.parquet[\s\S]*sources\.parquet/);
  });

  it('documents the bench modes and adding a source end to end', () => {
    expect(readme).toContain('npm run bench -- --full');
    expect(readme).toContain('--no-install');
    const adding = readme.slice(readme.indexOf('## Adding a source'));
    for (const step of ['npx figtrail sources add', 'npm run build', 'npx vitest run extract/golden.test.ts', 'git add sources/ extract/fixtures/golden/', 'npm run release -- --bump minor']) {
      expect(adding).toContain(step);
    }
  });
});
