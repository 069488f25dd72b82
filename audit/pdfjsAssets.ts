import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * pdf.js for the audit site's page views, as classic scripts. The site opens from file:// with a strict
 * Content-Security-Policy: Chromium refuses ES module scripts, module workers and fetch() from file://, so
 * pdfjs-dist's .mjs builds cannot be used as they ship. Each is wrapped into a function scope (the two files
 * declare the same top-level names), its `export {…}` becomes a global (pdf.js: `pdfjsLib`; the worker sets
 * `globalThis.pdfjsWorker` itself, which makes pdf.js run its worker code on the page's thread instead of
 * loading a Worker), and `import.meta.url` (a syntax error outside a module; used only to locate optional
 * wasm decoders and Node's canvas) becomes the page's base URL. The files keep pdf.js's license header.
 * The PDF bytes come from a script file too (source/<id>.pdf.js), since the page cannot fetch them.
 */
export class PdfjsAssetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfjsAssetError';
  }
}

export interface SiteAsset {
  /** path inside the site folder, '/'-separated */
  rel: string;
  text: string;
}

const require = createRequire(import.meta.url);

/** pdfjs-dist's modern (not legacy) browser build: the legacy one adds polyfills old browsers need, 10 % more bytes. */
function pdfjsBuildFile(name: string): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'build', name);
}

/** One .mjs of pdfjs-dist as a classic script; `global`: the name its exports get (null: none). */
export function classicScript(source: string, file: string, global: string | null): string {
  const m = /export\s*\{([^{}]*)\};?\s*$/.exec(source);
  if (!m) throw new PdfjsAssetError(`${file}: no final export list; this pdfjs-dist build is not one the audit site knows how to load`);
  let body = source.slice(0, m.index);
  if (/(^|[;}\s])import\s*[{*\w$]/.test(body) || /(^|[;}\s])export\s/.test(body)) {
    throw new PdfjsAssetError(`${file}: a static import or another export; this pdfjs-dist build is not one the audit site knows how to load`);
  }
  body = body.split('import.meta.url').join('document.baseURI');
  if (body.includes('import.meta')) throw new PdfjsAssetError(`${file}: uses import.meta beyond import.meta.url`);
  const props = m[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const [local, exported] = s.split(/\s+as\s+/);
      return `${exported ?? local}:${local}`;
    });
  const exports = global === null ? '' : `\nglobalThis.${global}={${props.join(',')}};`;
  return `(function(){\n${body}${exports}\n})();\n`;
}

let cached: SiteAsset[] | null = null;

/** site/pdfjs/pdf.js (pdfjsLib) and site/pdfjs/pdf.worker.js, made once per process from the installed pdfjs-dist. */
export function pdfjsAssets(): SiteAsset[] {
  if (cached) return cached;
  const lib = readFileSync(pdfjsBuildFile('pdf.min.mjs'), 'utf8');
  const worker = readFileSync(pdfjsBuildFile('pdf.worker.min.mjs'), 'utf8');
  if (!worker.includes('globalThis.pdfjsWorker=')) throw new PdfjsAssetError('pdf.worker.min.mjs does not set globalThis.pdfjsWorker; pdf.js would try to load a Worker, which file:// forbids');
  cached = [
    { rel: 'pdfjs/pdf.js', text: classicScript(lib, 'pdf.min.mjs', 'pdfjsLib') },
    { rel: 'pdfjs/pdf.worker.js', text: classicScript(worker, 'pdf.worker.min.mjs', null) },
  ];
  return cached;
}

/** The archived PDF as a script that hands its bytes (base64) to the page: `figtrailPdf = {sha256, base64}`. */
export function pdfDataScript(sha256: string, bytes: Uint8Array): string {
  return `window.figtrailPdf=${JSON.stringify({ sha256, base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') })};\n`;
}

/** The script files a source page with page views loads, before its data script and pdfview.js (relative to the site root). */
export const PDFJS_SCRIPT_FILES = ['pdfjs/pdf.worker.js', 'pdfjs/pdf.js'];

/**
 * pdfview.js: draws each `canvas.page-image` of the page from `figtrailPdf` with pdf.js, one page at a time, the
 * page the URL fragment points into first, then the others as they come near the screen. The bytes are checked
 * against the source's sha256 first (when the browser offers SubtleCrypto): a file that is not the archived one
 * is not drawn. A canvas gets data-rendered="1" when drawn, or a notice and data-error when it cannot be.
 */
export const PDF_VIEW_SCRIPT = `// figtrail audit: draws the archived PDF's pages (pdf.js) under the highlight boxes.
(function () {
  var canvases = Array.prototype.slice.call(document.querySelectorAll('canvas.page-image[data-page]'));
  var src = window.figtrailPdf;
  if (!canvases.length || !src) return;
  function fail(c, why) {
    if (c.hasAttribute('data-error')) return;
    c.setAttribute('data-error', why);
    var p = document.createElement('p');
    p.className = 'notice';
    p.textContent = 'Page image unavailable: ' + why + '. The text layer below shows the same quotes.';
    c.parentNode.parentNode.insertBefore(p, c.parentNode);
  }
  function failAll(why) { canvases.forEach(function (c) { fail(c, why); }); }
  if (!window.pdfjsLib || !window.pdfjsWorker) return failAll('pdf.js did not load');
  var raw = atob(src.base64);
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  function hex(buf) { return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ('0' + b.toString(16)).slice(-2); }).join(''); }
  var checked = window.crypto && crypto.subtle ? crypto.subtle.digest('SHA-256', bytes).then(function (d) { if (hex(d) !== src.sha256) throw new Error('the file does not match the source\\'s sha256'); }) : Promise.resolve();
  var doc = checked.then(function () {
    return pdfjsLib.getDocument({ data: bytes, isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  });
  var queue = [], busy = false, seen = [];
  function draw(c) {
    return doc.then(function (d) { return d.getPage(Number(c.getAttribute('data-page'))); }).then(function (pg) {
      var v = pg.getViewport({ scale: Number(c.getAttribute('data-scale')) || 1.5 });
      c.width = Math.ceil(v.width);
      c.height = Math.ceil(v.height);
      return pg.render({ canvasContext: c.getContext('2d'), viewport: v, canvas: c }).promise;
    }).then(function () { c.setAttribute('data-rendered', '1'); }, function (err) { fail(c, (err && err.message) || String(err)); });
  }
  function next() {
    if (busy || !queue.length) return;
    busy = true;
    draw(queue.shift()).then(function () { busy = false; next(); });
  }
  function want(c, first) {
    if (seen.indexOf(c) >= 0) return;
    seen.push(c);
    if (first) queue.unshift(c); else queue.push(c);
    next();
  }
  var target = document.getElementById(decodeURIComponent(location.hash.replace(/^#/, '')));
  var view = target && target.closest ? target.closest('.pageview') : null;
  if (view) want(view.querySelector('canvas.page-image'), true);
  if (window.IntersectionObserver) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) { if (en.isIntersecting) { io.unobserve(en.target); want(en.target, false); } });
    }, { rootMargin: '100% 0px' });
    canvases.forEach(function (c) { io.observe(c); });
  } else canvases.forEach(function (c) { want(c, false); });
  window.addEventListener('hashchange', function () {
    var t = document.getElementById(decodeURIComponent(location.hash.replace(/^#/, '')));
    var pv = t && t.closest ? t.closest('.pageview') : null;
    if (pv) want(pv.querySelector('canvas.page-image'), true);
  });
})();
`;
