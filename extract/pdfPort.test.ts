import { describe, expect, it } from 'vitest';
import { CopyingPort, getDocument, pdfWorker } from './pdfPort.js';

/** The next message the port delivers. */
function nextMessage(port: CopyingPort): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (e: { data: unknown }) => {
      port.removeEventListener('message', listener);
      resolve(e.data);
    };
    port.addEventListener('message', listener);
  });
}

class Glyphish {
  constructor(readonly unicode: string) {}
}

/** A one-page PDF showing `text` in Helvetica (not embedded). */
function onePagePdf(text: string): Uint8Array {
  const content = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`;
  const objs = [
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>',
    `<</Length ${content.length}>>stream\n${content}\nendstream`,
    '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj${o}endobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer<</Size ${objs.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, 'latin1'));
}

async function pageText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({ data: bytes, worker: pdfWorker(), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const content = await (await doc.getPage(1)).getTextContent();
    return content.items.map((i) => ('str' in i ? i.str : '')).join('');
  } finally {
    await doc.destroy();
  }
}

describe('the copying port (extract/pdfPort.ts)', () => {
  it('delivers a copy of arrays and plain objects: the sender may clear its arrays once sent (as pdf.js does)', async () => {
    const port = new CopyingPort();
    const fnArray = [1, 2, 3];
    const argsArray = [[10], null, [{ x: 1 }]];
    const got = nextMessage(port);
    port.postMessage({ chunk: { fnArray, argsArray } });
    fnArray.length = 0;
    argsArray.length = 0;
    expect(await got).toEqual({ chunk: { fnArray: [1, 2, 3], argsArray: [[10], null, [{ x: 1 }]] } });
  });

  it('hands typed arrays and class instances over as they are', async () => {
    const port = new CopyingPort();
    const matrix = new Float32Array([1, 0, 0, 1, 5, 6]);
    const glyph = new Glyphish('7');
    const got = nextMessage(port);
    port.postMessage({ args: [matrix, [glyph]] });
    const data = (await got) as { args: [Float32Array, Glyphish[]] };
    expect(data.args[0]).toBe(matrix);
    expect(data.args[1][0]).toBe(glyph);
  });

  it("hands a text-content chunk's items over, but not the chunk object pdf.js reuses for the next chunk", async () => {
    const port = new CopyingPort();
    const item = { str: '105 zones', transform: [1, 0, 0, 1, 2, 3] };
    const textContent: { items: object[]; styles: object } = { items: [item], styles: {} };
    const got = nextMessage(port);
    port.postMessage({ stream: 4, streamId: 1, chunk: textContent });
    // what pdf.js's text pass does right after sending
    textContent.items = [];
    const data = (await got) as { chunk: { items: object[] } };
    expect(data.chunk).not.toBe(textContent);
    expect(data.chunk.items).toEqual([item]);
    expect(data.chunk.items[0]).toBe(item);
    // any other stream chunk is copied through
    const ops = { fnArray: [1], argsArray: [[2]] };
    const other = nextMessage(port);
    port.postMessage({ stream: 4, streamId: 2, chunk: ops });
    const copied = (await other) as { chunk: typeof ops };
    expect(copied.chunk).toEqual(ops);
    expect(copied.chunk.fnArray).not.toBe(ops.fnArray);
  });

  it('clones a message too deep to copy (a cycle) instead of failing', async () => {
    const port = new CopyingPort();
    const ring: { next?: unknown; n: number } = { n: 1 };
    ring.next = ring;
    const got = nextMessage(port);
    port.postMessage({ ring });
    const data = (await got) as { ring: { next: { n: number }; n: number } };
    expect(data.ring.n).toBe(1);
    expect(data.ring.next).toBe(data.ring);
    expect(data.ring).not.toBe(ring);
  });

  it('serves one document after another from the one worker of the thread', async () => {
    const worker = pdfWorker();
    expect(await pageText(onePagePdf('first 105 zones'))).toBe('first 105 zones');
    expect(pdfWorker()).toBe(worker);
    expect(await pageText(onePagePdf('then 178 zones'))).toBe('then 178 zones');
  });
});
