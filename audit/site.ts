import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readCheckedEntry, writeCheckedEntry } from '../pipeline/checkedEntry.js';
import path from 'node:path';
import type { Mention } from '../extract/records.js';
import type { SourceRow } from '../extract/records.js';
import { factKey } from './explain.js';
import { CSS, escapeHtml as e, idHtml, page, safeUrl, slug, wordsHtml } from './html.js';
import { cmp, codePoints, compareFacts, loadBuild, readLayout, readText, type Build, type CheckRow, type Fact, type Layout } from './load.js';
import { exactValue, formatInterval, formatNumber, formatValue, intervalHtml, proseHtml, valueHtml } from './numberFormat.js';
import { openSource, SourceAccessError } from '../extract/sourceFile.js';
import { DEFAULT_BUDGET, type SourceBudget } from '../pipeline/budget.js';
import { sha256Hex } from '../extract/manifest.js';
import { pdfDataScript, pdfjsAssets, PDFJS_SCRIPT_FILES, PDF_VIEW_SCRIPT } from './pdfjsAssets.js';
import { renderChart, type ChartPoint } from './svgChart.js';
import { FACT_STATUS_DEFINITIONS } from '../contracts/index.js';

export interface AuditSiteOptions {
  sourcesDir: string;
  /** PDF page scale in the page views: canvas pixels per PDF point (default 1.5) */
  scale?: number;
  /** the size cap of a source file (default: extract/sourceFile.ts DEFAULT_MAX_BYTES) */
  maxBytes?: number;
  /** the index page's charts (the dataset's `site.charts`); default: the two series with the most points */
  charts?: readonly ChartSpec[];
  /** PDF limits (pipeline/budget.ts; default DEFAULT_BUDGET): a page over maxPixelsPerPage gets no page view */
  budget?: SourceBudget;
  /**
   * source pages kept by the hash of everything they are made from (`dir`, e.g. the build's cache folder), so a
   * build where one source changed makes only that source's page again; `code`: the code's fingerprint
   * (pipeline/upToDate.ts codeFingerprint), part of every key. Absent or null: every page is made.
   */
  pageCache?: { dir: string; code: string } | null;
  /** one line for each PDF whose pages cannot be shown (and why), and for each cache problem; each said once */
  log?: (line: string) => void;
}

export const STATUS_COLORS: [string, string][] = [
  ['single', '#7a7a7a'],
  ['consistent', '#6b8e23'],
  ['corroborated', '#1b7f3b'],
  ['resolved', '#1f5fa8'],
  ['conflict', '#b3261e'],
];

const factHref = (root: string, id: string) => `${root}fact/${slug(id)}.html`;
const sourceHref = (root: string, id: string) => `${root}source/${slug(id)}.html`;
const mentionHref = (root: string, m: Pick<Mention, 'source_id' | 'mention_id'>) => `${sourceHref(root, m.source_id)}#${encodeURIComponent(m.mention_id)}`;

function statusBadge(s: string): string {
  return `<span class="status status-${e(s.replace(/[^a-z]/g, ''))}">${e(s)}</span>`;
}

/** What each status means (the data dictionary's words), so a reader never has to guess what "corroborated" claims. */
function statusLegend(): string {
  return `<dl class="legend" id="status-legend">${FACT_STATUS_DEFINITIONS.map(([s, d]) => `<dt>${statusBadge(s)}</dt><dd>${e(d)}</dd>`).join('')}</dl>`;
}

function yearOf(f: { period_end: string | null; period: string | null }): number | null {
  const m = /^(\d{4})/.exec(f.period_end ?? f.period ?? '');
  return m ? Number(m[1]) : null;
}

/** The statuses to show, in the site's order, then any other status the build has (a new one is never dropped). */
function statusesOf(build: Build): [string, string][] {
  const known = new Set(STATUS_COLORS.map(([s]) => s));
  const more = [...new Set(build.facts.map((f) => f.status))].filter((s) => !known.has(s)).sort(cmp);
  return [...STATUS_COLORS, ...more.map((s): [string, string] => [s, '#555'])];
}

/** A count in the one number format (counts of rows, mentions, bytes). */
const count = (n: number) => e(formatNumber(n));

function chartPoints(build: Build, metric: string, subject: string, root: string): ChartPoint[] {
  const rows = build.series.length ? build.series : build.facts;
  const pts: ChartPoint[] = [];
  for (const r of rows) {
    if (r.metric !== metric || r.subject !== subject || r.value === null) continue;
    const full = build.factById.get(r.fact_id);
    if (full?.is_target) continue;
    const x = yearOf(r);
    if (x === null) continue;
    pts.push({
      x,
      y: r.value,
      lo: r.lo,
      hi: r.hi,
      category: r.status,
      label: `${r.period ?? x}: ${formatValue(r.value, r.unit)} ${formatInterval({ ...r, lo_exclusive: full?.lo_exclusive ?? false, hi_exclusive: full?.hi_exclusive ?? false })} (${r.status})`,
      href: factHref(root, r.fact_id),
    });
  }
  return pts.sort((a, b) => a.x - b.x || a.y - b.y || cmp(a.href ?? '', b.href ?? ''));
}

/** A text layer with <mark>s at the mentions' code-point offsets. Overlapping mentions nest when contained. */
export function markedText(chars: string[], from: number, to: number, mentions: Mention[], idOf: (m: Mention) => string, build: Build): string {
  const ms = mentions
    .filter((m) => m.char_start < to && m.char_end > from && m.char_end > m.char_start)
    .sort((a, b) => a.char_start - b.char_start || b.char_end - a.char_end || cmp(a.mention_id, b.mention_id));
  const out: string[] = [];
  let pos = from;
  const stack: number[] = []; // ends of open marks
  const closeUntil = (p: number) => {
    while (stack.length && stack[stack.length - 1]! <= p) {
      const end = stack.pop()!;
      out.push(e(chars.slice(pos, end).join('')), '</mark>');
      pos = end;
    }
  };
  for (const m of ms) {
    const s = Math.max(m.char_start, from), t = Math.min(m.char_end, to);
    closeUntil(s);
    if (stack.length && t > stack[stack.length - 1]!) {
      // partial overlap with an open mark: an anchor at its start, no second highlight
      out.push(e(chars.slice(pos, s).join('')));
      pos = s;
      out.push(`<span class="overlap" id="${e(idOf(m))}" title="${e(m.quote)}"></span>`);
      continue;
    }
    out.push(e(chars.slice(pos, s).join('')));
    pos = s;
    const facts = build.factsOfMention.get(m.mention_id) ?? [];
    const title = `${m.metric ?? 'no metric'} ${m.subject ?? ''} ${m.period ?? ''}: ${formatValue(m.value, m.unit)}`;
    out.push(`<mark id="${e(idOf(m))}" data-mention="${e(m.mention_id)}" data-quote="${e(m.quote)}"${facts[0] ? ` data-fact="${e(facts[0])}"` : ''} title="${e(title)}">`);
    stack.push(t);
  }
  closeUntil(to);
  out.push(e(chars.slice(pos, to).join('')));
  return out.join('');
}

export interface MentionBox {
  page: number;
  /** [x0, y0, x1, y1] in page units (PDF points), origin top-left */
  box: [number, number, number, number];
}

interface LayoutIndex {
  pages: Map<number, Layout['pages'][number]>;
  /** positions in layout.items, by char_start */
  byStart: number[];
  /** the largest char_end among byStart[0..i] */
  maxEnd: number[];
  items: Layout['items'];
}

const layoutIndexes = new WeakMap<Layout, LayoutIndex>();

/** The layout's items ordered by offset, made once per layout: a source page asks for every mention's boxes. */
function layoutIndex(layout: Layout): LayoutIndex {
  let ix = layoutIndexes.get(layout);
  if (!ix) {
    const byStart = layout.items.map((_, i) => i).sort((a, b) => layout.items[a]!.char_start - layout.items[b]!.char_start || a - b);
    const maxEnd: number[] = [];
    byStart.forEach((i, k) => maxEnd.push(Math.max(k ? maxEnd[k - 1]! : -Infinity, layout.items[i]!.char_end)));
    ix = { pages: new Map(layout.pages.map((p) => [p.page, p])), byStart, maxEnd, items: layout.items };
    layoutIndexes.set(layout, ix);
  }
  return ix;
}

/** The items a span overlaps, in layout order (reading order): found by offset, not by a walk over every item. */
function itemsOver(ix: LayoutIndex, m: Pick<Mention, 'char_start' | 'char_end'>): Layout['items'] {
  // the first item (by char_start) that starts at or after the span's end: every overlapping item lies before it
  let lo = 0, hi = ix.byStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ix.items[ix.byStart[mid]!]!.char_start < m.char_end) lo = mid + 1;
    else hi = mid;
  }
  const hits: number[] = [];
  for (let k = lo - 1; k >= 0 && ix.maxEnd[k]! > m.char_start; k--) {
    const i = ix.byStart[k]!;
    if (ix.items[i]!.char_end > m.char_start) hits.push(i);
  }
  return hits.sort((a, b) => a - b).map((i) => ix.items[i]!);
}

/** Pieces of one line closer than this × their height side by side are one fragment (word gaps, item joins). */
const FRAGMENT_JOIN_GAP = 1.5;

/**
 * Boxes of a mention: one per line fragment it covers, in reading order. Each layout item the span touches
 * gives the part of it the span covers: from the item's per-character edges (`x`) when it has them (exact
 * glyph positions), else by character share of its box. Pieces on one line (vertical overlap of at least
 * half the lower one, close side by side) are joined; a quote wrapping onto the next line gets a box per line.
 */
export function mentionBoxes(layout: Layout, m: Pick<Mention, 'char_start' | 'char_end'>): MentionBox[] {
  const out: MentionBox[] = [];
  const ix = layoutIndex(layout);
  const pages = ix.pages;
  for (const it of itemsOver(ix, m)) {
    const len = it.char_end - it.char_start;
    const [x0, y0, x1, y1] = it.bbox;
    const from = Math.max(m.char_start, it.char_start) - it.char_start;
    const to = Math.min(m.char_end, it.char_end) - it.char_start;
    let a = x0, b = x1;
    if (it.x && it.x.length === len + 1) {
      a = x0 + it.x[from]!;
      b = x0 + it.x[to]!;
    } else if (len > 0) {
      a = x0 + (from / len) * (x1 - x0);
      b = x0 + (to / len) * (x1 - x0);
    }
    const pg = pages.get(it.page);
    const W = pg?.width ?? Infinity, H = pg?.height ?? Infinity;
    const box: [number, number, number, number] = [Math.max(0, Math.min(a, W)), Math.max(0, Math.min(y0, H)), Math.max(0, Math.min(b, W)), Math.max(0, Math.min(y1, H))];
    const line = out.find((o) => {
      if (o.page !== it.page) return false;
      const overlap = Math.min(o.box[3], box[3]) - Math.max(o.box[1], box[1]);
      const h = Math.min(o.box[3] - o.box[1], box[3] - box[1]);
      const gap = Math.max(box[0] - o.box[2], o.box[0] - box[2]);
      return overlap >= 0.5 * h && gap <= FRAGMENT_JOIN_GAP * Math.max(o.box[3] - o.box[1], box[3] - box[1]);
    });
    if (line) line.box = [Math.min(line.box[0], box[0]), Math.min(line.box[1], box[1]), Math.max(line.box[2], box[2]), Math.max(line.box[3], box[3])];
    else out.push({ page: it.page, box });
  }
  return out;
}

const pct = (v: number, of: number) => `${(Math.round((v / of) * 1e6) / 1e4).toFixed(4)}%`;

function sourceMeta(s: SourceRow, root: string): string {
  const url = safeUrl(s.original_url);
  return `<dl class="kv">
<dt>source id</dt><dd>${idHtml(s.source_id)}</dd>
<dt>publisher</dt><dd>${e(s.publisher ?? '—')}</dd>
<dt>original URL</dt><dd class="url">${url ? `<a href="${e(url)}" rel="noreferrer noopener">${e(s.original_url)}</a>` : e(s.original_url ?? '—')}</dd>
<dt>published</dt><dd>${e(s.published ?? '—')}</dd>
<dt>capture</dt><dd>${e(s.capture ?? '—')}</dd>
<dt>media type</dt><dd>${e(s.media_type)}</dd>
<dt>archived file</dt><dd><code>${e(s.file)}</code>${s.bytes !== null ? ` (${count(s.bytes)} bytes)` : ''}</dd>
<dt>sha256</dt><dd><code class="hash">${e(s.sha256)}</code></dd>
<dt>build status</dt><dd>${e(s.status)}${s.error_reason ? ` — ${e(s.error_reason)}` : ''}</dd>
${s.notes ? `<dt>notes</dt><dd>${e(s.notes)}</dd>` : ''}
</dl>${root ? '' : ''}`;
}

function mentionCard(m: Mention, build: Build, root: string, chosen: boolean): string {
  const s = build.sourceById.get(m.source_id);
  const where = `${m.page !== null ? `page ${e(m.page)}, ` : ''}chars ${count(m.char_start)}–${count(m.char_end)}${m.byte_start !== null && m.byte_end !== null ? `, bytes ${count(m.byte_start)}–${count(m.byte_end)}` : ''}`;
  return `<section class="mention${chosen ? ' chosen' : ''}" id="${e(m.mention_id)}">
<p><b>${valueHtml(m.value, m.unit)}</b> <span class="muted">(${e(m.bound)}${m.lo !== null || m.hi !== null ? `, ${intervalHtml(m)}` : ''})</span>${chosen ? ' — <b>chosen</b>' : ''} · ${idHtml(m.mention_id)} · rule <code class="trace">${wordsHtml(m.rule)}</code></p>
<p class="context"><span class="pre">…${e(m.prefix)}</span><mark data-quote="${e(m.quote)}">${e(m.quote)}</mark><span class="suf">${e(m.suffix)}…</span></p>
<p><a class="to-source" href="${e(mentionHref(root, m))}">${e(s?.title ?? m.source_id)}</a> · ${e(s?.publisher ?? '')} · ${where}</p>
<details><summary>sentence and provenance</summary>
<p class="quote">${e(m.sentence)}</p>
<dl class="kv"><dt>metric</dt><dd>${wordsHtml(m.metric ?? '—')}</dd><dt>subject</dt><dd>${wordsHtml(m.subject ?? '—')}</dd><dt>period</dt><dd>${e(m.period ?? '—')} (${e(m.period_basis)})</dd><dt>original URL</dt><dd class="url">${e(s?.original_url ?? '—')}</dd><dt>capture</dt><dd>${e(s?.capture ?? '—')}</dd><dt>source sha256</dt><dd><code class="hash">${e(m.source_sha256)}</code></dd></dl>
</details>
</section>`;
}

function factPage(f: Fact, build: Build, checks: CheckRow[]): string {
  const root = '../';
  const ms = build.mentionById
    .getMany(f.mention_ids ?? [])
    .filter((m): m is Mention => m !== undefined)
    .sort((a, b) => Number(b.mention_id === f.chosen_mention_id) - Number(a.mention_id === f.chosen_mention_id) || cmp(a.source_id, b.source_id) || a.char_start - b.char_start);
  const missing = (f.mention_ids ?? []).filter((id) => !build.mentionById.has(id));
  const related = checks.filter((c) => c.place.fact_id === f.fact_id);
  const body = `<h1>${wordsHtml(factKey(f))}</h1>
<dl class="kv">
<dt>value</dt><dd><b>${valueHtml(f.value, f.unit, 'fact-value')}</b></dd>
<dt>interval</dt><dd>${intervalHtml(f)}</dd>
<dt>status</dt><dd>${statusBadge(f.status)} — ${count(f.n_mentions)} mention(s) in ${count(f.n_sources)} source(s)</dd>
<dt>period</dt><dd>${e(f.period ?? '—')}${f.period_start ? ` (${e(f.period_start)} … ${e(f.period_end)})` : ''}</dd>
<dt>rule</dt><dd>${idHtml(f.rule ?? '—')}</dd>
<dt>reasoning</dt><dd class="msg">${f.resolution ? proseHtml(f.resolution) : '—'}</dd>
${f.is_target ? '<dt>target</dt><dd>yes — a stated goal, not an outcome</dd>' : ''}
<dt>fact id</dt><dd>${idHtml(f.fact_id)}</dd>
</dl>
<h2>Mentions</h2>
${ms.map((m) => mentionCard(m, build, root, m.mention_id === f.chosen_mention_id)).join('\n')}
${missing.length ? `<p class="notice">Mentions not found in mentions.json: ${missing.map((m) => idHtml(m)).join(', ')}</p>` : ''}
${related.length ? `<h2>Checks on this fact</h2><ul>${related.map((c) => `<li>${statusWord(c)} ${idHtml(c.rule_id)} — <span class="msg">${proseHtml(c.message)}</span></li>`).join('')}</ul>` : ''}`;
  return page({ title: factKey(f), root, body });
}

function statusWord(c: CheckRow): string {
  return `<span class="sev-${e(c.severity.replace(/[^a-z]/g, ''))}">${e(c.status)} (${e(c.severity)})</span>`;
}

/** The facts list's filter: a script file of the site (a strict Content-Security-Policy allows no inline script). */
export const FILTER_SCRIPT = `// figtrail audit: filters the facts table by the selects' values; the filter is kept in the URL fragment.
(function () {
  var keys = ['metric', 'subject', 'status'];
  var sel = keys.map(function (k) { return document.getElementById('f-' + k); });
  var table = document.getElementById('facts');
  if (!table || sel.some(function (s) { return !s; })) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr'));
  function apply() {
    var shown = 0;
    rows.forEach(function (r) {
      var ok = keys.every(function (k, i) { return !sel[i].value || r.getAttribute('data-' + k) === sel[i].value; });
      r.hidden = !ok; if (ok) shown++;
    });
    document.getElementById('f-count').textContent = shown + ' of ' + rows.length;
    var q = keys.map(function (k, i) { return sel[i].value ? k + '=' + encodeURIComponent(sel[i].value) : ''; }).filter(Boolean).join('&');
    if (history.replaceState) { try { history.replaceState(null, '', q ? '#' + q : location.pathname); } catch (e) {} }
  }
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var p = kv.split('='); var i = keys.indexOf(p[0]);
    if (i < 0) return;
    var v = decodeURIComponent(p[1] || '');
    // only a value the select offers (statuses and ids come from the data, never from a list here)
    if (Array.prototype.some.call(sel[i].options, function (o) { return o.value === v; })) sel[i].value = v;
  });
  sel.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
`;

function factsPage(build: Build): string {
  const facts = [...build.facts].sort(compareFacts);
  const opts = (vals: string[]) => [...new Set(vals)].sort(cmp).map((v) => `<option value="${e(v)}">${e(v)}</option>`).join('');
  const rows = facts
    .map(
      (f) => `<tr data-metric="${e(f.metric)}" data-subject="${e(f.subject)}" data-status="${e(f.status)}">
<td class="head" data-label="metric"><a class="fact-link" href="${e(factHref('', f.fact_id))}" data-key="${e(factKey(f))}">${wordsHtml(f.metric)}</a></td><td data-label="subject">${wordsHtml(f.subject)}</td><td data-label="period">${e(f.period ?? '—')}</td>
<td class="num value" data-label="value" title="${e(exactValue(f.value, f.unit))}">${e(formatValue(f.value, f.unit))}</td><td class="num" data-label="interval">${intervalHtml(f)}</td><td data-label="status">${statusBadge(f.status)}</td><td class="num count" data-label="mentions">${count(f.n_mentions)}</td><td class="num count" data-label="sources">${count(f.n_sources)}</td><td>${f.is_target ? 'target' : ''}</td></tr>`,
    )
    .join('\n');
  const body = `<h1>Facts</h1>
<div class="filters">
<label>metric <select id="f-metric"><option value="">all</option>${opts(facts.map((f) => f.metric))}</select></label>
<label>subject <select id="f-subject"><option value="">all</option>${opts(facts.map((f) => f.subject))}</select></label>
<label>status <select id="f-status"><option value="">all</option>${opts(facts.map((f) => f.status))}</select></label>
<span id="f-count" class="muted">${facts.length} of ${facts.length}</span>
</div>
${statusLegend()}
<table id="facts" class="cards"><thead><tr><th>metric</th><th>subject</th><th>period</th><th>value</th><th>interval</th><th>status</th><th>mentions</th><th>sources</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
  return page({ title: 'Facts', root: '', body, scriptFiles: ['filter.js'] });
}

function checksPage(build: Build): string {
  const order = (c: CheckRow) => (c.status === 'fail' ? 0 : 1);
  const sev = (c: CheckRow) => ({ error: 0, warning: 1, info: 2 })[c.severity] ?? 3;
  const checks = build.checks.map((c, i) => ({ c, i })).sort((a, b) => order(a.c) - order(b.c) || sev(a.c) - sev(b.c) || cmp(a.c.rule_id, b.c.rule_id) || a.i - b.i).map((x) => x.c);
  // the findings' mentions in one read of mentions.json (get would read it once per finding)
  const findingMentionIds = [...new Set(checks.map((c) => c.place.mention_id).filter((id): id is string => !!id))];
  const findingMentions = new Map(build.mentionById.getMany(findingMentionIds).map((m, k) => [findingMentionIds[k]!, m]));
  const place = (c: CheckRow) => {
    const p = c.place;
    const out: string[] = [];
    if (p.fact_id) {
      const f = build.factById.get(p.fact_id);
      out.push(f ? `fact <a href="${e(factHref('', f.fact_id))}">${wordsHtml(factKey(f))}</a>` : `fact ${idHtml(p.fact_id)}`);
    }
    if (p.mention_id) {
      const m = findingMentions.get(p.mention_id);
      out.push(m ? `mention <a class="quote" href="${e(mentionHref('', m))}">“${e(m.quote)}”</a>` : `mention ${idHtml(p.mention_id)}`);
    }
    if (p.source_id) {
      const s = build.sourceById.get(p.source_id);
      const loc = `${p.page !== null ? ` p. ${e(p.page)}` : ''}${p.char_start !== null && p.char_end !== null ? ` chars ${count(p.char_start)}–${count(p.char_end)}` : ''}`;
      out.push(s ? `source <a class="id" href="${e(sourceHref('', s.source_id))}">${e(s.source_id)}</a>${loc}` : `source ${idHtml(p.source_id)}${loc}`);
    }
    if (p.table) out.push(`table ${idHtml(p.table)}`);
    return out.join('<br>');
  };
  const nFail = checks.filter((c) => c.status === 'fail').length;
  const body = `<h1>Checks</h1>
<p>${count(checks.length)} findings, ${count(nFail)} failing.</p>
<table id="checks" class="cards"><thead><tr><th>status</th><th>rule</th><th>message</th><th>actual</th><th>expected</th><th>where</th></tr></thead><tbody>
${checks.map((c) => `<tr class="check-${e(c.status.replace(/[^a-z]/g, ''))}"><td class="head">${statusWord(c)}</td><td data-label="rule">${idHtml(c.rule_id)}</td><td class="msg">${proseHtml(c.message)}</td><td class="msg" data-label="actual">${proseHtml(c.actual)}</td><td class="msg" data-label="expected">${proseHtml(c.expected)}</td><td data-label="where">${place(c)}</td></tr>`).join('\n')}
</tbody></table>`;
  return page({ title: 'Checks', root: '', body });
}

/** A chart of the index page: one series (metric, subject) of the build. */
export interface ChartSpec {
  metric: string;
  subject: string;
  title: string;
  y_label: string;
  /** join the points with a line (a level that is read year by year) */
  line?: boolean;
}

/** With no charts declared by the dataset: the two (metric, subject) series with the most points. */
function defaultCharts(build: Build): ChartSpec[] {
  const n = new Map<string, { metric: string; subject: string; unit: string; points: number }>();
  for (const r of build.series) {
    const k = `${r.metric}\u0000${r.subject}`;
    const x = n.get(k) ?? { metric: r.metric, subject: r.subject, unit: r.unit, points: 0 };
    x.points++;
    n.set(k, x);
  }
  return [...n.values()]
    .filter((x) => x.points >= 2)
    .sort((a, b) => b.points - a.points || cmp(a.metric, b.metric) || cmp(a.subject, b.subject))
    .slice(0, 2)
    .map((x) => ({ metric: x.metric, subject: x.subject, title: `${x.metric} (${x.subject})`, y_label: x.unit }));
}

function indexPage(build: Build, charts: readonly ChartSpec[]): string {
  const figures = charts.map((c) =>
    renderChart({
      id: `chart-${c.metric.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
      title: c.title,
      xLabel: 'year',
      yLabel: c.y_label,
      points: chartPoints(build, c.metric, c.subject, ''),
      colors: statusesOf(build),
      ...(c.line ? { line: true } : {}),
      intervals: true,
      yFormat: (v) => formatNumber(v),
    }),
  );
  const byStatus = new Map<string, number>();
  for (const f of build.facts) byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1);
  const fails = build.checks.filter((c) => c.status === 'fail').length;
  const sources = [...build.sources].sort((a, b) => cmp(a.source_id, b.source_id));
  const nMentions = new Map<string, number>();
  for (const src of sources) nMentions.set(src.source_id, build.mentions.countOf(src.source_id));
  const body = `<h1>Audit trail</h1>
<div class="counts">
<div><b>${count(build.sources.length)}</b>sources</div><div><b>${count(build.mentions.length)}</b>mentions</div><div><b>${count(build.facts.length)}</b>facts</div>
${statusesOf(build).map(([s]) => `<div><b>${count(byStatus.get(s) ?? 0)}</b><a href="facts.html#status=${e(encodeURIComponent(s))}">${e(s)}</a></div>`).join('')}
<div><b>${count(fails)}</b><a href="checks.html">failing checks</a></div>
</div>
${statusLegend()}
<h2>Charts</h2>
<div class="charts">
${figures.map((f) => `<figure>${f}<figcaption class="muted">Each point is a fact; click it for its mentions. Colour = reconciliation status. Bars show the fact's interval (lo–hi); an arrow means unbounded on that side.</figcaption></figure>`).join('\n')}
</div>
<h2 id="sources">Sources</h2>
<table class="cards"><thead><tr><th>source</th><th>publisher</th><th>type</th><th>status</th><th>mentions</th><th>sha256</th></tr></thead><tbody>
${sources.map((s) => `<tr><td class="head"><a href="${e(sourceHref('', s.source_id))}">${e(s.title ?? s.source_id)}</a><br>${idHtml(s.source_id)}</td><td data-label="publisher">${e(s.publisher ?? '—')}</td><td data-label="type">${e(s.media_type)}</td><td data-label="status" class="msg">${e(s.status)}${s.error_reason ? ` (${e(s.error_reason)})` : ''}</td><td class="num count" data-label="mentions">${count(nMentions.get(s.source_id) ?? 0)}</td><td data-label="sha256"><code class="hash" title="${e(s.sha256)}">${e(s.sha256.slice(0, 16))}…</code></td></tr>`).join('\n')}
</tbody></table>`;
  return page({ title: 'Overview', root: '', body });
}

/** Highlights the element named by the URL fragment (mark or PDF box) and scrolls to it; classic script. */
const SOURCE_SCRIPT = `(function () {
  function show() {
    var id = decodeURIComponent(location.hash.replace(/^#/, ''));
    Array.prototype.forEach.call(document.querySelectorAll('.target'), function (el) { el.classList.remove('target'); });
    if (!id) return;
    var el = document.getElementById(id);
    if (!el) return;
    el.classList.add('target');
    // a quote across lines is drawn as one box per line: light them all
    Array.prototype.forEach.call(document.querySelectorAll('a.hl[data-mention]'), function (b) { if (b.getAttribute('data-mention') === id) b.classList.add('target'); });
    var t = document.getElementById('t-' + id);
    if (t) t.classList.add('target');
    el.scrollIntoView({ block: 'center' });
  }
  window.addEventListener('hashchange', show);
  show();
})();`;

/**
 * The archived PDF for a source's page views, or why there is none. The page images are drawn in the reader's
 * browser by pdf.js from these bytes (audit/pdfjsAssets.ts): the build only copies them. A source that did not
 * build is not handed to the reader's browser.
 */
function pdfForPages(s: SourceRow, opts: AuditSiteOptions): { data: Buffer | null; problem: string | null } {
  if (s.status !== 'ok') return { data: null, problem: `the source did not build${s.error_reason ? ` (${s.error_reason})` : ''}` };
  let data: Buffer;
  try {
    data = openSource(opts.sourcesDir, s.file, { sourceId: s.source_id, ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }) });
  } catch (err) {
    if (!(err instanceof SourceAccessError)) throw err;
    return { data: null, problem: err.kind === 'missing' ? `the archived file ${s.file} is not in the sources folder` : `the archived file was not read (${err.reason}): ${err.message}` };
  }
  if (sha256Hex(data) !== s.sha256) return { data: null, problem: `the archived file ${s.file} does not match its sha256` };
  return { data, problem: null };
}

/** A source's mentions in page order. */
function mentionsOf(s: SourceRow, build: Build): Mention[] {
  return build.mentions.ofSource(s.source_id).sort((a, b) => a.char_start - b.char_start || cmp(a.mention_id, b.mention_id));
}

/** A source page and whether it draws PDF pages (then its data script is written next to it). */
interface SourcePageOut {
  html: string;
  drawsPages: boolean;
}

function sourcePage(s: SourceRow, build: Build, opts: AuditSiteOptions, mentions: Mention[], pdf: { data: Buffer | null; problem: string | null } | null): SourcePageOut {
  const root = '../';
  const text = readText(build, s.source_id);
  const chars = text === null ? null : codePoints(text);
  const parts: string[] = [`<h1>${e(s.title ?? s.source_id)}</h1>`, sourceMeta(s, root)];
  const mentionList = mentions.length
    ? `<details><summary>${count(mentions.length)} mention(s)</summary><ul>${mentions.map((m) => `<li><a class="quote" href="#${e(encodeURIComponent(m.mention_id))}">“${e(m.quote)}”</a> ${m.page !== null ? `p. ${e(m.page)} ` : ''}— ${wordsHtml(m.metric ?? 'no metric')} ${valueHtml(m.value, m.unit)}${(build.factsOfMention.get(m.mention_id) ?? []).map((fid) => ` · <a href="${e(factHref(root, fid))}">fact</a>`).join('')}</li>`).join('')}</ul></details>`
    : '<p class="muted">No mentions in this source.</p>';
  parts.push(mentionList);
  const isPdf = s.media_type === 'application/pdf';
  const scriptFiles: string[] = [];
  if (isPdf) {
    let { data, problem } = pdf ?? pdfForPages(s, opts);
    const layout = readLayout(build, s.source_id);
    if (!layout) parts.push(`<p class="notice">No layout for this source in the build; highlights are shown in the text layer only.</p>`);
    const boxesByPage = new Map<number, { m: Mention; box: [number, number, number, number]; first: boolean }[]>();
    if (layout) {
      for (const m of mentions) {
        mentionBoxes(layout, m).forEach(({ page: pg, box }, i) => {
          const l = boxesByPage.get(pg) ?? [];
          l.push({ m, box, first: i === 0 });
          boxesByPage.set(pg, l);
        });
      }
    }
    const pageSpans = new Map((layout?.pages ?? []).map((p) => [p.page, p]));
    // page text spans: from the layout, else by splitting the text layer at form feeds
    const textSpans: { page: number; start: number; end: number }[] = [];
    if (chars) {
      let start = 0, pg = 1;
      for (let i = 0; i <= chars.length; i++) {
        if (i === chars.length || chars[i] === '\f') {
          textSpans.push({ page: pg, start, end: i });
          start = i + 1;
          pg++;
        }
      }
    }
    const nPages = Math.max(textSpans.length, s.pages ?? 0, layout?.pages.length ?? 0);
    const scale = opts.scale ?? 1.5;
    const maxPixels = opts.budget?.pdf.maxPixelsPerPage ?? DEFAULT_BUDGET.pdf.maxPixelsPerPage;
    const tooLarge = [...pageSpans.values()].find((lp) => !(Math.ceil(lp.width * scale) * Math.ceil(lp.height * scale) <= maxPixels));
    if (data && tooLarge) {
      problem = `page ${tooLarge.page} would be ${Math.ceil(tooLarge.width * scale)}×${Math.ceil(tooLarge.height * scale)} pixels, over the cap of ${maxPixels}`;
      data = null;
    }
    if (problem) {
      parts.push(`<p class="notice">Page images unavailable: ${e(problem)}. The text layer is shown below.</p>`);
      opts.log?.(`site: no page images for ${s.source_id}: ${problem}`);
    }
    if (data) {
      scriptFiles.push(...PDFJS_SCRIPT_FILES, pdfDataFile(s), 'pdfview.js');
      parts.push('<noscript><p class="notice">The page images are drawn from the archived file by a script (pdf.js); with scripts off, the text layer below shows the same quotes.</p></noscript>');
    }
    for (let p = 1; p <= nPages; p++) {
      parts.push(`<h2 id="page-${p}">Page ${p}</h2>`);
      const lp = pageSpans.get(p);
      const drawn = data !== null;
      if (drawn) {
        // sized from the layout before pdf.js draws, so the highlight boxes (in % of the page) sit right at once
        const W = lp?.width ?? 595, H = lp?.height ?? 842;
        const boxes = (boxesByPage.get(p) ?? []).map(({ m, box, first }) => {
          const [x0, y0, x1, y1] = box;
          const style = `left:${pct(x0, W)};top:${pct(y0, H)};width:${pct(Math.max(0, x1 - x0), W)};height:${pct(Math.max(0, y1 - y0), H)}`;
          return `<a class="hl" ${first ? `id="${e(m.mention_id)}" ` : ''}data-mention="${e(m.mention_id)}" data-page="${p}" data-quote="${e(m.quote)}" href="#${e(encodeURIComponent(m.mention_id))}" title="${e(`${m.quote} — ${formatValue(m.value, m.unit)}`)}" style="${style}"></a>`;
        });
        parts.push(`<div class="pageview" data-page="${p}"><canvas class="page-image" data-page="${p}" data-scale="${scale}" width="${Math.ceil(W * scale)}" height="${Math.ceil(H * scale)}" role="img" aria-label="page ${p} of ${e(s.title ?? s.source_id)}"></canvas>${boxes.join('')}</div>`);
      }
      const span = textSpans.find((t) => t.page === p);
      if (chars && span) {
        // in a PDF view the box holds the mention id; a mark without a box takes the id itself
        const hasBox = new Set((drawn ? boxesByPage.get(p) ?? [] : []).filter((b) => b.first).map((b) => b.m.mention_id));
        const pageMentions = mentions.filter((m) => m.char_start < span.end && m.char_end > span.start);
        const html = markedText(chars, span.start, span.end, pageMentions, (m) => (hasBox.has(m.mention_id) ? `t-${m.mention_id}` : m.mention_id), build);
        parts.push(`<details${drawn ? '' : ' open'}><summary>text layer of page ${p}</summary><div class="textlayer" data-page="${p}">${html}</div></details>`);
      }
    }
  } else if (chars) {
    parts.push(`<h2>Text layer</h2><div class="textlayer">${markedText(chars, 0, chars.length, mentions, (m) => m.mention_id, build)}</div>`);
  } else {
    parts.push(`<p class="notice">No text layer for this source in the build.</p>`);
  }
  return { html: page({ title: s.title ?? s.source_id, root, body: parts.join('\n'), script: SOURCE_SCRIPT, scriptFiles }), drawsPages: scriptFiles.length > 0 };
}

/** The PDF's bytes for its page views, as a script file of the site (relative to the site root). */
const pdfDataFile = (s: SourceRow) => `source/${slug(s.source_id)}.pdf.js`;

/** Bumped when what a source page's key covers changes; the code itself is in the key (AuditSiteOptions.pageCache). */
const SOURCE_PAGE_CACHE_FORMAT = 'figtrail-site-page/1';

/**
 * Everything a source page is made from, hashed: the code, the source row, its mentions and the facts they
 * belong to, its text layer and layout files as published, the state of its archived file, the page-view
 * limits. Two builds that agree on all of it write the same page, so the second takes it from the cache.
 */
function sourcePageKey(s: SourceRow, build: Build, opts: AuditSiteOptions, code: string, mentions: Mention[], pdf: { problem: string | null } | null): string {
  const h = createHash('sha256');
  const file = (rel: string) => {
    const f = path.join(build.dir, rel);
    h.update(existsSync(f) ? `${rel}:${sha256Hex(readFileSync(f))}\0` : `${rel}:absent\0`);
  };
  h.update(JSON.stringify([SOURCE_PAGE_CACHE_FORMAT, code, s, mentions, mentions.map((m) => build.factsOfMention.get(m.mention_id) ?? []), pdf?.problem ?? null, opts.scale ?? 1.5, opts.budget?.pdf.maxPixelsPerPage ?? DEFAULT_BUDGET.pdf.maxPixelsPerPage]));
  file(path.join('text', `${s.source_id}.txt`));
  file(path.join('layout', `${s.source_id}.json`));
  return h.digest('hex');
}

/** A cached source page, or null (absent, or dropped for failing its checks: `problem`). */
function cachedSourcePage(dir: string, key: string): { page: SourcePageOut | null; problem: string | null } {
  const file = path.join(dir, 'site-pages', key.slice(0, 2), `${key}.json`);
  const read = readCheckedEntry(file, SOURCE_PAGE_CACHE_FORMAT, key);
  if (read.kind === 'absent') return { page: null, problem: null };
  if (read.kind === 'ok') {
    try {
      const v = JSON.parse(read.payload.toString('utf8')) as Partial<SourcePageOut>;
      if (typeof v.html === 'string' && typeof v.drawsPages === 'boolean') return { page: { html: v.html, drawsPages: v.drawsPages }, problem: null };
    } catch {
      // reported below like any other bad entry
    }
  }
  rmSync(file, { force: true });
  return { page: null, problem: read.kind === 'bad' ? read.problem : 'payload is not a page' };
}

/**
 * Writes the static audit site for a build folder: index.html (charts), facts.html (+ its filter.js),
 * fact/<id>.html, source/<id>.html (+ each PDF as a data script, and pdf.js with pdfview.js to draw its pages in the browser), checks.html and style.css. Opens from file://, no network,
 * no ES modules; the same build gives byte-identical files.
 */
export async function writeAuditSite(buildDir: string, siteDir: string, opts: AuditSiteOptions): Promise<{ sourcePages: number; fromCache: number }> {
  const build = loadBuild(buildDir);
  const out = path.resolve(siteDir);
  const said = new Set<string>();
  const log = opts.log;
  opts = { ...opts, log: (line) => said.has(line) || (said.add(line), log?.(line)) };
  for (const d of ['fact', 'source']) rmSync(path.join(out, d), { recursive: true, force: true });
  mkdirSync(path.join(out, 'fact'), { recursive: true });
  mkdirSync(path.join(out, 'source'), { recursive: true });
  writeFileSync(path.join(out, 'style.css'), CSS.trimStart());
  writeFileSync(path.join(out, 'filter.js'), FILTER_SCRIPT);
  for (const d of ['pdfjs']) rmSync(path.join(out, d), { recursive: true, force: true });
  rmSync(path.join(out, 'pdfview.js'), { force: true });
  writeFileSync(path.join(out, 'index.html'), indexPage(build, opts.charts ?? defaultCharts(build)));
  writeFileSync(path.join(out, 'facts.html'), factsPage(build));
  writeFileSync(path.join(out, 'checks.html'), checksPage(build));
  for (const f of [...build.facts].sort(compareFacts)) writeFileSync(path.join(out, 'fact', `${slug(f.fact_id)}.html`), factPage(f, build, build.checks));
  let pageViews = false;
  const stats = { sourcePages: 0, fromCache: 0 };
  const cache = opts.pageCache ?? null;
  for (const s of [...build.sources].sort((a, b) => cmp(a.source_id, b.source_id))) {
    const mentions = mentionsOf(s, build);
    const pdf = s.media_type === 'application/pdf' ? pdfForPages(s, opts) : null;
    const key = cache ? sourcePageKey(s, build, opts, cache.code, mentions, pdf) : null;
    let made: SourcePageOut | null = null;
    if (cache && key) {
      const hit = cachedSourcePage(cache.dir, key);
      if (hit.problem) opts.log?.(`cache: dropped a bad entry of the site page cache ${cache.dir} (${hit.problem}); made again`);
      made = hit.page;
      if (made) stats.fromCache++;
    }
    if (!made) {
      made = sourcePage(s, build, opts, mentions, pdf);
      if (cache && key) {
        const file = path.join(cache.dir, 'site-pages', key.slice(0, 2), `${key}.json`);
        const stored = writeCheckedEntry(file, SOURCE_PAGE_CACHE_FORMAT, key, Buffer.from(JSON.stringify(made), 'utf8'));
        if (stored !== true) opts.log?.(`cache: the site page cache ${cache.dir} is not writable (${stored}); pages are made but not stored`);
      }
    }
    stats.sourcePages++;
    writeFileSync(path.join(out, 'source', `${slug(s.source_id)}.html`), made.html);
    if (made.drawsPages && pdf?.data) writeFileSync(path.join(out, pdfDataFile(s)), pdfDataScript(s.sha256, pdf.data));
    pageViews ||= made.drawsPages;
  }
  // pdf.js (1.5 MB) only when some page draws a PDF
  if (pageViews) {
    mkdirSync(path.join(out, 'pdfjs'), { recursive: true });
    for (const a of pdfjsAssets()) writeFileSync(path.join(out, a.rel), a.text);
    writeFileSync(path.join(out, 'pdfview.js'), PDF_VIEW_SCRIPT);
  }
  return stats;
}
