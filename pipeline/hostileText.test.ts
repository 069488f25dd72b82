import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { terminalLines, terminalText } from './terminalText.js';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-hostile-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Any character a terminal acts on rather than prints: C0 (but newline), DEL, C1, bidi overrides. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function figtrail(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'figtrail.js'), ...args], { encoding: 'utf8', env: { ...process.env, CI: '' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function sourcesWith(manifest: unknown[], files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmp, 'src-'));
  for (const [f, body] of Object.entries(files)) writeFileSync(path.join(dir, f), body);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const entry = (over: Record<string, unknown>) => ({ id: 'a-doc', file: 'a.html', media_type: 'text/html', title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex('x'), ...over });

describe('terminalText', () => {
  it('escapes what a terminal would act on, visibly, and leaves other text alone', () => {
    expect(terminalText('a\x1b[31mred\x07\u009b\u202eb\tc\nd')).toBe('a\\x1b[31mred\\x07\\x9b\\u202eb\\tc\\nd');
    expect(terminalText('高新区 «178» zones')).toBe('高新区 «178» zones');
    expect(terminalLines('one\x1b\ntwo')).toBe('one\\x1b\ntwo');
  });
});

describe('manifest and document text never reaches the terminal raw', () => {
  it('a file name holding escape codes is escaped in every line the build and verify commands print', () => {
    const hostile = '\x1b[2J\x1b]0;owned\x07evil\u202e.html';
    const src = sourcesWith([entry({ file: hostile })]);
    const out = path.join(tmp, 'out-escape');
    const b = figtrail(['build', '--sources', src, '--out', out, '--no-cache', '--jobs', '1', '--keep-going']);
    const v = figtrail(['sources', 'verify', '--sources', src]);
    for (const r of [b, v]) {
      expect(r.out).toContain('\\x1b[2J\\x1b]0;owned\\x07evil\\u202e.html');
      expect(r.out).not.toMatch(CONTROL);
    }
    // an id is checked by the manifest schema; its error message quotes it, escaped
    const bad = figtrail(['build', '--sources', sourcesWith([entry({ id: 'x\x1b[31m' })]), '--out', path.join(tmp, 'out-bad-id'), '--no-cache']);
    expect(bad.status).toBe(2);
    expect(bad.out).toContain('x\\x1b[31m');
    expect(bad.out).not.toMatch(CONTROL);
  }, 120_000);

  it('an empty manifest is an error unless --allow-empty', () => {
    const src = sourcesWith([]);
    const refused = figtrail(['build', '--sources', src, '--out', path.join(tmp, 'out-empty'), '--no-cache']);
    expect(refused.status).toBe(2);
    expect(refused.out).toContain('manifest.json lists no sources');
    const allowed = figtrail(['build', '--sources', src, '--out', path.join(tmp, 'out-empty'), '--no-cache', '--allow-empty', '--no-site']);
    expect(allowed.status).toBe(0);
    mkdirSync(path.join(tmp, 'shards'), { recursive: true });
    expect(figtrail(['extract', '--sources', src, '--out', path.join(tmp, 'shards')]).status).toBe(2);
  }, 120_000);
});
