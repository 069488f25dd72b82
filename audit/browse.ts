import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDatasetDir, loadDataset } from '../pipeline/dataset.js';
import { rankNear } from './explain.js';
import { cmp, compareFacts, formatInterval, formatValue, type Fact } from './load.js';

/**
 * Browsing the built data from the command line: `figtrail facts` lists facts (filtered by metric, subject,
 * status) and `figtrail metrics` the metrics with their definitions, as an aligned table, CSV or JSON.
 */

export type BrowseFormat = 'table' | 'csv' | 'json';

export interface BrowseIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export class BrowseUsageError extends Error {}

/** A metric as `figtrail metrics` lists it. */
export interface MetricListing {
  metric: string;
  kind: string;
  units: string[];
  definition: string;
  /** facts of the metric in the build; null when there is no build to count in */
  facts: number | null;
}

function readJsonArray<T>(file: string): T[] {
  const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(v)) throw new Error(`${file} is not a JSON array`);
  return v as T[];
}

export function readFacts(buildDir: string): Fact[] {
  const file = path.join(buildDir, 'facts.json');
  if (!existsSync(file)) throw new BrowseUsageError(`no facts in ${buildDir} (facts.json is missing): run \`npm run build\` first, or pass --build DIR`);
  return readJsonArray<Fact>(file);
}

export interface FactFilter {
  metric?: string | undefined;
  subject?: string | undefined;
  status?: string | undefined;
}

/**
 * The facts that match every given filter exactly, in the published order (metric, subject, period).
 * A filter value no fact has is a usage error that names the nearest values, not an empty answer.
 */
export function filterFacts(facts: readonly Fact[], filter: FactFilter): Fact[] {
  for (const key of ['metric', 'subject', 'status'] as const) {
    const want = filter[key];
    if (want === undefined) continue;
    const known = [...new Set(facts.map((f) => f[key]))].sort(cmp);
    if (!known.includes(want)) {
      const near = rankNear(want, known, 5);
      throw new BrowseUsageError(`no fact has ${key} "${want}"${near.length ? `; did you mean: ${near.join(', ')}` : ''} (see \`figtrail ${key === 'metric' ? 'metrics' : `facts`}\`)`);
    }
  }
  return facts
    .filter((f) => (filter.metric === undefined || f.metric === filter.metric) && (filter.subject === undefined || f.subject === filter.subject) && (filter.status === undefined || f.status === filter.status))
    .sort(compareFacts);
}

/**
 * The metrics and their definitions: from the build's published metrics table when it has one
 * (metrics.json), else from the vocabulary of the dataset the build reads. Counted against the build's facts
 * when there are any.
 */
export async function listMetrics(buildDir: string, datasetDir?: string): Promise<MetricListing[]> {
  const factsFile = path.join(buildDir, 'facts.json');
  const counts = new Map<string, number>();
  const haveFacts = existsSync(factsFile);
  if (haveFacts) for (const f of readJsonArray<Fact>(factsFile)) counts.set(f.metric, (counts.get(f.metric) ?? 0) + 1);
  const published = path.join(buildDir, 'metrics.json');
  let rows: Omit<MetricListing, 'facts'>[];
  if (existsSync(published)) {
    rows = readJsonArray<Record<string, unknown>>(published).map((r) => ({
      metric: String(r.metric ?? r.id ?? ''),
      kind: String(r.kind ?? ''),
      units: Array.isArray(r.unit_kinds) ? r.unit_kinds.map(String) : Array.isArray(r.units) ? r.units.map(String) : [],
      definition: String(r.definition ?? ''),
    }));
  } else {
    rows = (await loadDataset(datasetDir ?? defaultDatasetDir(), { checkRulePatterns: false })).lexicon.metrics.map((m) => ({ metric: m.id, kind: m.kind, units: [...m.unit_kinds], definition: m.definition }));
  }
  return rows.map((r) => ({ ...r, facts: haveFacts ? (counts.get(r.metric) ?? 0) : null })).sort((a, b) => cmp(a.metric, b.metric));
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Control characters (terminal escapes in a hostile document's words) shown as code points, never sent raw. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An aligned text table; numbers right-aligned. */
export function textTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const cells = [header, ...rows].map((r) => r.map(printable));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - [...s].length);
    return rightAligned.has(i) ? fill + s : s + fill;
  };
  return cells.map((r) => r.map((c, i) => pad(c, i)).join('  ').trimEnd()).join('\n') + '\n';
}

const FACT_COLUMNS = ['fact_id', 'metric', 'subject', 'period', 'value', 'unit', 'lo', 'hi', 'status', 'n_mentions', 'n_sources', 'is_target'] as const;

export function formatFacts(facts: readonly Fact[], format: BrowseFormat): string {
  if (format === 'json') return `${JSON.stringify(facts, null, 2)}\n`;
  if (format === 'csv') {
    return [FACT_COLUMNS.join(','), ...facts.map((f) => FACT_COLUMNS.map((c) => csvField(f[c])).join(','))].join('\r\n') + '\r\n';
  }
  const header = ['fact', 'metric', 'subject', 'period', 'value', 'interval', 'status', 'mentions', 'sources'];
  const rows = facts.map((f) => [
    f.fact_id,
    f.metric,
    f.subject,
    f.period ?? '—',
    formatValue(f.value, f.unit),
    formatInterval(f),
    f.is_target ? `${f.status} (target)` : f.status,
    String(f.n_mentions),
    String(f.n_sources),
  ]);
  return textTable(header, rows, new Set([4, 7, 8])) + `${facts.length} fact${facts.length === 1 ? '' : 's'}\n`;
}

const METRIC_COLUMNS = ['metric', 'kind', 'units', 'facts', 'definition'] as const;

export function formatMetrics(metrics: readonly MetricListing[], format: BrowseFormat): string {
  if (format === 'json') return `${JSON.stringify(metrics, null, 2)}\n`;
  if (format === 'csv') return [METRIC_COLUMNS.join(','), ...metrics.map((m) => METRIC_COLUMNS.map((c) => csvField(m[c])).join(','))].join('\r\n') + '\r\n';
  const rows = metrics.map((m) => [m.metric, m.kind, m.units.join(' '), m.facts === null ? '—' : String(m.facts), m.definition]);
  return textTable(['metric', 'kind', 'units', 'facts', 'definition'], rows, new Set([3]));
}

function parseFormat(v: string | undefined): BrowseFormat {
  if (v === undefined) return 'table';
  if (v === 'table' || v === 'csv' || v === 'json') return v;
  throw new BrowseUsageError(`--format takes table, csv or json, not "${v}"`);
}

export const FACTS_USAGE = 'usage: figtrail facts [--metric M] [--subject S] [--status S] [--format table|csv|json] [--build DIR]';
export const METRICS_USAGE = 'usage: figtrail metrics [--format table|csv|json] [--build DIR] [--dataset DIR]';

/** `figtrail facts …` and `figtrail metrics …`; returns the exit code (0 ok, 2 bad usage or unknown filter value). */
export async function runBrowseCli(command: 'facts' | 'metrics', argv: string[], defaultBuildDir: string, io: BrowseIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const usage = command === 'facts' ? FACTS_USAGE : METRICS_USAGE;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        build: { type: 'string', default: defaultBuildDir },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        ...(command === 'facts' ? { metric: { type: 'string' }, subject: { type: 'string' }, status: { type: 'string' } } : { dataset: { type: 'string' } }),
      },
      strict: true,
      allowPositionals: true,
    }) as { values: { build: string; format?: string; help: boolean; metric?: string; subject?: string; status?: string; dataset?: string }; positionals: string[] };
    if (values.help) {
      io.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length) throw new BrowseUsageError(`unexpected argument: ${positionals[0]}`);
    const format = parseFormat(values.format);
    if (command === 'metrics') {
      io.stdout.write(formatMetrics(await listMetrics(values.build, values.dataset), format));
      return 0;
    }
    const facts = filterFacts(readFacts(values.build), { metric: values.metric, subject: values.subject, status: values.status });
    io.stdout.write(formatFacts(facts, format));
    return 0;
  } catch (e) {
    if (e instanceof BrowseUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`figtrail ${command}: ${(e as Error).message}\n${usage}\n`);
      return 2;
    }
    throw e;
  }
}
