import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, readManifest, readSourceBytes, resolveSourcePath, sha256Hex, verifySources } from './manifest.js';
import { SourceError } from './textLayer.js';

const root = path.resolve(import.meta.dirname, '..');

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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-manifest-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('manifest', () => {
  it('accepts the archived manifest and every file matches its sha256', () => {
    const entries = readManifest(path.join(root, 'sources'));
    expect(entries.map((e) => e.id).sort()).toEqual([
      'china-st-newsletter-2014-hitech-zones',
      'chinadaily-2017-09-29-science-parks',
      'scio-2024-07-24-miit',
      'tci-2015-abstract',
      'torch-national-hitech-zones',
    ]);
    expect(verifySources(path.join(root, 'sources')).filter((r) => !r.ok)).toEqual([]);
  });

  it('keeps the shared manifest byte for byte', () => {
    const shared = path.resolve(root, '..', 'shared', 'sources', 'manifest.json');
    let sharedText: string | null = null;
    try {
      sharedText = readFileSync(shared, 'utf8');
    } catch {
      sharedText = null; // outside the workplace the shared folder is absent; the hashes test above still holds
    }
    if (sharedText !== null) expect(readFileSync(path.join(root, 'sources', 'manifest.json'), 'utf8')).toBe(sharedText);
    else expect(readManifest(path.join(root, 'sources'))).toHaveLength(5);
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
      expect(() => resolveSourcePath(dir, parseManifest([entry({ file })])[0]!)).toThrow(/path_outside_sources/);
    }
    const outside = mkdtempSync(path.join(os.tmpdir(), 'figtrail-outside-'));
    writeFileSync(path.join(outside, 'secret.html'), 'x');
    symlinkSync(path.join(outside, 'secret.html'), path.join(dir, 'link.html'));
    expect(() => resolveSourcePath(dir, parseManifest([entry({ file: 'link.html' })])[0]!)).toThrow(/links outside/);
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
