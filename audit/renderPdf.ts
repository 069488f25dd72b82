import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { version as pdfjsVersion } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DEFAULT_BUDGET, type SourceBudget } from '../pipeline/budget.js';
import { readCheckedEntry, writeCheckedEntry } from '../pipeline/checkedEntry.js';
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

/** Bumped when the rendering or the entry format below changes; part of the cache key with the pdf.js version. */
const RENDER_VERSION = '2';
const PAGE_CACHE_FORMAT = 'figtrail-page-cache/2';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface CachedPage {
  page: number;
  png: string;
  width: number;
  height: number;
}

/** The pages of a payload that passed its sha256, or why they cannot be used (a PNG the site could not size). */
function pagesOf(payload: Buffer): RenderedPage[] | string {
  let list: unknown;
  try {
    list = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'payload is not JSON';
  }
  if (!Array.isArray(list) || list.length === 0) return 'no pages';
  const pages: RenderedPage[] = [];
  for (const [i, p] of (list as Partial<CachedPage>[]).entries()) {
    if (p.page !== i + 1 || typeof p.png !== 'string' || typeof p.width !== 'number' || typeof p.height !== 'number') return `page ${i + 1} is malformed`;
    const png = Buffer.from(p.png, 'base64');
    // signature + IHDR (width and height at bytes 16-23, which the site reads)
    if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return `page ${i + 1} is not a PNG`;
    pages.push({ page: p.page, width: p.width, height: p.height, png: new Uint8Array(png) });
  }
  return pages;
}

/**
 * renderPdfPages with an on-disk cache keyed by (PDF bytes, scale, pdf.js version): rendering is the
 * slowest part of writing the audit site and its output depends on nothing else. Safe to delete.
 * An entry is a header line {format, key, sha256, bytes} and the pages as JSON; the key and the payload's
 * sha256 are checked on read, so a flipped byte, an emptied PNG or a truncated entry is re-rendered,
 * rewritten and reported (`report`, one line naming the cache) instead of breaking the site. A cache that
 * cannot be written is reported too; the pages are returned all the same.
 */
export async function renderPdfPagesCached(
  data: Uint8Array,
  scale: number,
  cacheDir: string | null,
  report: (line: string) => void = () => {},
  opts: RenderOptions = {},
): Promise<RenderedPage[]> {
  if (!cacheDir) return renderPdfPages(data, scale, opts);
  const key = createHash('sha256')
    .update(JSON.stringify([RENDER_VERSION, pdfjsVersion, scale]))
    .update(data)
    .digest('hex');
  const file = path.join(cacheDir, 'pages', key.slice(0, 2), `${key}.json`);
  const read = readCheckedEntry(file, PAGE_CACHE_FORMAT, key);
  if (read.kind !== 'absent') {
    let problem: string;
    if (read.kind === 'bad') problem = read.problem;
    else {
      const pages = pagesOf(read.payload);
      if (typeof pages !== 'string') return pages;
      problem = pages;
    }
    rmSync(file, { force: true });
    report(`cache: dropped a bad entry of the page-image cache ${cacheDir} (${problem}); re-rendered`);
  }
  const pages = await renderPdfPages(data, scale, opts);
  const payload = Buffer.from(JSON.stringify(pages.map((p): CachedPage => ({ page: p.page, width: p.width, height: p.height, png: Buffer.from(p.png).toString('base64') }))), 'utf8');
  const stored = writeCheckedEntry(file, PAGE_CACHE_FORMAT, key, payload);
  if (stored !== true) report(`cache: the page-image cache ${cacheDir} is not writable (${stored}); pages are rendered but not stored`);
  return pages;
}
