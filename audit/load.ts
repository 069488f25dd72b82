import { existsSync, readFileSync } from 'node:fs';
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

export interface Build {
  dir: string;
  sources: SourceRow[];
  mentions: Mention[];
  facts: Fact[];
  series: SeriesRow[];
  checks: CheckRow[];
  sourceById: Map<string, SourceRow>;
  mentionById: Map<string, Mention>;
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
  const mentions = readJson<Mention[]>(path.join(dir, 'mentions.json'), undefined);
  const facts = readJson<Fact[]>(path.join(dir, 'facts.json'), undefined);
  const series = readJson<SeriesRow[]>(path.join(dir, 'series.json'), []);
  const checks = readJson<Record<string, unknown>[]>(path.join(dir, 'checks.json'), []).map(normaliseCheck);
  for (const [name, rows] of [['sources', sources], ['mentions', mentions], ['facts', facts]] as const) {
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
    mentionById: new Map(mentions.map((m) => [m.mention_id, m])),
    factById: new Map(facts.map((f) => [f.fact_id, f])),
    factsOfMention,
  };
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
