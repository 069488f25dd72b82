/**
 * A synthetic scale corpus for `npm run bench`, generated at run time (never committed) from templates and a
 * seeded PRNG: two-column news-like PDFs made with pdfkit and HTML article pages, plus their manifest.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { ManifestEntry } from '../extract/manifest.js';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ['Zhongguancun', 'Zhangjiang', 'Shenzhen', 'Wuhan East Lake', 'Xi\'an', 'Chengdu', 'Hefei', 'Suzhou Industrial Park', 'Tianjin Binhai', 'Guangzhou', 'Hangzhou', 'Changsha', 'Jinan', 'Qingdao', 'Dalian'];
const TEMPLATES: ((r: () => number, pick: <T>(a: readonly T[]) => T) => string)[] = [
  (r, pick) => `The ${pick(ZONES)} high-tech zone reported operating revenue of ${(100 + r() * 900).toFixed(1)} billion yuan in ${2010 + Math.floor(r() * 14)}, up ${(r() * 20).toFixed(1)} percent year on year.`,
  (r) => `There are ${100 + Math.floor(r() * 80)} national high-tech industrial development zones across the country.`,
  (r, pick) => `More than ${(1000 + Math.floor(r() * 9000)).toLocaleString('en-US')} enterprises are registered in ${pick(ZONES)}, employing about ${(50 + r() * 400).toFixed(0)},000 people.`,
  (r) => `The zones contributed ${(5 + r() * 10).toFixed(1)}% of national GDP, while exports reached $${(100 + r() * 400).toFixed(0)} billion.`,
  (r, pick) => `In ${2012 + Math.floor(r() * 12)}, ${pick(ZONES)} added ${Math.floor(10 + r() * 300)} new research institutes and filed ${Math.floor(1000 + r() * 20000)} invention patents.`,
  (r) => `Total industrial output exceeded ${(5 + r() * 20).toFixed(1)} trillion yuan, an increase of ${(r() * 15).toFixed(1)} percentage points over the previous year.`,
  () => `Officials said the policy would continue to support innovation, talent and the commercialization of research.`,
  (r, pick) => `The park covers ${(10 + r() * 300).toFixed(0)} square kilometers and hosts ${Math.floor(5 + r() * 60)} incubators, according to the ${pick(ZONES)} management committee.`,
];

function paragraph(r: () => number, sentences: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(pick(TEMPLATES)(r, pick));
  return out.join(' ');
}

/** A generated document's manifest entry (the project's public source format). */
export type CorpusEntry = Omit<ManifestEntry, 'charset'>;

function makePdf(r: () => number, title: string, pages: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margins: { top: 20, bottom: 20, left: 50, right: 50 }, autoFirstPage: false, info: { Title: title, CreationDate: new Date(0), ModDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (let p = 1; p <= pages; p++) {
      doc.addPage();
      doc.font('Helvetica').fontSize(8).text(`China High-tech Zones Bulletin · ${title}`, 50, 30, { width: 495, lineBreak: false });
      if (p === 1) doc.font('Helvetica-Bold').fontSize(15).text(title, 50, 55, { width: 495 });
      // two columns, each set on its own (pdfkit's `columns` only reaches the second one on a full page)
      const top = p === 1 ? 90 : 60;
      for (const x of [50, 307]) {
        const body: string[] = [];
        for (let k = 0; k < 3; k++) body.push(paragraph(r, 3 + Math.floor(r() * 3)));
        doc.font('Times-Roman').fontSize(9.5).text(body.join('\n\n'), x, top, { width: 238, height: 700, align: 'justify' });
      }
      doc.font('Helvetica').fontSize(8).text(String(p), 50, 800, { width: 495, align: 'center', lineBreak: false });
    }
    doc.end();
  });
}

function makeHtml(r: () => number, title: string): string {
  const paras: string[] = [];
  for (let k = 0; k < 6 + Math.floor(r() * 6); k++) paras.push(`<p>${paragraph(r, 3 + Math.floor(r() * 3))}</p>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><header><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/zones">Zones</a></nav></header>
<main><article><h1>${title}</h1><p class="byline">Updated 2023-05-0${1 + Math.floor(r() * 8)}</p>
${paras.join('\n')}
</article></main>
<footer><p>Copyright 2024. All rights reserved. Tel: 010-${Math.floor(10000000 + r() * 89999999)}</p></footer></body></html>
`;
}

/** Writes `pdfs` PDFs of `pages` pages and `htmls` HTML pages plus manifest.json into dir. */
export async function makeCorpus(dir: string, opts: { pdfs: number; pages: number; htmls: number; seed: number }): Promise<CorpusEntry[]> {
  mkdirSync(dir, { recursive: true });
  const r = prng(opts.seed);
  const entries: CorpusEntry[] = [];
  const add = (id: string, file: string, media_type: CorpusEntry['media_type'], title: string, body: Buffer, published: string | null) => {
    writeFileSync(path.join(dir, file), body);
    entries.push({ id, file, media_type, title, publisher: 'bench', original_url: null, published, capture: 'synthetic', notes: null, sha256: createHash('sha256').update(body).digest('hex') });
  };
  for (let i = 0; i < opts.pdfs; i++) {
    const title = `Bulletin ${i + 1}: ${ZONES[i % ZONES.length]} update`;
    add(`bench-pdf-${String(i).padStart(4, '0')}`, `pdf-${i}.pdf`, 'application/pdf', title, await makePdf(r, title, opts.pages), null);
  }
  for (let i = 0; i < opts.htmls; i++) {
    const title = `News ${i + 1}: ${ZONES[(i * 7) % ZONES.length]} high-tech zone`;
    const y = 2015 + (i % 9);
    add(`bench-html-${String(i).padStart(4, '0')}`, `html-${i}.html`, 'text/html', title, Buffer.from(makeHtml(r, title)), `${y}-0${1 + (i % 9)}-1${i % 10}`);
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(entries, null, 2));
  return entries;
}
