import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { build } from './build.js';

const root = path.resolve(import.meta.dirname, '..');
const realManifest = JSON.parse(readFileSync(path.join(root, 'sources', 'manifest.json'), 'utf8')) as Record<string, unknown>[];

/** A sources folder holding the given real sources plus extra hand-made files. */
function sourcesFolder(ids: string[], extra: { entry: Record<string, unknown>; body: Buffer }[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-build-src-'));
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
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'figtrail-build-out-')), 'build');
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
