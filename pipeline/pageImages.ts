import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../extract/manifest.js';

/**
 * What draws the audit site's PDF pages is not committed with a released version: git history would grow by
 * megabytes per version for bytes that are made from files the repository already holds. Since the pages are
 * drawn in the reader's browser these are pdf.js as classic scripts (site/pdfjs/*.js, made from pdfjs-dist),
 * the viewer (site/pdfview.js) and each archived PDF as a data script (site/source/<id>.pdf.js, made from
 * sources/); versions v1.2.0 to v1.4.0 list PNG renderings of the pages instead (site/source/<id>/page-N.png).
 * The version lists them, with their sha256, in PAGE-IMAGES.SHA256SUMS (itself covered by the version's
 * SHA256SUMS); the publish workflow makes them again from the archived sources, checks them against that
 * list, and ships them in the release asset and on GitHub Pages.
 */
export const PAGE_IMAGES_SUMS = 'PAGE-IMAGES.SHA256SUMS';

/** A page image of the audit site or a file that draws one, by its path inside a build or version folder. */
export function isPageAsset(rel: string): boolean {
  const p = rel.split(path.sep).join('/');
  return /^site\/source\/[^/]+\/page-\d+\.png$/.test(p) || /^site\/source\/[^/]+\.pdf\.js$/.test(p) || /^site\/pdfjs\/[^/]+\.js$/.test(p) || p === 'site/pdfview.js';
}

/** A PNG page image of a version from before the pages were drawn in the browser: site/source/<slug>/page-N.png. */
function pngPage(rel: string): { slug: string; page: number } | null {
  const m = /^site\/source\/([^/]+)\/page-(\d+)\.png$/.exec(rel);
  return m ? { slug: m[1]!, page: Number(m[2]) } : null;
}

export class PageImagesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageImagesError';
  }
}

/** The lines of a PAGE-IMAGES.SHA256SUMS for the given page images of a folder, in path order. */
export function pageImageSums(dir: string, rels: readonly string[]): string {
  return [...rels]
    .sort()
    .map((rel) => `${sha256Hex(readFileSync(path.join(dir, rel)))}  ${rel}\n`)
    .join('');
}

function readSums(file: string): { sha256: string; rel: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(l);
      if (!m || !isPageAsset(m[2]!) || m[2]!.split('/').includes('..')) throw new PageImagesError(`${file} line ${i + 1}: not a page image checksum line`);
      return { sha256: m[1]!, rel: m[2]! };
    });
}

/**
 * Makes the page assets a released version lists (PAGE-IMAGES.SHA256SUMS) again from the archived sources: the
 * audit site is written into a scratch copy of the version (pdf.js, the viewer and the data scripts); PNG pages
 * of the older versions are rendered by pdf.js in a worker with the source budget (audit/renderPdf.ts). Each is
 * checked against its sha256 and written into the version folder (for the release asset and Pages; never
 * committed). A version that committed its images (v1.0.0, v1.1.0) has no list: nothing to do.
 */
export async function restorePageImages(versionDir: string, sourcesDir: string): Promise<{ listed: number; restored: number }> {
  const list = path.join(versionDir, PAGE_IMAGES_SUMS);
  if (!existsSync(list)) return { listed: 0, restored: 0 };
  const wanted = readSums(list);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'figtrail-page-images-'));
  try {
    cpSync(versionDir, scratch, { recursive: true });
    const { writeAuditSite } = await import('../audit/site.js');
    await writeAuditSite(scratch, path.join(scratch, 'site'), { sourcesDir });
    await renderPngPages(scratch, sourcesDir, wanted.map((w) => w.rel));
    const problems: string[] = [];
    for (const w of wanted) {
      const f = path.join(scratch, w.rel);
      if (!existsSync(f)) problems.push(`${w.rel}: not made`);
      else if (sha256Hex(readFileSync(f)) !== w.sha256) problems.push(`${w.rel}: made with another sha256 (another pdf.js or canvas version than the release's?)`);
    }
    if (problems.length) throw new PageImagesError(`the page images of ${versionDir} do not match ${PAGE_IMAGES_SUMS}:\n  ${problems.join('\n  ')}`);
    for (const w of wanted) {
      const dest = path.join(versionDir, w.rel);
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, readFileSync(path.join(scratch, w.rel)));
    }
    return { listed: wanted.length, restored: wanted.length };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The PNG pages among `rels`, rendered into `dir` from the sources of its sources.json (at the scale the site used, 1.5). */
async function renderPngPages(dir: string, sourcesDir: string, rels: readonly string[]): Promise<void> {
  const wanted = rels.map(pngPage).filter((x): x is { slug: string; page: number } => x !== null);
  if (!wanted.length) return;
  const [{ renderPdfPages }, { slug }, { openSource }] = await Promise.all([import('../audit/renderPdf.js'), import('../audit/html.js'), import('../extract/sourceFile.js')]);
  const sources = JSON.parse(readFileSync(path.join(dir, 'sources.json'), 'utf8')) as { source_id: string; file: string; sha256: string }[];
  for (const s of sources) {
    const pages = new Set(wanted.filter((w) => w.slug === slug(s.source_id)).map((w) => w.page));
    if (!pages.size) continue;
    let data: Buffer;
    try {
      data = openSource(sourcesDir, s.file, { sourceId: s.source_id });
    } catch {
      continue; // named as "not made" by the caller
    }
    if (sha256Hex(data) !== s.sha256) continue;
    for (const r of await renderPdfPages(data, 1.5, { label: s.source_id })) {
      if (!pages.has(r.page)) continue;
      const f = path.join(dir, 'site', 'source', slug(s.source_id), `page-${r.page}.png`);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, r.png);
    }
  }
}
