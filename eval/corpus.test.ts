import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, sha256Hex, verifySources } from '../extract/manifest.js';
import { parseGoldFile } from './gold.js';
import { parsePdfSource, renderPdf } from './makeCorpusPdfs.js';

const corpus = path.join(import.meta.dirname, 'corpus');

describe('the evaluation corpus', () => {
  const manifest = readManifest(corpus);

  it('is a valid sources folder: every file is there with its sha256', () => {
    expect(verifySources(corpus).filter((r) => !r.ok)).toEqual([]);
    expect(manifest.length).toBeGreaterThanOrEqual(40);
  });

  it('has one gold file per document, naming its document', () => {
    const gold = readdirSync(path.join(corpus, 'gold')).sort();
    expect(gold).toEqual(manifest.map((e) => `${e.id}.yaml`).sort());
    for (const f of gold) expect(parseGoldFile(f, readFileSync(path.join(corpus, 'gold', f), 'utf8')).source).toBe(f.slice(0, -5));
  });

  it('regenerates every committed PDF byte for byte from its pdf-src text', async () => {
    const pdfs = manifest.filter((e) => e.media_type === 'application/pdf');
    expect(pdfs.length).toBeGreaterThanOrEqual(10);
    for (const e of pdfs) {
      const name = `${e.id}.txt`;
      const bytes = await renderPdf(parsePdfSource(readFileSync(path.join(corpus, 'pdf-src', name), 'utf8'), name));
      expect(sha256Hex(bytes), e.id).toBe(e.sha256);
    }
  });
});
