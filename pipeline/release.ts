import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isPageAsset, PAGE_IMAGES_SUMS, pageImageSums } from './pageImages.js';
import { listFiles, publishedFiles, publishTables, verifySha256Sums, type PublishMeta } from './publish.js';
import { columnsOf, DATA_TABLES, primaryKeyOf, TABLE_NAMES, type TableName } from '../contracts/index.js';
import { withReleaseLock } from './releaseLock.js';

/**
 * Releases: a build (out/build) becomes an immutable, versioned folder out/vX.Y.Z with a data
 * changelog, and out/versions.json indexes every version.
 *
 * Version numbers: with no released version, `major` → 1.0.0, `minor` → 0.1.0, `patch` → 0.0.1
 * (i.e. the bump is applied to 0.0.0); afterwards the usual semver bump of the latest version.
 */

export type Bump = 'patch' | 'minor' | 'major';

export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

export interface VersionEntry {
  version: string;
  /** YYYY-MM-DD from SOURCE_DATE_EPOCH at release time, or null */
  date: string | null;
  facts: number;
  mentions: number;
  /** sha256 of the version's SHA256SUMS file */
  sha256sums: string;
}

function parseVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new ReleaseError(`not a version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return 0;
}

export function nextVersion(latest: string | null, bump: Bump): string {
  const [ma, mi, pa] = latest ? parseVersion(latest) : [0, 0, 0];
  if (bump === 'major') return `${ma + 1}.0.0`;
  if (bump === 'minor') return `${ma}.${mi + 1}.0`;
  if (bump === 'patch') return `${ma}.${mi}.${pa + 1}`;
  throw new ReleaseError(`bump must be patch, minor or major, got ${String(bump)}`);
}

function readVersionsFile(outDir: string): VersionEntry[] {
  const file = path.join(outDir, 'versions.json');
  if (!existsSync(file)) return [];
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(json)) throw new ReleaseError(`${file} must be a JSON array`);
  return json as VersionEntry[];
}

/** The latest released version ("1.2.3", no "v") according to out/versions.json; null if none. */
export function latestVersion(outDir: string): string | null {
  const sorted = readVersionsFile(outDir)
    .map((e) => e.version)
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .sort(compareVersions);
  return sorted.at(-1) ?? null;
}

// ---------------------------------------------------------------------------------------------
// table comparison

type Row = Record<string, unknown>;

function readTable(dir: string, name: TableName): Row[] {
  const file = path.join(dir, `${name}.json`);
  if (!existsSync(file)) throw new ReleaseError(`${file} is missing`);
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(json)) throw new ReleaseError(`${file} must be a JSON array`);
  return json as Row[];
}

/** Row content in column order (a column missing from the row shows as such). */
function canonical(name: TableName, row: Row): string {
  return JSON.stringify(columnsOf(name).map((c) => (c.name in row ? row[c.name] : { missing: true })));
}

function keyed(name: TableName, rows: Row[]): Map<string, Row> {
  const pk = primaryKeyOf(name);
  const out = new Map<string, Row>();
  const seen = new Map<string, number>();
  for (const r of rows) {
    const base = pk.length ? JSON.stringify(pk.map((k) => r[k])) : canonical(name, r);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.set(n ? `${base}#${n}` : base, r);
  }
  return out;
}

function keyLabel(k: string): string {
  try {
    const v: unknown = JSON.parse(k.replace(/#\d+$/, ''));
    return Array.isArray(v) ? v.map(String).join('/') : k;
  } catch {
    return k;
  }
}

interface TableDiff {
  added: string[];
  removed: string[];
  changed: { key: string; columns: string[] }[];
}

function diffTable(name: TableName, before: Row[], after: Row[]): TableDiff {
  const a = keyed(name, before);
  const b = keyed(name, after);
  const cols = columnsOf(name).map((c) => c.name);
  const diff: TableDiff = { added: [], removed: [], changed: [] };
  for (const [k, r] of b) {
    const old = a.get(k);
    if (!old) diff.added.push(k);
    else if (canonical(name, old) !== canonical(name, r)) {
      diff.changed.push({ key: k, columns: cols.filter((c) => JSON.stringify(old[c]) !== JSON.stringify(r[c])) });
    }
  }
  for (const k of a.keys()) if (!b.has(k)) diff.removed.push(k);
  return diff;
}

/**
 * Compares the data tables (facts, mentions, series, sources — JSON row contents, not file bytes) of a
 * build with a released version.
 */
export async function compareBuildToVersion(buildDir: string, versionDir: string): Promise<{ same: boolean; differences: string[] }> {
  const differences: string[] = [];
  const MAX_EXAMPLES = 5;
  for (const name of DATA_TABLES) {
    let before: Row[];
    let after: Row[];
    try {
      after = readTable(buildDir, name);
      before = readTable(versionDir, name);
    } catch (e) {
      differences.push(`${name}: ${(e as Error).message}`);
      continue;
    }
    const d = diffTable(name, before, after);
    if (!d.added.length && !d.removed.length && !d.changed.length) continue;
    differences.push(`${name}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
    for (const k of d.added.slice(0, MAX_EXAMPLES)) differences.push(`${name}: added ${keyLabel(k)}`);
    for (const k of d.removed.slice(0, MAX_EXAMPLES)) differences.push(`${name}: removed ${keyLabel(k)}`);
    for (const c of d.changed.slice(0, MAX_EXAMPLES)) differences.push(`${name}: changed ${keyLabel(c.key)} (${c.columns.join(', ')})`);
  }
  return { same: differences.length === 0, differences };
}

/**
 * What to run when the data changed without a release, as exact commands: a new source or new facts call for
 * a minor version, anything else for a patch. Release refuses a dirty tree, so the change is committed first.
 */
export function releaseInstructions(differences: readonly string[]): string {
  const added = (table: string) => differences.some((d) => new RegExp(`^${table}: [1-9]\\d* added`).test(d));
  const bump = added('sources') || added('facts') ? 'minor' : 'patch';
  return (
    `commit the change (git add -A && git commit), then run: npm run build && npm run release -- --bump ${bump} ` +
    `&& git add out/ && git commit -m "Data v…: …" (a ${bump} version: ${bump === 'minor' ? 'new sources or facts' : 'revised data'})`
  );
}

// ---------------------------------------------------------------------------------------------
// changelog

export interface MentionRef {
  mention_id: string;
  source_id: string | null;
  page: number | null;
  quote: string | null;
}

export interface FactChange {
  fact_id: string;
  metric: unknown;
  subject: unknown;
  period: unknown;
  unit: unknown;
  /** changed facts: which of value, unit, status, lo, hi, lo_exclusive, hi_exclusive differ */
  fields?: string[];
  before?: Row;
  after?: Row;
  mentions: MentionRef[];
}

/** A mention kept under its id whose reading changed (its id hashes the figure and its place, not the reading) */
export interface ReadingChange extends MentionRef {
  /** which of READING_FIELDS differ, each with its value before and after */
  fields: { field: string; before: unknown; after: unknown }[];
}

/** A definitions table (metrics, subjects) compared by primary key */
export interface DefinitionChange {
  table: 'metrics' | 'subjects';
  columns_added: string[];
  columns_removed: string[];
  added: string[];
  removed: string[];
  changed: { id: string; columns: string[] }[];
}

export interface Changes {
  version: string;
  previous: string | null;
  summary: {
    facts_added: number;
    facts_changed: number;
    facts_removed: number;
    /** facts whose value, status and interval are the same but whose evidence (mentions, rule …) changed */
    facts_revised: number;
    mentions_added: number;
    mentions_removed: number;
    /** mentions kept under their id whose reading (metric, subject, period, value …) changed */
    mentions_changed: number;
    sources_added: number;
    sources_removed: number;
  };
  added: FactChange[];
  changed: FactChange[];
  removed: FactChange[];
  readings: ReadingChange[];
  definitions: DefinitionChange[];
}

const FACT_VALUE_FIELDS = ['value', 'unit', 'status', 'lo', 'hi', 'lo_exclusive', 'hi_exclusive'] as const;
/** what a mention says: a change here is a changed reading an auditor must see, even when no fact moves */
const READING_FIELDS = ['value', 'unit', 'bound', 'lo', 'hi', 'lo_exclusive', 'hi_exclusive', 'metric', 'subject', 'period', 'period_basis', 'is_target'] as const;

function readingChanges(oldMentions: Map<string, Row>, newMentions: Map<string, Row>): ReadingChange[] {
  const out: ReadingChange[] = [];
  for (const [id, m] of newMentions) {
    const old = oldMentions.get(id);
    if (!old) continue;
    const fields = READING_FIELDS.filter((k) => JSON.stringify(old[k] ?? null) !== JSON.stringify(m[k] ?? null)).map((k) => ({ field: k, before: old[k] ?? null, after: m[k] ?? null }));
    if (!fields.length) continue;
    out.push({
      mention_id: id,
      source_id: typeof m.source_id === 'string' ? m.source_id : null,
      page: typeof m.page === 'number' ? m.page : null,
      quote: typeof m.quote === 'string' ? m.quote : null,
      fields,
    });
  }
  return out.sort((a, b) => (a.mention_id < b.mention_id ? -1 : a.mention_id > b.mention_id ? 1 : 0));
}

function definitionChange(table: 'metrics' | 'subjects', before: Row[], after: Row[]): DefinitionChange | null {
  const pk = primaryKeyOf(table);
  const id = (r: Row) => pk.map((k) => String(r[k])).join('/');
  const a = new Map(before.map((r) => [id(r), r]));
  const b = new Map(after.map((r) => [id(r), r]));
  const colsOf = (rows: Row[]) => new Set(rows.flatMap((r) => Object.keys(r)));
  const ca = colsOf(before);
  const cb = colsOf(after);
  const d: DefinitionChange = {
    table,
    // a first release of the table has no columns before it: only its rows are new
    columns_added: before.length ? [...cb].filter((c) => !ca.has(c)).sort() : [],
    columns_removed: [...ca].filter((c) => !cb.has(c)).sort(),
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [],
  };
  for (const [k, r] of b) {
    const old = a.get(k);
    if (!old) continue;
    const columns = [...new Set([...Object.keys(old), ...Object.keys(r)])].filter((c) => ca.has(c) && cb.has(c) && JSON.stringify(old[c] ?? null) !== JSON.stringify(r[c] ?? null)).sort();
    if (columns.length) d.changed.push({ id: k, columns });
  }
  d.changed.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return d.columns_added.length || d.columns_removed.length || d.added.length || d.removed.length || d.changed.length ? d : null;
}

function pick(r: Row, keys: readonly string[]): Row {
  const o: Row = {};
  for (const k of keys) o[k] = r[k] ?? null;
  return o;
}

function mentionRefs(fact: Row, mentions: Map<string, Row>): MentionRef[] {
  const ids = Array.isArray(fact.mention_ids) ? (fact.mention_ids as unknown[]).map(String) : [];
  return [...ids].sort().map((id) => {
    const m = mentions.get(id);
    return {
      mention_id: id,
      source_id: typeof m?.source_id === 'string' ? m.source_id : null,
      page: typeof m?.page === 'number' ? m.page : null,
      quote: typeof m?.quote === 'string' ? m.quote : null,
    };
  });
}

function byId(rows: Row[], key: string): Map<string, Row> {
  return new Map(rows.map((r) => [String(r[key]), r]));
}

export function computeChanges(
  version: string,
  previous: string | null,
  before: { facts: Row[]; mentions: Row[]; sources: Row[]; metrics?: Row[]; subjects?: Row[] },
  after: { facts: Row[]; mentions: Row[]; sources: Row[]; metrics?: Row[]; subjects?: Row[] },
): Changes {
  const oldFacts = byId(before.facts, 'fact_id');
  const newFacts = byId(after.facts, 'fact_id');
  const oldMentions = byId(before.mentions, 'mention_id');
  const newMentions = byId(after.mentions, 'mention_id');
  const head = (f: Row) => ({ fact_id: String(f.fact_id), metric: f.metric ?? null, subject: f.subject ?? null, period: f.period ?? null, unit: f.unit ?? null });
  const order = (a: FactChange, b: FactChange) => (a.fact_id < b.fact_id ? -1 : a.fact_id > b.fact_id ? 1 : 0);
  const added: FactChange[] = [];
  const changed: FactChange[] = [];
  const removed: FactChange[] = [];
  let revised = 0;
  for (const [id, f] of newFacts) {
    const old = oldFacts.get(id);
    if (!old) {
      added.push({ ...head(f), after: pick(f, FACT_VALUE_FIELDS), mentions: mentionRefs(f, newMentions) });
      continue;
    }
    const fields = FACT_VALUE_FIELDS.filter((k) => JSON.stringify(old[k] ?? null) !== JSON.stringify(f[k] ?? null));
    if (fields.length) {
      changed.push({ ...head(f), fields, before: pick(old, FACT_VALUE_FIELDS), after: pick(f, FACT_VALUE_FIELDS), mentions: mentionRefs(f, newMentions) });
    } else if (canonical('facts', old) !== canonical('facts', f)) revised++;
  }
  for (const [id, f] of oldFacts) {
    if (!newFacts.has(id)) removed.push({ ...head(f), before: pick(f, FACT_VALUE_FIELDS), mentions: mentionRefs(f, oldMentions) });
  }
  const count = (a: Map<string, Row>, b: Map<string, Row>) => [...b.keys()].filter((k) => !a.has(k)).length;
  const oldSources = byId(before.sources, 'source_id');
  const newSources = byId(after.sources, 'source_id');
  const readings = readingChanges(oldMentions, newMentions);
  const definitions = (['metrics', 'subjects'] as const).flatMap((t) => {
    const d = definitionChange(t, before[t] ?? [], after[t] ?? []);
    return d ? [d] : [];
  });
  return {
    version,
    previous,
    summary: {
      facts_added: added.length,
      facts_changed: changed.length,
      facts_removed: removed.length,
      facts_revised: revised,
      mentions_added: count(oldMentions, newMentions),
      mentions_removed: count(newMentions, oldMentions),
      mentions_changed: readings.length,
      sources_added: count(oldSources, newSources),
      sources_removed: count(newSources, oldSources),
    },
    added: added.sort(order),
    changed: changed.sort(order),
    removed: removed.sort(order),
    readings,
    definitions,
  };
}

function fmtNum(v: unknown): string {
  return v === null || v === undefined ? '–' : String(v);
}

function fmtInterval(r: Row | undefined): string {
  if (!r) return '–';
  const lo = r.lo === null || r.lo === undefined ? '-∞' : String(r.lo);
  const hi = r.hi === null || r.hi === undefined ? '∞' : String(r.hi);
  return `${r.lo_exclusive ? '(' : '['}${lo}, ${hi}${r.hi_exclusive ? ')' : ']'}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function factTitle(c: FactChange): string {
  return `**${oneLine(String(c.metric ?? '?'))}** · ${oneLine(String(c.subject ?? '?'))} · ${c.period === null ? 'no period' : oneLine(String(c.period))} (\`${c.fact_id}\`)`;
}

function mentionLines(c: FactChange): string[] {
  return c.mentions.map((m) => {
    const where = `${m.source_id ?? '?'}${m.page !== null ? ` p. ${m.page}` : ''}`;
    return `  - \`${m.mention_id}\` ${where}: ${m.quote === null ? '(mention not found)' : `“${oneLine(m.quote)}”`}`;
  });
}

export function changelogMarkdown(ch: Changes): string {
  const s = ch.summary;
  const out: string[] = [`# figtrail data v${ch.version}`, ''];
  out.push(
    ch.previous === null
      ? `First release: ${s.facts_added} facts from ${s.sources_added} sources (${s.mentions_added} mentions).`
      : `Compared with v${ch.previous}: ${s.facts_added} facts added, ${s.facts_changed} changed, ${s.facts_removed} removed, ` +
          `${s.facts_revised} with revised evidence only; mentions +${s.mentions_added} −${s.mentions_removed}, ${s.mentions_changed} read differently; sources +${s.sources_added} −${s.sources_removed}.`,
  );
  out.push('');
  const section = (title: string, list: FactChange[], body: (c: FactChange) => string) => {
    out.push(`## ${title} (${list.length})`, '');
    if (!list.length) out.push('None.', '');
    for (const c of list) out.push(`- ${factTitle(c)}: ${body(c)}`, ...mentionLines(c));
    if (list.length) out.push('');
  };
  const state = (r: Row | undefined) => (r ? `${fmtNum(r.value)} ${String(r.unit ?? '')} ${fmtInterval(r)} [${String(r.status ?? '')}]` : '–');
  section('Added', ch.added, (c) => state(c.after));
  section('Changed', ch.changed, (c) =>
    (c.fields ?? [])
      .map((f) => `${f} ${fmtNum(c.before?.[f])} → ${fmtNum(c.after?.[f])}`)
      .join('; '),
  );
  section('Removed', ch.removed, (c) => `was ${state(c.before)}`);
  if (ch.previous !== null) {
    out.push(`## Readings changed (${ch.readings.length})`, '');
    if (!ch.readings.length) out.push('None.', '');
    for (const r of ch.readings) {
      const where = `${r.source_id ?? '?'}${r.page !== null ? ` p. ${r.page}` : ''}`;
      const what = r.fields.map((f) => `${f.field} ${fmtNum(f.before)} → ${fmtNum(f.after)}`).join('; ');
      out.push(`- \`${r.mention_id}\` ${where}: ${r.quote === null ? '' : `“${oneLine(r.quote)}”: `}${what}`);
    }
    if (ch.readings.length) out.push('');
    out.push(`## Definitions changed (${ch.definitions.length})`, "");
    if (!ch.definitions.length) out.push('None.', '');
    for (const d of ch.definitions) {
      const parts = [
        d.columns_added.length ? `columns added: ${d.columns_added.join(', ')}` : '',
        d.columns_removed.length ? `columns removed: ${d.columns_removed.join(', ')}` : '',
        `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`,
      ].filter(Boolean);
      out.push(`- **${d.table}**: ${parts.join('; ')}`);
      if (d.added.length) out.push(`  - added: ${d.added.map((k) => `\`${k}\``).join(', ')}`);
      if (d.removed.length) out.push(`  - removed: ${d.removed.map((k) => `\`${k}\``).join(', ')}`);
      for (const c of d.changed) out.push(`  - changed \`${c.id}\`: ${c.columns.join(', ')}`);
    }
    if (ch.definitions.length) out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// versions.json

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function entryFromDir(outDir: string, version: string): VersionEntry {
  const dir = path.join(outDir, `v${version}`);
  let date: string | null = null;
  const pkgFile = path.join(dir, 'datapackage.json');
  if (existsSync(pkgFile)) {
    const created = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { created?: unknown }).created;
    if (typeof created === 'string') date = created.slice(0, 10);
  }
  return {
    version,
    date,
    facts: readTable(dir, 'facts').length,
    mentions: readTable(dir, 'mentions').length,
    sha256sums: sha256Of(path.join(dir, 'SHA256SUMS')),
  };
}

/**
 * Adds (or refreshes) the entry of a released version folder in out/versions.json, sorted by version.
 * `fault` (tests) is called between writing the temp file and renaming it over versions.json.
 */
export function recordVersion(outDir: string, version: string, fault?: () => void): VersionEntry[] {
  const entries = new Map(readVersionsFile(outDir).map((e) => [e.version, e]));
  entries.set(version, entryFromDir(outDir, version));
  const list = [...entries.values()].sort((a, b) => compareVersions(a.version, b.version));
  const tmp = path.join(outDir, `.versions.json.tmp-${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(list, null, 2)}\n`);
  fault?.();
  renameSync(tmp, path.join(outDir, 'versions.json'));
  return list;
}

// ---------------------------------------------------------------------------------------------

function refuseIfBuildFails(buildDir: string): void {
  if (!existsSync(buildDir) || !statSync(buildDir).isDirectory()) throw new ReleaseError(`build folder ${buildDir} not found; run the build first`);
  const integrity = verifySha256Sums(buildDir);
  if (integrity.length) throw new ReleaseError(`build folder ${buildDir} does not match its SHA256SUMS:\n  ${integrity.slice(0, 10).join('\n  ')}`);
  const checks = readTable(buildDir, 'checks');
  const failing = checks.filter((c) => c.severity === 'error' && c.status === 'fail');
  if (failing.length) {
    const rules = [...new Set(failing.map((c) => String(c.rule_id)))].sort();
    throw new ReleaseError(`the build has ${failing.length} failing error check(s) (${rules.join(', ')}); fix them before releasing`);
  }
  const errors = readTable(buildDir, 'errors');
  if (errors.length) {
    const ids = [...new Set(errors.map((e) => String(e.source_id)))].sort();
    throw new ReleaseError(`the build has ${errors.length} source error(s) (${ids.join(', ')}); fix them before releasing`);
  }
}

/** Whether a file of a build (path relative to it) is committed with a version: all but the site's page images. */
export function committedWithVersion(rel: string): boolean {
  return !isPageAsset(rel);
}

/**
 * Files of the build that are not re-published tables: copied into the release as they are, except the audit
 * site's page images, which are listed with their sha256 in PAGE-IMAGES.SHA256SUMS instead (pipeline/pageImages.ts):
 * a version commits its tables and checksums, not megabytes of PNG.
 */
function copyExtras(buildDir: string, dest: string): void {
  const skip = new Set([...publishedFiles(), 'CHANGELOG.md', 'changes.json', PAGE_IMAGES_SUMS]);
  for (const ent of readdirSync(buildDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (skip.has(ent.name)) continue;
    cpSync(path.join(buildDir, ent.name), path.join(dest, ent.name), {
      recursive: true,
      filter: (src) => committedWithVersion(path.relative(buildDir, src)),
    });
  }
  const images = listFiles(buildDir).filter(isPageAsset);
  if (images.length) writeFileSync(path.join(dest, PAGE_IMAGES_SUMS), pageImageSums(buildDir, images));
}

/** The instants a release can be interrupted at, in order (the fault hook is called at each). */
export const RELEASE_STEPS = ['locked', 'staging', 'staged', 'version-in-place', 'list-written', 'listed'] as const;
export type ReleaseStep = (typeof RELEASE_STEPS)[number];

export interface ReleaseOptions {
  buildDir: string;
  outDir: string;
  bump: Bump;
  meta: Omit<PublishMeta, 'datasetVersion'>;
  /** what the release repaired or waited for, one line each */
  log?: (line: string) => void;
  /** tests: called at each step of RELEASE_STEPS (a test kills the process there) */
  fault?: (step: ReleaseStep) => void;
  /** how long to wait for another release of the same outDir (default 10 minutes) */
  lockWaitMs?: number;
}

/**
 * Why a listed version whose folder is gone is refused rather than repaired, and what to do, in the message:
 * no kill leaves this (a folder is renamed into place before it is listed), so the folder was removed by hand or
 * never checked out. The release cannot make it again (its data came from an earlier commit and build), and
 * dropping its entry would let the next release reuse a version number that may already be published with other
 * data. Only the folder's own bytes put it right, checked against the SHA256SUMS hash versions.json recorded.
 */
function missingVersion(outDir: string, e: VersionEntry): ReleaseError {
  const dir = path.join(outDir, `v${e.version}`);
  return new ReleaseError(
    `v${e.version} is listed in ${path.join(outDir, 'versions.json')} but ${dir} is missing. ` +
      `No interrupted release leaves this (a version folder is in place before it is listed), and a release cannot ` +
      `make a past version again or drop it (its number may already be published with other data), so it refuses. ` +
      `Restore the folder as released: \`git checkout HEAD -- ${dir}\` if it is committed, else the folder attached to ` +
      `the GitHub Release v${e.version}; then check that \`sha256sum ${path.join(dir, 'SHA256SUMS')}\` prints ${e.sha256sums} ` +
      `(recorded in versions.json) and release again.`,
  );
}

/**
 * What a killed release can leave, put right before the next one (under the lock): its staging folder and
 * versions.json temp file are removed; a version folder that is in place but not listed (killed between the
 * two renames) is listed once it verifies against its SHA256SUMS. A listed version whose folder is missing is
 * no kill's doing (the folder is renamed in before it is listed): it is refused with what to do (missingVersion).
 */
export function repairReleases(outDir: string, log: (line: string) => void): void {
  if (!existsSync(outDir)) return;
  const names = readdirSync(outDir).sort();
  for (const name of names) {
    if (/^\.release-v\d+\.\d+\.\d+-[A-Za-z0-9]{6}$/.test(name)) {
      rmSync(path.join(outDir, name), { recursive: true, force: true });
      log(`release: removed ${name}, the unfinished release folder of an interrupted release`);
    } else if (/^\.versions\.json\.tmp-\d+$/.test(name)) {
      rmSync(path.join(outDir, name), { force: true });
      log(`release: removed ${name}, the unfinished versions.json of an interrupted release`);
    }
  }
  const entries = readVersionsFile(outDir);
  const listed = new Set(entries.map((e) => e.version));
  const present = names.filter((d) => /^v\d+\.\d+\.\d+$/.test(d) && statSync(path.join(outDir, d)).isDirectory()).map((d) => d.slice(1));
  for (const e of entries.sort((a, b) => compareVersions(a.version, b.version))) {
    if (!present.includes(e.version)) throw missingVersion(outDir, e);
  }
  for (const v of present.filter((x) => !listed.has(x)).sort(compareVersions)) {
    const problems = verifySha256Sums(path.join(outDir, `v${v}`));
    if (problems.length) throw new ReleaseError(`v${v} is in ${outDir} but not listed in versions.json, and does not match its SHA256SUMS (${problems.slice(0, 3).join('; ')}); inspect it before releasing`);
    recordVersion(outDir, v);
    log(`release: v${v} was released but not listed in versions.json (a release was interrupted); listed it now`);
  }
}

/**
 * Releases the build in buildDir as the next version in outDir. Refuses when the build has failing
 * error checks or source errors, when the version folder exists, or when the data tables equal the
 * latest version's. Runs under outDir's release lock (one release at a time; the next sees this one's
 * version) after repairing what an interrupted release left. The version folder is assembled in a
 * temporary folder inside outDir and renamed into place; then out/versions.json is rewritten (temp file +
 * rename): a kill between the two leaves a complete, unlisted version that the next release lists.
 */
export async function release(opts: ReleaseOptions): Promise<{ version: string; changelog: string }> {
  const outDir = path.resolve(opts.outDir);
  const log = opts.log ?? (() => {});
  mkdirSync(outDir, { recursive: true });
  return withReleaseLock(
    outDir,
    async () => {
      opts.fault?.('locked');
      repairReleases(outDir, log);
      return releaseLocked(opts, outDir);
    },
    { log, ...(opts.lockWaitMs === undefined ? {} : { waitMs: opts.lockWaitMs }) },
  );
}

async function releaseLocked(opts: ReleaseOptions, outDir: string): Promise<{ version: string; changelog: string }> {
  const buildDir = path.resolve(opts.buildDir);
  refuseIfBuildFails(buildDir);
  const previous = latestVersion(outDir);
  const version = nextVersion(previous, opts.bump);
  const target = path.join(outDir, `v${version}`);
  if (existsSync(target)) throw new ReleaseError(`${target} already exists; refusing to overwrite a released version`);
  const prevDir = previous === null ? null : path.join(outDir, `v${previous}`);
  if (prevDir !== null) {
    if (!existsSync(prevDir)) throw missingVersion(outDir, readVersionsFile(outDir).find((e) => e.version === previous)!);
    const cmp = await compareBuildToVersion(buildDir, prevDir);
    if (cmp.same) throw new ReleaseError(`no change since v${previous}; nothing to release`);
  }

  const tables = {} as Record<TableName, Row[]>;
  for (const name of TABLE_NAMES) tables[name] = readTable(buildDir, name);
  const before = prevDir
    ? {
        facts: readTable(prevDir, 'facts'),
        mentions: readTable(prevDir, 'mentions'),
        sources: readTable(prevDir, 'sources'),
        // versions before the definitions were published have none: every definition is new
        metrics: existsSync(path.join(prevDir, 'metrics.json')) ? readTable(prevDir, 'metrics') : [],
        subjects: existsSync(path.join(prevDir, 'subjects.json')) ? readTable(prevDir, 'subjects') : [],
      }
    : { facts: [], mentions: [], sources: [] };
  const changes = computeChanges(version, previous, before, {
    facts: tables.facts,
    mentions: tables.mentions,
    sources: tables.sources,
    metrics: tables.metrics,
    subjects: tables.subjects,
  });
  const changelog = changelogMarkdown(changes);

  mkdirSync(outDir, { recursive: true });
  const staging = mkdtempSync(path.join(outDir, `.release-v${version}-`));
  try {
    copyExtras(buildDir, staging);
    opts.fault?.('staging');
    writeFileSync(path.join(staging, 'CHANGELOG.md'), changelog);
    writeFileSync(path.join(staging, 'changes.json'), `${JSON.stringify(changes, null, 2)}\n`);
    await publishTables(staging, tables, { ...opts.meta, datasetVersion: version });
    const problems = verifySha256Sums(staging);
    if (problems.length) throw new ReleaseError(`release folder failed its own SHA256SUMS: ${problems.join('; ')}`);
    if (existsSync(target)) throw new ReleaseError(`${target} already exists; refusing to overwrite a released version`);
    opts.fault?.('staged');
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  opts.fault?.('version-in-place');
  recordVersion(outDir, version, () => opts.fault?.('list-written'));
  opts.fault?.('listed');
  return { version, changelog };
}
