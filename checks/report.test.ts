import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatFindingsTable, hasErrors, writeGithubReport, type GithubCore } from './report.js';
import type { Finding } from './types.js';
import { finding } from './util.js';

const F: Finding[] = [
  finding('stated-share', 'warning', 'fail', 'stated share 36.5 % but 21500 / 78000 = 27.6 %', { source_id: 'news', page: 1, char_start: 10, char_end: 90 }, '27.6 %', '36.5 %'),
  finding('stated-share', 'info', 'pass', '6.98 million / 14 million = 49.9 %', { source_id: 'news' }, '49.9 %', '48 %'),
  finding('source-sha256', 'error', 'fail', 'sha256 mismatch <b>', { source_id: 'torch' }, 'abc', 'def'),
  finding('source-sha256', 'info', 'pass', 'sha256 matches', { source_id: 'news' }),
];

describe('hasErrors', () => {
  it('is true only for a failing error', () => {
    expect(hasErrors(F)).toBe(true);
    expect(hasErrors(F.filter((f) => f.rule_id !== 'source-sha256' || f.status === 'pass'))).toBe(false);
    expect(hasErrors([finding('x', 'error', 'pass', 'fine')])).toBe(false);
    expect(hasErrors([])).toBe(false);
  });
});

describe('formatFindingsTable', () => {
  it('counts by rule and severity and lists the failures', () => {
    const t = formatFindingsTable(F);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^rule\s+pass\s+fail:error\s+fail:warning\s+fail:info$/);
    expect(lines[1]).toMatch(/^source-sha256\s+1\s+1\s+0\s+0$/);
    expect(lines[2]).toMatch(/^stated-share\s+1\s+0\s+1\s+0$/);
    expect(lines[3]).toMatch(/^total\s+2\s+1\s+1\s+0$/);
    expect(t).toContain('failing (2):');
    expect(t).toMatch(/warning\s+stated-share\s+news p\.1 @10-90\s+27\.6 %\s+36\.5 %/);
    expect(t).not.toContain('sha256 matches');
  });
  it('has no failure section when all pass', () => {
    expect(formatFindingsTable(F.filter((f) => f.status === 'pass'))).not.toContain('failing');
  });
});

function fakeCore(): { core: GithubCore; calls: { kind: string; message: string; props: unknown }[]; summary: unknown[][] } {
  const calls: { kind: string; message: string; props: unknown }[] = [];
  const summary: unknown[][] = [];
  const s = {
    addHeading: (text: string) => (summary.push(['heading', text]), s),
    addTable: (rows: unknown[]) => (summary.push(['table', rows]), s),
    addRaw: (text: string) => (summary.push(['raw', text]), s),
    write: async () => (summary.push(['write']), s),
  };
  return {
    calls,
    summary,
    core: {
      error: (message, props) => calls.push({ kind: 'error', message, props }),
      warning: (message, props) => calls.push({ kind: 'warning', message, props }),
      notice: (message, props) => calls.push({ kind: 'notice', message, props }),
      summary: s,
    },
  };
}

describe('writeGithubReport', () => {
  let dir: string;
  const saved = { actions: process.env['GITHUB_ACTIONS'], summary: process.env['GITHUB_STEP_SUMMARY'] };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'figtrail-report-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of [['GITHUB_ACTIONS', saved.actions], ['GITHUB_STEP_SUMMARY', saved.summary]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('does nothing outside GitHub Actions unless forced', async () => {
    delete process.env['GITHUB_ACTIONS'];
    const fake = fakeCore();
    expect(await writeGithubReport(F, { core: fake.core })).toBe(false);
    expect(fake.calls).toEqual([]);
    expect(fake.summary).toEqual([]);
  });

  it('annotates failing findings by severity with title and source file', async () => {
    const fake = fakeCore();
    expect(await writeGithubReport(F, { core: fake.core, force: true, sourceFiles: new Map([['torch', 'sources/torch.pdf']]) })).toBe(true);
    expect(fake.calls.map((c) => c.kind)).toEqual(['warning', 'error']);
    expect(fake.calls[1]!.props).toEqual({ title: 'source-sha256 (torch)', file: 'sources/torch.pdf' });
    expect(fake.calls[0]!.props).toEqual({ title: 'stated-share (news)' });
    expect(fake.calls[0]!.message).toContain('actual: 27.6 %; expected: 36.5 %');
    expect(fake.summary.at(-1)).toEqual(['write']);
  });

  it('writes the job summary table to GITHUB_STEP_SUMMARY with the real @actions/core', async () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, '');
    process.env['GITHUB_STEP_SUMMARY'] = file;
    process.env['GITHUB_ACTIONS'] = 'true';
    // annotations of the real core go to stdout as workflow commands; keep them off the test output
    const out = process.stdout.write;
    const captured: string[] = [];
    process.stdout.write = ((chunk: string) => (captured.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      expect(await writeGithubReport(F)).toBe(true);
    } finally {
      process.stdout.write = out;
    }
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<h2>figtrail checks</h2>');
    expect(html).toContain('<tr><td>stated-share</td><td>1</td><td>0</td><td>1</td><td>0</td></tr>');
    expect(html).toContain('<tr><td>source-sha256</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>');
    expect(html).toContain('<td>27.6 %</td><td>36.5 %</td>');
    expect(html).toContain('sha256 mismatch &lt;b&gt;');
    expect(captured.join('')).toContain('::error title=source-sha256 (torch)::');
  });
});

describe('document text in reports', () => {
  it('reaches neither the console table nor a GitHub annotation with its control characters', async () => {
    const hostile: Finding = { rule_id: 'source-sha256', severity: 'error', status: 'fail', message: 'x: cannot read raw file \x1b]0;owned\x07a.pdf', place: { source_id: 'x' }, actual: null, expected: null } as unknown as Finding;
    const fake = fakeCore();
    await writeGithubReport([hostile], { core: fake.core, force: true });
    for (const text of [formatFindingsTable([hostile]), fake.calls[0]!.message]) {
      expect(text).toContain('\\x1b]0;owned\\x07a.pdf');
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }
  });
});
