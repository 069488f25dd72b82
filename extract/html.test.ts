import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { decodeHTML } from 'entities/decode';
import { describe, expect, it } from 'vitest';
import { HTML_TEXT_LAYER_VERSION, readHtmlTextLayer } from './html.js';
import { toByteSpan, type ByteMap, type Span } from './offsets.js';
import { SourceError, regionAt, type TextLayer } from './textLayer.js';

const root = new URL('..', import.meta.url);
const sourceBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`sources/${file}`, root)));
const fixtureBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`extract/fixtures/${file}`, root)));
const layerOf = (bytes: Uint8Array | string, charset?: string | null, sourceId = 'test-src'): TextLayer =>
  readHtmlTextLayer(typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'utf8')) : bytes, { sourceId, sha256: '0'.repeat(64), charset });

// ------------------------------------------------------------------ an independent raw-side reading

/** Tags that make a line break or a cell break (the test's own list, after the HTML rendering section). */
const BREAKING = new Set(
  'html head body title address article aside blockquote br caption center dd details dialog dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr legend li listing main menu nav ol p plaintext pre search section summary table tbody thead tfoot tr ul xmp option optgroup td th'.split(' '),
);
const collapse = (s: string): string => s.replace(/[\t\n\f\r ]+/g, ' ').trim();

/** Raw markup → visible text, the slow obvious way: drop comments and non-text elements, tags, decode entities. */
function rawToText(raw: string): string {
  const s = raw
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript|template|svg|textarea|select)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<![^>]*>/g, ' ')
    .replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g, (_m, name: string) => (BREAKING.has(name.toLowerCase()) ? ' ' : ''));
  return collapse(decodeHTML(s));
}

/** Widens a span so it never splits the units of one entity expansion or one astral character. */
function snap(map: ByteMap, span: Span): Span {
  let { start, end } = span;
  const same = (a: number, b: number): boolean =>
    map.starts[a] === map.starts[b] && map.ends[a] === map.ends[b] && map.starts[a]! < map.ends[a]!;
  while (start > 0 && start < map.starts.length && same(start, start - 1)) start--;
  while (end > start && end < map.starts.length && same(end, end - 1)) end++;
  return { start, end };
}

/** Does the byte map send this span to raw bytes that read as the same text? */
function spanAgrees(bytes: Uint8Array, charset: string, map: ByteMap, text: string, span: Span): boolean {
  const b = toByteSpan(map, span);
  if (b.start < 0 || b.end > bytes.length) return false;
  const raw = iconv.decode(Buffer.from(bytes.subarray(b.start, b.end)), charset === 'gbk' ? 'gb18030' : charset, { stripBOM: false });
  return rawToText(raw) === collapse(text.slice(span.start, span.end));
}

const spanArb = (len: number): fc.Arbitrary<Span> =>
  fc.tuple(fc.nat({ max: len }), fc.nat({ max: 400 })).map(([a, w]) => ({ start: a, end: Math.min(len, a + w) }));

// ------------------------------------------------------------------ fixtures made here

const GBK_PAGE = `<!DOCTYPE html><html><head><meta charset="gbk"><title>国家高新区 &#8212; 统计</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/x">新闻</a></div>
<div class="TRS_Editor"><p>截至2023年底，全国共有国家高新区178家，实现营业收入53.5万亿元，同比增长8.2%。</p>
<p>其中，中关村示范区企业研发投入（R&amp;D）占全国的 10%&nbsp;以上。</p></div>
<div class="footer">版权所有 &copy; 2024 京ICP备05070218号</div></body></html>`;

const BIG5_PAGE = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"><title>科學園區</title></head>
<body><article><h1>新竹科學園區</h1><p>園區內共有 600 家廠商，營業額達新臺幣 1.1 兆元，成長 5%。</p>
<p>員工人數約 16 萬人，研發人員比例 &gt; 20%。</p></article><footer>著作權所有</footer></body></html>`;

const gbkBytes = new Uint8Array(iconv.encode(GBK_PAGE, 'gbk'));
const big5Bytes = new Uint8Array(iconv.encode(BIG5_PAGE, 'big5'));

const CASES: { name: string; bytes: Uint8Array; charset: string }[] = [
  { name: 'scio', bytes: sourceBytes('scio-2024-07-24-miit.html'), charset: 'utf-8' },
  { name: 'chinadaily', bytes: sourceBytes('chinadaily-2017-09-29-science-parks.html'), charset: 'utf-8' },
  { name: 'messy fixture', bytes: fixtureBytes('html-messy.html'), charset: 'utf-8' },
  { name: 'gbk page', bytes: gbkBytes, charset: 'gbk' },
  { name: 'big5 page', bytes: big5Bytes, charset: 'big5' },
];

describe.each(CASES)('text layer of $name', ({ bytes, charset }) => {
  const layer = layerOf(bytes);
  const map = layer.byteMap!;

  it('has the shape of an HTML layer', () => {
    expect(layer.mediaType).toBe('text/html');
    expect(layer.charset).toBe(charset);
    expect(layer.pages).toEqual([]);
    expect(layer.items).toEqual([]);
    expect(map.starts.length).toBe(layer.text.length);
    expect(map.ends.length).toBe(layer.text.length);
    expect(layer.text.length).toBeGreaterThan(50);
  });

  it('never has two line breaks in a row, nor one at either end', () => {
    expect(layer.text).not.toMatch(/\n\n/);
    expect(layer.text).not.toMatch(/^\n|\n$/);
    expect(layer.text).not.toMatch(/^[ \t]|[ \t]$/);
  });

  it('covers the text with sorted, non-overlapping regions', () => {
    let at = 0;
    for (const r of layer.regions) {
      expect(r.start).toBe(at);
      expect(r.end).toBeGreaterThan(r.start);
      at = r.end;
    }
    expect(at).toBe(layer.text.length);
    expect(layer.regions.some((r) => r.kind === 'content')).toBe(true);
  });

  it('maps every unit to bytes in order: inserted breaks to empty ranges, spaces to raw whitespace', () => {
    const raw = Buffer.from(bytes);
    let prevEnd = 0;
    for (let k = 0; k < layer.text.length; k++) {
      const s = map.starts[k]!;
      const e = map.ends[k]!;
      expect(s).toBeGreaterThanOrEqual(prevEnd === 0 ? 0 : map.starts[k - 1]!);
      expect(e).toBeGreaterThanOrEqual(s);
      expect(e).toBeLessThanOrEqual(bytes.length);
      const ch = layer.text[k]!;
      if (s === e) expect(ch === '\n' || ch === ' ', `unit ${k} ${JSON.stringify(ch)} has an empty range`).toBe(true);
      else if (ch === ' ' || ch === '\n') {
        const src = raw.subarray(s, e).toString('latin1');
        expect(/^[\t\n\f\r ]+$/.test(src) || /^&[#\w]+;?$/.test(src), `unit ${k} maps to ${JSON.stringify(src)}`).toBe(true);
      }
      prevEnd = e;
    }
  });

  it('maps random spans back to raw bytes that read as the same text (property)', () => {
    fc.assert(
      fc.property(spanArb(layer.text.length), (span) => spanAgrees(bytes, charset, map, layer.text, snap(map, span))),
      { numRuns: 3000, seed: 20240724 },
    );
  });
});

describe('the span check is honest', () => {
  const bytes = sourceBytes('scio-2024-07-24-miit.html');
  const layer = layerOf(bytes);
  const map = layer.byteMap!;
  const shifted = (d: number): ByteMap => ({ starts: map.starts.map((x) => x + d), ends: map.ends.map((x) => x + d) });
  const at = layer.text.indexOf('There are 178');
  const span = { start: at, end: at + 'There are 178'.length };

  it('accepts the real map on a known span', () => {
    expect(spanAgrees(bytes, 'utf-8', map, layer.text, span)).toBe(true);
  });
  it('rejects a map shifted by one byte either way', () => {
    expect(spanAgrees(bytes, 'utf-8', shifted(1), layer.text, span)).toBe(false);
    expect(spanAgrees(bytes, 'utf-8', shifted(-1), layer.text, span)).toBe(false);
    let failures = 0;
    fc.assert(
      fc.property(spanArb(layer.text.length), (s) => {
        if (s.end - s.start >= 3 && !spanAgrees(bytes, 'utf-8', shifted(1), layer.text, s)) failures++;
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(failures).toBeGreaterThan(200);
  });
  it('rejects a map whose ends alone are one byte short', () => {
    const short: ByteMap = { starts: map.starts, ends: map.ends.map((x) => x - 1) };
    expect(spanAgrees(bytes, 'utf-8', short, layer.text, span)).toBe(false);
  });
});

describe('SCIO briefing page', () => {
  const layer = layerOf(sourceBytes('scio-2024-07-24-miit.html'), null, 'scio-2024-07-24-miit');
  const t = layer.text;

  it('keeps the article text with entities decoded', () => {
    expect(t).toContain('There are 178 national high-tech industrial development zones across the country');
    expect(t).toContain('50% of enterprise R&D expenditures');
    expect(t).toContain('40% of \u201clittle giant\u201d enterprises');
    expect(t).not.toContain('&amp;');
    expect(t).not.toContain('&ldquo;');
  });
  it('keeps script and style out', () => {
    for (const s of ['_scioStat', 'trackPageView', '{', 'font-family', 'text-decoration']) expect(t).not.toContain(s);
  });
  it('starts with the title as a chrome line', () => {
    // the expected title is read from the raw <title> element (a plain regex, not the module under test),
    // so the test does not carry the page's wording
    const title = /<title>([^<&]+)<\/title>/.exec(Buffer.from(sourceBytes('scio-2024-07-24-miit.html')).toString('utf8'))![1]!;
    expect(title.startsWith('SCIO briefing')).toBe(true);
    expect(t.startsWith(`${title}\n`)).toBe(true);
    expect(regionAt(layer, 0)).toBe('chrome');
  });
  it('marks the article content, the headline as heading and the furniture as chrome', () => {
    expect(regionAt(layer, t.indexOf('178 national'))).toBe('content');
    expect(regionAt(layer, t.indexOf('Translated and edited by'))).toBe('content');
    expect(regionAt(layer, t.indexOf('SCIO briefing', 5))).toBe('heading');
    expect(regionAt(layer, t.indexOf('Copyright'))).toBe('chrome');
    expect(regionAt(layer, t.indexOf('Press Room'))).toBe('chrome');
    expect(regionAt(layer, t.indexOf('Share:'))).toBe('chrome');
    const pager = /1\u00a0\u00a02\u00a0\u00a03/.exec(t);
    expect(pager).not.toBeNull();
    for (let k = pager!.index; k < pager!.index + pager![0].length; k++) expect(regionAt(layer, k)).toBe('chrome');
    expect(regionAt(layer, t.indexOf('11', pager!.index))).toBe('chrome');
  });
  it('maps "R&D" back to the raw "R&amp;D"', () => {
    const at = t.indexOf('R&D');
    const b = toByteSpan(layer.byteMap!, { start: at, end: at + 3 });
    expect(Buffer.from(sourceBytes('scio-2024-07-24-miit.html').subarray(b.start, b.end)).toString('utf8')).toBe('R&amp;D');
  });
});

describe('China Daily article page', () => {
  const layer = layerOf(sourceBytes('chinadaily-2017-09-29-science-parks.html'));
  const t = layer.text;

  it('marks paragraphs of the article as content', () => {
    for (const s of ['More than 260 companies showcased', 'Over 262 creative products from 106 companies', 'A total of 40 companies', 'By 2020, the zone will build 20']) {
      expect(t).toContain(s);
      expect(regionAt(layer, t.indexOf(s)), s).toBe('content');
    }
    expect(regionAt(layer, t.indexOf('Yizhuang zone'))).toBe('heading');
  });
  it('marks the related box, share widget, info line and footer (with decoded beian line) as chrome', () => {
    expect(t).toContain('\u4eac\u516c\u7f51\u5b89\u5907 11010502032503\u53f7');
    for (const s of ['11010502032503', 'Copyright', 'More news', 'Share - WeChat', 'Updated: Sep 29, 2017', 'News and Policies']) {
      expect(regionAt(layer, t.indexOf(s)), s).toBe('chrome');
    }
  });
});

describe('charsets through readHtmlTextLayer', () => {
  it('decodes a GBK page declared only by <meta charset> and maps the figures to their bytes', () => {
    const layer = layerOf(gbkBytes);
    expect(layer.charset).toBe('gbk');
    expect(layer.text).toContain('全国共有国家高新区178家，实现营业收入53.5万亿元');
    expect(layer.text).toContain('（R&D）');
    const at = layer.text.indexOf('高新区178家');
    const b = toByteSpan(layer.byteMap!, { start: at, end: at + '高新区178家'.length });
    expect(Buffer.from(gbkBytes.subarray(b.start, b.end)).equals(iconv.encode('高新区178家', 'gbk'))).toBe(true);
    expect(regionAt(layer, at)).toBe('content');
    expect(regionAt(layer, layer.text.indexOf('版权所有'))).toBe('chrome');
  });
  it('decodes a Big5 page', () => {
    const layer = layerOf(big5Bytes);
    expect(layer.charset).toBe('big5');
    expect(layer.text).toContain('園區內共有 600 家廠商，營業額達新臺幣 1.1 兆元');
    expect(layer.text).toContain('研發人員比例 > 20%');
    expect(regionAt(layer, layer.text.indexOf('600'))).toBe('content');
  });
  it('lets the manifest charset override a wrong meta declaration', () => {
    const wrong = new Uint8Array(iconv.encode(GBK_PAGE.replace('charset="gbk"', 'charset="utf-8"'), 'gbk'));
    const e = (() => {
      try {
        layerOf(wrong, null, 'mislabelled');
      } catch (err) {
        return err as SourceError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(SourceError);
    expect(e!.reason).toBe('invalid_encoding');
    const layer = layerOf(wrong, 'GB2312');
    expect(layer.charset).toBe('gbk');
    expect(layer.text).toContain('国家高新区178家');
  });
  it('refuses invalid UTF-8, naming the source and the byte', () => {
    const bytes = new Uint8Array([...Buffer.from('<p>abc'), 0xff, ...Buffer.from('</p>')]);
    expect(() => layerOf(bytes, null, 'bad-src')).toThrowError(/^bad-src: invalid_encoding: invalid UTF-8 at byte 6$/);
    try {
      layerOf(bytes, null, 'bad-src');
    } catch (err) {
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).sourceId).toBe('bad-src');
    }
  });
  it('refuses empty files and unknown charsets', () => {
    expect(() => layerOf(new Uint8Array(0), null, 'e')).toThrowError(/^e: empty_file:/);
    expect(() => layerOf('<meta charset="x-mac-klingon"><p>hi</p>', null, 'k')).toThrowError(/^k: unsupported_charset:/);
    expect(() => layerOf('<p>hi</p>', 'ebcdic-xx', 'k')).toThrowError(/^k: unsupported_charset:/);
  });
});

describe('entities and whitespace', () => {
  it('decodes entities, each unit mapped to the whole entity', () => {
    const html = '<p>&amp; &#20013; &#x4E2D; &nbsp; &ldquo;</p>';
    const layer = layerOf(html);
    expect(layer.text).toBe('& 中 中 \u00a0 \u201c');
    const m = layer.byteMap!;
    const spanOf = (k: number): [number, number] => [m.starts[k]!, m.ends[k]!];
    const whole = (entity: string, from = 0): [number, number] => {
      const i = html.indexOf(entity, from);
      return [i, i + entity.length];
    };
    expect(spanOf(0)).toEqual(whole('&amp;'));
    expect(spanOf(2)).toEqual(whole('&#20013;'));
    expect(spanOf(4)).toEqual(whole('&#x4E2D;'));
    expect(spanOf(6)).toEqual(whole('&nbsp;'));
    expect(spanOf(8)).toEqual(whole('&ldquo;'));
    expect(spanOf(1)).toEqual([html.indexOf('; &#2') + 1, html.indexOf('; &#2') + 2]);
  });
  it('maps a collapsed whitespace run to the whole run and trims at block edges', () => {
    const html = '<div>\n   <p>  a \t\n b  </p>   </div>';
    const layer = layerOf(html);
    expect(layer.text).toBe('a b');
    expect([layer.byteMap!.starts[1], layer.byteMap!.ends[1]]).toEqual([html.indexOf(' \t\n '), html.indexOf(' \t\n ') + 4]);
  });
  it('collapses across inline tags and breaks at blocks and <br>, with empty-range separators', () => {
    const html = '<body><p>one <b> two</b></p><div>three<br>four</div><span>fi</span><em>ve</em></body>';
    const layer = layerOf(html);
    expect(layer.text).toBe('one two\nthree\nfour\nfive');
    const nl = layer.text.indexOf('\n');
    expect(layer.byteMap!.starts[nl]).toBe(layer.byteMap!.ends[nl]);
    expect(layer.byteMap!.starts[nl]).toBe(html.indexOf('</p>'));
    // the collapsed space comes from the first run only: the two runs are not contiguous
    expect([layer.byteMap!.starts[3], layer.byteMap!.ends[3]]).toEqual([html.indexOf(' <b>'), html.indexOf(' <b>') + 1]);
  });
});

describe('runs of words', () => {
  it('keeps single spaces inside a run and collapses two spaces, a space before a break or an entity, and a last space', () => {
    const html = '<p>one two  three \nfour &amp; five six </p>';
    const layer = layerOf(html);
    expect(layer.text).toBe('one two three four & five six');
    const m = layer.byteMap!;
    const at = (s: string): [number, number] => {
      const i = layer.text.indexOf(s);
      return [m.starts[i]!, m.ends[i + s.length - 1]!];
    };
    // a single space between words is copied with its own byte
    expect(at('one two')).toEqual([html.indexOf('one'), html.indexOf('one') + 7]);
    // two spaces, a space and a newline: each collapsed to one space standing for the whole run
    const two = layer.text.indexOf(' three');
    expect([m.starts[two], m.ends[two]]).toEqual([html.indexOf('  three'), html.indexOf('  three') + 2]);
    const nl = layer.text.indexOf(' four');
    expect([m.starts[nl], m.ends[nl]]).toEqual([html.indexOf(' \nfour'), html.indexOf(' \nfour') + 2]);
    // the space before "&amp;" is a run of its own, the entity maps to all of itself
    expect(at('&')).toEqual([html.indexOf('&amp;'), html.indexOf('&amp;') + 5]);
    expect(at('five six')).toEqual([html.indexOf('five'), html.indexOf('five') + 8]);
  });
  it('keeps every space inside <pre>', () => {
    const layer = layerOf('<pre>a  b \tc</pre>');
    expect(layer.text).toBe('a  b \tc');
    expect([...layer.byteMap!.starts]).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('the messy fixture', () => {
  const layer = layerOf(fixtureBytes('html-messy.html'));
  const t = layer.text;

  it('keeps out scripts, styles, noscript, templates, svg and comments', () => {
    for (const s of ['31337', '999', 'Enable JS', '777', '888', '4242', 'color']) expect(t).not.toContain(s);
  });
  it('decodes the title and keeps it first', () => {
    expect(t.startsWith('Zones & parks \u2014 test\n')).toBe(true);
  });
  it('handles legacy, astral and multi-unit entities and keeps unknown ones verbatim', () => {
    expect(t).toContain('Line three \u{1F600} emoji \u00a92024 legacy \u2242\u0338 pair &unknown; stays.');
    expect(t).toContain('then <tag> text & c.');
  });
  it('separates table cells and list items and keeps <pre> lines', () => {
    expect(t).toContain('\nZone 2022 2023\nZhongguancun 8.7 9.1\n');
    expect(t).toContain('\nBeijing: 1.2 trillion\nShanghai:0.9trillion\n');
    expect(t).toContain('  2022   170\n  2023   178');
  });
  it('treats whitespace character references as whitespace', () => {
    expect(t).toContain('Tab ref and newline ref, then');
  });
  it('classifies article, article header, sidebar, share, footer', () => {
    expect(regionAt(layer, t.indexOf('High-tech zones grew'))).toBe('heading');
    expect(regionAt(layer, t.indexOf('48.5'))).toBe('content');
    expect(regionAt(layer, t.indexOf('2023   178'))).toBe('content');
    for (const s of ['HomeAbout', 'Home > News', 'By Staff', 'Related', 'Zones in 2022', 'Share:', 'ICP 12345678']) {
      expect(regionAt(layer, t.indexOf(s)), s).toBe('chrome');
    }
  });
});

describe('content detection without helpful markup', () => {
  const para = (n: number): string => `<p>Paragraph ${n}: the zones reported revenue growth of ${n}.5% and added ${n * 10} firms last year, officials said.</p>`;
  it('finds the densest text block when class names say nothing', () => {
    const html = `<body><div class="x1"><a href="/">Home</a> <a href="/b">Zones 2024</a></div>
      <div class="x2"><div class="x3">${[1, 2, 3, 4, 5].map(para).join('')}</div>
      <div class="x4"><p>Hot: 5 tips</p><p>Weather 23 C</p></div></div></body>`;
    const layer = layerOf(html);
    expect(regionAt(layer, layer.text.indexOf('Paragraph 3'))).toBe('content');
    expect(regionAt(layer, layer.text.indexOf('Zones 2024'))).toBe('chrome');
    expect(regionAt(layer, layer.text.indexOf('Weather 23'))).toBe('chrome');
  });
  it('does not let a page-wide <form> wrapper (ASP.NET style) hide the article', () => {
    const html = `<body><form id="form1" method="post"><div class="menu"><a href="/">Home</a></div>
      <div id="zoom">${[1, 2, 3, 4].map(para).join('')}</div><div class="foot">Site 2024</div></form></body>`;
    const layer = layerOf(html);
    expect(regionAt(layer, layer.text.indexOf('Paragraph 2'))).toBe('content');
    expect(regionAt(layer, layer.text.indexOf('Site 2024'))).toBe('chrome');
    expect(regionAt(layer, layer.text.indexOf('Home'))).toBe('chrome');
  });
  it('takes article text written as one block with <br> lines', () => {
    const html = `<body><div class="top"><a href="/">Home</a></div><div class="c">${'The zone has 178 firms and 12 labs. '.repeat(6)}<br>${'Output grew 9%. '.repeat(5)}</div></body>`;
    const layer = layerOf(html);
    expect(regionAt(layer, layer.text.indexOf('Output grew'))).toBe('content');
    expect(regionAt(layer, 0)).toBe('chrome');
  });
});

describe('version', () => {
  it('is a non-empty string', () => {
    expect(HTML_TEXT_LAYER_VERSION).toMatch(/\d+\.\d+\.\d+/);
  });
});
