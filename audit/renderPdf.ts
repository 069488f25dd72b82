import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { version as pdfjsVersion } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DEFAULT_BUDGET, type SourceBudget } from '../pipeline/budget.js';
import { WorkerPool } from '../pipeline/pool.js';
import type { RenderOutcome } from '../pipeline/worker.js';
import type { RenderedPage } from './renderPages.js';

export type { RenderedPage } from './renderPages.js';

export interface RenderOptions {
  /** time, heap and PDF limits of the rendering worker (default: pipeline/budget.ts DEFAULT_BUDGET) */
  budget?: SourceBudget;
  /** what the log calls this document (the source id) */
  label?: string;
}

/**
 * Renders every page of a PDF to PNG (audit/renderPages.ts) in a worker thread with the source budget: a
 * hostile PDF that draws forever or asks for gigabytes of canvas fails here with a named reason (the site shows
 * a notice for it) instead of stopping the build.
 */
export async function renderPdfPages(data: Uint8Array, scale = 1.5, opts: RenderOptions = {}): Promise<RenderedPage[]> {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const pool = new WorkerPool(1, undefined, { budget });
  try {
    const o = await pool.run({ kind: 'render', label: opts.label ?? 'pdf', data, scale, limits: budget.pdf });
    return (o as RenderOutcome).pages.map((p) => ({ ...p, png: new Uint8Array(p.png) }));
  } finally {
    await pool.close();
  }
}

/** Bumped when the rendering below changes; part of the cache key with the pdf.js version. */
const RENDER_VERSION = '1';

/**
 * renderPdfPages with an on-disk cache keyed by (PDF bytes, scale, pdf.js version): rendering is the
 * slowest part of writing the audit site and its output depends on nothing else. Safe to delete.
 */
export async function renderPdfPagesCached(data: Uint8Array, scale: number, cacheDir: string | null, opts: RenderOptions = {}): Promise<RenderedPage[]> {
  if (!cacheDir) return renderPdfPages(data, scale, opts);
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
  const pages = await renderPdfPages(data, scale, opts);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(pages.map((p) => ({ page: p.page, width: p.width, height: p.height, png: Buffer.from(p.png).toString('base64') }))));
  renameSync(tmp, file);
  return pages;
}
