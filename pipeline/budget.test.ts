import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPdfPages } from '../audit/renderPdf.js';
import { loadLexicon } from '../extract/lexicon.js';
import { sha256Hex, type ManifestEntry } from '../extract/manifest.js';
import { DEFAULT_MAX_BYTES } from '../extract/sourceFile.js';
import { DEFAULT_BUDGET } from './budget.js';
import { build } from './build.js';
import { extractAll } from './extractAll.js';
import { infinityHtml, inflateBombPdf, manyFiguresHtml, manyPagesPdf, manyTextItemsPdf } from './hostileInputs.js';

/**
 * Every source has a budget (pipeline/budget.ts): over it, that source fails with a named reason in errors.json
 * and the others build. The hostile files are generated here, small, with the caps lowered to match.
 * (Uses the compiled worker, dist/pipeline/worker.js: `npm test` compiles first.)
 */
const root = path.resolve(import.meta.dirname, '..');
const lexiconDir = path.join(root, 'dataset', 'vocabulary');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-budget-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function entry(id: string, file: string, bytes: Uint8Array, media: 'text/html' | 'application/pdf'): ManifestEntry {
  return { id, file, media_type: media, title: id, publisher: null, original_url: null, published: '2024-03-01', capture: 'test', notes: null, sha256: sha256Hex(bytes) } as ManifestEntry;
}

function folder(name: string, files: { id: string; file: string; bytes: Uint8Array; media: 'text/html' | 'application/pdf' }[]): { dir: string; manifest: ManifestEntry[] } {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const manifest = files.map((f) => {
    writeFileSync(path.join(dir, f.file), f.bytes);
    return entry(f.id, f.file, f.bytes, f.media);
  });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}

const good = new Uint8Array(Buffer.from('<html><body><main><p>In 2023 there were 178 national high-tech zones.</p></main></body></html>'));

describe('a budget for every source', () => {
  it('fails each hostile source with its named reason, publishes the good one, and names a slow source in the log', { timeout: 180_000 }, async () => {
    const { dir } = folder('mixed', [
      { id: 'a-good', file: 'good.html', bytes: good, media: 'text/html' },
      { id: 'b-pages', file: 'pages.pdf', bytes: await manyPagesPdf(6), media: 'application/pdf' },
      { id: 'c-bomb', file: 'bomb.pdf', bytes: await inflateBombPdf(4_000_000), media: 'application/pdf' },
      { id: 'd-items', file: 'items.pdf', bytes: await manyTextItemsPdf(300), media: 'application/pdf' },
      { id: 'e-infinity', file: 'inf.html', bytes: infinityHtml(), media: 'text/html' },
      // the same bytes as a-good under another id
      { id: 'f-copy', file: 'copy.html', bytes: good, media: 'text/html' },
      { id: 'g-figures', file: 'figures.html', bytes: manyFiguresHtml(30), media: 'text/html' },
      // under the text-item cap, over the operator cap
      { id: 'h-operators', file: 'ops.pdf', bytes: await manyTextItemsPdf(60), media: 'application/pdf' },
    ]);
    const out = path.join(tmp, 'mixed-out');
    const lines: string[] = [];
    const r = await build({
      sourcesDir: dir,
      outDir: out,
      cacheDir: null,
      site: false,
      keepGoing: true,
      log: (l) => lines.push(l),
      budget: { slowAfterMs: 1, maxMentions: 20, pdf: { maxPages: 5, maxInflatedBytes: 1_000_000, maxTextItemsPerPage: 200, maxOperatorsPerPage: 150 } },
    });
    const errors = JSON.parse(readFileSync(path.join(out, 'errors.json'), 'utf8')) as { source_id: string; reason: string }[];
    expect(errors.map((e) => [e.source_id, e.reason])).toEqual([
      ['b-pages', 'too_many_pages'],
      ['c-bomb', 'inflate_limit'],
      ['d-items', 'too_complex'],
      ['f-copy', 'duplicate_source'],
      ['g-figures', 'too_complex'],
      ['h-operators', 'too_complex'],
    ]);
    const mentions = JSON.parse(readFileSync(path.join(out, 'mentions.json'), 'utf8')) as { source_id: string; value: number }[];
    expect(mentions.map((m) => [m.source_id, m.value])).toEqual([
      ['a-good', 178],
      ['e-infinity', 5],
    ]);
    const skips = JSON.parse(readFileSync(path.join(out, 'skips.json'), 'utf8')) as { source_id: string; reason: string }[];
    expect(skips.filter((s) => s.source_id === 'e-infinity').map((s) => s.reason)).toContain('not_representable');
    expect(r.exitCode).toBe(0);
    expect(lines.some((l) => /still working on [a-h]-/.test(l))).toBe(true);
  });

  it('builds the audit site beside a 5,000-page PDF and a text-operator bomb: no page is drawn at build time', { timeout: 120_000 }, async () => {
    // issue 14's probe: the site stage drew these server-side (20.6 GB of RSS; past 600 s); the site now hands the
    // archived bytes to pdf.js in the reader's browser, and the build stops each source at its own cap
    const { dir } = folder('site-hostile', [
      { id: 'a-good', file: 'good.html', bytes: good, media: 'text/html' },
      { id: 'b-pages', file: 'pages.pdf', bytes: await manyPagesPdf(5_000), media: 'application/pdf' },
      { id: 'c-operators', file: 'ops.pdf', bytes: await manyTextItemsPdf(20_000), media: 'application/pdf' },
    ]);
    // a precondition of the case, not a finding: the bomb is the size the probe used (466 KB)
    expect(statSync(path.join(dir, 'ops.pdf')).size).toBeGreaterThan(400_000);
    const out = path.join(path.dirname(dir), 'site-hostile-out');
    const r = await build({ sourcesDir: dir, outDir: out, quiet: true, cacheDir: null, keepGoing: true });
    expect(r.exitCode).toBe(0);
    // the operator bomb is under the default caps: it is read, and its page goes to the site as bytes
    expect(r.errors.map((e) => [e.source_id, e.reason])).toEqual([['b-pages', 'too_many_pages']]);
    const site = path.join(out, 'site');
    expect(readFileSync(path.join(site, 'index.html'), 'utf8')).toContain('a-good');
    const files = readdirSync(site, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(files).toContain(path.join('source', 'c-operators.html'));
    // the archived bytes go to the reader's pdf.js as a data script, drawn there, not here
    expect(files).toContain(path.join('source', 'c-operators.pdf.js'));
  });

  it('stops a source over its time and one over its heap, each with its reason, and reads the next', { timeout: 120_000 }, async () => {
    const { dir, manifest } = folder('slow', [
      { id: 'a-big', file: 'big.html', bytes: manyFiguresHtml(20_000), media: 'text/html' },
      { id: 'b-good', file: 'good.html', bytes: good, media: 'text/html' },
    ]);
    const lexicon = loadLexicon(lexiconDir);
    const run = async (budget: { timeoutMs?: number; maxHeapMb?: number }) => {
      const got: [string, string | null, number][] = [];
      await extractAll(manifest, {
        sourcesDir: dir,
        lexiconDir,
        lexicon,
        jobs: 1,
        log: () => {},
        budget,
        onResult: (e, res) => void got.push([e.id, res.error?.reason ?? null, res.mentions.length]),
      });
      return got;
    };
    // the big page takes seconds and needs far more than 32 MB of heap (the good one fits); each stop costs only its own source
    const timedOut = await run({ timeoutMs: 100 });
    expect(timedOut[0]).toEqual(['a-big', 'timeout', 0]);
    expect(timedOut.map((g) => g[0])).toEqual(['a-big', 'b-good']);
    expect(await run({ maxHeapMb: 32, timeoutMs: 60_000 })).toEqual([
      ['a-big', 'too_complex', 0],
      ['b-good', null, 1],
    ]);
  });

  it('stops a news page just under the 50 MB size cap at its time budget, and reads the next source', { timeout: 120_000 }, async () => {
    // issue 14's probe: a page this size read for 600 s and grew to 4.6 GB; under a budget it ends by name
    const para = '<p>In 2021 the zone reported revenue of 12.5 billion yuan, up 7 percent, and 340 new enterprises.</p>\n';
    const body = `<html><body><main>${para.repeat(Math.floor((DEFAULT_MAX_BYTES - 100) / para.length))}</main></body></html>`;
    expect(body.length).toBeGreaterThan(DEFAULT_MAX_BYTES - 1024 * 1024);
    expect(body.length).toBeLessThanOrEqual(DEFAULT_MAX_BYTES);
    const { dir, manifest } = folder('fifty-mb', [
      { id: 'a-huge', file: 'huge.html', bytes: new Uint8Array(Buffer.from(body)), media: 'text/html' },
      { id: 'b-good', file: 'good.html', bytes: good, media: 'text/html' },
    ]);
    const got: [string, string | null, number][] = [];
    await extractAll(manifest, {
      sourcesDir: dir,
      lexiconDir,
      lexicon: loadLexicon(lexiconDir),
      jobs: 1,
      log: () => {},
      budget: { timeoutMs: 1_000 },
      onResult: (e, res) => void got.push([e.id, res.error?.reason ?? null, res.mentions.length]),
    });
    expect(got).toEqual([
      ['a-huge', 'timeout', 0],
      ['b-good', null, 1],
    ]);
  });
});

describe('page rendering for the audit site', () => {
  it('refuses a page image over the pixel cap, in its worker, with the reason', { timeout: 60_000 }, async () => {
    const pdf = await manyPagesPdf(1);
    const budget = { ...DEFAULT_BUDGET, pdf: { ...DEFAULT_BUDGET.pdf, maxPixelsPerPage: 10_000 } };
    await expect(renderPdfPages(pdf, 1.5, { budget, label: 'tiny-cap' })).rejects.toThrow(/over the cap of 10000/);
    const pages = await renderPdfPages(pdf, 0.2, { budget: { ...budget, pdf: { ...budget.pdf, maxPixelsPerPage: 1_000_000 } } });
    expect(pages.map((p) => p.page)).toEqual([1]);
  });
});
