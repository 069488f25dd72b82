import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchParts, benchSize, parseBenchArgs } from './options.js';

const root = path.resolve(import.meta.dirname, '..');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('bench options', () => {
  it('runs the quick mode by default; --full is the targets\' scale', () => {
    const quick = parseBenchArgs([]);
    expect(quick).toEqual({ full: false, scale10m: false, scaleMentions: null, install: true, hostile: false, help: false });
    expect(parseBenchArgs(['--full', '--no-install'])).toEqual({ full: true, scale10m: false, scaleMentions: null, install: false, hostile: false, help: false });
    expect(benchSize(quick).pdfs).toBeLessThan(benchSize(parseBenchArgs(['--full'])).pdfs);
    expect(benchSize(parseBenchArgs(['--full'])).mentions).toBe(1_000_000);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown option --fast/);
  });
});

describe('bench --scale-10m', () => {
  it('never runs in the default quick bench; alone it runs only itself; --full includes it', () => {
    expect(benchParts(parseBenchArgs([]))).toEqual({ main: true, scale10m: false });
    expect(benchParts(parseBenchArgs(['--scale-10m']))).toEqual({ main: false, scale10m: true });
    expect(benchParts(parseBenchArgs(['--full']))).toEqual({ main: true, scale10m: true });
    expect(benchParts(parseBenchArgs(['--full', '--scale-10m']))).toEqual({ main: true, scale10m: true });
  });

  it('takes a smaller mention count for development, which implies the section', () => {
    const o = parseBenchArgs(['--scale-mentions=1000000']);
    expect(o.scaleMentions).toBe(1_000_000);
    expect(benchParts(o)).toEqual({ main: false, scale10m: true });
    expect(parseBenchArgs(['--scale-10m']).scaleMentions).toBeNull();
    expect(() => parseBenchArgs(['--scale-mentions=10'])).toThrow(/at least 1000/);
  });
});

describe('bench clean-up', () => {
  it('removes its temp folder and stops its children when it gets SIGTERM', async () => {
    const benchJs = path.join(root, 'dist', 'bench', 'bench.js');
    expect(existsSync(benchJs), 'dist/bench/bench.js is missing: run `npx tsc -p tsconfig.json` (npm test does)').toBe(true);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-bench-test-'));
    made.push(tmp);
    const benchDirs = () => readdirSync(tmp).filter((n) => n.startsWith('figtrail-bench-'));
    const p = spawn(process.execPath, [benchJs, '--no-install'], { cwd: root, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
    // wait until it has made its folder and started measuring (its first line)
    for (let i = 0; i < 300 && !(benchDirs().length && out.includes('figtrail bench (quick')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(benchDirs()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500)); // a build child is running by now
    p.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(out).toContain('bench: SIGTERM: stopped; removed');
    expect(readdirSync(tmp)).toEqual([]); // nor anything its children made
  });
});
