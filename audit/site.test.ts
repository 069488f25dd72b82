import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../extract/records.js';
import { escapeHtml } from './html.js';
import { normaliseCheck, type Fact } from './load.js';
import { mentionBoxes, writeAuditSite, type ChartSpec } from './site.js';
import { niceTicks, renderChart } from './svgChart.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const buildDir = path.join(here, 'fixtures', 'build');
const sourcesDir = path.join(here, 'fixtures', 'sources');
const mentions = JSON.parse(readFileSync(path.join(buildDir, 'mentions.json'), 'utf8')) as Mention[];
const facts = JSON.parse(readFileSync(path.join(buildDir, 'facts.json'), 'utf8')) as Fact[];
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function tree(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of readdirSync(dir).sort()) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) for (const [k, v] of tree(p, base)) out.set(k, v);
    else out.set(path.relative(base, p), sha(readFileSync(p)));
  }
  return out;
}

describe('audit fixture build', () => {
  it('has offsets consistent with its text layers and archived files', () => {
    const sources = JSON.parse(readFileSync(path.join(buildDir, 'sources.json'), 'utf8')) as { source_id: string; file: string; sha256: string }[];
    for (const s of sources) expect(sha(readFileSync(path.join(sourcesDir, s.file)))).toBe(s.sha256);
    for (const m of mentions) {
      const cps = Array.from(readFileSync(path.join(buildDir, 'text', `${m.source_id}.txt`), 'utf8'));
      expect(cps.slice(m.char_start, m.char_end).join('')).toBe(m.quote);
      if (m.byte_start !== null) {
        const raw = readFileSync(path.join(sourcesDir, sources.find((s) => s.source_id === m.source_id)!.file));
        expect(raw.subarray(m.byte_start, m.byte_end!).toString('utf8')).toBe(m.quote);
      } else {
        expect(cps.slice(0, m.char_start).filter((c) => c === '\f').length + 1).toBe(m.page);
      }
    }
    const f = facts.find((x) => x.metric === 'zone_count' && x.subject === 'national' && x.period === '2009')!;
    expect(f.value).toBe(105);
    expect(f.mention_ids.map((id) => mentions.find((m) => m.mention_id === id)!.quote)).toEqual(['reached 105', 'reached 105']);
  });
});

/** The index charts the default dataset declares (dataset/dataset.yaml site.charts). */
const CHARTS: ChartSpec[] = [
  { metric: 'zone_count', subject: 'national', title: 'zones', y_label: 'zones', line: true },
  { metric: 'operating_revenue', subject: 'national', title: 'revenue', y_label: 'CNY' },
];

describe('writeAuditSite', () => {
  let a: string, b: string;
  beforeAll(async () => {
    a = mkdtempSync(path.join(os.tmpdir(), 'audit-site-a-'));
    b = mkdtempSync(path.join(os.tmpdir(), 'audit-site-b-'));
    await writeAuditSite(buildDir, a, { sourcesDir, charts: CHARTS });
    await writeAuditSite(buildDir, b, { sourcesDir, charts: CHARTS });
  });
  afterAll(() => {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  });

  it('writes the same bytes twice (the PDF and pdf.js for the page views included)', () => {
    const ta = tree(a), tb = tree(b);
    expect([...ta.keys()]).toEqual(expect.arrayContaining(['index.html', 'facts.html', 'checks.html', 'style.css', 'filter.js', 'pdfview.js', 'pdfjs/pdf.js', 'pdfjs/pdf.worker.js', 'source/fixture-brochure-pdf.pdf.js', 'source/fixture-news-html.html']));
    // index, facts, checks, style.css, filter.js; fact pages; source pages; the PDF's data script; pdf.js, its worker, pdfview.js
    expect(ta.size).toBe(5 + facts.length + 2 + 1 + 3);
    expect([...ta.keys()].filter((f) => f.endsWith('.png'))).toEqual([]);
    expect([...ta.entries()]).toEqual([...tb.entries()]);
  });

  it('keeps source pages by what they are made from: only a changed source is made again, a bad entry is made again', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'audit-site-cache-'));
    try {
      const pageCache = { dir: path.join(work, 'cache'), code: 'code-1' };
      const build = path.join(work, 'build');
      cpSync(buildDir, build, { recursive: true });
      const lines: string[] = [];
      const site = (n: number, code = pageCache.code) => writeAuditSite(build, path.join(work, `site-${n}`), { sourcesDir, charts: CHARTS, pageCache: { ...pageCache, code }, log: (l) => lines.push(l) });
      expect(await site(1)).toEqual({ sourcePages: 2, fromCache: 0 });
      expect(await site(2)).toEqual({ sourcePages: 2, fromCache: 2 });
      expect(tree(path.join(work, 'site-2'))).toEqual(tree(a)); // byte for byte the site made without a cache
      // other code: nothing is taken
      expect(await site(3, 'code-2')).toEqual({ sourcePages: 2, fromCache: 0 });
      // one mention of the HTML source changes: its page is made again, the PDF's comes from the cache
      const changed = mentions.map((m) => (m.source_id === 'fixture-news-html' && m.quote === 'reached 105' ? { ...m, metric: 'another_metric' } : m));
      expect(changed).not.toEqual(mentions);
      writeFileSync(path.join(build, 'mentions.json'), JSON.stringify(changed));
      expect(await site(4)).toEqual({ sourcePages: 2, fromCache: 1 });
      const html4 = readFileSync(path.join(work, 'site-4', 'source', 'fixture-news-html.html'), 'utf8');
      expect(html4).toContain('another_<wbr>metric');
      expect(readFileSync(path.join(work, 'site-4', 'source', 'fixture-brochure-pdf.html'), 'utf8')).toBe(readFileSync(path.join(a, 'source', 'fixture-brochure-pdf.html'), 'utf8'));
      // its text layer changes: made again too
      writeFileSync(path.join(build, 'text', 'fixture-brochure-pdf.txt'), `${readFileSync(path.join(build, 'text', 'fixture-brochure-pdf.txt'), 'utf8')} `);
      expect(await site(5)).toEqual({ sourcePages: 2, fromCache: 1 });
      // a flipped byte in an entry: dropped, said once, made again with the same bytes
      const entries = tree(path.join(work, 'cache'));
      for (const rel of entries.keys()) {
        const f = path.join(work, 'cache', rel);
        const t = readFileSync(f, 'utf8');
        writeFileSync(f, t.replace('<main>', '<main>!'));
      }
      expect(lines).toEqual([]);
      expect(await site(6)).toEqual({ sourcePages: 2, fromCache: 0 });
      expect(lines.length).toBe(2);
      for (const l of lines) expect(l).toMatch(/^cache: dropped a bad entry of the site page cache .*payload does not match its sha256/);
      expect(tree(path.join(work, 'site-6'))).toEqual(tree(path.join(work, 'site-5')));
      // an entry cut short (a write that was killed, a full disk): dropped, said once, made again
      for (const rel of tree(path.join(work, 'cache')).keys()) {
        const f = path.join(work, 'cache', rel);
        const b = readFileSync(f);
        writeFileSync(f, b.subarray(0, b.length >> 1));
      }
      lines.length = 0;
      expect(await site(7)).toEqual({ sourcePages: 2, fromCache: 0 });
      expect(lines.length).toBe(2);
      for (const l of lines) expect(l).toMatch(/^cache: dropped a bad entry of the site page cache /);
      expect(tree(path.join(work, 'site-7'))).toEqual(tree(path.join(work, 'site-5')));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('uses no modules, fetches or remote assets', () => {
    for (const [f] of tree(a)) {
      if (!f.endsWith('.html')) continue;
      const html = readFileSync(path.join(a, f), 'utf8');
      expect(html).not.toMatch(/type="module"|\bfetch\(|XMLHttpRequest|\bimport\s*\(/);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!example\.org)/);
    }
  });

  it('escapes document text: quotes and angle brackets are data', () => {
    const src = readFileSync(path.join(a, 'source', 'fixture-news-html.html'), 'utf8');
    expect(src).toContain('<h1>Zones &quot;news&quot; &amp; &lt;notes&gt;</h1>');
    expect(src).toContain('Fixture Daily &lt;b&gt;');
    expect(src).toContain('&quot;a &lt;milestone&gt;&quot;');
    expect(src).not.toContain('<milestone>');
    expect(src).not.toContain('<b>');
    const checks = readFileSync(path.join(a, 'checks.html'), 'utf8');
    // a quoted word in a message is shown as a quote, its text escaped
    expect(checks).toContain('&lt;CNY&gt; <q>unresolved</q>');
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('marks HTML mentions at code-point offsets (an astral character precedes them)', () => {
    const src = readFileSync(path.join(a, 'source', 'fixture-news-html.html'), 'utf8');
    for (const m of mentions.filter((x) => x.source_id === 'fixture-news-html')) {
      const re = new RegExp(`<mark id="${m.mention_id}"[^>]*>([^<]*)</mark>`);
      expect(re.exec(src)?.[1]).toBe(escapeHtml(m.quote));
    }
  });

  it('links facts to mentions to sources, and checks to facts and sources (flattened places too)', () => {
    const f = facts.find((x) => x.metric === 'zone_count' && x.period === '2009')!;
    const list = readFileSync(path.join(a, 'facts.html'), 'utf8');
    expect(list).toContain(`href="fact/${f.fact_id}.html" data-key="zone_count:national@2009"`);
    const fp = readFileSync(path.join(a, 'fact', `${f.fact_id}.html`), 'utf8');
    for (const id of f.mention_ids) {
      const m = mentions.find((x) => x.mention_id === id)!;
      expect(fp).toContain(`href="../source/${m.source_id}.html#${id}"`);
    }
    expect(fp).toContain('Two sources state exactly 105; they agree.');
    const checks = readFileSync(path.join(a, 'checks.html'), 'utf8');
    const conflict = facts.find((x) => x.status === 'conflict')!;
    expect(checks).toContain(`href="fact/${conflict.fact_id}.html"`);
    const m105 = mentions.find((x) => x.source_id === 'fixture-news-html' && x.quote === 'reached 105')!;
    expect(checks).toContain(`href="source/fixture-news-html.html#${m105.mention_id}"`);
    expect(normaliseCheck({ rule_id: 'r', place_fact_id: 'f_1', place_page: 3 }).place).toMatchObject({ fact_id: 'f_1', page: 3, source_id: null });
  });

  it('draws PDF boxes in page percentages, one per mention', () => {
    const src = readFileSync(path.join(a, 'source', 'fixture-brochure-pdf.html'), 'utf8');
    for (const m of mentions.filter((x) => x.source_id === 'fixture-brochure-pdf')) {
      expect(src).toMatch(new RegExp(`<a class="hl" id="${m.mention_id}"[^>]* data-page="${m.page}"`));
      expect(src).toMatch(new RegExp(`<mark id="t-${m.mention_id}"[^>]*>${m.quote.replace(/\./g, '\\.')}</mark>`));
    }
  });

  it('filters facts from a script file of the site, with no inline script or handler', () => {
    const list = readFileSync(path.join(a, 'facts.html'), 'utf8');
    expect(list).toContain('<script src="filter.js"></script>');
    expect(list).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(list).not.toMatch(/\son[a-z]+=/i);
    expect(readFileSync(path.join(a, 'filter.js'), 'utf8')).toContain("getElementById('f-' + k)");
  });

  it('shows a status it has no colour for: counted, filterable, badged', async () => {
    const c = mkdtempSync(path.join(os.tmpdir(), 'audit-site-status-'));
    try {
      const build = path.join(c, 'build');
      cpSync(buildDir, build, { recursive: true });
      const changed = facts.map((f, i) => (i === 0 ? { ...f, status: 'consistent' } : f));
      writeFileSync(path.join(build, 'facts.json'), JSON.stringify(changed));
      await writeAuditSite(build, path.join(c, 'site'), { sourcesDir, charts: CHARTS });
      const index = readFileSync(path.join(c, 'site', 'index.html'), 'utf8');
      expect(index).toContain('<div><b>1</b><a href="facts.html#status=consistent">consistent</a></div>');
      const list = readFileSync(path.join(c, 'site', 'facts.html'), 'utf8');
      expect(list).toContain('<option value="consistent">consistent</option>');
      expect(list).toContain('<span class="status status-consistent">consistent</span>');
    } finally {
      rmSync(c, { recursive: true, force: true });
    }
  });

  it('writes values in the one number format with the exact value as title, and engine text without escapes', () => {
    const rev = facts.find((f) => f.unit === 'CNY' && f.value !== null && f.value >= 1e12)!;
    const fp = readFileSync(path.join(a, 'fact', `${rev.fact_id}.html`), 'utf8');
    const shown = /<span class="fact-value" title="([^"]*)">([^<]*)<\/span>/.exec(fp)!;
    expect(shown[2]).toMatch(/^\d+(\.\d+)? trillion yuan$/);
    expect(shown[1]).toMatch(/^\d{1,3}(,\d{3})+ yuan$/);
    expect(Number(shown[1]!.replace(/\D/g, ''))).toBe(rev.value);
  });

  it('with no charts declared, charts the two series with the most points', async () => {
    const c = mkdtempSync(path.join(os.tmpdir(), 'audit-site-c-'));
    try {
      await writeAuditSite(buildDir, c, { sourcesDir });
      const index = readFileSync(path.join(c, 'index.html'), 'utf8');
      expect([...index.matchAll(/<svg[^>]*id="(chart-[^"]+)"/g)].map((m) => m[1])).toEqual(['chart-operating-revenue', 'chart-zone-count']);
    } finally {
      rmSync(c, { recursive: true, force: true });
    }
  });

  it('explains every status in a legend on the front page and the facts page, in the dictionary\'s words', () => {
    for (const f of ['index.html', 'facts.html']) {
      const html = readFileSync(path.join(a, f), 'utf8');
      const legend = /<dl class="legend" id="status-legend">[\s\S]*?<\/dl>/.exec(html)?.[0] ?? '';
      expect(legend.match(/<dt>/g), f).toHaveLength(5);
      expect(legend).toContain('<span class="status status-consistent">consistent</span></dt><dd>two or more mentions agree (their intervals intersect), but not from independent sources');
      expect(legend).toContain('<span class="status status-corroborated">corroborated</span></dt><dd>two or more mentions agree, stated by independent sources');
    }
  });

  it('renders both charts with a point per series row', () => {
    const index = readFileSync(path.join(a, 'index.html'), 'utf8');
    const zone = /<svg[^>]*id="chart-zone-count"[\s\S]*?<\/svg>/.exec(index)![0];
    expect(zone.match(/class="point"/g)).toHaveLength(3);
    expect(zone).toContain('<polyline');
    const rev = /<svg[^>]*id="chart-operating-revenue"[\s\S]*?<\/svg>/.exec(index)![0];
    expect(rev.match(/class="point"/g)).toHaveLength(3);
    expect(rev.match(/class="interval"/g)).toHaveLength(3);
    for (const s of ['single', 'corroborated', 'resolved', 'conflict']) expect(rev).toContain(`>${s}</text>`);
  });
});

describe('svg chart and boxes', () => {
  it('picks nice ticks that cover the data', () => {
    expect(niceTicks(0, 114)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    const t = niceTicks(0, 13.2e12);
    expect(t[0]).toBe(0);
    expect(t[t.length - 1]!).toBeGreaterThanOrEqual(13.2e12);
  });

  it('places a point by its value and escapes labels', () => {
    const svg = renderChart({ title: 'T <x>', xLabel: 'year', yLabel: 'y', colors: [['a', '#f00']], points: [{ x: 2000, y: 0, category: 'a', label: '"zero"' }, { x: 2002, y: 10, category: 'a', label: 'ten' }], width: 400, height: 300 });
    expect(svg).toContain('T &lt;x&gt;');
    expect(svg).toContain('<title>&quot;zero&quot;</title>');
    const cy = [...svg.matchAll(/class="point" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    // plot area: top 36, bottom 300 - 48 = 252; y=0 sits on the bottom, y=10 on the top tick (10)
    expect(cy).toEqual([252, 36]);
  });

  it('without glyph edges cuts a layout item by character share, one box per line, clipped to the page', () => {
    const layout = { pages: [{ page: 1, width: 100, height: 100, char_start: 0, char_end: 20 }], items: [{ page: 1, char_start: 0, char_end: 10, bbox: [0, 10, 100, 20] as [number, number, number, number] }, { page: 1, char_start: 11, char_end: 20, bbox: [0, 30, 120, 40] as [number, number, number, number] }] };
    expect(mentionBoxes(layout, { char_start: 5, char_end: 10 })).toEqual([{ page: 1, box: [50, 10, 100, 20] }]);
    // a quote wrapping onto the next line: one box per line, not one over both lines
    expect(mentionBoxes(layout, { char_start: 8, char_end: 20 })).toEqual([
      { page: 1, box: [80, 10, 100, 20] },
      { page: 1, box: [0, 30, 100, 40] },
    ]);
  });

  it('with glyph edges draws exactly the glyphs of the span, joining pieces of one line', () => {
    // "a wide W" set in a proportional font: the edges are not evenly spaced
    const layout = {
      pages: [{ page: 1, width: 200, height: 100, char_start: 0, char_end: 12 }],
      items: [
        { page: 1, char_start: 0, char_end: 8, bbox: [10, 10, 60, 22] as [number, number, number, number], x: [0, 6, 9, 22, 25, 30, 36, 39, 50] },
        { page: 1, char_start: 8, char_end: 12, bbox: [62, 10, 80, 22] as [number, number, number, number], x: [0, 3, 9, 15, 18] },
      ],
    };
    expect(mentionBoxes(layout, { char_start: 2, char_end: 4 })).toEqual([{ page: 1, box: [19, 10, 35, 22] }]);
    expect(mentionBoxes(layout, { char_start: 6, char_end: 10 })).toEqual([{ page: 1, box: [46, 10, 71, 22] }]);
  });
});
