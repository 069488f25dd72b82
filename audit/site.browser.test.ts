import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../extract/records.js';
import { chromiumUnavailableReason, ensureChromium } from './ensureChromium.js';
import { OffsetIndex } from '../extract/offsets.js';
import { compareWithPoppler } from './boxAgreement.js';
import type { Fact, Layout } from './load.js';
import { ensurePdftotext, pdftotextUnavailableReason, popplerWords } from './popplerWords.js';
import { mentionBoxes, writeAuditSite } from './site.js';
import { restorePageImages } from '../pipeline/pageImages.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const buildDir = path.join(here, 'fixtures', 'build');
const sourcesDir = path.join(here, 'fixtures', 'sources');
const artifacts = path.join(root, 'test-artifacts');
const mentions = JSON.parse(readFileSync(path.join(buildDir, 'mentions.json'), 'utf8')) as Mention[];
const facts = JSON.parse(readFileSync(path.join(buildDir, 'facts.json'), 'utf8')) as Fact[];

/** The DOM types this test needs (the project's tsconfig has no DOM lib). */
interface Rect { left: number; right: number; top: number; bottom: number; width: number; height: number }
interface Boxed { getBoundingClientRect(): Rect }
interface Img { complete: boolean; naturalWidth: number; addEventListener(type: string, f: () => void): void }
const rectOf = (el: unknown): Rect => {
  const r = (el as Boxed).getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
};

const executablePath = ensureChromium();
if (!executablePath) {
  if (process.env.CI) throw new Error(`Chromium is required in CI for the audit site browser test: ${chromiumUnavailableReason}`);
  console.warn(`SKIPPING audit site browser test: no Chromium (${chromiumUnavailableReason})`);
}

describe.skipIf(!executablePath)('audit site in Chromium (file://)', () => {
  let browser: Browser;
  let page: Page;
  let site: string;
  const fact = facts.find((f) => f.metric === 'zone_count' && f.subject === 'national' && f.period === '2009')!;
  const htmlMention = mentions.find((m) => fact.mention_ids.includes(m.mention_id) && m.page === null)!;
  const pdfMention = mentions.find((m) => fact.mention_ids.includes(m.mention_id) && m.page !== null)!;

  beforeAll(async () => {
    site = mkdtempSync(path.join(os.tmpdir(), 'audit-site-browser-'));
    await writeAuditSite(buildDir, site, { sourcesDir });
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('pageerror', (err) => failed.push(`pageerror: ${err.message}`));
    (page as Page & { failed?: string[] }).failed = failed;
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('goes from the overview to the fact, to the quote in the HTML source and the box on the PDF page', async () => {
    const failed = (page as Page & { failed?: string[] }).failed!;
    expect(fact.value).toBe(105);
    expect(htmlMention.quote).toBe('reached 105');

    // overview with its charts
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
    expect(await page.locator('svg#chart-zone-count circle.point').count()).toBe(3);
    expect(await page.locator('svg#chart-operating-revenue line.interval').count()).toBeGreaterThan(0);
    const chartBox = await page.locator('svg#chart-zone-count').boundingBox();
    expect(chartBox!.width).toBeGreaterThan(200);
    await page.screenshot({ path: path.join(artifacts, 'audit-overview.png'), fullPage: true });

    // facts list, filtered by the inline script, then the zone_count 2009 fact
    await page.click('header.site a[href="facts.html"]');
    await page.selectOption('#f-metric', 'zone_count');
    expect(await page.locator('#facts tbody tr:visible').count()).toBe(facts.filter((f) => f.metric === 'zone_count').length);
    await page.click('a.fact-link[data-key="zone_count:national@2009"]');
    expect(page.url()).toBe(pathToFileURL(path.join(site, 'fact', `${fact.fact_id}.html`)).href);
    expect(await page.locator('.fact-value').innerText()).toBe('105');
    await page.screenshot({ path: path.join(artifacts, 'audit-fact.png'), fullPage: true });

    // the HTML mention: the highlighted element holds exactly the quote
    await page.click(`section#${htmlMention.mention_id} a.to-source`);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#${htmlMention.mention_id}`);
    const mark = page.locator(`mark#${htmlMention.mention_id}`);
    expect(await mark.innerText()).toBe(htmlMention.quote);
    expect(await mark.getAttribute('data-quote')).toBe(htmlMention.quote);
    expect(await mark.evaluate((el) => el.classList.contains('target'))).toBe(true);
    expect(await mark.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'audit-quote-html.png') });

    // the PDF mention: its box lies inside the image of its page, not another page's
    await page.goBack();
    await page.click(`section#${pdfMention.mention_id} a.to-source`);
    // the page is drawn by pdf.js from the archived file, the mention's page first
    const img = page.locator(`canvas.page-image[data-page="${pdfMention.page}"]`);
    await page.locator(`canvas.page-image[data-page="${pdfMention.page}"][data-rendered="1"]`).waitFor({ state: 'attached', timeout: 30_000 });
    expect(await img.evaluate((el) => (el as unknown as { width: number }).width)).toBeGreaterThan(100);
    const hl = page.locator(`a.hl#${pdfMention.mention_id}`);
    expect(await hl.getAttribute('data-page')).toBe(String(pdfMention.page));
    const [box, pageRect, otherRects] = await Promise.all([
      hl.evaluate(rectOf),
      img.evaluate(rectOf),
      page.locator(`canvas.page-image:not([data-page="${pdfMention.page}"])`).evaluateAll((els) => els.map((el) => { const r = (el as unknown as Boxed).getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; })),
    ]);
    expect(box.width).toBeGreaterThan(5);
    expect(box.height).toBeGreaterThan(5);
    expect(box.left).toBeGreaterThanOrEqual(pageRect.left - 0.5);
    expect(box.right).toBeLessThanOrEqual(pageRect.right + 0.5);
    expect(box.top).toBeGreaterThanOrEqual(pageRect.top - 0.5);
    expect(box.bottom).toBeLessThanOrEqual(pageRect.bottom + 0.5);
    for (const o of otherRects) expect(box.top >= o.bottom || box.bottom <= o.top).toBe(true);
    expect(await page.locator(`mark#t-${pdfMention.mention_id}`).textContent()).toBe(pdfMention.quote);

    // where the boxes are drawn: on the glyphs of the quote. Each drawn rectangle is the layout's box for
    // its line fragment scaled to the image (within a pixel), and its first word starts, and every word
    // sits, where poppler (an independent reader of the PDF) puts it, within 1 pt.
    const layout = JSON.parse(readFileSync(path.join(buildDir, 'layout', 'fixture-brochure-pdf.json'), 'utf8')) as Layout;
    const lp = layout.pages.find((x) => x.page === pdfMention.page)!;
    const scale = pageRect.width / lp.width;
    const drawn = await page.locator(`a.hl[data-mention="${pdfMention.mention_id}"]`).evaluateAll((els) => els.map((el) => { const r = (el as unknown as Boxed).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }));
    const expected = mentionBoxes(layout, pdfMention).map(({ box: b }) => [pageRect.left + b[0] * scale, pageRect.top + b[1] * scale, pageRect.left + b[2] * scale, pageRect.top + b[3] * scale]);
    expect(drawn.length).toBe(expected.length);
    drawn.forEach((d, i) => d.forEach((v, k) => expect(Math.abs(v - expected[i]![k]!)).toBeLessThanOrEqual(1)));
    const pdftotext = ensurePdftotext();
    expect(pdftotext, pdftotextUnavailableReason).not.toBeNull();
    const text = readFileSync(path.join(buildDir, 'text', 'fixture-brochure-pdf.txt'), 'utf8');
    const words = compareWithPoppler(text, layout, [{ start: pdfMention.char_start, end: pdfMention.char_end }], popplerWords(pdftotext!, path.join(sourcesDir, 'fixture-brochure.pdf')));
    expect(words.map((w) => w.text).join(' ')).toBe(new OffsetIndex(text).sliceCodePoints(pdfMention.char_start, pdfMention.char_end).split(/\s+/).join(' '));
    for (const w of words) expect(w.deviation).toBeLessThanOrEqual(1);
    const firstWord = words[0]!.poppler!.box;
    expect(Math.abs(drawn[0]![0]! - (pageRect.left + firstWord[0] * scale))).toBeLessThanOrEqual(scale + 0.5);
    expect(Math.abs(drawn[0]![1]! - (pageRect.top + firstWord[1] * scale))).toBeLessThanOrEqual(scale + 0.5);
    expect(Math.abs(drawn[0]![3]! - (pageRect.top + firstWord[3] * scale))).toBeLessThanOrEqual(scale + 0.5);
    await hl.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'audit-quote-pdf.png') });

    // everything came from disk
    expect(failed).toEqual([]);
  });

  it('draws no page from bytes that are not the archived file: each page view says why instead', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'audit-site-tampered-'));
    const p = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      cpSync(site, copy, { recursive: true });
      const data = path.join(copy, 'source', `${pdfMention.source_id}.pdf.js`);
      const text = readFileSync(data, 'utf8');
      // one byte of the PDF changed (its base64 at a point past the header), the sha256 left as the source's
      const at = text.indexOf('"base64":"') + 10 + 400;
      writeFileSync(data, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
      await p.goto(`${pathToFileURL(path.join(copy, 'source', `${pdfMention.source_id}.html`)).href}#${pdfMention.mention_id}`);
      await p.locator('canvas.page-image[data-error]').first().waitFor({ state: 'attached', timeout: 30_000 });
      expect(await p.locator('canvas.page-image[data-rendered]').count()).toBe(0);
      expect(await p.locator('.pageview').evaluateAll((els) => els.length)).toBe(await p.locator('canvas.page-image[data-error]').count());
      expect(await p.locator('p.notice').first().innerText()).toMatch(/does not match the source's sha256/);
      // the quote is still there, in the text layer
      expect(await p.locator(`mark#t-${pdfMention.mention_id}`).textContent()).toBe(pdfMention.quote);
    } finally {
      await p.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('does the same on the site shipped with the latest released version (real sources)', async () => {
    const out = path.join(root, 'out');
    const versions = JSON.parse(readFileSync(path.join(out, 'versions.json'), 'utf8')) as { version: string }[];
    // a version from v1.2.0 on commits no page images, only their sha256 list: they are rendered from the
    // archived sources and checked against it, as the publish workflow does, into a copy (out/ stays as committed)
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'audit-released-'));
    const dir = path.join(tmp, 'version');
    const failed: string[] = [];
    const p = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    p.on('requestfailed', (r) => failed.push(r.url()));
    p.on('pageerror', (err) => failed.push(`pageerror: ${err.message}`));
    try {
      cpSync(path.join(out, `v${versions[versions.length - 1]!.version}`), dir, { recursive: true });
      await restorePageImages(dir, path.join(root, 'sources'));
      const realFacts = JSON.parse(readFileSync(path.join(dir, 'facts.json'), 'utf8')) as Fact[];
      const realMentions = JSON.parse(readFileSync(path.join(dir, 'mentions.json'), 'utf8')) as Mention[];
      await p.goto(pathToFileURL(path.join(dir, 'site', 'index.html')).href);
      expect(await p.locator('svg#chart-zone-count circle.point').count()).toBeGreaterThanOrEqual(3);
      await p.click('header.site a[href="facts.html"]');
      await p.click('a.fact-link[data-key="zone_count:national@2009"]');
      const f2009 = realFacts.find((f) => f.metric === 'zone_count' && f.subject === 'national' && f.period === '2009')!;
      expect(await p.locator('.fact-value').innerText()).toBe('105');
      // its mention is in the Torch brochure (a PDF): the box sits on the mention's page
      const m = realMentions.find((x) => f2009.mention_ids.includes(x.mention_id))!;
      expect(m.page).not.toBeNull();
      await p.click(`section#${m.mention_id} a.to-source`);
      // versions up to v1.4.0 show the page as a PNG; from v1.5.0 pdf.js draws it into a canvas in the browser
      const png = (await p.locator(`img.page-image[data-page="${m.page}"]`).count()) > 0;
      const img = p.locator(`${png ? 'img' : 'canvas'}.page-image[data-page="${m.page}"]`);
      if (png) await img.evaluate((el) => { const i = el as unknown as Img; return i.complete ? null : new Promise<void>((r) => i.addEventListener('load', () => r())); });
      else await p.locator(`canvas.page-image[data-page="${m.page}"][data-rendered="1"]`).waitFor({ state: 'attached', timeout: 30_000 });
      const [box, pageRect] = await Promise.all([p.locator(`a.hl#${m.mention_id}`).evaluate(rectOf), img.evaluate(rectOf)]);
      expect(box.width).toBeGreaterThan(3);
      expect(box.left).toBeGreaterThanOrEqual(pageRect.left - 0.5);
      expect(box.right).toBeLessThanOrEqual(pageRect.right + 0.5);
      expect(box.top).toBeGreaterThanOrEqual(pageRect.top - 0.5);
      expect(box.bottom).toBeLessThanOrEqual(pageRect.bottom + 0.5);
      expect(await p.locator(`mark#t-${m.mention_id}`).textContent()).toBe(m.quote);
      await p.locator(`a.hl#${m.mention_id}`).scrollIntoViewIfNeeded();
      await p.screenshot({ path: path.join(artifacts, 'audit-real-quote-pdf.png') });

      // an HTML source: the SCIO briefing's 178 zones, highlighted in its text layer
      const scio = realMentions.find((x) => x.source_id === 'scio-2024-07-24-miit' && x.metric === 'zone_count')!;
      await p.goto(`${pathToFileURL(path.join(dir, 'site', 'source', 'scio-2024-07-24-miit.html')).href}#${scio.mention_id}`);
      expect(await p.locator(`mark#${scio.mention_id}`).innerText()).toBe(scio.quote);
      await p.screenshot({ path: path.join(artifacts, 'audit-real-quote-html.png') });
      expect(failed).toEqual([]);
    } finally {
      await p.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
