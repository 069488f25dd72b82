import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latestVersion } from '../pipeline/release.js';
import { ManifestError, parseManifest, readManifest, readSourceBytes, sha256Hex, verifySources } from './manifest.js';
import { resolveSourceFile } from './sourceFile.js';
import { SourceError } from './textLayer.js';

const root = path.resolve(import.meta.dirname, '..');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
};

function entry(over: Record<string, unknown> = {}) {
  return {
    id: 'doc-a',
    file: 'a.html',
    media_type: 'text/html',
    title: 'A',
    publisher: null,
    original_url: null,
    published: null,
    capture: 'rendition',
    notes: null,
    sha256: sha256Hex('<p>hello 5</p>'),
    ...over,
  };
}

function folder(files: Record<string, string | Buffer>, manifest: unknown): string {
  const dir = tempDir('figtrail-manifest-');
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('manifest', () => {
  // These tests read the expectations from the manifest and the released data, never from a list of ids:
  // adding a source (`figtrail sources add`) keeps them green.
  it('accepts the archived manifest, every file matches its sha256, and every archived file is in it', () => {
    const sources = path.join(root, 'sources');
    const entries = readManifest(sources);
    expect(entries.length).toBeGreaterThan(0);
    expect(verifySources(sources).filter((r) => !r.ok)).toEqual([]);
    const listed = new Set(entries.map((e) => e.file));
    const unlisted = readdirSync(sources).filter((f) => f !== 'manifest.json' && !f.startsWith('.') && !listed.has(f));
    expect(unlisted, 'files in sources/ that the manifest does not list: add them with `npx figtrail sources add FILE --title … --publisher …`').toEqual([]);
  });

  it('keeps every released source as it was: same id, file and sha256 (archived sources are immutable)', () => {
    const latest = latestVersion(path.join(root, 'out'));
    expect(latest).not.toBeNull();
    const released = JSON.parse(readFileSync(path.join(root, 'out', `v${latest}`, 'sources.json'), 'utf8')) as { source_id: string; file: string; sha256: string }[];
    const current = new Map(readManifest(path.join(root, 'sources')).map((e) => [e.id, e]));
    for (const r of released) expect([r.source_id, current.get(r.source_id)?.file, current.get(r.source_id)?.sha256]).toEqual([r.source_id, r.file, r.sha256]);
    // in the workplace, the shared manifest's entries too, byte for byte (new sources may follow them)
    const shared = path.resolve(root, '..', 'shared', 'sources', 'manifest.json');
    if (existsSync(shared)) {
      const mine = JSON.parse(readFileSync(path.join(root, 'sources', 'manifest.json'), 'utf8')) as unknown[];
      const theirs = JSON.parse(readFileSync(shared, 'utf8')) as unknown[];
      expect(mine.slice(0, theirs.length)).toEqual(theirs);
    }
  });

  it('rejects duplicate ids, naming the id', () => {
    expect(() => parseManifest([entry(), entry()])).toThrow(/doc-a: duplicate id/);
  });

  it('rejects a malformed entry, naming the id and field', () => {
    expect(() => parseManifest([entry({ sha256: 'abc' })])).toThrow(/doc-a: sha256/);
    expect(() => parseManifest([entry({ media_type: 'image/png' })])).toThrow(/doc-a: media_type/);
    expect(() => parseManifest({})).toThrow(ManifestError);
  });

  it('refuses paths that escape the sources folder', () => {
    const dir = folder({ 'a.html': '<p>hello 5</p>' }, [entry()]);
    for (const file of ['../a.html', '/etc/passwd', 'sub/../../x']) {
      expect(() => resolveSourceFile(dir, file)).toThrow(/path_outside_sources/);
    }
    const outside = tempDir('figtrail-outside-');
    writeFileSync(path.join(outside, 'secret.html'), 'x');
    symlinkSync(path.join(outside, 'secret.html'), path.join(dir, 'link.html'));
    expect(() => resolveSourceFile(dir, 'link.html')).toThrow(/links outside/);
  });

  it('reports a missing file, a sha256 mismatch, an empty file and a file over the cap by id', () => {
    const dir = folder({ 'a.html': '<p>hello 5</p>', 'empty.html': '' }, []);
    mkdirSync(path.join(dir, 'sub'));
    const cases: [Record<string, unknown>, string, { maxBytes?: number }][] = [
      [{ file: 'nope.html' }, 'missing_file', {}],
      [{ sha256: sha256Hex('something else') }, 'sha256_mismatch', {}],
      [{ file: 'empty.html', sha256: sha256Hex('') }, 'empty_file', {}],
      [{}, 'too_large', { maxBytes: 5 }],
    ];
    for (const [over, reason, opts] of cases) {
      const e = parseManifest([entry(over)])[0]!;
      let caught: unknown = null;
      try {
        readSourceBytes(dir, e, opts);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SourceError);
      expect((caught as SourceError).reason).toBe(reason);
      expect((caught as SourceError).message).toContain('doc-a');
    }
  });
});
