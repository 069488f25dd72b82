/**
 * Regenerates the PDF documents of the evaluation corpus (eval/corpus/*.pdf) from their hand-written text in
 * eval/corpus/pdf-src/<id>.txt, then refreshes every sha256 of eval/corpus/manifest.json. Deterministic: fixed
 * document dates, no random ids, so a rerun writes the same bytes.
 *
 *   npx tsc -p tsconfig.json && node dist/eval/makeCorpusPdfs.js
 *
 * Source format: "key: value" lines (title, columns: 1|2, running: a header line on every page, footer: a line
 * at the foot of page 1), a line "---", then paragraphs separated by blank lines. A paragraph starting with
 * "## " is a heading; a line "=== column ===" starts the right-hand column of a two-column page; a line
 * "=== page ===" starts a new page.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { projectRoot } from '../pipeline/build.js';

export interface PdfSource {
  title: string;
  columns: 1 | 2;
  running: string | null;
  footer: string | null;
  /** pages → columns → blocks */
  pages: { text: string; heading: boolean }[][][];
}

export function parsePdfSource(text: string, file: string): PdfSource {
  const [head, body] = text.split(/^---$/mu);
  if (body === undefined) throw new Error(`${file}: needs a line "---" after the header`);
  const meta = new Map<string, string>();
  for (const line of head!.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(\w+):\s*(.*)$/u.exec(line);
    if (!m) throw new Error(`${file}: bad header line "${line}"`);
    meta.set(m[1]!, m[2]!);
  }
  const title = meta.get('title');
  if (!title) throw new Error(`${file}: needs a title`);
  const columns = meta.get('columns') === '2' ? 2 : 1;
  const pages = body.split(/^=== page ===$/mu).map((page) =>
    page.split(/^=== column ===$/mu).map((col) =>
      col
        .split(/\n\s*\n/u)
        .map((p) => p.replace(/\s+/gu, ' ').trim())
        .filter(Boolean)
        .map((p) => (p.startsWith('## ') ? { text: p.slice(3), heading: true } : { text: p, heading: false })),
    ),
  );
  return { title, columns, running: meta.get('running') ?? null, footer: meta.get('footer') ?? null, pages };
}

export function renderPdf(src: PdfSource): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const fixed = new Date(Date.UTC(2024, 0, 1));
    const doc = new PDFDocument({ size: 'A4', margins: { top: 40, bottom: 40, left: 50, right: 50 }, autoFirstPage: false, info: { Title: src.title, Producer: 'figtrail eval corpus', Creator: 'figtrail eval corpus', CreationDate: fixed, ModDate: fixed } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    src.pages.forEach((columns, p) => {
      doc.addPage();
      if (src.running) doc.font('Helvetica').fontSize(8).text(src.running, 50, 24, { width: 495, lineBreak: false });
      let top = 50;
      if (p === 0) {
        doc.font('Helvetica-Bold').fontSize(15).text(src.title, 50, top, { width: 495 });
        top = doc.y + 12;
      }
      const width = src.columns === 2 ? 238 : 495;
      columns.forEach((blocks, c) => {
        const x = src.columns === 2 && c === 1 ? 307 : 50;
        doc.x = x;
        doc.y = top;
        for (const b of blocks) {
          if (b.heading) doc.font('Helvetica-Bold').fontSize(11).text(b.text, x, doc.y, { width });
          else doc.font('Times-Roman').fontSize(10.5).text(b.text, x, doc.y, { width, align: src.columns === 2 ? 'justify' : 'left' });
          doc.moveDown(0.6);
        }
      });
      if (p === 0 && src.footer) doc.font('Helvetica').fontSize(8).text(src.footer, 50, 790, { width: 495, lineBreak: false });
    });
    doc.end();
  });
}

async function main(): Promise<void> {
  const dir = path.join(projectRoot(), 'eval', 'corpus');
  const srcDir = path.join(dir, 'pdf-src');
  for (const name of readdirSync(srcDir).sort()) {
    if (!name.endsWith('.txt')) continue;
    const id = name.slice(0, -4);
    const src = parsePdfSource(readFileSync(path.join(srcDir, name), 'utf8'), name);
    writeFileSync(path.join(dir, `${id}.pdf`), await renderPdf(src));
  }
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { file: string; sha256: string }[];
  for (const e of manifest) e.sha256 = createHash('sha256').update(readFileSync(path.join(dir, e.file))).digest('hex');
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`wrote ${manifest.filter((e) => e.file.endsWith('.pdf')).length} PDFs and ${manifest.length} hashes into ${path.relative(process.cwd(), dir)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
