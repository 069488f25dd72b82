/**
 * The one door to the archived sources. Every stage that reads a source file's bytes (extraction, the cache
 * probe, the source-sha256 and quote checks, the audit site's page images, explain) comes through
 * openSource, so one set of rules holds everywhere: the file named by the manifest must resolve (after
 * symlinks) to a regular file inside the sources folder, and no more than the size cap is ever read.
 *
 * Why each step:
 * - realpath + containment: a manifest comes from users; "../x", "/etc/passwd" and a symlink pointing out of
 *   the folder must never be read (nor hashed, rendered or published).
 * - open(O_NOFOLLOW | O_NONBLOCK) on the resolved path, then fstat the descriptor: the checks are made on the
 *   file actually opened, so a path swapped for a symlink between realpath and open is refused (ELOOP), and a
 *   FIFO or device neither blocks the open nor is read (only regular files pass the fstat).
 * - a bounded read: the fstat size is checked against the cap, and the read itself stops past the cap, so a
 *   file that grows while being read (or lies about its size) cannot exhaust memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { SourceError, type SourceErrorReason } from './textLayer.js';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

export type SourceAccessKind = 'outside' | 'not_regular' | 'symlink' | 'too_large' | 'missing';

/** The published reason (errors.json, sources.error_reason) of each kind of refused access. */
const REASON: Record<SourceAccessKind, SourceErrorReason> = {
  outside: 'path_outside_sources',
  not_regular: 'not_regular_file',
  symlink: 'symlink_refused',
  too_large: 'too_large',
  missing: 'missing_file',
};

/** A source file the door refused to read; `kind` says why, `reason` is the published string. */
export class SourceAccessError extends SourceError {
  readonly kind: SourceAccessKind;
  constructor(sourceId: string, kind: SourceAccessKind, message: string) {
    super(sourceId, REASON[kind], message);
    this.name = 'SourceAccessError';
    this.kind = kind;
  }
}

export interface OpenSourceOptions {
  /** the size cap in bytes (default DEFAULT_MAX_BYTES) */
  maxBytes?: number;
  /** the manifest id, for messages (default: the file name) */
  sourceId?: string;
}

/**
 * The real path of `file` inside `sourcesDir`, refusing absolute paths, NUL bytes, ".." escapes and symlinks
 * that lead out of the folder. Symlinks that stay inside are resolved.
 */
export function resolveSourceFile(sourcesDir: string, file: string, sourceId: string = file): string {
  const root = path.resolve(sourcesDir);
  if (path.isAbsolute(file) || file.includes('\0')) {
    throw new SourceAccessError(sourceId, 'outside', `file "${file}" must be a relative path inside the sources folder`);
  }
  const full = path.resolve(root, file);
  const rel = path.relative(root, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new SourceAccessError(sourceId, 'outside', `file "${file}" escapes the sources folder`);
  }
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    throw new SourceAccessError(sourceId, 'missing', `file "${file}" not found in ${sourcesDir}`);
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new SourceAccessError(sourceId, 'missing', `sources folder ${sourcesDir} not found`);
  }
  const realRel = path.relative(realRoot, real);
  if (realRel === '' || realRel.startsWith('..') || path.isAbsolute(realRel)) {
    throw new SourceAccessError(sourceId, 'outside', `file "${file}" links outside the sources folder`);
  }
  return real;
}

/**
 * The size in bytes of a source file, resolved as a read resolves it but not opened (extraction hands the largest
 * sources to its workers first); 0 when it cannot be resolved (reading it reports why).
 */
export function sourceFileSize(sourcesDir: string, file: string): number {
  try {
    return statSync(resolveSourceFile(sourcesDir, file)).size;
  } catch {
    return 0;
  }
}

/**
 * Where a new archived file named `file` goes inside `sourcesDir` (figtrail sources add): the same lexical
 * checks as a read (relative, no NUL, no "..") so that writing, too, never leaves the folder.
 */
export function archivePath(sourcesDir: string, file: string, sourceId: string = file): string {
  const root = path.resolve(sourcesDir);
  const full = path.resolve(root, file);
  const rel = path.relative(root, full);
  if (path.isAbsolute(file) || file.includes('\0') || rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new SourceAccessError(sourceId, 'outside', `file "${file}" must be a relative path inside the sources folder`);
  }
  return full;
}

/**
 * Reads an already-resolved path: opened without following a final symlink and without blocking on a FIFO,
 * accepted only when the opened descriptor is a regular file, read to at most maxBytes.
 */
export function readRegularFile(realPath: string, opts: { maxBytes: number; sourceId: string; file: string }): Buffer {
  let fd: number;
  try {
    fd = openSync(realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new SourceAccessError(opts.sourceId, 'symlink', `file "${opts.file}" became a symlink while being opened; not followed`);
    if (code === 'ENOENT') throw new SourceAccessError(opts.sourceId, 'missing', `file "${opts.file}" disappeared while being opened`);
    if (code === 'ENXIO' || code === 'ENODEV' || code === 'EISDIR') throw new SourceAccessError(opts.sourceId, 'not_regular', `file "${opts.file}" is not a regular file`);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SourceAccessError(opts.sourceId, 'not_regular', `file "${opts.file}" is not a regular file (${kindOf(st)})`);
    if (st.size > opts.maxBytes) throw tooLarge(opts, st.size);
    // read one byte past the cap: a file that grew since the fstat is caught here, not in memory
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size - total + 1, 65536), opts.maxBytes - total + 1));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > opts.maxBytes) throw new SourceAccessError(opts.sourceId, 'too_large', `file grew past the cap of ${opts.maxBytes} bytes while being read (--max-bytes)`);
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(opts: { maxBytes: number; sourceId: string }, size: number): SourceAccessError {
  return new SourceAccessError(opts.sourceId, 'too_large', `file is ${size} bytes, over the cap of ${opts.maxBytes} bytes (--max-bytes)`);
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** The bytes of a manifest `file` inside sourcesDir, through the door (see the module comment). */
export function openSource(sourcesDir: string, file: string, opts: OpenSourceOptions = {}): Buffer {
  const sourceId = opts.sourceId ?? file;
  const real = resolveSourceFile(sourcesDir, file, sourceId);
  return readRegularFile(real, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, sourceId, file });
}
