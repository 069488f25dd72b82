// @actions/core (and the HTTP client it loads) is imported only when a report is written: builds outside
// GitHub Actions should not pay for it at start-up.
import type * as actionsCore from '@actions/core';
import { terminalText } from '../pipeline/terminalText.js';
import type { Finding, Severity } from './types.js';

/** A failing error fails the build; warnings are published with the dataset. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.status === 'fail' && f.severity === 'error');
}

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

interface RuleCounts {
  rule: string;
  pass: number;
  fail: Record<Severity, number>;
}

function countByRule(findings: readonly Finding[]): RuleCounts[] {
  const by = new Map<string, RuleCounts>();
  for (const f of findings) {
    let c = by.get(f.rule_id);
    if (!c) {
      c = { rule: f.rule_id, pass: 0, fail: { error: 0, warning: 0, info: 0 } };
      by.set(f.rule_id, c);
    }
    if (f.status === 'pass') c.pass++;
    else c.fail[f.severity]++;
  }
  return [...by.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

function where(f: Finding): string {
  const p = f.place;
  const parts: string[] = [];
  if (p.table) parts.push(`table ${p.table}`);
  if (p.source_id) parts.push(p.source_id);
  if (p.page !== null) parts.push(`p.${p.page}`);
  if (p.char_start !== null) parts.push(`@${p.char_start}${p.char_end !== null ? `-${p.char_end}` : ''}`);
  if (p.fact_id) parts.push(p.fact_id);
  return parts.join(' ') || '-';
}

function pad(cells: string[][]): string {
  // cells quote findings, which quote file names and document text: never raw to the terminal
  const rows = cells.map((r) => r.map(terminalText));
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r) => r.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length)).join('  ').trimEnd()).join('\n');
}

/** Console table: pass / fail counts by rule and severity, then every failing finding. */
export function formatFindingsTable(findings: readonly Finding[]): string {
  const counts = countByRule(findings);
  const rows: string[][] = [['rule', 'pass', ...SEVERITIES.map((s) => `fail:${s}`)]];
  for (const c of counts) rows.push([c.rule, String(c.pass), ...SEVERITIES.map((s) => String(c.fail[s]))]);
  const total = (s: Severity): number => counts.reduce((n, c) => n + c.fail[s], 0);
  rows.push(['total', String(counts.reduce((n, c) => n + c.pass, 0)), ...SEVERITIES.map((s) => String(total(s)))]);
  let text = pad(rows);
  const failing = findings.filter((f) => f.status === 'fail');
  if (failing.length > 0) {
    const frows: string[][] = [['severity', 'rule', 'where', 'actual', 'expected', 'message']];
    for (const f of failing) frows.push([f.severity, f.rule_id, where(f), f.actual ?? '', f.expected ?? '', f.message]);
    text += `\n\nfailing (${failing.length}):\n${pad(frows)}`;
  }
  return `${text}\n`;
}

type SummaryCell = string | { data: string; header?: boolean };

/** The job summary is HTML: escape what findings quote from documents. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The part of @actions/core the report uses (inject a fake in tests). */
export interface GithubCore {
  error(message: string, properties?: actionsCore.AnnotationProperties): void;
  warning(message: string, properties?: actionsCore.AnnotationProperties): void;
  notice(message: string, properties?: actionsCore.AnnotationProperties): void;
  summary: {
    addHeading(text: string, level?: number | string): unknown;
    addTable(rows: SummaryCell[][]): unknown;
    addRaw(text: string, addEOL?: boolean): unknown;
    write(options?: { overwrite?: boolean }): Promise<unknown>;
  };
}

export interface GithubReportOptions {
  core?: GithubCore;
  /** write even outside GitHub Actions */
  force?: boolean;
  /** source_id → repository path of the raw file ("sources/x.pdf") for annotation file links */
  sourceFiles?: ReadonlyMap<string, string>;
  /** annotations at most (GitHub shows only a few per step anyway); the summary lists all failures */
  maxAnnotations?: number;
}

const MAX_SUMMARY_FAILURES = 200;

/**
 * GitHub Actions report: an annotation per failing finding (error → error, warning → warning,
 * failing info → notice) titled by rule, with the source file when known, plus a job summary (counts
 * by rule, then the failures). Does nothing unless GITHUB_ACTIONS is "true" or `force` is set.
 * Returns whether it wrote.
 */
export async function writeGithubReport(findings: readonly Finding[], options: GithubReportOptions = {}): Promise<boolean> {
  if (process.env['GITHUB_ACTIONS'] !== 'true' && !options.force) return false;
  const core: GithubCore = options.core ?? (await import('@actions/core'));
  const max = options.maxAnnotations ?? 50;
  const failing = findings.filter((f) => f.status === 'fail');
  for (const f of failing.slice(0, max)) {
    const props: actionsCore.AnnotationProperties = { title: `${f.rule_id}${f.place.source_id ? ` (${f.place.source_id})` : ''}` };
    const file = f.place.source_id ? options.sourceFiles?.get(f.place.source_id) : undefined;
    if (file) props.file = file;
    // the annotation shows in the job's log: no control character from a document reaches it
    const text = terminalText(f.actual !== null || f.expected !== null ? `${f.message} [actual: ${f.actual ?? '-'}; expected: ${f.expected ?? '-'}]` : f.message);
    if (f.severity === 'error') core.error(text, props);
    else if (f.severity === 'warning') core.warning(text, props);
    else core.notice(text, props);
  }
  const counts = countByRule(findings);
  const header = (s: string): SummaryCell => ({ data: s, header: true });
  core.summary.addHeading('figtrail checks', 2);
  core.summary.addTable([
    [header('rule'), header('pass'), ...SEVERITIES.map((s) => header(`fail: ${s}`))],
    ...counts.map((c) => [c.rule, String(c.pass), ...SEVERITIES.map((s) => String(c.fail[s]))]),
  ]);
  if (failing.length > 0) {
    core.summary.addHeading(`Failing findings (${failing.length})`, 3);
    core.summary.addTable([
      [header('severity'), header('rule'), header('where'), header('actual'), header('expected'), header('message')],
      ...failing.slice(0, MAX_SUMMARY_FAILURES).map((f) => [f.severity, f.rule_id, where(f), f.actual ?? '', f.expected ?? '', f.message].map(esc)),
    ]);
    if (failing.length > MAX_SUMMARY_FAILURES) core.summary.addRaw(`\n${failing.length - MAX_SUMMARY_FAILURES} more not shown.\n`, true);
  }
  await core.summary.write();
  return true;
}
