import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { build } from './build.js';
import { makeTempDirs, recoverOutput, replaceOutput, SWAP_STEPS } from './outputSwap.js';

const root = path.resolve(import.meta.dirname, '..');
// the child processes run the compiled module (npm test compiles first)
const compiled = pathToFileURL(path.join(root, 'dist', 'pipeline', 'outputSwap.js')).href;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-swap-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** parent/out holding the old build, parent/.out.tmp-… holding a complete new one. */
function scene(): { parent: string; out: string; stage: string } {
  const parent = path.join(tmp, `scene-${n++}`);
  const out = path.join(parent, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'facts.json'), 'old build');
  const stage = path.join(parent, `.out.tmp-${process.pid}-test`);
  mkdirSync(stage);
  writeFileSync(path.join(stage, 'facts.json'), 'new build');
  return { parent, out, stage };
}

/** A PID that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** Runs replaceOutput in a child that SIGKILLs itself at the given step. */
function killedAt(step: string, stage: string, out: string): NodeJS.Signals | null {
  const script = `import { replaceOutput } from ${JSON.stringify(compiled)};
replaceOutput(${JSON.stringify(stage)}, ${JSON.stringify(out)}, { fault: (s) => { if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL'); } });`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).signal;
}

describe('replacing --out survives a kill at any instant', () => {
  for (const step of SWAP_STEPS.filter((s) => s !== 'start')) {
    it(`killed after ${step}: the next build finishes the swap (the new build in place, nothing left behind)`, () => {
      const { parent, out, stage } = scene();
      expect(killedAt(step, stage, out)).toBe('SIGKILL');
      const lines: string[] = [];
      recoverOutput(out, { log: (l) => lines.push(l), tmpRoot: tmp });
      expect(readFileSync(path.join(out, 'facts.json'), 'utf8')).toBe('new build');
      expect(readdirSync(parent)).toEqual(['out']);
      if (step !== 'old-removed' && step !== 'done') expect(lines.join('\n')).toMatch(/interrupted/);
    });
  }

  it('killed before the journal was written: the old build stays, the dead run’s stage folder is swept', () => {
    const { parent, out, stage } = scene();
    expect(killedAt('start', stage, out)).toBe('SIGKILL');
    const dead = path.join(parent, `.out.tmp-${deadPid()}-abcdef`);
    mkdirSync(dead);
    rmSync(stage, { recursive: true }); // a stage of this (live) process is not stale; the dead one's is
    const lines: string[] = [];
    recoverOutput(out, { log: (l) => lines.push(l), tmpRoot: tmp });
    expect(readFileSync(path.join(out, 'facts.json'), 'utf8')).toBe('old build');
    expect(readdirSync(parent)).toEqual(['out']);
    expect(lines.join('\n')).toContain('.out.tmp-');
  });

  it('an uninterrupted swap leaves only the new build', () => {
    const { parent, out, stage } = scene();
    replaceOutput(stage, out);
    expect(readFileSync(path.join(out, 'facts.json'), 'utf8')).toBe('new build');
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('restores a build left as O.old-PID by a run killed between the two renames of the old code', () => {
    const parent = path.join(tmp, `legacy-${n++}`);
    const legacy = path.join(parent, `out.old-${deadPid()}`);
    mkdirSync(legacy, { recursive: true });
    writeFileSync(path.join(legacy, 'facts.json'), 'old build');
    const lines: string[] = [];
    recoverOutput(path.join(parent, 'out'), { log: (l) => lines.push(l), tmpRoot: tmp });
    expect(readFileSync(path.join(parent, 'out', 'facts.json'), 'utf8')).toBe('old build');
    expect(readdirSync(parent)).toEqual(['out']);
    expect(lines.join('\n')).toMatch(/restored/);
  });
});

describe('temporary folders', () => {
  it('sweeps work folders of dead runs and any older than a day, keeps a live run’s', () => {
    const work = mkdtempSync(path.join(tmp, 'tmproot-'));
    const dead = path.join(work, `figtrail-work-${deadPid()}-aaaaaa`);
    const live = path.join(work, `figtrail-work-${process.ppid}-bbbbbb`);
    const ancient = path.join(work, `figtrail-work-${process.ppid}-cccccc`);
    const unrelated = path.join(work, 'someone-else');
    for (const d of [dead, live, ancient, unrelated]) mkdirSync(d);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(ancient, twoDaysAgo, twoDaysAgo);
    recoverOutput(path.join(work, 'out'), { log: () => {}, tmpRoot: work });
    expect(readdirSync(work).sort()).toEqual([path.basename(live), 'someone-else'].sort());
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`removes its stage and work folders on ${signal}`, async () => {
      const out = path.join(tmp, `sig-${n++}`, 'out');
      mkdirSync(path.dirname(out), { recursive: true });
      const script = `import { makeTempDirs } from ${JSON.stringify(compiled)};
const d = makeTempDirs(${JSON.stringify(out)}, { tmpRoot: ${JSON.stringify(tmp)} });
process.stdout.write(JSON.stringify(d) + '\\n');
setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const dirs = await new Promise<{ stage: string; work: string }>((resolve) => child.stdout.once('data', (b: Buffer) => resolve(JSON.parse(b.toString()))));
      expect(existsSync(dirs.stage) && existsSync(dirs.work)).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect([existsSync(dirs.stage), existsSync(dirs.work)]).toEqual([false, false]);
    });
  }

  it('in this process: made folders are named after the PID', () => {
    const out = path.join(tmp, `own-${n++}`, 'out');
    mkdirSync(path.dirname(out), { recursive: true });
    const d = makeTempDirs(out, { tmpRoot: tmp });
    expect(path.basename(d.stage)).toMatch(new RegExp(`^\\.out\\.tmp-${process.pid}-`));
    expect(path.basename(d.work)).toMatch(new RegExp(`^figtrail-work-${process.pid}-`));
    d.remove();
    expect([existsSync(d.stage), existsSync(d.work)]).toEqual([false, false]);
  });
});

describe('the build', () => {
  it('first finishes a swap a killed build left half done and sweeps its work folder, then builds', async () => {
    const parent = path.join(tmp, `build-${n++}`);
    const src = path.join(parent, 'sources');
    mkdirSync(src, { recursive: true });
    const html = '<html><body><p>The park had 12 incubators in 2020.</p></body></html>';
    writeFileSync(path.join(src, 'a.html'), html);
    writeFileSync(path.join(src, 'manifest.json'), JSON.stringify([{ id: 'a-doc', file: 'a.html', media_type: 'text/html', title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex(html) }]));
    // the state a build killed between its two renames leaves: no out, the old build aside, the new one staged
    const pid = deadPid();
    mkdirSync(path.join(parent, `.out.old-${pid}`));
    mkdirSync(path.join(parent, `.out.tmp-${pid}-qwerty`));
    writeFileSync(path.join(parent, `.out.tmp-${pid}-qwerty`, 'facts.json'), 'new build');
    writeFileSync(path.join(parent, '.out.swap.json'), JSON.stringify({ format: 'figtrail-output-swap/1', pid, out: 'out', stage: `.out.tmp-${pid}-qwerty`, old: `.out.old-${pid}` }));
    const work = path.join(os.tmpdir(), `figtrail-work-${pid}-zzzzzz`);
    mkdirSync(work);
    const lines: string[] = [];
    const r = await build({ sourcesDir: src, outDir: path.join(parent, 'out'), log: (l) => lines.push(l), jobs: 1, cacheDir: null, site: false });
    expect(r.exitCode).toBe(0);
    expect(lines[0]).toMatch(/^recover: finished the interrupted replacement/);
    expect(existsSync(work)).toBe(false);
    expect(readdirSync(parent).sort()).toEqual(['out', 'sources']);
    expect(JSON.parse(readFileSync(path.join(parent, 'out', 'sources.json'), 'utf8'))).toHaveLength(1);
  });
});

describe('figtrail build stopped by a signal', () => {
  it('SIGTERM while it builds: its stage and work folders are gone, the previous output is intact', async () => {
    const parent = path.join(tmp, `cli-${n++}`);
    const src = path.join(parent, 'sources');
    mkdirSync(src, { recursive: true });
    const html = '<html><body><p>The park counted 31 incubators in 2021.</p></body></html>';
    writeFileSync(path.join(src, 'a.html'), html);
    writeFileSync(path.join(src, 'manifest.json'), JSON.stringify([{ id: 'a-doc', file: 'a.html', media_type: 'text/html', title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex(html) }]));
    mkdirSync(path.join(parent, 'out'));
    writeFileSync(path.join(parent, 'out', 'facts.json'), 'previous build');
    const child = spawn(process.execPath, [path.join(root, 'bin', 'figtrail.js'), 'build', '--sources', src, '--out', path.join(parent, 'out'), '--no-cache', '--jobs', '1', '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    // wait until the build has made its folders, then stop it
    const mine = (name: string) => name.includes(`-${child.pid}-`);
    for (let i = 0; i < 1500 && !readdirSync(parent).some(mine); i++) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(parent).some(mine)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(readdirSync(parent).sort()).toEqual(['out', 'sources']);
    expect(readdirSync(os.tmpdir()).filter(mine)).toEqual([]);
    expect(readFileSync(path.join(parent, 'out', 'facts.json'), 'utf8')).toBe('previous build');
  }, 60_000);
});
