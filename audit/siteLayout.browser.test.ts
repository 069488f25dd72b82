import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailableReason, ensureChromium } from './ensureChromium.js';
import type { Fact } from './load.js';
import { writeAuditSite } from './site.js';

/**
 * The audit site reads at a laptop's width (1280 px) and a phone's (390 px): no page scrolls sideways, ids
 * stay whole, numbers are written one way, messages are text, and the facts filter works from its own
 * script file. Two sites are checked, both written by the current code: the fixture build and the latest
 * released version's tables with the archived sources (real messages, hashes and long rule ids).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const WIDTHS = [1280, 390] as const;

const executablePath = ensureChromium();
if (!executablePath) {
  if (process.env.CI) throw new Error(`Chromium is required in CI for the audit site layout test: ${chromiumUnavailableReason}`);
  console.warn(`SKIPPING audit site layout test: no Chromium (${chromiumUnavailableReason})`);
}

function latestVersionDir(): string {
  const out = path.join(root, 'out');
  const versions = JSON.parse(readFileSync(path.join(out, 'versions.json'), 'utf8')) as { version: string }[];
  return path.join(out, `v${versions[versions.length - 1]!.version}`);
}

/** Every page type of a site: index, facts, checks, each fact page and each source page (HTML and PDF). */
function pagesOf(site: string): string[] {
  const list = ['index.html', 'facts.html', 'checks.html'];
  for (const d of ['fact', 'source']) for (const f of readdirSync(path.join(site, d)).sort()) if (f.endsWith('.html')) list.push(`${d}/${f}`);
  return list;
}

/** What a page says about its own layout and text, measured in the page. */
interface Measured {
  scrollWidth: number;
  innerWidth: number;
  /** ids drawn on more than one line box */
  brokenIds: string[];
  /** visible text that shows an escape sequence or a number in exponent notation */
  literalEscapes: string[];
  exponents: string[];
  inlineScripts: number;
  inlineHandlers: string[];
}

async function measure(page: Page): Promise<Measured> {
  return page.evaluate(() => {
    // the project's tsconfig has no DOM lib: the page's globals are reached through globalThis
    const g = globalThis as unknown as {
      innerWidth: number;
      document: {
        documentElement: { scrollWidth: number };
        body: { innerText: string };
        querySelectorAll(s: string): ArrayLike<{ textContent: string | null; getClientRects(): ArrayLike<unknown>; attributes: ArrayLike<{ name: string }>; tagName: string }>;
      };
    };
    const d = g.document;
    // folded content counts too: open every <details> before measuring
    for (const el of Array.from(d.querySelectorAll('details'))) (el as unknown as { open: boolean }).open = true;
    const ids = Array.from(d.querySelectorAll('.id'));
    const text = d.body.innerText;
    const all = Array.from(d.querySelectorAll('*'));
    return {
      scrollWidth: d.documentElement.scrollWidth,
      innerWidth: g.innerWidth,
      brokenIds: ids.filter((el) => el.getClientRects().length > 1).map((el) => el.textContent ?? ''),
      literalEscapes: text.match(/.{0,20}\\[ntr"].{0,20}/g) ?? [],
      exponents: text.match(/.{0,20}\b\d(?:\.\d+)?e[+-]?\d+\b.{0,20}/g) ?? [],
      inlineScripts: Array.from(d.querySelectorAll('script')).filter((s) => !(s as unknown as { src: string }).src).length,
      inlineHandlers: all.flatMap((el) => Array.from(el.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
    };
  });
}

describe.skipIf(!executablePath)('audit site layout at 1280 and 390 px (Chromium)', () => {
  let browser: Browser;
  const sites: { name: string; dir: string }[] = [];

  beforeAll(async () => {
    const fixture = mkdtempSync(path.join(os.tmpdir(), 'audit-layout-fixture-'));
    sites.push({ name: 'fixture', dir: fixture });
    await writeAuditSite(path.join(here, 'fixtures', 'build'), fixture, { sourcesDir: path.join(here, 'fixtures', 'sources') });
    const released = mkdtempSync(path.join(os.tmpdir(), 'audit-layout-released-'));
    sites.push({ name: 'released', dir: released });
    await writeAuditSite(latestVersionDir(), released, { sourcesDir: path.join(root, 'sources') });
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    for (const s of sites) rmSync(s.dir, { recursive: true, force: true });
  });

  for (const width of WIDTHS) {
    it(`no page is wider than a ${width} px window; ids stay on one line; no escapes or exponents in the text`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      page.on('pageerror', (err) => failed.push(`pageerror: ${err.message}`));
      const problems: string[] = [];
      let visited = 0;
      try {
        for (const site of sites) {
          const pages = pagesOf(site.dir);
          // every page type is there: the fixture and the released data each have HTML and PDF sources
          expect(pages.filter((p) => p.startsWith('fact/')).length).toBeGreaterThan(0);
          expect(pages.filter((p) => p.startsWith('source/')).length).toBeGreaterThanOrEqual(2);
          for (const p of pages) {
            await page.goto(pathToFileURL(path.join(site.dir, p)).href);
            const m = await measure(page);
            visited++;
            const at = `${site.name} ${p} @${width}`;
            if (m.scrollWidth > m.innerWidth) problems.push(`${at}: ${m.scrollWidth} px wide`);
            for (const id of m.brokenIds) problems.push(`${at}: id "${id}" wraps`);
            for (const t of m.literalEscapes) problems.push(`${at}: escape in text: ${JSON.stringify(t)}`);
            for (const t of m.exponents) problems.push(`${at}: exponent in text: ${JSON.stringify(t)}`);
            if (m.inlineScripts && p === 'facts.html') problems.push(`${at}: ${m.inlineScripts} inline script(s)`);
            for (const h of m.inlineHandlers) problems.push(`${at}: inline handler ${h}`);
          }
        }
      } finally {
        await page.close();
      }
      expect(visited).toBeGreaterThan(10);
      expect(problems).toEqual([]);
      expect(failed).toEqual([]);
    }, 300_000);
  }

  it('filters facts by metric, subject and status from its own script file, also on a phone', async () => {
    const site = sites.find((s) => s.name === 'released')!.dir;
    const facts = JSON.parse(readFileSync(path.join(latestVersionDir(), 'facts.json'), 'utf8')) as Fact[];
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    const failed: string[] = [];
    page.on('pageerror', (err) => failed.push(`pageerror: ${err.message}`));
    try {
      await page.goto(pathToFileURL(path.join(site, 'facts.html')).href);
      const rows = page.locator('#facts tbody tr');
      expect(await page.locator('#facts tbody tr:visible').count()).toBe(facts.length);
      // the statuses offered are the data's, whatever they are
      const offered = await page.locator('#f-status option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
      expect(offered).toEqual([...new Set(facts.map((f) => f.status))].sort());
      const f = facts.find((x) => x.metric === 'zone_count' && x.subject === 'national')!;
      await page.selectOption('#f-metric', f.metric);
      expect(await rows.locator('visible=true').count()).toBe(facts.filter((x) => x.metric === f.metric).length);
      await page.selectOption('#f-subject', f.subject);
      expect(await rows.locator('visible=true').count()).toBe(facts.filter((x) => x.metric === f.metric && x.subject === f.subject).length);
      await page.selectOption('#f-status', f.status);
      const expected = facts.filter((x) => x.metric === f.metric && x.subject === f.subject && x.status === f.status).length;
      expect(await rows.locator('visible=true').count()).toBe(expected);
      expect(await page.locator('#f-count').innerText()).toBe(`${expected} of ${facts.length}`);
      // the filter is in the URL and survives a reload
      expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#metric=${f.metric}&subject=${f.subject}&status=${f.status}`);
      await page.reload();
      expect(await rows.locator('visible=true').count()).toBe(expected);
      expect(await page.locator('script[src="filter.js"]').count()).toBe(1);
      expect(failed).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('writes values one way, with the exact value on hover', async () => {
    const site = sites.find((s) => s.name === 'released')!.dir;
    const facts = JSON.parse(readFileSync(path.join(latestVersionDir(), 'facts.json'), 'utf8')) as Fact[];
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      // a yuan amount in trillions and a count of persons in millions (values written by hand)
      for (const [value, unit, shown, exact] of [
        [16_596_000_000_000, 'CNY', '16.596 trillion yuan', '16,596,000,000,000 yuan'],
        [12_695_000, 'persons', '12.695 million persons', '12,695,000 persons'],
      ] as const) {
        const f = facts.find((x) => x.value === value && x.unit === unit)!;
        expect(f).toBeDefined();
        await page.goto(pathToFileURL(path.join(site, 'fact', `${f.fact_id}.html`)).href);
        const v = page.locator('.fact-value');
        expect(await v.innerText()).toBe(shown);
        expect(await v.getAttribute('title')).toBe(exact);
        await page.goto(pathToFileURL(path.join(site, 'facts.html')).href);
        const cell = page.locator(`#facts tr:has(a[href="fact/${f.fact_id}.html"]) .value`);
        expect(await cell.innerText()).toBe(shown);
        expect(await cell.getAttribute('title')).toBe(exact);
      }
    } finally {
      await page.close();
    }
  });
});
