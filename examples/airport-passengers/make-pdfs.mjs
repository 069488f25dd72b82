// Makes the two PDF sources of this example with pdfkit (a devDependency), with fixed dates so that the bytes,
// and so the sha256 in sources/manifest.json, do not change: `node examples/airport-passengers/make-pdfs.mjs`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixed = new Date(Date.UTC(2024, 0, 1));

function pdf(file, title, paragraphs) {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, CreationDate: fixed, ModDate: fixed } });
    const chunks = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => {
      writeFileSync(path.join(here, 'sources', file), Buffer.concat(chunks));
      resolve();
    });
    doc.font('Helvetica-Bold').fontSize(16).text(title);
    doc.moveDown();
    doc.font('Helvetica').fontSize(11);
    for (const p of paragraphs) doc.text(p).moveDown();
    doc.end();
  });
}

await pdf('statistics-bulletin-2022.pdf', 'Port Elm statistical bulletin on transport, 2022', [
  'Air transport. In 2022, Harbourview International Airport handled 36.8 million passengers.',
  'Road transport. Figures for buses and trams are published in a separate bulletin.',
]);
await pdf('city-briefing.pdf', 'Briefing note: the airport and the city economy', [
  'Harbourview International Airport earned revenue of 1.52 billion dollars in 2023.',
  'The note was prepared for the city council.',
]);
