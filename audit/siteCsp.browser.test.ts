import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailableReason, ensureChromium } from './ensureChromium.js';
import { writeAuditSite } from './site.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const buildDir = path.join(here, 'fixtures', 'build');
const sourcesDir = path.join(here, 'fixtures', 'sources');

function htmlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? htmlFiles(p) : n.endsWith('.html') ? [p] : [];
    });
}

const executablePath = ensureChromium();
if (!executablePath) {
  if (process.env.CI) throw new Error(`Chromium is required in CI for the Content-Security-Policy test: ${chromiumUnavailableReason}`);
  console.warn(`SKIPPING Content-Security-Policy browser test: no Chromium (${chromiumUnavailableReason})`);
}

describe.skipIf(!executablePath)('audit site Content-Security-Policy (Chromium, file://)', () => {
  let browser: Browser;
  let site: string;

  beforeAll(async () => {
    site = mkdtempSync(path.join(os.tmpdir(), 'audit-site-csp-'));
    await writeAuditSite(buildDir, site, { sourcesDir });
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('every page carries a policy that allows no inline script and nothing from elsewhere', () => {
    const pages = htmlFiles(site);
    expect(pages.length).toBeGreaterThan(4);
    for (const p of pages) {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(readFileSync(p, 'utf8'))?.[1];
      expect(csp, path.relative(site, p)).toBeDefined();
      const directives = new Map(csp!.split(/;\s*/).map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
      expect(directives.get('default-src')).toEqual(["'none'"]);
      // inline code is allowed only by hash; style attributes (the highlight boxes' positions) are the one exception
      for (const d of ['script-src', 'style-src', 'img-src']) {
        expect(directives.get(d)!.filter((v) => !/^'(self|sha256-[A-Za-z0-9+/=]+)'$|^data:$/.test(v)), `${d} in ${path.relative(site, p)}`).toEqual([]);
      }
      expect([...directives.keys()].filter((d) => /-src/.test(d)).sort()).toEqual(['default-src', 'img-src', 'script-src', 'style-src', 'style-src-attr']);
    }
  });

  it("refuses a script injected into a page, while the site's own script, images and boxes still work", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      // a source page with text that escaped escaping: an inline script, an event handler, a javascript: link
      const sourcePages = readdirSync(path.join(site, 'source')).filter((f) => f.endsWith('.html')).sort();
      const pdfPage = sourcePages.find((f) => readFileSync(path.join(site, 'source', f), 'utf8').includes('class="page-image"'))!;
      const original = readFileSync(path.join(site, 'source', pdfPage), 'utf8');
      const injected = original.replace(
        '<main>',
        `<main><script>document.title = 'injected-inline';</script><img src="data:," onerror="document.title = 'injected-handler'"><a id="js" href="javascript:void(document.title='injected-link')">x</a>`,
      );
      expect(injected).not.toBe(original);
      const file = path.join(site, 'source', 'injected.html');
      writeFileSync(file, injected);
      await page.goto(pathToFileURL(file).href);
      await page.click('#js');
      await page.waitForTimeout(200);
      expect(await page.title()).not.toMatch(/injected/);
      expect(violations.length).toBeGreaterThanOrEqual(2);

      // the site's own code, under the same policy and with no violation: pdf.js draws the page, boxes are placed,
      // the filter script runs
      violations.length = 0;
      await page.goto(pathToFileURL(path.join(site, 'source', pdfPage)).href);
      const canvas = page.locator('canvas.page-image[data-rendered="1"]').first();
      await canvas.waitFor({ state: 'attached', timeout: 30_000 });
      const inked = await canvas.evaluate((el) => {
        const c = el as unknown as { width: number; height: number; getContext(t: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! < 128 && d[i + 3]! > 0) dark++;
        return { width: c.width, dark };
      });
      expect(inked.width).toBeGreaterThan(100);
      expect(inked.dark).toBeGreaterThan(1000); // glyphs drawn, not a blank canvas
      expect(violations).toEqual([]);
      const box = await page.locator('a.hl').first().boundingBox();
      expect(box!.width).toBeGreaterThan(5);
      await page.goto(pathToFileURL(path.join(site, 'facts.html')).href);
      const all = await page.locator('#facts tbody tr:visible').count();
      await page.selectOption('#f-status', { index: 1 });
      expect(await page.locator('#facts tbody tr:visible').count()).toBeLessThan(all);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
