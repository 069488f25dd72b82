import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addSource, idFromFileName } from './addSource.js';
import { readManifest, sha256Hex, verifySources } from './manifest.js';

const root = path.resolve(import.meta.dirname, '..');
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const PAGE = '<html><body><p>The park counted 42 member firms in 2021.</p></body></html>';

/** a sources folder with one archived HTML file, and a separate folder of files to add */
function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'figtrail-add-'));
  made.push(dir);
  const sources = path.join(dir, 'sources');
  const incoming = path.join(dir, 'incoming');
  mkdirSync(sources);
  mkdirSync(incoming);
  writeFileSync(path.join(sources, 'old.html'), '<p>9 zones</p>');
  const manifest = [
    { id: 'old', file: 'old.html', media_type: 'text/html', title: 'Old', publisher: 'A', original_url: null, published: null, capture: 'rendition', notes: null, sha256: sha256Hex('<p>9 zones</p>') },
  ];
  writeFileSync(path.join(sources, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { sources, incoming };
}

describe('sources add', () => {
  it('copies the file in under its id, with its sha256, and appends a valid entry', () => {
    const { sources, incoming } = setup();
    const file = path.join(incoming, 'Park Report (2021).HTML');
    writeFileSync(file, PAGE);
    const before = readFileSync(path.join(sources, 'manifest.json'), 'utf8');
    const { entry, copied } = addSource({ sourcesDir: sources, file, title: 'Park report', publisher: 'Park office', url: 'https://example.org/r', published: '2022-03-01' });
    expect(copied).toBe(true);
    expect(entry).toEqual({
      id: 'park-report-2021',
      file: 'park-report-2021.html',
      media_type: 'text/html',
      title: 'Park report',
      publisher: 'Park office',
      original_url: 'https://example.org/r',
      published: '2022-03-01',
      capture: 'original',
      notes: null,
      sha256: sha256Hex(PAGE),
      charset: null,
    });
    expect(readFileSync(path.join(sources, 'park-report-2021.html'), 'utf8')).toBe(PAGE);
    expect(readManifest(sources).map((e) => e.id)).toEqual(['old', 'park-report-2021']);
    expect(verifySources(sources).every((r) => r.ok)).toBe(true);
    // the earlier entries are kept as they were, byte for byte
    expect(readFileSync(path.join(sources, 'manifest.json'), 'utf8').startsWith(before.replace(/\n\]\n$/, ''))).toBe(true);
    expect(readdirSync(sources).filter((f) => f.includes('.tmp')).length).toBe(0);
  });

  it('refuses duplicates, ids that are not file names, wrong types, bad dates, and then writes nothing', () => {
    const { sources, incoming } = setup();
    const file = path.join(incoming, 'report.html');
    writeFileSync(file, PAGE);
    const manifest = () => readFileSync(path.join(sources, 'manifest.json'), 'utf8');
    const before = manifest();
    const base = { sourcesDir: sources, file, title: 'T', publisher: 'P' };
    expect(() => addSource({ ...base, id: 'old' })).toThrow(/old: duplicate id/);
    expect(() => addSource({ ...base, id: '../escape' })).toThrow(/id must be letters, digits/);
    expect(() => addSource({ ...base, id: 'sub/dir' })).toThrow(/id must be letters, digits/);
    expect(() => addSource({ ...base, published: '2022-02-30' })).toThrow(/not a date/);
    expect(() => addSource({ ...base, published: '1 May 2022' })).toThrow(/published must be YYYY-MM-DD/);
    expect(() => addSource({ ...base, publisher: ' ' })).toThrow(/publisher must not be empty/);
    writeFileSync(path.join(incoming, 'fake.pdf'), 'not a pdf');
    expect(() => addSource({ ...base, file: path.join(incoming, 'fake.pdf') })).toThrow(/not a PDF/);
    writeFileSync(path.join(incoming, 'notes.txt'), 'text');
    expect(() => addSource({ ...base, file: path.join(incoming, 'notes.txt') })).toThrow(/PDF and HTML/);
    writeFileSync(path.join(incoming, 'same.html'), '<p>9 zones</p>');
    expect(() => addSource({ ...base, file: path.join(incoming, 'same.html') })).toThrow(/already archived as old/);
    writeFileSync(path.join(sources, 'taken.html'), '<p>other bytes</p>');
    expect(() => addSource({ ...base, id: 'taken' })).toThrow(/exists with other bytes; refusing to overwrite/);
    expect(manifest()).toBe(before);
    expect(readdirSync(sources).sort()).toEqual(['manifest.json', 'old.html', 'taken.html']);
  });

  it('records a file already in the sources folder where it is', () => {
    const { sources } = setup();
    writeFileSync(path.join(sources, 'Brochure.pdf'), '%PDF-1.4\n%%EOF\n');
    const { entry, copied } = addSource({ sourcesDir: sources, file: path.join(sources, 'Brochure.pdf'), title: 'B', publisher: 'P', id: 'brochure' });
    expect(copied).toBe(false);
    expect([entry.file, entry.media_type]).toEqual(['Brochure.pdf', 'application/pdf']);
  });

  it('makes ids from file names', () => {
    expect(idFromFileName('/x/Torch Annual Report 2023.pdf')).toBe('torch-annual-report-2023');
    expect(idFromFileName('__draft.html')).toBe('draft');
  });

  it('is a CLI command that prints the exact next steps, and exits 2 on a refusal', () => {
    const { sources, incoming } = setup();
    const file = path.join(incoming, 'cli-page.html');
    writeFileSync(file, PAGE);
    const cli = path.join(root, 'bin', 'figtrail.js');
    const out = execFileSync(process.execPath, [cli, 'sources', 'add', file, '--title', 'CLI page', '--publisher', 'Somebody', '--sources', sources], { encoding: 'utf8' });
    expect(out).toContain('added cli-page (cli-page.html, text/html');
    expect(out).toContain('npx vitest run extract/golden.test.ts');
    expect(out).toContain('npm run release -- --bump minor');
    let status = 0;
    try {
      execFileSync(process.execPath, [cli, 'sources', 'add', file, '--title', 'CLI page', '--publisher', 'Somebody', '--sources', sources], { stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
