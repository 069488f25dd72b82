import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../extract/manifest.js';

/**
 * A cache entry that can be trusted on read: one header line `{format, key, sha256, bytes}` and the payload.
 * The header names the format and the key the entry was made for, and the sha256 and length of the payload,
 * all checked before the payload is used. Written to a temporary file and renamed into place, so a reader
 * never sees half an entry. Used by the extraction cache.
 */
interface EntryHeader {
  format: string;
  key: string;
  sha256: string;
  bytes: number;
}

/** What a read found: no entry, a payload that passed every check, or why the entry there cannot be used. */
export type CheckedRead = { kind: 'absent' } | { kind: 'ok'; payload: Buffer } | { kind: 'bad'; problem: string };

export function readCheckedEntry(file: string, format: string, key: string): CheckedRead {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return { kind: 'absent' };
  }
  const nl = raw.indexOf(0x0a);
  let header: Partial<EntryHeader>;
  try {
    header = JSON.parse(raw.subarray(0, nl < 0 ? raw.length : nl).toString('utf8')) as Partial<EntryHeader>;
  } catch {
    return { kind: 'bad', problem: 'unreadable header' };
  }
  if (header.format !== format) return { kind: 'bad', problem: `format ${String(header.format)}, expected ${format}` };
  if (header.key !== key) return { kind: 'bad', problem: 'made for another key' };
  const payload = nl < 0 ? Buffer.alloc(0) : raw.subarray(nl + 1);
  if (payload.length !== header.bytes || sha256Hex(payload) !== header.sha256) {
    return { kind: 'bad', problem: `payload does not match its sha256 (${payload.length} of ${String(header.bytes)} bytes)` };
  }
  return { kind: 'ok', payload };
}

/**
 * Writes the entry atomically. A failed write is no error for the build: the reason (e.g. "EACCES") is
 * returned so the caller can warn once; true when stored.
 */
export function writeCheckedEntry(file: string, format: string, key: string, payload: Buffer): true | string {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const header: EntryHeader = { format, key, sha256: sha256Hex(payload), bytes: payload.length };
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), payload]));
    renameSync(tmp, file);
    return true;
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* the folder itself is unusable (a file in its place, no permission) */
    }
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}
