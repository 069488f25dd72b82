import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../extract/manifest.js';

/**
 * The audit site's page images (PNG renderings of PDF pages, most of a version's bytes) are not committed
 * with a released version: git history would grow by megabytes per version. The version lists them, with
 * their sha256, in PAGE-IMAGES.SHA256SUMS (itself covered by the version's SHA256SUMS); the publish workflow
 * renders them again from the archived sources, checks them against that list, and ships them in the release
 * asset and on GitHub Pages.
 */
export const PAGE_IMAGES_SUMS = 'PAGE-IMAGES.SHA256SUMS';

/** A page image of the audit site, by its path inside a build or version folder ("site/source/x/page-1.png"). */
export function isPageImage(rel: string): boolean {
  return /^site\/(?:.+\/)?[^/]+\.png$/.test(rel.split(path.sep).join('/'));
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
      if (!m || !isPageImage(m[2]!) || m[2]!.split('/').includes('..')) throw new PageImagesError(`${file} line ${i + 1}: not a page image checksum line`);
      return { sha256: m[1]!, rel: m[2]! };
    });
}

/**
 * Renders the page images a released version lists (PAGE-IMAGES.SHA256SUMS) from the archived sources, checks
 * each against its sha256 and writes them into the version folder (for the release asset and Pages; never
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
    await writeAuditSite(scratch, path.join(scratch, 'site'), { sourcesDir, cacheDir: null });
    const problems: string[] = [];
    for (const w of wanted) {
      const f = path.join(scratch, w.rel);
      if (!existsSync(f)) problems.push(`${w.rel}: not rendered`);
      else if (sha256Hex(readFileSync(f)) !== w.sha256) problems.push(`${w.rel}: rendered with another sha256 (another pdf.js or canvas version than the release's?)`);
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
