import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_BYTES, openSource } from './sourceFile.js';
import { terminalText } from '../pipeline/terminalText.js';
import { SourceError } from './textLayer.js';

/**
 * The manifest is figtrail's public source format: an array of archived documents.
 * Users bring their own folder with a manifest.json of this shape.
 */
export const MEDIA_TYPES = ['application/pdf', 'text/html'] as const;

export const ManifestEntrySchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'id must be letters, digits, ".", "_" or "-" (it names output files)'),
    file: z.string().min(1),
    media_type: z.enum(MEDIA_TYPES),
    title: z.string(),
    publisher: z.string().nullable(),
    original_url: z.string().nullable(),
    published: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'published must be YYYY-MM-DD')
      .nullable(),
    capture: z.string(),
    notes: z.string().nullable().optional().transform((v) => v ?? null),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits'),
    /** optional: the charset of an HTML file when its bytes do not say */
    charset: z.string().nullable().optional().transform((v) => v ?? null),
  })
  .strict();
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const ManifestSchema = z.array(ManifestEntrySchema);

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Parses and validates a manifest; errors name the entry (by id where it has one). */
export function parseManifest(json: unknown): ManifestEntry[] {
  if (!Array.isArray(json)) throw new ManifestError('manifest.json must be a JSON array of sources');
  const entries: ManifestEntry[] = [];
  const problems: string[] = [];
  json.forEach((raw, i) => {
    const r = ManifestEntrySchema.safeParse(raw);
    const label = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `#${i}`;
    if (!r.success) {
      for (const issue of r.error.issues) problems.push(terminalText(`${label}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`));
    } else entries.push(r.data);
  });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.id)) problems.push(terminalText(`${e.id}: duplicate id`));
    seen.add(e.id);
  }
  if (problems.length) throw new ManifestError(`invalid manifest:\n  ${problems.join('\n  ')}`);
  return entries;
}

/** A manifest that lists no sources would publish an empty dataset: refused unless the caller allows it. */
export function nonEmptyManifest(entries: ManifestEntry[], sourcesDir: string, allowEmpty = false): ManifestEntry[] {
  if (entries.length === 0 && !allowEmpty) throw new ManifestError(`${path.join(sourcesDir, 'manifest.json')} lists no sources; nothing to build (--allow-empty publishes an empty dataset)`);
  return entries;
}

export function readManifest(sourcesDir: string): ManifestEntry[] {
  const file = path.join(sourcesDir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseManifest(json);
}

/** node:crypto's one-shot hash (Node 20.12+, which package.json's engines require; not in the type declarations used here): a third of createHash's cost on short inputs such as mention ids */
const oneShot = (crypto as unknown as { hash: (algorithm: string, data: Uint8Array | string, encoding: 'hex') => string }).hash;

export function sha256Hex(bytes: Uint8Array | string): string {
  return oneShot('sha256', bytes, 'hex');
}

export { DEFAULT_MAX_BYTES };

/** Reads an archived file through the door (path, file kind, size cap), then checks its sha256. */
export function readSourceBytes(sourcesDir: string, entry: ManifestEntry, opts: { maxBytes?: number } = {}): Buffer {
  const bytes = openSource(sourcesDir, entry.file, { sourceId: entry.id, ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }) });
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) {
    throw new SourceError(entry.id, 'sha256_mismatch', `sha256 is ${actual}, manifest says ${entry.sha256}`);
  }
  if (bytes.length === 0) throw new SourceError(entry.id, 'empty_file', 'file is empty (0 bytes)');
  return bytes;
}

export interface VerifyResult {
  id: string;
  ok: boolean;
  reason: string | null;
  message: string;
}

/** `figtrail sources verify`: every entry's file exists inside the folder and matches its sha256. */
export function verifySources(sourcesDir: string, opts: { maxBytes?: number } = {}): VerifyResult[] {
  const entries = readManifest(sourcesDir);
  return entries.map((e) => {
    try {
      readSourceBytes(sourcesDir, e, opts);
      return { id: e.id, ok: true, reason: null, message: 'ok' };
    } catch (err) {
      if (err instanceof SourceError) return { id: e.id, ok: false, reason: err.reason, message: err.message };
      throw err;
    }
  });
}
