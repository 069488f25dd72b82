/**
 * Sharded extraction for CI fan-out. `figtrail extract --shard i/n` extracts the sources whose position in the
 * id-sorted manifest is ≡ i-1 (mod n) and writes `shard-<i>-of-<n>.json`: a header (format, shard, extractor
 * versions, lexicon hash, hash of the whole sorted manifest), the shard's manifest entries and their
 * SourceResults; and beside it `shard-<i>-of-<n>.mentions.parquet`: the shard's mentions, only the columns the
 * reconcile reads, with the same header in its key-value metadata. `figtrail build --from-shards DIR...` reads
 * them back (readShards) after checking that the set is complete, without duplicates and consistent (one
 * manifest, one extractor, one lexicon), and that each Parquet file is its JSON shard's (same header, as many
 * mentions); the reconcile reads the Parquet files (10,000,000 mentions: 190 MB read in 8–9 s of CPU, against
 * 9.8 GB and 30 s as newline-delimited JSON, whose every row DuckDB parses whole).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ManifestEntry } from '../extract/manifest.js';
import type { SourceResult } from './extractSource.js';
import { ndjson } from './cache.js';

// 2: the shard's mentions are also in its Parquet file (a shard of format 1 has none, and is refused)
export const SHARD_FORMAT = 'figtrail-shard/2';

/** the Parquet key-value metadata key holding the shard header (JSON) */
const MENTIONS_META_KEY = 'figtrail_shard';

export class ShardError extends Error {
  override name = 'ShardError';
}

export interface ShardSpec {
  index: number;
  count: number;
}

export function parseShardSpec(s: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1) || index > count) throw new ShardError(`--shard takes i/n with 1 ≤ i ≤ n (got "${s}")`);
  return { index, count };
}

export function sortManifest(manifest: readonly ManifestEntry[]): ManifestEntry[] {
  return [...manifest].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The entries of shard i/n: position in the id-sorted manifest mod n == i-1. */
export function shardEntries(sorted: readonly ManifestEntry[], spec: ShardSpec): ManifestEntry[] {
  return sorted.filter((_, k) => k % spec.count === spec.index - 1);
}

export function manifestHash(sorted: readonly ManifestEntry[]): string {
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

export interface ShardHeader {
  format: string;
  shard: ShardSpec;
  versions: string;
  lexicon_hash: string;
  manifest_sha256: string;
  manifest_sources: number;
}

export interface ShardFile extends ShardHeader {
  entries: ManifestEntry[];
  results: SourceResult[];
}

export function shardFileName(spec: ShardSpec): string {
  return `shard-${spec.index}-of-${spec.count}.json`;
}

/** The Parquet file of a shard's mentions, beside `shardFile` (shard-i-of-n.json → shard-i-of-n.mentions.parquet). */
export function shardMentionsFile(shardFile: string): string {
  return shardFile.replace(/\.json$/, '.mentions.parquet');
}

/** The header as the Parquet file's metadata states it: the JSON header's fields, in a fixed order. */
function headerText(h: ShardHeader): string {
  return JSON.stringify({
    format: h.format, shard: { index: h.shard.index, count: h.shard.count }, versions: h.versions, lexicon_hash: h.lexicon_hash,
    manifest_sha256: h.manifest_sha256, manifest_sources: h.manifest_sources,
  });
}

/**
 * Writes a shard's mentions (newline-delimited JSON, as the extraction serialises them) to `parquetFile`: the
 * columns the reconcile reads (transform/run.ts MENTION_FIELDS, typed by the mentions contract), zstd, rows in
 * the order given, the shard header in the key-value metadata. One DuckDB thread: the file's row groups do not
 * depend on the machine, and a matrix job has its shard to itself.
 */
export async function writeShardMentions(ndjsonFile: string, parquetFile: string, header: ShardHeader): Promise<void> {
  const { duckdb } = await import('./duckdb.js');
  const { MENTION_FIELDS } = await import('../transform/run.js');
  const { duckdbColumns } = await import('../contracts/index.js');
  const instance = await duckdb().DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await instance.connect();
  try {
    // the column list is the contract's (checked identifiers); the files and the header are bound parameters
    const stmt = await con.prepare(
      `COPY (SELECT * FROM read_json($1, format = 'newline_delimited', columns = ${duckdbColumns('mentions', MENTION_FIELDS)})) ` +
        `TO $2 (FORMAT parquet, COMPRESSION zstd, KV_METADATA {${MENTIONS_META_KEY}: $3})`,
    );
    stmt.bindVarchar(1, ndjsonFile);
    stmt.bindVarchar(2, parquetFile);
    stmt.bindVarchar(3, headerText(header));
    await stmt.run();
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** A shard's Parquet file of mentions: the header in its metadata (null when it has none) and its row count. */
async function readShardMentionsMeta(file: string): Promise<{ header: string | null; rows: number }> {
  const { duckdb } = await import('./duckdb.js');
  const instance = await duckdb().DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await instance.connect();
  try {
    const meta = (await con.runAndReadAll(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(?)`, [file])).getRowObjectsJson();
    const rows = (await con.runAndReadAll(`SELECT sum(num_rows) AS n FROM parquet_file_metadata(?)`, [file])).getRowObjectsJson();
    const header = meta.find((r) => r.key === MENTIONS_META_KEY)?.value;
    return { header: typeof header === 'string' ? header : null, rows: Number(rows[0]?.n ?? NaN) };
  } catch (e) {
    throw new ShardError(`${file}: not a readable Parquet file of a shard's mentions (${(e as Error).message.split('\n')[0]})`);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** Refuses a shard's Parquet file that is not its JSON shard's: another header, or not `mentions` rows. */
export async function checkShardMentions(shardFile: string, header: ShardHeader, mentions: number): Promise<void> {
  const file = shardMentionsFile(shardFile);
  if (!existsSync(file)) throw new ShardError(`${shardFile}: its mentions file ${path.basename(file)} is missing`);
  const meta = await readShardMentionsMeta(file);
  if (meta.header !== headerText(header)) throw new ShardError(`${file}: not the mentions of ${path.basename(shardFile)} (its header ${meta.header ?? 'is missing'}; the shard's is ${headerText(header)})`);
  if (meta.rows !== mentions) throw new ShardError(`${file}: ${meta.rows} mentions, ${path.basename(shardFile)} holds ${mentions} (truncated or edited shard?)`);
}

/**
 * Writes a shard file result by result (no whole-shard string in memory), atomically (temp + rename), and its
 * mentions' Parquet file (from a temporary NDJSON of them, converted at close).
 */
export class ShardWriter {
  readonly file: string;
  private readonly tmp: string;
  private readonly mentionsTmp: string;
  private readonly parquetTmp: string;
  private fd: number;
  private mentionsFd: number;
  private n = 0;
  constructor(
    outDir: string,
    private readonly header: ShardHeader,
    entries: readonly ManifestEntry[],
  ) {
    mkdirSync(outDir, { recursive: true });
    this.file = path.join(outDir, shardFileName(header.shard));
    this.tmp = `${this.file}.tmp-${process.pid}`;
    this.mentionsTmp = `${this.file}.mentions.ndjson.tmp-${process.pid}`;
    this.parquetTmp = `${shardMentionsFile(this.file)}.tmp-${process.pid}`;
    this.fd = openSync(this.tmp, 'w');
    this.mentionsFd = openSync(this.mentionsTmp, 'w');
    const head = JSON.stringify({ ...header, entries });
    writeSync(this.fd, `${head.slice(0, -1)},"results":[\n`);
  }
  /**
   * pageTexts (PDF): the independent re-read the quote-on-page check uses, kept so the merging build need not parse again;
   * mentionsNdjson: the result's mentions as newline-delimited JSON when the caller has them so already
   */
  add(result: SourceResult, pageTexts: string[] | null = null, mentionsNdjson: string | null = null): void {
    writeSync(this.fd, `${this.n++ ? ',\n' : ''}${JSON.stringify(pageTexts ? { ...result, page_texts: pageTexts } : result)}`);
    if (result.mentions.length) writeSync(this.mentionsFd, mentionsNdjson ?? ndjson(result.mentions));
  }
  /** the JSON shard is renamed into place last: a shard file whose Parquet file is missing was not written by a finished close */
  async close(): Promise<string> {
    writeSync(this.fd, '\n]}\n');
    closeSync(this.fd);
    closeSync(this.mentionsFd);
    this.fd = this.mentionsFd = -1;
    try {
      await writeShardMentions(this.mentionsTmp, this.parquetTmp, this.header);
      renameSync(this.parquetTmp, shardMentionsFile(this.file));
      renameSync(this.tmp, this.file);
    } catch (e) {
      this.abort();
      throw e;
    } finally {
      rmSync(this.mentionsTmp, { force: true });
    }
    return this.file;
  }
  abort(): void {
    for (const fd of [this.fd, this.mentionsFd]) {
      try {
        if (fd >= 0) closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    this.fd = this.mentionsFd = -1;
    for (const f of [this.tmp, this.mentionsTmp, this.parquetTmp]) rmSync(f, { force: true });
  }
}

/** Shard files named in `paths` (files, or folders holding shard-*-of-*.json). */
export function findShardFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new ShardError(`no such shard file or folder: ${p}`);
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (/^shard-\d+-of-\d+\.json$/.test(f)) files.push(path.join(p, f));
    } else files.push(p);
  }
  if (!files.length) throw new ShardError(`no shard files (shard-<i>-of-<n>.json) in ${paths.join(', ')}`);
  return [...new Set(files.map((f) => path.resolve(f)))];
}

function readShardFile(file: string): ShardFile {
  let s: ShardFile;
  try {
    s = JSON.parse(readFileSync(file, 'utf8')) as ShardFile;
  } catch (e) {
    throw new ShardError(`${file}: not a readable shard file (${(e as Error).message.split('\n')[0]})`);
  }
  if (s?.format !== SHARD_FORMAT) throw new ShardError(`${file}: not a figtrail shard (format ${JSON.stringify(s?.format)}, expected ${SHARD_FORMAT})`);
  if (!Array.isArray(s.entries) || !Array.isArray(s.results) || s.entries.length !== s.results.length || s.entries.some((e, k) => e.id !== s.results[k]?.id)) {
    throw new ShardError(`${file}: entries and results do not match (truncated or edited shard?)`);
  }
  return s;
}

export interface ShardSet {
  header: Omit<ShardHeader, 'shard'>;
  /** the whole id-sorted manifest the shards were made from */
  manifest: ManifestEntry[];
  files: string[];
  /** the shards' mentions (Parquet, one per shard, in shard order): the reconcile's input, checked by forEach */
  mentionFiles: string[];
  /** reads the shards one at a time (only one in memory), handing out (entry, result, position in manifest) */
  forEach(fn: (entry: ManifestEntry, result: SourceResult, index: number, pageTexts: string[] | null) => void | Promise<void>): Promise<void>;
}

/** Reads the headers of all shards and refuses a set that is incomplete, has duplicates or does not agree. */
export function readShards(paths: readonly string[]): ShardSet {
  const files = findShardFiles(paths);
  // keep headers and entries only: results are read again, one shard at a time, by forEach
  const shards = files.map((f) => ({ file: f, s: { ...readShardFile(f), results: [] as SourceResult[] } }));
  const first = shards[0]!;
  for (const { file, s } of shards) {
    for (const k of ['versions', 'lexicon_hash', 'manifest_sha256', 'manifest_sources'] as const) {
      if (s[k] !== first.s[k]) throw new ShardError(`inconsistent shards: ${path.basename(file)} has ${k} ${JSON.stringify(s[k])}, ${path.basename(first.file)} has ${JSON.stringify(first.s[k])}`);
    }
    if (s.shard?.count !== first.s.shard?.count) throw new ShardError(`inconsistent shards: ${path.basename(file)} is one of ${s.shard?.count}, ${path.basename(first.file)} one of ${first.s.shard?.count}`);
  }
  const count = first.s.shard.count;
  const byIndex = new Map<number, string>();
  for (const { file, s } of shards) {
    const seen = byIndex.get(s.shard.index);
    if (seen) throw new ShardError(`duplicate shard ${s.shard.index}/${count}: ${seen} and ${file}`);
    byIndex.set(s.shard.index, file);
  }
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(`${i}/${count}`);
  if (missing.length) throw new ShardError(`missing shard(s) ${missing.join(', ')} (have ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`).join(', ')})`);

  const manifest = sortManifest(shards.flatMap(({ s }) => s.entries));
  const ids = new Set<string>();
  for (const e of manifest) {
    if (ids.has(e.id)) throw new ShardError(`source ${e.id} is in more than one shard`);
    ids.add(e.id);
  }
  if (manifest.length !== first.s.manifest_sources || manifestHash(manifest) !== first.s.manifest_sha256) {
    throw new ShardError(`inconsistent shards: together they hold ${manifest.length} of ${first.s.manifest_sources} sources, or entries that differ from the manifest they were made from`);
  }
  for (const { file, s } of shards) {
    const expected = shardEntries(manifest, s.shard).map((e) => e.id);
    if (JSON.stringify(expected) !== JSON.stringify(s.entries.map((e) => e.id))) throw new ShardError(`${file}: does not hold the sources of shard ${s.shard.index}/${count}`);
  }
  const order = new Map(manifest.map((e, k) => [e.id, k]));
  const orderedFiles = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
  const { versions, lexicon_hash, manifest_sha256, manifest_sources } = first.s;
  return {
    header: { format: SHARD_FORMAT, versions, lexicon_hash, manifest_sha256, manifest_sources },
    manifest,
    files: orderedFiles,
    mentionFiles: orderedFiles.map(shardMentionsFile),
    async forEach(fn) {
      for (const f of orderedFiles) {
        const s = readShardFile(f);
        // the reconcile reads the mentions from the Parquet file: it must be this shard's, whole
        await checkShardMentions(f, s, s.results.reduce((n, r) => n + (Array.isArray(r.mentions) ? r.mentions.length : 0), 0));
        for (let k = 0; k < s.entries.length; k++) {
          const { page_texts, ...result } = s.results[k] as SourceResult & { page_texts?: unknown };
          const pageTexts = Array.isArray(page_texts) && page_texts.every((x) => typeof x === 'string') ? (page_texts as string[]) : null;
          await fn(s.entries[k]!, result, order.get(s.entries[k]!.id)!, pageTexts);
        }
      }
    },
  };
}
