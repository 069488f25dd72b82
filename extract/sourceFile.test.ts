import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAuditSite } from '../audit/site.js';
import { build } from '../pipeline/build.js';
import { sha256Hex } from './manifest.js';
import { openSource, readRegularFile, SourceAccessError, type SourceAccessKind } from './sourceFile.js';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-door-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh sources folder and a folder outside it, each with a few files written here. */
function folders(): { src: string; outside: string } {
  const base = path.join(tmp, String(n++));
  const src = path.join(base, 'sources');
  const outside = path.join(base, 'outside');
  mkdirSync(src, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(src, 'ok.html'), '<p>There are 12 zones.</p>');
  writeFileSync(path.join(outside, 'secret.html'), '<p>secret 99</p>');
  return { src, outside };
}

function refusal(f: () => unknown): SourceAccessError {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceAccessError) return e;
    throw e;
  }
  throw new Error('expected a SourceAccessError, the read succeeded');
}

describe('openSource: the one door to the sources', () => {
  it('reads a regular file inside the folder, also through a symlink that stays inside', () => {
    const { src } = folders();
    symlinkSync('ok.html', path.join(src, 'alias.html'));
    expect(openSource(src, 'ok.html').toString()).toBe('<p>There are 12 zones.</p>');
    expect(openSource(src, 'alias.html').toString()).toBe('<p>There are 12 zones.</p>');
  });

  it('refuses each hostile path with a named kind', () => {
    const { src, outside } = folders();
    symlinkSync(path.join(outside, 'secret.html'), path.join(src, 'leak.html'));
    symlinkSync('/dev/zero', path.join(src, 'zero.pdf'));
    symlinkSync('/etc/passwd', path.join(src, 'passwd.html'));
    execFileSync('mkfifo', [path.join(src, 'pipe.pdf')]);
    symlinkSync('pipe.pdf', path.join(src, 'to-pipe.pdf'));
    mkdirSync(path.join(src, 'folder.pdf'));
    writeFileSync(path.join(src, 'big.html'), 'x'.repeat(100));
    const cases: [string, SourceAccessKind, string][] = [
      ['../outside/secret.html', 'outside', 'path_outside_sources'],
      ['/etc/passwd', 'outside', 'path_outside_sources'],
      ['leak.html', 'outside', 'path_outside_sources'],
      ['zero.pdf', 'outside', 'path_outside_sources'],
      ['passwd.html', 'outside', 'path_outside_sources'],
      ['pipe.pdf', 'not_regular', 'not_regular_file'],
      ['to-pipe.pdf', 'not_regular', 'not_regular_file'],
      ['folder.pdf', 'not_regular', 'not_regular_file'],
      ['nope.html', 'missing', 'missing_file'],
      ['big.html', 'too_large', 'too_large'],
    ];
    for (const [file, kind, reason] of cases) {
      const e = refusal(() => openSource(src, file, { maxBytes: 50, sourceId: 'doc-x' }));
      expect([file, e.kind, e.reason]).toEqual([file, kind, reason]);
      expect(e.message).toMatch(/^doc-x: /);
    }
  });

  it('does not follow a final symlink put in place after the path was resolved', () => {
    const { src, outside } = folders();
    // the race: resolveSourceFile returned a real path, then someone replaced it with a link
    symlinkSync(path.join(outside, 'secret.html'), path.join(src, 'swapped.html'));
    const e = refusal(() => readRegularFile(path.join(src, 'swapped.html'), { maxBytes: 1000, sourceId: 'doc-x', file: 'swapped.html' }));
    expect(e.kind).toBe('symlink');
  });
});

describe('every stage reads sources through the door', () => {
  it('the source-sha256 check refuses a file linked from outside the folder (it does not hash it)', async () => {
    const { src, outside } = folders();
    const ok = readFileSync(path.join(src, 'ok.html'));
    const secret = readFileSync(path.join(outside, 'secret.html'));
    symlinkSync(path.join(outside, 'secret.html'), path.join(src, 'leak.html'));
    const entry = (id: string, file: string, bytes: Buffer) => ({ id, file, media_type: 'text/html', title: 't', publisher: null, original_url: null, published: null, capture: 'test', notes: null, sha256: sha256Hex(bytes) });
    // and the files the probe confirmed through the check: /etc/passwd under its own hash, /dev/zero (endless)
    symlinkSync('/etc/passwd', path.join(src, 'passwd.html'));
    symlinkSync('/dev/zero', path.join(src, 'zero.html'));
    const listed = [entry('a-ok', 'ok.html', ok), entry('b-leak', 'leak.html', secret), entry('c-passwd', 'passwd.html', readFileSync('/etc/passwd')), entry('d-zero', 'zero.html', Buffer.alloc(0))];
    writeFileSync(path.join(src, 'manifest.json'), JSON.stringify(listed));
    const out = path.join(path.dirname(src), 'out');
    const r = await build({ sourcesDir: src, outDir: out, quiet: true, jobs: 1, cacheDir: null, site: false });
    expect(r.errors.map((e) => [e.source_id, e.reason])).toEqual([['b-leak', 'path_outside_sources'], ['c-passwd', 'path_outside_sources'], ['d-zero', 'path_outside_sources']]);
    for (const id of ['b-leak', 'c-passwd', 'd-zero']) {
      const sha = r.findings.filter((f) => f.rule_id === 'source-sha256' && f.place.source_id === id);
      expect(sha.map((f) => f.status)).toEqual(['fail']);
      expect(sha[0]!.message).toContain('links outside the sources folder');
    }
  });

  it('the audit site renders no page image of a PDF linked from outside (a file, /dev/zero), and does not block on a FIFO', async () => {
    const fixtures = path.join(root, 'audit', 'fixtures');
    const sources = JSON.parse(readFileSync(path.join(fixtures, 'build', 'sources.json'), 'utf8')) as { source_id: string; file: string; media_type: string }[];
    const pdf = sources.find((s) => s.media_type === 'application/pdf')!;
    for (const hostile of ['link', 'zero', 'fifo'] as const) {
      const { src, outside } = folders();
      for (const s of sources) if (s !== pdf) copyFileSync(path.join(fixtures, 'sources', s.file), path.join(src, s.file));
      if (hostile === 'link') {
        copyFileSync(path.join(fixtures, 'sources', pdf.file), path.join(outside, pdf.file));
        symlinkSync(path.join(outside, pdf.file), path.join(src, pdf.file));
      } else if (hostile === 'zero') symlinkSync('/dev/zero', path.join(src, pdf.file));
      else execFileSync('mkfifo', [path.join(src, pdf.file)]);
      const site = path.join(path.dirname(src), 'site');
      await writeAuditSite(path.join(fixtures, 'build'), site, { sourcesDir: src });
      // no copy of the file for the page views (source/<id>.pdf.js), and no page image
      expect(readdirSync(path.join(site, 'source')).filter((f) => f.startsWith(pdf.source_id) && !f.endsWith('.html'))).toEqual([]);
      const html = readFileSync(path.join(site, 'source', `${pdf.source_id}.html`), 'utf8');
      expect(html).toContain(hostile === 'fifo' ? 'is not a regular file' : 'links outside the sources folder');
    }
  });

  it('no engine module opens a source path except through extract/sourceFile.ts', () => {
    // direct reads of a path built from the sources folder: readFileSync/createReadStream/open…/stat of a
    // path.join(sourcesDir, …) or of a resolved source path, anywhere but the door
    const direct = /(readFileSync|createReadStream|openSync|\bopen|statSync|lstatSync|existsSync|readFile)\s*\(\s*(path\.(join|resolve)\(\s*[\w.]*sources?Dir\b(?!\s*,\s*'manifest\.json')|[\w.]*(rawPath|sourcePath|resolveSourcePath|resolveSourceFile)\b)/;
    const joins = /path\.(join|resolve)\(\s*[\w.]*sources?Dir\s*,(?!\s*'manifest\.json')/;
    // the door's own parts, used anywhere else, would be a second door
    const parts = /\b(resolveSourcePath|resolveSourceFile|readRegularFile)\(/;
    const offenders: string[] = [];
    const walk = (rel: string) => {
      const full = path.join(root, rel);
      if (!existsSync(full)) return;
      if (statSync(full).isDirectory()) {
        for (const f of readdirSync(full).sort()) if (!['node_modules', 'fixtures', 'dist'].includes(f)) walk(path.join(rel, f));
        return;
      }
      if (!/\.ts$/.test(rel) || /\.test\.ts$/.test(rel) || rel === path.join('extract', 'sourceFile.ts')) return;
      readFileSync(full, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (direct.test(line) || joins.test(line) || (parts.test(line) && !/^export function/.test(line))) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    };
    for (const d of ['cli.ts', 'extract', 'transform', 'checks', 'pipeline', 'audit', 'bench']) walk(d);
    expect(offenders).toEqual([]);
  });
});
