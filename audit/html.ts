import { createHash } from 'node:crypto';

/** HTML helpers for the audit site: escaping, safe file names, the page shell and its CSS. */

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string | number | null | undefined): string {
  if (s === null || s === undefined) return '';
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A file-name-safe form of an id (ids are normally [A-Za-z0-9_-] already and stay unchanged). */
export function slug(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}`);
  return s === '' || /^\.+$/.test(s) ? `~${s}` : s;
}

/** An id for a reader: monospace, one word (never broken inside; see .id in the CSS). */
export function idHtml(id: string | null | undefined): string {
  return `<code class="id">${escapeHtml(id)}</code>`;
}

/** A long name made of words joined by _ . / : @ (metric ids, fact keys): may wrap after a joiner, never inside a word. */
export function wordsHtml(s: string | null | undefined): string {
  return escapeHtml(s).replace(/([_./:@])/g, '$1<wbr>');
}

/** An href to a page: only http(s) URLs from documents become links. */
export function safeUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  return /^https?:\/\//i.test(u) ? u : null;
}

export const CSS = `
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; --accent:#0b5cad; --mark:#ffe066; --bg:#fff; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header.site { background: #12324f; color: #fff; padding: .6rem 1.2rem; display: flex; gap: .3rem 1.2rem; align-items: baseline; flex-wrap: wrap; }
header.site a { color: #fff; text-decoration: none; }
header.site a:hover { text-decoration: underline; }
header.site .brand { font-weight: bold; font-size: 1.1rem; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
a { color: var(--accent); }
h1 { font-size: 1.5rem; margin: .6rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin-top: 1.6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f4f6f8; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.count, td.value { white-space: nowrap; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .88em; }
/* ids are read as one word: never broken inside (a column is as wide as its longest id) */
.id { white-space: nowrap; }
/* hashes, URLs, quotes and free text may break anywhere rather than widen the page */
/* (a rule trace of the grammar, e.g. grammar.percent;ctx:metric=…, is long and may break anywhere too) */
.hash, .url, .quote, .msg, .context, .trace, q { overflow-wrap: anywhere; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 0 .45rem; border-radius: .7rem; font-size: .85em; color: #fff; background: #555; white-space: nowrap; }
.status-single { background: #7a7a7a; } .status-consistent { background: #6b8e23; } .status-corroborated { background: #1b7f3b; }
dl.legend { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem .8rem; font-size: .9rem; margin: .6rem 0; }
dl.legend dd { margin: 0; color: var(--muted); min-width: 0; }
.status-resolved { background: #1f5fa8; } .status-conflict { background: #b3261e; }
.sev-error { color: #b3261e; font-weight: bold; } .sev-warning { color: #a15c00; } .sev-info { color: #555; }
.check-fail td:first-child { border-left: 4px solid #b3261e; } .check-pass td:first-child { border-left: 4px solid #1b7f3b; }
.filters { display: flex; gap: .5rem 1rem; flex-wrap: wrap; margin: .6rem 0; align-items: center; }
.filters label { font-size: .9rem; color: var(--muted); }
.filters select { max-width: 100%; }
.mention { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .8rem 0; }
.mention.chosen { border-color: #1f5fa8; box-shadow: 0 0 0 1px #1f5fa8 inset; }
.context { font-size: 1.02rem; background: #fafafa; padding: .4rem .6rem; border-left: 3px solid var(--line); }
.context .pre, .context .suf { color: #444; }
mark { background: var(--mark); padding: 0 1px; }
mark:target, mark.target { outline: 3px solid #e8590c; background: #ffc078; }
.textlayer { white-space: pre-wrap; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .9rem; background: #fbfbfb; border: 1px solid var(--line); padding: .8rem; overflow-wrap: anywhere; }
.pageview { position: relative; display: inline-block; max-width: 100%; border: 1px solid #bbb; box-shadow: 0 1px 4px rgba(0,0,0,.15); margin: .5rem 0 1rem; line-height: 0; }
.pageview img, .pageview canvas { display: block; max-width: 100%; height: auto; }
.pageview a.hl { position: absolute; display: block; background: rgba(255, 214, 0, .35); border: 2px solid rgba(230, 120, 0, .9); border-radius: 2px; }
.pageview a.hl:target, .pageview a.hl.target { background: rgba(255, 140, 0, .45); border-color: #c92a2a; box-shadow: 0 0 0 3px rgba(201,42,42,.35); }
.muted { color: var(--muted); }
.notice { background: #fff4e5; border: 1px solid #f0c36d; padding: .5rem .8rem; border-radius: 4px; overflow-wrap: anywhere; }
.charts { display: flex; flex-wrap: wrap; gap: 1.2rem; }
.charts figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .4rem; background: #fff; min-width: 0; max-width: 100%; }
.charts svg { max-width: 100%; height: auto; }
.counts { display: flex; gap: 1rem; flex-wrap: wrap; }
.counts div { background: #f4f6f8; border-radius: 6px; padding: .5rem .9rem; }
.counts b { display: block; font-size: 1.3rem; }
/* narrow screens: tables become one card per row, each cell labelled by its column */
@media (max-width: 760px) {
  header.site, main { padding-left: .75rem; padding-right: .75rem; }
  dl.kv { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.kv dt { margin-top: .35rem; font-size: .85rem; }
  table.cards thead { display: none; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: auto; }
  table.cards tr { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .6rem; margin: .6rem 0; }
  table.cards td { border: 0; padding: .1rem 0; text-align: left; white-space: normal; }
  table.cards td:empty { display: none; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85em; }
  table.cards td.head { font-weight: 600; }
  table.cards tr.check-fail { border-left: 4px solid #b3261e; } table.cards tr.check-pass { border-left: 4px solid #1b7f3b; }
  table.cards .check-fail td:first-child, table.cards .check-pass td:first-child { border-left: 0; }
}
`;

export interface PageOptions {
  title: string;
  /** '' for pages at the site root, '../' for pages one folder down */
  root: string;
  body: string;
  /** classic inline script (never built from document text) */
  script?: string;
  /** the site's own script files, relative to the site root (run at the end of the body) */
  scriptFiles?: string[];
}

/**
 * The page's Content-Security-Policy. Pages quote documents; escaping is the first defence, this is the second:
 * should any document text ever reach the page unescaped, no script, handler, javascript: link, frame, form
 * target or remote fetch of it runs. Scripts: the site's own files ('self') and the page's own inline script,
 * allowed by its hash only. Styles: the site's style.css; style attributes stay allowed (style-src-attr)
 * because the PDF highlight boxes are placed by them — an attribute cannot run script, and with img-src and
 * default-src closed it cannot fetch anything either.
 */
export function contentSecurityPolicy(inlineScript?: string): string {
  const scriptHash = inlineScript === undefined ? '' : ` 'sha256-${createHash('sha256').update(inlineScript).digest('base64')}'`;
  return [
    "default-src 'none'",
    `script-src 'self'${scriptHash}`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page shell: one stylesheet file, a nav bar, no external assets, a strict Content-Security-Policy. */
export function page(o: PageOptions): string {
  const inline = o.script ? `\n${o.script}\n` : undefined;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(inline)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} — figtrail audit</title>
<link rel="stylesheet" href="${o.root}style.css">
</head>
<body>
<header class="site"><a class="brand" href="${o.root}index.html">figtrail audit</a>
<nav><a href="${o.root}index.html">Overview</a> · <a href="${o.root}facts.html">Facts</a> · <a href="${o.root}checks.html">Checks</a> · <a href="${o.root}index.html#sources">Sources</a></nav></header>
<main>
${o.body}
</main>
${(o.scriptFiles ?? []).map((f) => `<script src="${o.root}${escapeHtml(f)}"></script>\n`).join('')}${inline === undefined ? '' : `<script>${inline}</script>\n`}</body>
</html>
`;
}
