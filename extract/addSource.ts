import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { archivePath, openSource } from './sourceFile.js';
import { ManifestError, parseManifest, readManifest, sha256Hex, type ManifestEntry } from './manifest.js';

/**
 * `figtrail sources add FILE …`: archives a document in the sources folder and appends its validated manifest
 * entry. The file is copied under a name made from its id, its sha256 computed from the copied bytes, and the
 * manifest rewritten atomically (temporary file + rename), so an interrupted add leaves the manifest as it was.
 * Refuses (ManifestError, nothing written): an id or a document already archived, an id that is not a plain
 * file name, a destination that exists with other bytes, a file that is empty or not a PDF/HTML document.
 */
export interface AddSourceOptions {
  sourcesDir: string;
  file: string;
  title: string;
  publisher: string;
  url?: string | null;
  published?: string | null;
  id?: string;
  capture?: string;
  notes?: string | null;
  /** the charset of an HTML file whose bytes do not declare it */
  charset?: string | null;
}

const EXTENSIONS: Record<string, ManifestEntry['media_type']> = {
  '.pdf': 'application/pdf',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'text/html',
};

/** The id a file gets when none is given: its name without extension, in the characters ids allow. */
export function idFromFileName(file: string): string {
  const base = path.basename(file, path.extname(file));
  return base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
}

function mediaTypeOf(file: string, bytes: Uint8Array): ManifestEntry['media_type'] {
  const isPdf = Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
  const byName = EXTENSIONS[path.extname(file).toLowerCase()];
  if (byName === 'application/pdf' && !isPdf) throw new ManifestError(`${file}: named .pdf but it is not a PDF (no %PDF- header)`);
  if (byName) return byName;
  if (isPdf) return 'application/pdf';
  throw new ManifestError(`${file}: not a PDF, and its name does not end in .html or .htm: figtrail reads PDF and HTML documents`);
}

function atomicWrite(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function addSource(opts: AddSourceOptions): { entry: ManifestEntry; copied: boolean } {
  const sourcesDir = path.resolve(opts.sourcesDir);
  const manifestFile = path.join(sourcesDir, 'manifest.json');
  const entries = existsSync(manifestFile) ? readManifest(sourcesDir) : [];
  let st;
  try {
    st = statSync(opts.file);
  } catch {
    throw new ManifestError(`${opts.file}: no such file`);
  }
  if (!st.isFile()) throw new ManifestError(`${opts.file}: not a regular file`);
  const bytes = readFileSync(opts.file);
  if (bytes.length === 0) throw new ManifestError(`${opts.file}: the file is empty`);
  const media_type = mediaTypeOf(opts.file, bytes);
  const sha256 = sha256Hex(bytes);
  const id = opts.id ?? idFromFileName(opts.file);
  if (id === '') throw new ManifestError(`${opts.file}: no id can be made from the file name; give one with --id`);
  const twin = entries.find((e) => e.sha256 === sha256);
  if (twin) throw new ManifestError(`${opts.file} is already archived as ${twin.id} (${twin.file}, same sha256)`);
  if (entries.some((e) => e.id === id)) throw new ManifestError(`${id}: duplicate id (the manifest has a source with this id; choose another with --id)`);

  // already inside the sources folder: archived where it is; else copied in under a name made from the id
  const realSources = realpathSync(sourcesDir);
  const realFile = realpathSync(opts.file);
  const inside = path.relative(realSources, realFile);
  const alreadyInside = !inside.startsWith('..') && !path.isAbsolute(inside) && !lstatSync(opts.file).isSymbolicLink();
  const file = alreadyInside ? inside.split(path.sep).join('/') : `${id}${media_type === 'application/pdf' ? '.pdf' : '.html'}`;
  if (entries.some((e) => e.file === file)) throw new ManifestError(`${file}: another manifest entry already names this file`);
  const raw = {
    id,
    file,
    media_type,
    title: opts.title,
    publisher: opts.publisher,
    original_url: opts.url ?? null,
    published: opts.published ?? null,
    capture: opts.capture ?? 'original',
    notes: opts.notes ?? null,
    sha256,
    ...(opts.charset ? { charset: opts.charset } : {}),
  };
  // the manifest schema checks the form YYYY-MM-DD; this, that it is a day of the calendar (no 2022-02-30)
  if (opts.published && /^\d{4}-\d{2}-\d{2}$/.test(opts.published)) {
    const t = Date.parse(`${opts.published}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== opts.published) throw new ManifestError(`${id}: published: ${opts.published} is not a date`);
  }
  if (opts.title.trim() === '') throw new ManifestError(`${id}: title must not be empty`);
  if (opts.publisher.trim() === '') throw new ManifestError(`${id}: publisher must not be empty (independent corroboration is judged by publisher)`);
  // the whole new manifest must validate before anything is written; the file's entries keep their own form
  const current: unknown[] = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as unknown[]) : [];
  const next = [...current, raw];
  const [entry] = parseManifest(next).slice(-1) as [ManifestEntry];
  // the id is valid now, so is the file name made from it; a file already there is read through the door
  // (a link out of the folder, or a FIFO, is refused rather than read)
  const dest = archivePath(sourcesDir, file, id);
  if (!alreadyInside && existsSync(dest) && sha256Hex(openSource(sourcesDir, file, { sourceId: id })) !== sha256) {
    throw new ManifestError(`${dest} exists with other bytes; refusing to overwrite an archived file (choose another --id)`);
  }

  let copied = false;
  if (!alreadyInside && !existsSync(dest)) {
    atomicWrite(dest, bytes);
    copied = true;
  }
  try {
    atomicWrite(manifestFile, `${JSON.stringify(next, null, 2)}\n`);
  } catch (e) {
    if (copied) rmSync(dest, { force: true });
    throw e;
  }
  return { entry, copied };
}

/** What to do after adding a source, as the exact commands. */
export function nextSteps(entry: ManifestEntry): string {
  return [
    `added ${entry.id} (${entry.file}, ${entry.media_type}, sha256 ${entry.sha256.slice(0, 16)}…)`,
    'next:',
    '  npm run build                       # reads it; look at out/build/checks.json and the site',
    `  npx figtrail facts --build out/build --format table | less   # the facts, with the new source's among them`,
    `  npx vitest run extract/golden.test.ts   # writes extract/fixtures/golden/${entry.id}.mentions.txt: review it`,
    `  git add sources/ extract/fixtures/golden/${entry.id}.mentions.txt && git commit -m "Source: ${entry.id}"`,
    '  npm run build && npm run release -- --bump minor && git add out/ && git commit -m "Data: new source"',
  ].join('\n');
}
