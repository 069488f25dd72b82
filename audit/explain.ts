import { sha256Hex } from '../extract/manifest.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Mention, SourceRow } from '../contracts/index.js';
import { cmp, compareFacts, formatInterval, formatValue, loadBuild, type Build, type Fact } from './load.js';
import { openSource, SourceAccessError } from '../extract/sourceFile.js';
import { terminalText } from '../pipeline/terminalText.js';

export interface ExplainOptions {
  buildDir: string;
  /** the archived sources; when given, each mention's file is re-hashed against its sha256 */
  sourcesDir?: string;
  json?: boolean;
  color?: boolean;
}

/** JSON form of one mention (see audit/explain.schema.json): the mentions row's own columns, and more. */
export type ExplainMention = Pick<
  Mention,
  | 'mention_id' | 'value_text' | 'value' | 'unit' | 'bound' | 'lo' | 'hi' | 'metric' | 'subject' | 'period' | 'rule'
  | 'quote' | 'prefix' | 'suffix' | 'sentence' | 'page' | 'char_start' | 'char_end' | 'byte_start' | 'byte_end'
> & {
  chosen: boolean;
  /** the sentence with the quote wrapped in [[ ]] */
  highlighted: string;
  source: {
    source_id: string;
    title: string | null;
    publisher: string | null;
    original_url: string | null;
    published: string | null;
    capture: string | null;
    media_type: string | null;
    file: string | null;
    sha256: string;
    /** true/false when the archived file was re-hashed, null when it was not available */
    archived_sha256_ok: boolean | null;
  };
};

/** JSON form of one fact (see audit/explain.schema.json): the facts row's own columns, with its key, interval and mentions. */
export type ExplainFact = Pick<
  Fact,
  | 'fact_id' | 'metric' | 'subject' | 'period' | 'period_start' | 'period_end' | 'value' | 'unit' | 'lo' | 'hi'
  | 'lo_exclusive' | 'hi_exclusive' | 'status' | 'rule' | 'resolution' | 'is_target' | 'n_mentions' | 'n_sources'
  | 'chosen_mention_id'
> & {
  key: string;
  interval: string;
  mentions: ExplainMention[];
};

export type ExplainDocument =
  | { query: string; match: 'fact_id' | 'mention_id' | 'key'; facts: ExplainFact[]; mentions: ExplainMention[] }
  | { query: string; error: 'not_found'; message: string; suggestions: string[] };

/** `metric:subject@period` of a fact. */
export function factKey(f: Pick<Fact, 'metric' | 'subject' | 'period'>): string {
  return `${f.metric}:${f.subject}${f.period === null ? '' : `@${f.period}`}`;
}

/** Parses `metric[:subject][@period]`. */
export function parseKey(q: string): { metric: string; subject: string | null; period: string | null } | null {
  const m = /^([^:@\s]+)(?::([^@\s]+))?(?:@(\S+))?$/.exec(q.trim());
  if (!m) return null;
  return { metric: m[1]!, subject: m[2] ?? null, period: m[3] ?? null };
}

/** Levenshtein distance over code points. */
export function editDistance(a: string, b: string): number {
  const x = Array.from(a), y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** The words of a key or query: runs of letters and digits ("visitor_count:library@2023" → visitor, count, library, 2023). */
export function keyWords(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * How near a candidate is to a query, lower is nearer; null when it is not near at all. In order: the
 * candidate starts with the query; every word of the query is a word of it ("count" →
 * visitor_count); the query, or every word of it, is a part of it ("visit" → visitor_count);
 * every word of the query is a small typo of one of its words ("visiter cont"); the whole is a small typo.
 */
export function nearness(query: string, candidate: string): { tier: number; distance: number } | null {
  const q = query.trim().toLowerCase();
  const lc = candidate.toLowerCase();
  if (q === '') return null;
  const d = Math.min(editDistance(q, lc), editDistance(q, lc.slice(0, q.length)) + 1);
  if (lc.startsWith(q) || (q.length >= 3 && q.startsWith(lc))) return { tier: 0, distance: d };
  const qw = keyWords(q);
  const cw = keyWords(lc);
  if (qw.length && qw.every((w) => cw.includes(w))) return { tier: 1, distance: d };
  if (lc.includes(q) || (qw.length && qw.every((w) => w.length >= 3 && lc.includes(w)))) return { tier: 2, distance: d };
  const typo = (w: string) => cw.some((c) => editDistance(w, c) <= Math.max(1, Math.floor(w.length / 4)));
  if (qw.length && qw.every((w) => w.length >= 3 && typo(w))) return { tier: 3, distance: d };
  if (d <= Math.max(2, Math.floor(q.length / 3))) return { tier: 4, distance: d };
  return null;
}

/** Up to `limit` fact keys (or ids) near the query: see nearness(); shorter keys first within a tier. */
export function nearMatches(query: string, build: Build, limit = 5): string[] {
  const q = query.trim().toLowerCase();
  const candidates = new Set<string>();
  for (const f of build.facts) {
    candidates.add(factKey(f));
    candidates.add(`${f.metric}:${f.subject}`);
    candidates.add(f.metric);
  }
  if (/^[fm]_/i.test(q)) {
    for (const f of build.facts) candidates.add(f.fact_id);
    for (const m of build.mentions) candidates.add(m.mention_id);
  }
  return rankNear(q, [...candidates], limit);
}

/** The candidates near the query, nearest first (ties: fewer characters, then code-point order). */
export function rankNear(query: string, candidates: readonly string[], limit = 5): string[] {
  return candidates
    .map((c) => ({ c, n: nearness(query, c) }))
    .filter((x): x is { c: string; n: { tier: number; distance: number } } => x.n !== null)
    .sort((a, b) => a.n.tier - b.n.tier || (a.n.tier === 4 ? a.n.distance - b.n.distance : 0) || a.c.length - b.c.length || cmp(a.c, b.c))
    .slice(0, limit)
    .map((x) => x.c);
}

/** The facts a query names, and how it matched. */
export function resolveQuery(query: string, build: Build): { match: 'fact_id' | 'mention_id' | 'key'; facts: Fact[]; mentions: Mention[] } | null {
  const q = query.trim();
  const fact = build.factById.get(q);
  if (fact) return { match: 'fact_id', facts: [fact], mentions: [] };
  const mention = build.mentionById.get(q);
  if (mention) {
    const facts = (build.factsOfMention.get(q) ?? []).map((id) => build.factById.get(id)).filter((f): f is Fact => f !== undefined);
    return { match: 'mention_id', facts: facts.sort(compareFacts), mentions: [mention] };
  }
  const key = parseKey(q);
  if (!key) return null;
  const facts = build.facts.filter((f) => {
    if (f.metric !== key.metric) return false;
    if (key.subject !== null && f.subject !== key.subject) return false;
    if (key.period !== null) {
      const p = f.period ?? '';
      const yearPrefix = /^\d{4}$/.test(key.period) && (p.startsWith(key.period) || (f.period_end ?? '').startsWith(key.period));
      if (p !== key.period && !yearPrefix) return false;
    }
    return true;
  });
  if (facts.length === 0) return null;
  return { match: 'key', facts: facts.sort(compareFacts), mentions: [] };
}

/** Document text for the terminal: layout whitespace becomes a space, other control characters are escaped. */
export function sanitizeForTerminal(s: string): string {
  return terminalText(s.replace(/[\t\n\r\f\v]/g, ' '));
}

/** Where the quote sits in the sentence (code units), using the prefix to choose among repeats. */
export function locateQuote(m: Pick<Mention, 'sentence' | 'quote' | 'prefix'>): number {
  const hits: number[] = [];
  for (let i = m.sentence.indexOf(m.quote); i >= 0; i = m.sentence.indexOf(m.quote, i + 1)) hits.push(i);
  if (hits.length <= 1) return hits[0] ?? -1;
  let best = hits[0]!, bestScore = -1;
  for (const h of hits) {
    const before = m.sentence.slice(0, h);
    let k = 0;
    while (k < before.length && k < m.prefix.length && before[before.length - 1 - k] === m.prefix[m.prefix.length - 1 - k]) k++;
    if (k > bestScore) (bestScore = k), (best = h);
  }
  return best;
}

/** The sentence with the quote marked: `open`/`close` around it (the parts are passed through `clean`). */
export function highlightSentence(m: Pick<Mention, 'sentence' | 'quote' | 'prefix'>, open: string, close: string, clean: (s: string) => string = (s) => s): string {
  const at = locateQuote(m);
  if (at < 0) return `${clean(m.sentence)} (quote: ${open}${clean(m.quote)}${close})`;
  return clean(m.sentence.slice(0, at)) + open + clean(m.quote) + close + clean(m.sentence.slice(at + m.quote.length));
}

function archivedOk(src: SourceRow | undefined, sourcesDir: string | undefined, cache: Map<string, boolean | null>): boolean | null {
  if (!src || !sourcesDir) return null;
  const cached = cache.get(src.source_id);
  if (cached !== undefined) return cached;
  let ok: boolean | null;
  try {
    ok = sha256Hex(openSource(sourcesDir, src.file, { sourceId: src.source_id })) === src.sha256;
  } catch (err) {
    // not there: unknown; there but refused (outside the folder, not a regular file, too large): not ok
    ok = err instanceof SourceAccessError && err.kind === 'missing' ? null : false;
  }
  cache.set(src.source_id, ok);
  return ok;
}

function mentionEntry(m: Mention, build: Build, chosen: boolean, sourcesDir: string | undefined, cache: Map<string, boolean | null>): ExplainMention {
  const src = build.sourceById.get(m.source_id);
  return {
    mention_id: m.mention_id,
    chosen,
    value_text: m.value_text,
    value: m.value,
    unit: m.unit,
    bound: m.bound,
    lo: m.lo,
    hi: m.hi,
    metric: m.metric,
    subject: m.subject,
    period: m.period,
    rule: m.rule,
    quote: m.quote,
    prefix: m.prefix,
    suffix: m.suffix,
    sentence: m.sentence,
    highlighted: highlightSentence(m, '[[', ']]'),
    page: m.page,
    char_start: m.char_start,
    char_end: m.char_end,
    byte_start: m.byte_start,
    byte_end: m.byte_end,
    source: {
      source_id: m.source_id,
      title: src?.title ?? null,
      publisher: src?.publisher ?? null,
      original_url: src?.original_url ?? null,
      published: src?.published ?? null,
      capture: src?.capture ?? null,
      media_type: src?.media_type ?? null,
      file: src?.file ?? null,
      sha256: src?.sha256 ?? m.source_sha256,
      archived_sha256_ok: archivedOk(src, sourcesDir, cache),
    },
  };
}

function factEntry(f: Fact, build: Build, sourcesDir: string | undefined, cache: Map<string, boolean | null>): ExplainFact {
  const mentions = build.mentionById
    .getMany(f.mention_ids ?? [])
    .filter((m): m is Mention => m !== undefined)
    .sort((a, b) => Number(b.mention_id === f.chosen_mention_id) - Number(a.mention_id === f.chosen_mention_id) || cmp(a.source_id, b.source_id) || a.char_start - b.char_start);
  return {
    fact_id: f.fact_id,
    key: factKey(f),
    metric: f.metric,
    subject: f.subject,
    period: f.period,
    period_start: f.period_start,
    period_end: f.period_end,
    value: f.value,
    unit: f.unit,
    lo: f.lo,
    hi: f.hi,
    lo_exclusive: Boolean(f.lo_exclusive),
    hi_exclusive: Boolean(f.hi_exclusive),
    interval: formatInterval(f),
    status: f.status,
    rule: f.rule,
    resolution: f.resolution,
    is_target: Boolean(f.is_target),
    n_mentions: f.n_mentions,
    n_sources: f.n_sources,
    chosen_mention_id: f.chosen_mention_id,
    mentions: mentions.map((m) => mentionEntry(m, build, m.mention_id === f.chosen_mention_id, sourcesDir, cache)),
  };
}

const ANSI = { bold: '\x1b[1m', dim: '\x1b[2m', hl: '\x1b[1;30;43m', reset: '\x1b[0m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m' };

function statusColour(status: string): string {
  return status === 'conflict' ? ANSI.red : status === 'corroborated' || status === 'resolved' ? ANSI.green : ANSI.yellow; // single, consistent: one voice
}

function renderMentionText(e: ExplainMention, color: boolean, indent: string): string[] {
  const t = sanitizeForTerminal;
  const s = e.source;
  const lines = [
    `${indent}${color ? ANSI.bold : ''}${e.mention_id}${color ? ANSI.reset : ''}${e.chosen ? '  (chosen)' : ''}  ${t(e.value_text)} → ${formatValue(e.value, e.unit)} (${e.bound}), rule ${t(e.rule)}`,
    `${indent}  source:    ${t(s.title ?? s.source_id)} [${s.source_id}]`,
    `${indent}  publisher: ${t(s.publisher ?? '—')}`,
    `${indent}  url:       ${t(s.original_url ?? '—')}`,
    `${indent}  capture:   ${t(s.capture ?? '—')}${s.published ? `, published ${t(s.published)}` : ''}`,
    `${indent}  sha256:    ${s.sha256}${s.archived_sha256_ok === true ? ' (archived file matches)' : s.archived_sha256_ok === false ? ' (ARCHIVED FILE DOES NOT MATCH)' : ''}`,
    `${indent}  where:     ${e.page !== null ? `page ${e.page}, ` : ''}chars ${e.char_start}–${e.char_end}${e.byte_start !== null ? `, bytes ${e.byte_start}–${e.byte_end}` : ''}`,
  ];
  const m = { sentence: e.sentence, quote: e.quote, prefix: e.prefix };
  const sentence = color ? highlightSentence(m, ANSI.hl, ANSI.reset, t) : highlightSentence(m, '[[', ']]', t);
  lines.push(`${indent}  “${sentence}”`);
  return lines;
}

function renderFactText(f: ExplainFact, color: boolean): string[] {
  const b = color ? ANSI.bold : '', r = color ? ANSI.reset : '';
  const lines = [
    `${b}${sanitizeForTerminal(f.key)}${r}  ${f.fact_id}${f.is_target ? '  (target)' : ''}`,
    `  value:    ${formatValue(f.value, f.unit)}  interval ${f.interval}`,
    `  status:   ${color ? statusColour(f.status) : ''}${f.status}${r}  (${f.n_mentions} mention${f.n_mentions === 1 ? '' : 's'}, ${f.n_sources} source${f.n_sources === 1 ? '' : 's'})`,
    `  period:   ${f.period ?? '—'}${f.period_start ? ` (${f.period_start} … ${f.period_end ?? ''})` : ''}`,
    `  rule:     ${sanitizeForTerminal(f.rule ?? '—')}`,
    `  why:      ${sanitizeForTerminal(f.resolution ?? '—')}`,
    `  mentions:`,
  ];
  for (const m of f.mentions) lines.push(...renderMentionText(m, color, '    '), '');
  if (f.mentions.length === 0) lines.push('    (none found in mentions.json)', '');
  return lines;
}

/** Explains a fact, a mention or a `metric[:subject][@period]` key: the figure and its trail back to the words. */
export async function explain(query: string, opts: ExplainOptions): Promise<{ exitCode: number; output: string }> {
  let build: Build;
  try {
    build = loadBuild(opts.buildDir);
  } catch (e) {
    return { exitCode: 1, output: `figtrail explain: cannot read build folder ${opts.buildDir}: ${(e as Error).message}\n` };
  }
  const resolved = resolveQuery(query, build);
  if (!resolved) {
    const suggestions = nearMatches(query, build);
    const message = `no fact or mention matches "${query}"`;
    if (opts.json) {
      const doc: ExplainDocument = { query, error: 'not_found', message, suggestions };
      return { exitCode: 2, output: `${JSON.stringify(doc, null, 2)}\n` };
    }
    const lines = [`figtrail explain: ${sanitizeForTerminal(message)}.`];
    lines.push(suggestions.length ? `Did you mean:\n${suggestions.map((s) => `  ${sanitizeForTerminal(s)}`).join('\n')}` : 'No near matches. Queries are a fact id, a mention id or metric[:subject][@period].');
    return { exitCode: 2, output: `${lines.join('\n')}\n` };
  }
  const cache = new Map<string, boolean | null>();
  const facts = resolved.facts.map((f) => factEntry(f, build, opts.sourcesDir, cache));
  const mentions = resolved.mentions.map((m) => mentionEntry(m, build, facts.some((f) => f.chosen_mention_id === m.mention_id), opts.sourcesDir, cache));
  if (opts.json) {
    const doc: ExplainDocument = { query, match: resolved.match, facts, mentions };
    return { exitCode: 0, output: `${JSON.stringify(doc, null, 2)}\n` };
  }
  const color = Boolean(opts.color);
  const lines: string[] = [];
  if (resolved.match === 'mention_id') {
    lines.push('mention:');
    for (const m of mentions) lines.push(...renderMentionText(m, color, '  '), '');
    lines.push(facts.length ? `part of ${facts.length} fact${facts.length === 1 ? '' : 's'}:` : 'part of no fact (not reconciled).', '');
  } else if (facts.length > 1) {
    lines.push(`${facts.length} facts match "${sanitizeForTerminal(query)}":`, '');
  }
  for (const f of facts) lines.push(...renderFactText(f, color));
  return { exitCode: 0, output: `${lines.join('\n').replace(/\n+$/, '')}\n` };
}

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value. */
export function colorEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return Boolean(isTTY) && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: figtrail explain <fact_id | mention_id | metric[:subject][@period]> [--build DIR] [--sources DIR] [--json]\n`;

/** `figtrail explain …`: prints the explanation, returns the exit code (0 found, 2 unknown query or bad usage, 1 unreadable build). */
export async function runExplainCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let buildDir = 'out/build';
  let sourcesDir: string | undefined;
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--build' || a === '--sources') {
      const v = argv[++i];
      if (v === undefined) {
        io.stderr.write(`figtrail explain: ${a} needs a folder\n${USAGE}`);
        return 2;
      }
      if (a === '--build') buildDir = v;
      else sourcesDir = v;
    } else if (a.startsWith('--build=')) buildDir = a.slice(8);
    else if (a.startsWith('--sources=')) sourcesDir = a.slice(10);
    else if (a === '-h' || a === '--help') {
      io.stdout.write(USAGE);
      return 0;
    } else if (a.startsWith('--')) {
      io.stderr.write(`figtrail explain: unknown option ${a}\n${USAGE}`);
      return 2;
    } else rest.push(a);
  }
  if (rest.length !== 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (sourcesDir === undefined && existsSync('sources/manifest.json')) sourcesDir = 'sources';
  const r = await explain(rest[0]!, { buildDir, ...(sourcesDir === undefined ? {} : { sourcesDir }), json, color: !json && colorEnabled(io.stdout.isTTY, io.env) });
  (r.exitCode === 0 || json ? io.stdout : io.stderr).write(r.output);
  return r.exitCode;
}
