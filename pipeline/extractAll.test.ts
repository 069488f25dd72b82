import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { build, extractShard, type BuildOptions } from './build.js';
import { DEFAULT_PDF_LIMITS } from '../extract/limits.js';
import { cacheKey, decodeResult, encodeResult, ExtractCache } from './cache.js';
import { loadLexicon } from '../extract/lexicon.js';
import type { ManifestEntry } from '../extract/manifest.js';
import { extractAll } from './extractAll.js';
import type { WorkerPool } from './pool.js';
import { runSourceTask, type SourceTask } from './worker.js';
import { shardMentionsFile } from './shards.js';

const root = path.resolve(import.meta.dirname, '..');
const realManifest = JSON.parse(readFileSync(path.join(root, 'sources', 'manifest.json'), 'utf8')) as Record<string, unknown>[];
const IDS = ['tci-2015-abstract', 'scio-2024-07-24-miit', 'chinadaily-2017-09-29-science-parks'];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-perf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Three real sources plus one whose file does not match its sha256 (an error that must stay data). */
function sourcesFolder(name: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const manifest: Record<string, unknown>[] = [];
  for (const id of IDS) {
    const e = realManifest.find((m) => m.id === id)!;
    copyFileSync(path.join(root, 'sources', e.file as string), path.join(dir, e.file as string));
    manifest.push(e);
  }
  writeFileSync(path.join(dir, 'mismatch.html'), '<html><body><p>There are 12 zones.</p></body></html>');
  manifest.push({ id: 'a-mismatch', file: 'mismatch.html', media_type: 'text/html', title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: '0'.repeat(64) });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** Every file under dir (relative path → bytes as hex digest, so a failure names the differing files). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = sha256Hex(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

let src: string;
let serialOut: string;
const quiet: Partial<BuildOptions> = { quiet: true, site: false };

beforeAll(async () => {
  src = sourcesFolder('src');
  serialOut = path.join(tmp, 'serial');
  const r = await build({ sourcesDir: src, outDir: serialOut, jobs: 1, cacheDir: null, ...quiet });
  expect(r.extract).toMatchObject({ sources: 4, extracted: 4, cacheHits: 0, failed: 1, jobs: 1 });
  expect(r.errors.map((e) => [e.source_id, e.reason])).toEqual([['a-mismatch', 'sha256_mismatch']]);
}, 120_000);

describe('parallel extraction', () => {
  it('jobs 2 (worker threads) writes byte-identical output to jobs 1', async () => {
    const out = path.join(tmp, 'parallel');
    const r = await build({ sourcesDir: src, outDir: out, jobs: 2, cacheDir: null, ...quiet });
    expect(r.extract.jobs).toBe(2);
    expect(r.extract.extracted).toBe(4);
    const a = tree(serialOut);
    expect(Object.keys(a)).toContain('text/tci-2015-abstract.txt');
    expect(Object.keys(a)).toContain('layout/tci-2015-abstract.json');
    expect(tree(out)).toEqual(a);
  });
});

describe('content-hash cache', () => {
  it('a warm rebuild reads no source, a corrupt entry is re-extracted, a changed source alone is re-read; output stays identical', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const cold = await build({ sourcesDir: src, outDir: path.join(tmp, 'c1'), jobs: 2, cacheDir, ...quiet });
    expect(cold.extract).toMatchObject({ extracted: 4, cacheHits: 0 });
    const files = readdirSync(path.join(cacheDir, 'v1'), { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(files).toHaveLength(3); // the error is not cached

    const warm = await build({ sourcesDir: src, outDir: path.join(tmp, 'c2'), jobs: 2, cacheDir, ...quiet });
    expect(warm.extract).toMatchObject({ extracted: 1, cacheHits: 3 }); // only the failing source is re-tried
    expect(tree(path.join(tmp, 'c2'))).toEqual(tree(serialOut));

    // a corrupt entry is ignored, re-extracted and rewritten
    const victim = path.join(cacheDir, 'v1', String(files[0]));
    writeFileSync(victim, '{"format":"figtrail-extract-cache/1","key":');
    const healed = await build({ sourcesDir: src, outDir: path.join(tmp, 'c3'), jobs: 1, cacheDir, ...quiet });
    expect(healed.extract).toMatchObject({ extracted: 2, cacheHits: 2 });
    // an entry: its header line, then the payload
    expect(JSON.parse(readFileSync(victim, 'utf8').split('\n')[1]!).result.id).toMatch(/^(tci|scio|chinadaily)/);
    expect(tree(path.join(tmp, 'c3'))).toEqual(tree(serialOut));

    // change one source (new bytes, new sha256): only that one is read again
    const changed = path.join(tmp, 'src-changed');
    cpSync(src, changed, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(changed, 'manifest.json'), 'utf8')) as Record<string, unknown>[];
    const e = manifest.find((m) => m.id === 'scio-2024-07-24-miit')!;
    const body = Buffer.concat([readFileSync(path.join(changed, e.file as string)), Buffer.from('\n<!-- changed -->\n')]);
    writeFileSync(path.join(changed, e.file as string), body);
    e.sha256 = sha256Hex(body);
    writeFileSync(path.join(changed, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const one = await build({ sourcesDir: changed, outDir: path.join(tmp, 'c4'), jobs: 2, cacheDir, ...quiet });
    expect(one.extract).toMatchObject({ extracted: 2, cacheHits: 2 });
    const sources = JSON.parse(readFileSync(path.join(tmp, 'c4', 'sources.json'), 'utf8')) as { source_id: string; sha256: string }[];
    expect(sources.find((s) => s.source_id === e.id)!.sha256).toBe(e.sha256);
  });

  it('a build into the same folder with nothing changed is up to date; a tampered output folder is rebuilt', async () => {
    const cacheDir = path.join(tmp, 'cache-utd');
    const out = path.join(tmp, 'utd');
    const first = await build({ sourcesDir: src, outDir: out, jobs: 1, cacheDir, ...quiet });
    expect(first.upToDate).toBeUndefined();
    const again = await build({ sourcesDir: src, outDir: out, jobs: 1, cacheDir, ...quiet });
    expect(again.upToDate).toBe(true);
    expect(again.extract.extracted).toBe(0);
    expect(again.counts).toEqual(first.counts);
    expect(again.exitCode).toBe(first.exitCode);
    writeFileSync(path.join(out, 'facts.json'), '[]\n');
    const repaired = await build({ sourcesDir: src, outDir: out, jobs: 1, cacheDir, ...quiet });
    expect(repaired.upToDate).toBeUndefined();
    expect(repaired.extract).toMatchObject({ extracted: 1, cacheHits: 3 });
    expect(tree(out)).toEqual(tree(serialOut));
    const forced = await build({ sourcesDir: src, outDir: out, jobs: 1, cacheDir, force: true, ...quiet });
    expect(forced.upToDate).toBeUndefined();
    const other = await build({ sourcesDir: src, outDir: out, jobs: 1, cacheDir, keepGoing: true, ...quiet });
    expect(other.upToDate).toBeUndefined(); // another option, another key
  });

  it('keys change with every input that changes the result, and only with those', () => {
    const settings = { maxBytes: null, maxMentions: 20_000, pdf: null };
    const base = { fileSha256: 'a'.repeat(64), versions: 'v1', lexiconHash: 'l1', entry: { id: 'x', media_type: 'text/html' as const, published: null, sha256: 'a'.repeat(64), charset: null }, settings };
    const k = cacheKey(base);
    expect(cacheKey({ ...base, entry: { ...base.entry } })).toBe(k);
    // the same caps written in another order are the same key
    const reordered = Object.fromEntries(Object.entries(DEFAULT_PDF_LIMITS).reverse()) as typeof DEFAULT_PDF_LIMITS;
    expect(cacheKey({ ...base, settings: { ...settings, pdf: reordered } })).toBe(cacheKey({ ...base, settings: { ...settings, pdf: DEFAULT_PDF_LIMITS } }));
    const variants = [
      { ...base, fileSha256: 'b'.repeat(64) },
      { ...base, versions: 'v2' },
      { ...base, lexiconHash: 'l2' },
      { ...base, entry: { ...base.entry, id: 'y' } },
      { ...base, entry: { ...base.entry, media_type: 'application/pdf' as const } },
      { ...base, entry: { ...base.entry, published: '2020-01-01' } },
      { ...base, entry: { ...base.entry, charset: 'gbk' } },
      // the caps past which a source fails: a result made under a higher cap is no result under a lower one
      { ...base, settings: { ...settings, maxMentions: 100 } },
      { ...base, settings: { ...settings, maxBytes: 1000 } },
      { ...base, settings: { ...settings, pdf: DEFAULT_PDF_LIMITS } },
      { ...base, settings: { ...settings, pdf: { ...DEFAULT_PDF_LIMITS, maxPages: 3 } } },
    ];
    expect(new Set(variants.map(cacheKey)).size).toBe(variants.length);
    expect(variants.map(cacheKey)).not.toContain(k);
    const c = new ExtractCache(path.join(tmp, 'unit-cache'));
    expect(c.get(k)).toBeNull();
    const r = { id: 'x', error: null, bytes: 1, pages: null, text: 't', textChars: 1, mentions: [], skips: [], layout: null };
    const entry = encodeResult(r, ['page one', 'page two']);
    expect(c.put(k, entry)).toBe(true);
    expect(c.get(k)).toEqual(entry);
    expect(decodeResult(c.get(k)!)).toEqual(r);
    expect(c.put(k, encodeResult({ ...r, error: { source_id: 'x', reason: 'corrupt_pdf', message: 'm' } }, null))).toBe(false);
    expect(existsSync(c.file(k))).toBe(true);
    expect(readdirSync(path.dirname(c.file(k)))).toEqual([path.basename(c.file(k))]); // no temp files left
  });
});

describe('sharded extraction', () => {
  it('shards 1/2 + 2/2 merged build byte-identical output; incomplete, duplicate and inconsistent sets are refused', async () => {
    const shards = path.join(tmp, 'shards');
    const s1 = await extractShard({ sourcesDir: src, outDir: shards, shard: { index: 1, count: 2 }, jobs: 1, cacheDir: null, quiet: true });
    const s2 = await extractShard({ sourcesDir: src, outDir: shards, shard: { index: 2, count: 2 }, jobs: 2, cacheDir: null, quiet: true });
    expect(s1.stats.sources + s2.stats.sources).toBe(4);
    expect(s1.stats.sources).toBe(2);
    const out = path.join(tmp, 'sharded');
    const r = await build({ sourcesDir: src, outDir: out, fromShards: [shards], ...quiet });
    expect(r.errors.map((e) => e.source_id)).toEqual(['a-mismatch']);
    expect(tree(out)).toEqual(tree(serialOut));

    const only1 = path.join(tmp, 'only1');
    mkdirSync(only1);
    copyFileSync(s1.file, path.join(only1, path.basename(s1.file)));
    await expect(build({ sourcesDir: src, outDir: path.join(tmp, 'x1'), fromShards: [only1], ...quiet })).rejects.toThrow(/missing shard\(s\) 2\/2/);
    await expect(build({ sourcesDir: src, outDir: path.join(tmp, 'x2'), fromShards: [shards, only1], ...quiet })).rejects.toThrow(/duplicate shard 1\/2/);
    const odd = path.join(tmp, 'odd');
    mkdirSync(odd);
    copyFileSync(s1.file, path.join(odd, path.basename(s1.file)));
    const s2json = JSON.parse(readFileSync(s2.file, 'utf8')) as { lexicon_hash: string };
    s2json.lexicon_hash = 'f'.repeat(64);
    writeFileSync(path.join(odd, path.basename(s2.file)), JSON.stringify(s2json));
    await expect(build({ sourcesDir: src, outDir: path.join(tmp, 'x3'), fromShards: [odd], ...quiet })).rejects.toThrow(/inconsistent shards: .*lexicon_hash/);
    // the reconcile reads each shard's mentions from its Parquet file: another shard's, or none, is refused
    const swapped = path.join(tmp, 'swapped');
    mkdirSync(swapped);
    const [c1, c2] = [s1.file, s2.file].map((f) => path.join(swapped, path.basename(f))) as [string, string];
    copyFileSync(s1.file, c1);
    copyFileSync(s2.file, c2);
    copyFileSync(shardMentionsFile(s1.file), shardMentionsFile(c2));
    copyFileSync(shardMentionsFile(s2.file), shardMentionsFile(c1));
    await expect(build({ sourcesDir: src, outDir: path.join(tmp, 'x4'), fromShards: [swapped], ...quiet })).rejects.toThrow(/not the mentions of shard-1-of-2\.json/);
    rmSync(shardMentionsFile(c1));
    await expect(build({ sourcesDir: src, outDir: path.join(tmp, 'x4'), fromShards: [swapped], ...quiet })).rejects.toThrow(/its mentions file shard-1-of-2\.mentions\.parquet is missing/);
    expect(existsSync(path.join(tmp, 'x1'))).toBe(false);
    expect(existsSync(path.join(tmp, 'x4'))).toBe(false);
  });
});

describe('the order sources are read in', () => {
  it('sources that fit in the window go to the pool at once, largest file first; results still come in manifest order', async () => {
    const dir = path.join(tmp, 'order');
    mkdirSync(dir);
    // three pages of different sizes, listed smallest first
    const pages = [
      ['a-small', '<p>The park had 12 firms.</p>'],
      ['b-large', `<p>The park had 40 firms.</p>${'<p>Its streets are quiet.</p>'.repeat(50)}`],
      ['c-medium', `<p>The park had 7 labs.</p>${'<p>Its streets are quiet.</p>'.repeat(10)}`],
    ];
    const manifest = pages.map(([id, body]) => {
      const bytes = Buffer.from(`<html><body>${body}</body></html>`);
      writeFileSync(path.join(dir, `${id}.html`), bytes);
      return { id: id!, file: `${id}.html`, media_type: 'text/html', title: id!, publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex(bytes) };
    });
    const lexiconDir = path.join(root, 'dataset', 'vocabulary');
    const lexicon = loadLexicon(lexiconDir);
    const asked: string[] = [];
    // a stand-in for the worker pool: it records the order tasks are handed over and reads them in this thread
    const pool = {
      size: 2,
      provideLexicon: () => {},
      grow: () => {},
      run: (task: SourceTask) => {
        asked.push(task.entry.id);
        return runSourceTask(task, lexicon);
      },
    } as unknown as WorkerPool;
    const handed: string[] = [];
    await extractAll(manifest as ManifestEntry[], { sourcesDir: dir, lexiconDir, lexicon, cacheDir: null, pool, onResult: (e) => void handed.push(e.id) });
    expect(asked).toEqual(['b-large', 'c-medium', 'a-small']);
    expect(handed).toEqual(['a-small', 'b-large', 'c-medium']);
  });
});
