import { describe, expect, it } from 'vitest';
import { classicScript, pdfDataScript, pdfjsAssets, PdfjsAssetError } from './pdfjsAssets.js';
import { sha256Hex } from '../extract/manifest.js';

describe('pdf.js as classic scripts for a file:// site', () => {
  it('turns the export list into a global, keeps the code in its own scope and drops import.meta', () => {
    const out = classicScript('const a=1,b=function(){return new URL(".",import.meta.url)};class C{}export{a as one,b,C as Klass};', 'x.mjs', 'lib');
    expect(out).toBe('(function(){\nconst a=1,b=function(){return new URL(".",document.baseURI)};class C{}\nglobalThis.lib={one:a,b:b,Klass:C};\n})();\n');
    const scope: Record<string, unknown> = {};
    new Function('globalThis', 'document', out)(scope, { baseURI: 'file:///site/' });
    expect(Object.keys(scope.lib as object)).toEqual(['one', 'b', 'Klass']);
    expect((scope.lib as { one: number }).one).toBe(1);
    expect(classicScript('var w=1;export{w};', 'w.mjs', null)).toBe('(function(){\nvar w=1;\n})();\n');
  });

  it('refuses a build it does not know how to load, by name', () => {
    expect(() => classicScript('const a=1;', 'x.mjs', 'lib')).toThrow(PdfjsAssetError);
    expect(() => classicScript('import {b} from "./b.mjs";const a=b;export{a};', 'x.mjs', 'lib')).toThrow(/static import/);
    expect(() => classicScript('const a=import.meta.resolve("x");export{a};', 'x.mjs', 'lib')).toThrow(/import\.meta/);
  });

  it('makes both files of the installed pdfjs-dist, with the license header and no module syntax left', () => {
    const [lib, worker] = pdfjsAssets();
    expect(lib!.rel).toBe('pdfjs/pdf.js');
    expect(worker!.rel).toBe('pdfjs/pdf.worker.js');
    for (const a of [lib!, worker!]) {
      expect(a.text).toContain('@licstart');
      expect(a.text).not.toMatch(/import\.meta|export\s*\{/);
      expect(() => new Function(a.text)).not.toThrow(); // parses as a classic script
    }
    expect(lib!.text).toMatch(/globalThis\.pdfjsLib=\{[^}]*getDocument:/);
    expect(worker!.text).toContain('globalThis.pdfjsWorker={WorkerMessageHandler}');
  });

  it('hands the PDF bytes to the page with their sha256', () => {
    const bytes = new Uint8Array(Buffer.from('%PDF-1.4 test'));
    const text = pdfDataScript(sha256Hex(bytes), bytes);
    const win: { figtrailPdf?: { sha256: string; base64: string } } = {};
    new Function('window', text)(win);
    expect(Buffer.from(win.figtrailPdf!.base64, 'base64').toString()).toBe('%PDF-1.4 test');
    expect(win.figtrailPdf!.sha256).toBe(sha256Hex(bytes));
  });
});
