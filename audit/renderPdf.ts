import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { version as pdfjsVersion } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface RenderedPage {
  page: number;
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * Renders every page of a PDF to PNG with pdf.js (through pdf-parse and @napi-rs/canvas).
 * Same bytes in → same PNG bytes out (no timestamps in the PNG; pdf.js rendering is deterministic
 * for a given pdfjs-dist / canvas version).
 */
export async function renderPdfPages(data: Uint8Array, scale = 1.5): Promise<RenderedPage[]> {
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    const r = await parser.getScreenshot({ scale, imageDataUrl: false, imageBuffer: true });
    return r.pages
      .map((p) => ({ page: p.pageNumber, png: p.data, width: p.width, height: p.height }))
      .sort((a, b) => a.page - b.page);
  } finally {
    await parser.destroy();
  }
}

/** Bumped when the rendering below changes; part of the cache key with the pdf.js version. */
const RENDER_VERSION = '1';

/**
 * renderPdfPages with an on-disk cache keyed by (PDF bytes, scale, pdf.js version): rendering is the
 * slowest part of writing the audit site and its output depends on nothing else. Safe to delete.
 */
export async function renderPdfPagesCached(data: Uint8Array, scale: number, cacheDir: string | null): Promise<RenderedPage[]> {
  if (!cacheDir) return renderPdfPages(data, scale);
  const key = createHash('sha256')
    .update(JSON.stringify([RENDER_VERSION, pdfjsVersion, scale]))
    .update(data)
    .digest('hex');
  const file = path.join(cacheDir, 'pages', key.slice(0, 2), `${key}.json`);
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { page: number; png: string; width: number; height: number }[];
      return cached.map((p) => ({ page: p.page, width: p.width, height: p.height, png: new Uint8Array(Buffer.from(p.png, 'base64')) }));
    } catch {
      // a corrupt entry is rendered again and rewritten below
    }
  }
  const pages = await renderPdfPages(data, scale);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(pages.map((p) => ({ page: p.page, width: p.width, height: p.height, png: Buffer.from(p.png).toString('base64') }))));
  renameSync(tmp, file);
  return pages;
}
