/**
 * The two ways issue 13 offers to show a PDF page under its quotes' highlight boxes, measured on a build of
 * the five sources: (a) the build renders only the pages that carry a quote to PNG, in parallel workers, with a
 * cache; (b) the reader's browser draws the pages with pdf.js from the archived file (what the site does).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeAuditSite } from '../audit/site.js';
import { CHROMIUM_CANDIDATES } from '../audit/ensureChromium.js';
import { slug } from '../audit/html.js';
import { openSource } from '../extract/sourceFile.js';
import { DEFAULT_BUDGET } from '../pipeline/budget.js';
import { WorkerPool } from '../pipeline/pool.js';
import type { RenderOutcome } from '../pipeline/worker.js';

export interface PageViewsContext {
  /** a finished build of the five sources (its tables and layout) */
  buildDir: string;
  sourcesDir: string;
  tmp: string;
  cores: number;
  say: (line: string) => void;
}

const f2 = (n: number) => n.toFixed(2);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

function treeBytes(dir: string, keep: (rel: string) => boolean, base = dir): number {
  let n = 0;
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    n += statSync(p).isDirectory() ? treeBytes(p, keep, base) : keep(path.relative(base, p)) ? statSync(p).size : 0;
  }
  return n;
}

export async function benchPageViews(c: PageViewsContext): Promise<{ siteSeconds: number }> {
  const sources = JSON.parse(readFileSync(path.join(c.buildDir, 'sources.json'), 'utf8')) as { source_id: string; file: string; media_type: string; status: string; pages: number | null }[];
  const mentions = JSON.parse(readFileSync(path.join(c.buildDir, 'mentions.json'), 'utf8')) as { source_id: string; page: number | null }[];
  const pdfs = sources.filter((s) => s.media_type === 'application/pdf' && s.status === 'ok');
  const jobs = pdfs
    .map((s) => ({ s, pages: [...new Set(mentions.filter((m) => m.source_id === s.source_id && m.page !== null).map((m) => m.page!))].sort((a, b) => a - b) }))
    .filter((j) => j.pages.length > 0);
  const allPages = pdfs.reduce((n, s) => n + (s.pages ?? 0), 0);
  const quoted = jobs.reduce((n, j) => n + j.pages.length, 0);

  // (a) only the quoted pages, one render task per PDF over a pool of one worker per core, all at once
  const t0 = performance.now();
  const pool = new WorkerPool(Math.max(1, Math.min(c.cores, jobs.length)), undefined, { budget: DEFAULT_BUDGET });
  let pngs: Uint8Array[] = [];
  try {
    const outs = await Promise.all(
      jobs.map((j) => pool.run({ kind: 'render', label: j.s.source_id, data: openSource(c.sourcesDir, j.s.file, { sourceId: j.s.source_id }), scale: 1.5, limits: DEFAULT_BUDGET.pdf, pages: j.pages })),
    );
    pngs = outs.flatMap((o) => (o as RenderOutcome).pages.map((p) => p.png));
  } finally {
    await pool.close();
  }
  const serverSeconds = (performance.now() - t0) / 1000;
  const pngBytes = pngs.reduce((n, p) => n + p.byteLength, 0);
  // (a) from a cache: the same PNGs read back from files (what a cache hit costs at least)
  const pngDir = mkdtempSync(path.join(c.tmp, 'page-views-png-'));
  pngs.forEach((p, i) => writeFileSync(path.join(pngDir, `${i}.png`), p));
  const t2 = performance.now();
  let readBack = 0;
  for (let i = 0; i < pngs.length; i++) readBack += readFileSync(path.join(pngDir, `${i}.png`)).byteLength;
  const cachedSeconds = (performance.now() - t2) / 1000;

  // (b) the site stage as the build runs it, and what the page views add to the site
  const site = mkdtempSync(path.join(c.tmp, 'page-views-site-'));
  const t1 = performance.now();
  await writeAuditSite(c.buildDir, site, { sourcesDir: c.sourcesDir });
  const siteSeconds = (performance.now() - t1) / 1000;
  const viewBytes = treeBytes(site, (rel) => rel.startsWith('pdfjs') || rel === 'pdfview.js' || rel.endsWith('.pdf.js'));
  const siteBytes = treeBytes(site, () => true);

  c.say('');
  c.say(`page views of the five sources (${quoted} of ${allPages} PDF pages carry a quote):`);
  c.say(`  (a) server-side PNG, quoted pages only, ${pool.size} worker(s) in parallel, cold: ${f2(serverSeconds)} s of build; ${mb(pngBytes)} of PNG; cached: ${f2(cachedSeconds)} s to read ${mb(readBack)} back (+ writing them into the site)`);
  c.say(`  (b) browser-side pdf.js (the site): site stage ${f2(siteSeconds)} s of build; pdf.js + viewer + the PDFs as data scripts ${mb(viewBytes)} (whole site ${mb(siteBytes)})`);
  const chromium = CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null);
  const biggest = jobs.sort((a, b) => b.pages.length - a.pages.length || (a.s.source_id < b.s.source_id ? -1 : 1))[0];
  if (!chromium || !biggest) {
    c.say('      in the browser: no Chromium installed (the bench never installs one), not measured');
    return { siteSeconds };
  }
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      await page.goto(`file://${path.join(site, 'source', `${slug(biggest.s.source_id)}.html`)}?run=${k}`);
      await page.waitForSelector('canvas.page-image[data-rendered="1"]', { state: 'attached', timeout: 60_000 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    c.say(`      in Chromium (file://): the first page of ${biggest.s.source_id} drawn ${(times[1]! / 1000).toFixed(2)} s after navigation (median of 3; a PNG shows on image load)`);
  } finally {
    await browser.close();
  }
  return { siteSeconds };
}
