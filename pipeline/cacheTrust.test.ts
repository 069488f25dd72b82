import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { build, type BuildOptions } from './build.js';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-cache-trust-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fixturePdf = path.join(root, 'audit', 'fixtures', 'sources', 'fixture-brochure.pdf');

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)).sort() : [];
}

/** One hand-written HTML source (and optionally the audit fixture PDF). */
function sources(withPdf = false): string {
  const dir = mkdtempSync(path.join(tmp, 'src-'));
  const html = '<html><body><p>By the end of 2023 the country had 178 national high-tech zones.</p></body></html>';
  writeFileSync(path.join(dir, 'zones.html'), html);
  const entry = (id: string, file: string, media_type: string, bytes: Buffer | string) => ({ id, file, media_type, title: 't', publisher: null, original_url: null, published: '2024-01-15', capture: 'test', notes: null, sha256: sha256Hex(bytes) });
  const manifest = [entry('a-zones', 'zones.html', 'text/html', html)];
  if (withPdf) {
    copyFileSync(fixturePdf, path.join(dir, 'brochure.pdf'));
    manifest.push(entry('b-brochure', 'brochure.pdf', 'application/pdf', readFileSync(fixturePdf)));
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

async function run(src: string, cacheDir: string, extra: Partial<BuildOptions> = {}, outDir?: string) {
  const lines: string[] = [];
  const out = outDir ?? mkdtempSync(path.join(tmp, 'out-'));
  const r = await build({ sourcesDir: src, outDir: out, cacheDir, jobs: 1, site: false, log: (l) => lines.push(l), ...extra });
  const mentions = JSON.parse(readFileSync(path.join(out, 'mentions.json'), 'utf8')) as { value: number | null; source_id: string }[];
  return { r, lines, out, values: mentions.filter((m) => m.source_id === 'a-zones').map((m) => m.value) };
}

describe('extraction cache entries carry the sha256 of their payload', () => {
  for (const [name, tamper] of [
    // the mentions sit in the entry as their NDJSON lines, after the result's JSON line
    ['one flipped digit', (t: string) => t.replace(/("value":)178/, '$1978')],
    ['a well-formed entry with doubled values', (t: string) => t.replaceAll(/("value":)178/g, '$1356')],
    ['a truncated entry', (t: string) => t.slice(0, Math.floor(t.length * 0.7))],
  ] as const) {
    it(`${name}: dropped, re-made and reported in one line naming the cache`, async () => {
      const src = sources();
      const cacheDir = path.join(tmp, `cache-${name.replace(/\W+/g, '-')}`);
      const first = await run(src, cacheDir);
      expect(first.values).toEqual([178]);
      const [entry] = files(path.join(cacheDir, 'v1'));
      const before = readFileSync(entry!, 'utf8');
      const after = tamper(before);
      expect(after).not.toBe(before);
      writeFileSync(entry!, after);

      const second = await run(src, cacheDir);
      expect(second.r.exitCode).toBe(0);
      expect(second.values).toEqual([178]);
      expect(second.r.extract).toMatchObject({ extracted: 1, cacheHits: 0 });
      const reports = second.lines.filter((l) => /^cache:/.test(l));
      expect(reports).toHaveLength(1);
      expect(reports[0]).toContain(cacheDir);
      expect(reports[0]).toMatch(/extraction cache/);
      // re-made: the next build reads it again, with nothing to report
      expect(readFileSync(entry!, 'utf8')).toBe(before);
      const third = await run(src, cacheDir);
      expect(third.r.extract).toMatchObject({ extracted: 0, cacheHits: 1 });
      expect(third.lines.filter((l) => /^cache:/.test(l))).toEqual([]);
    });
  }
});

describe('an unwritable cache', () => {
  it('gives a warning and a complete build: every source extracted, the site with its page views', async () => {
    const src = sources(true);
    // a file where the cache folder should be: nothing can be created in it (whoever runs the test, root too)
    const cacheDir = path.join(tmp, 'not-a-folder');
    writeFileSync(cacheDir, 'x');
    const { r, lines, out } = await run(src, cacheDir, { site: true });
    expect(r.exitCode).toBe(0);
    expect(r.errors).toEqual([]);
    // the PDF's page views: its bytes for pdf.js in the reader's browser (the site has no cache of its own)
    expect(readdirSync(path.join(out, 'site', 'source')).filter((f) => f.startsWith('b-brochure'))).toEqual(['b-brochure.html', 'b-brochure.pdf.js']);
    expect(readFileSync(path.join(out, 'site', 'source', 'b-brochure.html'), 'utf8')).not.toContain('Page images unavailable');
    const warnings = lines.filter((l) => /cache/.test(l) && /not writable/.test(l));
    expect(warnings.map((l) => l.replace(/\(.*$/, ''))).toEqual([`cache: the extraction cache ${cacheDir} is not writable `, `cache: the site page cache ${cacheDir} is not writable `]);
  }, 120_000);
});

describe('cache entries and the caps they were made under', () => {
  it('a source read under a higher figure cap is read again under a lower one, and fails there as a fresh build does', async () => {
    // the source states 3 figures (2023 is a date, not a figure)
    const dir = mkdtempSync(path.join(tmp, 'src-'));
    const html = '<html><body><p>In 2023 the country had 178 national high-tech zones, 12 new ones and 4 pilot zones.</p></body></html>';
    writeFileSync(path.join(dir, 'zones.html'), html);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ id: 'a-zones', file: 'zones.html', media_type: 'text/html', title: 't', publisher: null, original_url: null, published: '2024-01-15', capture: 'test', notes: null, sha256: sha256Hex(html) }]));
    const cacheDir = path.join(tmp, 'cache-caps');
    const high = await run(dir, cacheDir, { budget: { maxMentions: 10 } });
    expect(high.r.errors).toEqual([]);
    expect(high.values).toEqual([178, 12, 4]);
    const fresh = await run(dir, path.join(tmp, 'cache-caps-fresh'), { budget: { maxMentions: 2 }, keepGoing: true });
    expect(fresh.r.errors.map((e) => e.reason)).toEqual(['too_complex']);
    const low = await run(dir, cacheDir, { budget: { maxMentions: 2 }, keepGoing: true });
    expect(low.r.extract.cacheHits).toBe(0);
    expect(low.r.errors.map((e) => e.reason)).toEqual(['too_complex']);
    // and back under the higher cap: the entry made there is served again
    const again = await run(dir, cacheDir, { budget: { maxMentions: 10 } });
    expect(again.r.extract.cacheHits).toBe(1);
    expect(again.values).toEqual([178, 12, 4]);
  }, 120_000);

  it('an output folder built under a higher figure cap is not up to date under a lower one', async () => {
    const dir = sources();
    const cacheDir = path.join(tmp, 'cache-caps-utd');
    const out = path.join(tmp, 'out-caps-utd');
    // --keep-going in each: only the cap differs between the builds
    const high = await run(dir, cacheDir, { budget: { maxMentions: 10 }, keepGoing: true }, out);
    expect(high.values).toEqual([178]);
    const same = await run(dir, cacheDir, { budget: { maxMentions: 10 }, keepGoing: true }, out);
    expect(same.r.upToDate).toBe(true);
    const low = await run(dir, cacheDir, { budget: { maxMentions: 0 }, keepGoing: true }, out);
    expect(low.r.upToDate).toBeUndefined();
    expect(low.r.errors.map((e) => e.reason)).toEqual(['too_complex']);
  }, 120_000);
});
