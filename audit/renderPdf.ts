import { PDFParse } from 'pdf-parse';

export interface RenderedPage {
  page: number;
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * Renders every page of a PDF to PNG with pdf.js (through pdf-parse and @napi-rs/canvas).
 * Same bytes in → same PNG bytes out (no timestamps in the PNG; pdf.js rendering is deterministic
 * for a given pdfjs-dist / canvas version).
 */
export async function renderPdfPages(data: Uint8Array, scale = 1.5): Promise<RenderedPage[]> {
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    const r = await parser.getScreenshot({ scale, imageDataUrl: false, imageBuffer: true });
    return r.pages
      .map((p) => ({ page: p.pageNumber, png: p.data, width: p.width, height: p.height }))
      .sort((a, b) => a.page - b.page);
  } finally {
    await parser.destroy();
  }
}
