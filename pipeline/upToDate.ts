import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../extract/manifest.js';
import { verifySha256Sums } from './publish.js';

/**
 * "Nothing changed since the last build into this folder": a record per output folder, keyed by everything
 * the build reads (source bytes, manifest, dataset files, code, options, environment), kept in the cache
 * folder. A build whose key matches and whose output still verifies against its SHA256SUMS is skipped.
 */

/**
 * Fingerprint of the code and dependency versions the build runs: every .ts/.js/.sql/.yaml file of the
 * engine's stages and dist/, plus package-lock.json. Any edit changes it (and invalidates the record).
 */
export function codeFingerprint(root: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    const full = path.join(root, rel);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const f of readdirSync(full).sort()) if (f !== 'node_modules' && f !== 'fixtures') walk(path.join(rel, f));
    } else if (/\.(ts|js|mjs|sql|ya?ml|json)$/.test(rel)) {
      h.update(`${rel}\0`).update(readFileSync(full)).update('\0');
    }
  };
  for (const d of ['cli.ts', 'package-lock.json', 'extract', 'transform', 'checks', 'pipeline', 'audit', 'dist']) walk(d);
  return h.digest('hex');
}

export interface UpToDateRecord<R> {
  format: 'figtrail-build-record/1';
  key: string;
  sums_sha256: string;
  result: R;
}

function recordFile(cacheDir: string, outDir: string): string {
  return path.join(cacheDir, 'builds', `${createHash('sha256').update(outDir).digest('hex').slice(0, 32)}.json`);
}

/** Whether a build into outDir left a record (it may be up to date): only then is the up-to-date check worth waiting for. */
export function hasBuildRecord(cacheDir: string, outDir: string): boolean {
  return existsSync(recordFile(cacheDir, outDir));
}

export function upToDateKey(material: unknown): string {
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** The last build's result when its key matches and outDir still verifies; null otherwise. */
export function readUpToDate<R>(cacheDir: string, outDir: string, key: string): R | null {
  try {
    const rec = JSON.parse(readFileSync(recordFile(cacheDir, outDir), 'utf8')) as UpToDateRecord<R>;
    const sums = path.join(outDir, 'SHA256SUMS');
    if (rec.format === 'figtrail-build-record/1' && rec.key === key && existsSync(sums) && sha256Hex(readFileSync(sums)) === rec.sums_sha256 && verifySha256Sums(outDir).length === 0) return rec.result;
  } catch {
    /* no record, or unreadable: build */
  }
  return null;
}

export function writeUpToDate<R>(cacheDir: string, outDir: string, key: string, result: R): void {
  const file = recordFile(cacheDir, outDir);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const rec: UpToDateRecord<R> = { format: 'figtrail-build-record/1', key, sums_sha256: sha256Hex(readFileSync(path.join(outDir, 'SHA256SUMS'))), result };
    writeFileSync(tmp, JSON.stringify(rec));
    renameSync(tmp, file);
  } catch {
    // no record: the next build simply runs in full (an unusable cache folder was reported by extraction)
    if (existsSync(path.dirname(tmp))) rmSync(tmp, { force: true });
  }
}
