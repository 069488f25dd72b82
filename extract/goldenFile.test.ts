import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { expectGolden } from './golden.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a missing golden file (a new source)', () => {
  it('in CI fails with the exact commands that write, review and commit it', () => {
    vi.stubEnv('CI', 'true');
    try {
      const file = path.join(dir, 'new-source.mentions.txt');
      expect(() => expectGolden(file, 'x\n')).toThrow(/A new source\? .*run `npx vitest run extract\/golden\.test\.ts` locally \(CI unset\).*`git add .*new-source\.mentions\.txt`/);
      expect(existsSync(file)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('outside CI is written, with a warning that says to review and commit it', () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const file = path.join(dir, 'other.mentions.txt');
      expectGolden(file, 'line\n');
      expect(readFileSync(file, 'utf8')).toBe('line\n');
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/was missing and has been written \(a new source\?\): review it, then commit it with the source: git add .*other\.mentions\.txt/);
      expect(() => expectGolden(file, 'changed\n')).toThrow(/if the change is intended: delete/);
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
