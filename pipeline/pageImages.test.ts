import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAuditSite } from '../audit/site.js';
import { renderPdfPages } from '../audit/renderPdf.js';
import { isPageAsset, PAGE_IMAGES_SUMS, pageImageSums, PageImagesError, restorePageImages } from './pageImages.js';
import { listFiles } from './publish.js';
import { sha256Hex } from '../extract/manifest.js';

const root = path.resolve(import.meta.dirname, '..');
const fixtureBuild = path.join(root, 'audit', 'fixtures', 'build');
const fixtureSources = path.join(root, 'audit', 'fixtures', 'sources');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-page-images-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let build: string;
let images: string[];
beforeAll(async () => {
  build = path.join(tmp, 'build');
  cpSync(fixtureBuild, build, { recursive: true });
  await writeAuditSite(build, path.join(build, 'site'), { sourcesDir: fixtureSources });
  images = listFiles(build).filter(isPageAsset);
});

/** a version folder as release writes it: the build without its page images, with their checksums */
function version(name: string): string {
  const v = path.join(tmp, name);
  cpSync(build, v, { recursive: true, filter: (src) => !isPageAsset(path.relative(build, src)) });
  writeFileSync(path.join(v, PAGE_IMAGES_SUMS), pageImageSums(build, images));
  return v;
}

describe('page images of a released version', () => {
  it('are recognised by path: pdf.js, the viewer and the PDFs\' data scripts, and the PNG pages of older versions', () => {
    expect(images.sort()).toEqual(['site/pdfjs/pdf.js', 'site/pdfjs/pdf.worker.js', 'site/pdfview.js', 'site/source/fixture-brochure-pdf.pdf.js']);
    expect(isPageAsset('site/source/torch/page-1.png')).toBe(true);
    expect(isPageAsset('site/index.html')).toBe(false);
    expect(isPageAsset('site/filter.js')).toBe(false);
    expect(isPageAsset('site/source/torch.html')).toBe(false);
    expect(isPageAsset('text/page-1.png')).toBe(false);
  });

  it('are rendered again from the archived sources, byte for byte as listed', async () => {
    const v = version('v-ok');
    for (const rel of images) expect(existsSync(path.join(v, rel))).toBe(false);
    expect(await restorePageImages(v, fixtureSources)).toEqual({ listed: images.length, restored: images.length });
    for (const rel of images) expect(readFileSync(path.join(v, rel)).equals(readFileSync(path.join(build, rel))), rel).toBe(true);
  });

  it('are refused, and none written, when a rendering does not match its checksum', async () => {
    const v = version('v-bad');
    const list = path.join(v, PAGE_IMAGES_SUMS);
    writeFileSync(list, readFileSync(list, 'utf8').replace(/^[0-9a-f]{64}/, '0'.repeat(64)));
    await expect(restorePageImages(v, fixtureSources)).rejects.toThrow(PageImagesError);
    for (const rel of images) expect(existsSync(path.join(v, rel))).toBe(false);
    writeFileSync(list, `${'0'.repeat(64)}  ../outside.png\n`);
    await expect(restorePageImages(v, fixtureSources)).rejects.toThrow(/not a page image checksum line/);
  });

  it('of a version that listed PNG pages (v1.2.0 to v1.4.0) are rendered again as PNG', async () => {
    const v = version('v-png');
    const pdf = readFileSync(path.join(fixtureSources, 'fixture-brochure.pdf'));
    const pages = await renderPdfPages(pdf, 1.5);
    expect(pages.length).toBe(2);
    const pngs = pages.map((p) => ({ rel: `site/source/fixture-brochure-pdf/page-${p.page}.png`, sha256: sha256Hex(p.png) }));
    writeFileSync(path.join(v, PAGE_IMAGES_SUMS), pngs.map((p) => `${p.sha256}  ${p.rel}\n`).join(''));
    expect(await restorePageImages(v, fixtureSources)).toEqual({ listed: 2, restored: 2 });
    for (const p of pngs) expect(sha256Hex(readFileSync(path.join(v, p.rel))), p.rel).toBe(p.sha256);
  });

  it('need nothing for a version that committed its images (no list)', async () => {
    const v = path.join(tmp, 'v-old');
    cpSync(build, v, { recursive: true });
    expect(await restorePageImages(v, fixtureSources)).toEqual({ listed: 0, restored: 0 });
  });
});
