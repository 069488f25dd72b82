import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { PLACE_KEYS, type Fact, type Mention, type SeriesRow, type SourceRow } from '../contracts/index.js';
import type { Place } from '../checks/types.js';

export type { Fact, SeriesRow } from '../contracts/index.js';

/** Where a finding points: the checks' own Place. */
export type CheckPlace = Place;

/** A row of checks.json, with `place` always nested (flattened `place_*` columns are folded back); read
 *  leniently (severity and status as written), so folders of older versions still load. */
export interface CheckRow {
  rule_id: string;
  severity: string;
  status: string;
  message: string;
  place: CheckPlace;
  actual: string | null;
  expected: string | null;
}

export interface LayoutPage {
  page: number;
  width: number;
  height: number;
  char_start: number;
  char_end: number;
}
export interface LayoutItem {
  page: number;
  char_start: number;
  char_end: number;
  bbox: [number, number, number, number];
  /** per code point edge offsets from bbox[0] (one more than the item's code points); see pipeline/extractSource.ts */
  x?: number[];
}
export interface Layout {
  pages: LayoutPage[];
  items: LayoutItem[];
}

/**
 * The mentions table of a build folder. A build's mentions.json holds one row per line: its rows are indexed
 * (id, source, where the line is) and read from the file when asked for, so the audit site of a large corpus
 * never holds every mention at once (100,000 mentions: ~280 MB as objects, ~10 MB as an index).
 */
export interface MentionTable extends Iterable<Mention> {
  readonly length: number;
  get(mentionId: string): Mention | undefined;
  /** several mentions at once (undefined for an unknown id), in the order of the ids: one read of the file for all */
  getMany(mentionIds: readonly string[]): (Mention | undefined)[];
  has(mentionId: string): boolean;
  /** a source's mentions, in the order of the file */
  ofSource(sourceId: string): Mention[];
  /** how many mentions a source has */
  countOf(sourceId: string): number;
}

export interface Build {
  dir: string;
  sources: SourceRow[];
  mentions: MentionTable;
  facts: Fact[];
  series: SeriesRow[];
  checks: CheckRow[];
  sourceById: Map<string, SourceRow>;
  mentionById: Pick<MentionTable, 'get' | 'getMany' | 'has'>;
  factById: Map<string, Fact>;
  /** fact ids by mention id */
  factsOfMention: Map<string, string[]>;
}

function readJson<T>(file: string, fallback: T | undefined): T {
  if (!existsSync(file)) {
    if (fallback !== undefined) return fallback;
    throw new Error(`missing ${file}`);
  }
  const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (fallback !== undefined && Array.isArray(fallback) && !Array.isArray(v)) throw new Error(`${file}: expected a JSON array`);
  return v as T;
}


/** Accepts a check row with a nested `place` or with flattened `place_*` columns. */
export function normaliseCheck(raw: Record<string, unknown>): CheckRow {
  const nested = (raw.place && typeof raw.place === 'object' ? raw.place : {}) as Record<string, unknown>;
  const place = {} as Record<string, unknown>;
  for (const k of PLACE_KEYS) {
    const v = nested[k] ?? raw[`place_${k}`] ?? null;
    place[k] = v === undefined ? null : v;
  }
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    rule_id: String(raw.rule_id ?? ''),
    severity: String(raw.severity ?? ''),
    status: String(raw.status ?? ''),
    message: String(raw.message ?? ''),
    place: place as unknown as CheckPlace,
    actual: str(raw.actual),
    expected: str(raw.expected),
  };
}

/** Reads a build folder (`out/build/` or `out/vX.Y.Z/`). sources, mentions and facts are required. */
export function loadBuild(buildDir: string): Build {
  const dir = path.resolve(buildDir);
  const sources = readJson<SourceRow[]>(path.join(dir, 'sources.json'), undefined);
  const mentions = readMentions(path.join(dir, 'mentions.json'));
  const facts = readJson<Fact[]>(path.join(dir, 'facts.json'), undefined);
  const series = readJson<SeriesRow[]>(path.join(dir, 'series.json'), []);
  const checks = readJson<Record<string, unknown>[]>(path.join(dir, 'checks.json'), []).map(normaliseCheck);
  for (const [name, rows] of [['sources', sources], ['facts', facts]] as const) {
    if (!Array.isArray(rows)) throw new Error(`${path.join(dir, name)}.json: expected a JSON array`);
  }
  const factsOfMention = new Map<string, string[]>();
  for (const f of facts) {
    for (const m of f.mention_ids ?? []) {
      const l = factsOfMention.get(m) ?? [];
      l.push(f.fact_id);
      factsOfMention.set(m, l);
    }
  }
  return {
    dir,
    sources,
    mentions,
    facts,
    series,
    checks,
    sourceById: new Map(sources.map((s) => [s.source_id, s])),
    mentionById: mentions,
    factById: new Map(facts.map((f) => [f.fact_id, f])),
    factsOfMention,
  };
}

/** A mentions table held in memory (a mentions.json not written one row per line). */
class MentionArray implements MentionTable {
  private readonly byId: Map<string, Mention>;
  private readonly bySource = new Map<string, Mention[]>();
  constructor(private readonly rows: Mention[]) {
    this.byId = new Map(rows.map((m) => [m.mention_id, m]));
    for (const m of rows) {
      const l = this.bySource.get(m.source_id);
      if (l) l.push(m);
      else this.bySource.set(m.source_id, [m]);
    }
  }
  get length(): number {
    return this.rows.length;
  }
  get(id: string): Mention | undefined {
    return this.byId.get(id);
  }
  getMany(ids: readonly string[]): (Mention | undefined)[] {
    return ids.map((id) => this.byId.get(id));
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  ofSource(sourceId: string): Mention[] {
    return [...(this.bySource.get(sourceId) ?? [])];
  }
  countOf(sourceId: string): number {
    return this.bySource.get(sourceId)?.length ?? 0;
  }
  [Symbol.iterator](): Iterator<Mention> {
    return this.rows[Symbol.iterator]();
  }
}

/** A published mentions.json (`[`, one row per line with a comma after all but the last, `]`), indexed. */
class MentionLines implements MentionTable {
  private readonly byId = new Map<string, number>();
  private readonly bySource = new Map<string, number[]>();
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  constructor(
    private readonly file: string,
    lines: Iterable<{ start: number; end: number; text: string }>,
  ) {
    for (const l of lines) {
      const m = JSON.parse(l.text) as Mention;
      const i = this.starts.length;
      this.starts.push(l.start);
      this.ends.push(l.end);
      if (!this.byId.has(m.mention_id)) this.byId.set(m.mention_id, i);
      const s = this.bySource.get(m.source_id);
      if (s) s.push(i);
      else this.bySource.set(m.source_id, [i]);
    }
  }
  get length(): number {
    return this.starts.length;
  }
  /** rows i (ascending), read in as few reads as the file allows */
  private read(rows: readonly number[]): Mention[] {
    const out: Mention[] = [];
    if (rows.length === 0) return out;
    const fd = openSync(this.file, 'r');
    try {
      for (let k = 0; k < rows.length; ) {
        // a run of rows that lie one after another in the file is read at once
        let j = k;
        while (j + 1 < rows.length && rows[j + 1] === rows[j]! + 1 && j - k < 4096) j++;
        const from = this.starts[rows[k]!]!;
        const buf = Buffer.alloc(this.ends[rows[j]!]! - from);
        readSync(fd, buf, 0, buf.length, from);
        for (let q = k; q <= j; q++) out.push(JSON.parse(buf.toString('utf8', this.starts[rows[q]!]! - from, this.ends[rows[q]!]! - from)) as Mention);
        k = j + 1;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }
  get(id: string): Mention | undefined {
    return this.getMany([id])[0];
  }
  getMany(ids: readonly string[]): (Mention | undefined)[] {
    const rows = [...new Set(ids.map((id) => this.byId.get(id)).filter((i) => i !== undefined))].sort((a, b) => a - b);
    const read = this.read(rows);
    const byRow = new Map(rows.map((r, k) => [r, read[k]!]));
    return ids.map((id) => {
      const i = this.byId.get(id);
      return i === undefined ? undefined : byRow.get(i);
    });
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  ofSource(sourceId: string): Mention[] {
    return this.read(this.bySource.get(sourceId) ?? []);
  }
  countOf(sourceId: string): number {
    return this.bySource.get(sourceId)?.length ?? 0;
  }
  *[Symbol.iterator](): Iterator<Mention> {
    for (const l of mentionLines(this.file)) yield JSON.parse(l.text) as Mention;
  }
}

/**
 * The row lines of a published table file with their byte spans (without the comma), read in 1 MiB chunks: the
 * spans are the bytes' own positions in the file (not measured again from the decoded text).
 */
function* mentionLines(file: string): Generator<{ start: number; end: number; text: string }> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let carryStart = 0; // the file position of carry's first byte
    const line = function* (bytes: Buffer, start: number) {
      let end = bytes.length;
      if (end > 0 && bytes[end - 1] === 0x2c) end--; // the comma after all but the last row
      const text = bytes.toString('utf8', 0, end);
      if (text === '' || text === '[' || text === ']' || text === '[]') return;
      yield { start, end: start + end, text };
    };
    for (let pos = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let from = 0;
      for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < n; nl = buf.indexOf(10, from)) {
        const piece = buf.subarray(from, nl);
        if (carry.length) yield* line(Buffer.concat([carry, piece]), carryStart);
        else yield* line(piece, pos + from);
        carry = Buffer.alloc(0);
        from = nl + 1;
      }
      if (from < n) {
        if (!carry.length) carryStart = pos + from;
        carry = Buffer.concat([carry, buf.subarray(from, n)]);
      }
      pos += n;
    }
    if (carry.length) yield* line(carry, carryStart);
  } finally {
    closeSync(fd);
  }
}

/** Whether a table file is written one row per line (as publish writes it): `[` alone on its first line, or `[]`. */
function oneRowPerLine(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(3);
    const n = readSync(fd, head, 0, 3, 0);
    const h = head.subarray(0, n).toString('latin1');
    return h.startsWith('[\n') || h.startsWith('[]');
  } finally {
    closeSync(fd);
  }
}

function readMentions(file: string): MentionTable {
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  if (oneRowPerLine(file)) {
    try {
      return new MentionLines(file, mentionLines(file));
    } catch {
      // not one row per line after all (a hand-edited file): read whole below
    }
  }
  const rows = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(rows)) throw new Error(`${file}: expected a JSON array`);
  return new MentionArray(rows as Mention[]);
}

/** The text layer of a source, or null when the build has none. */
export function readText(build: Build, sourceId: string): string | null {
  const file = path.join(build.dir, 'text', `${sourceId}.txt`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function readLayout(build: Build, sourceId: string): Layout | null {
  const file = path.join(build.dir, 'layout', `${sourceId}.json`);
  if (!existsSync(file)) return null;
  const l = JSON.parse(readFileSync(file, 'utf8')) as Partial<Layout>;
  return { pages: l.pages ?? [], items: l.items ?? [] };
}

/** Code-point indexable view of a text (published offsets are code points, never UTF-16). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** A stable sort key for facts: metric, subject, period, fact id. */
export function compareFacts(a: Fact, b: Fact): number {
  const ka = [a.metric, a.subject, a.period ?? '', a.fact_id];
  const kb = [b.metric, b.subject, b.period ?? '', b.fact_id];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!, y = kb[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Byte-wise string order (locale independent). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The one number format (short value, exact value on hover) lives in numberFormat.ts; re-exported for the CLI. */
export { exactValue, formatInterval, formatValue } from './numberFormat.js';
