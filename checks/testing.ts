import { readFileSync } from 'node:fs';
import { MentionSchema, SkipSchema, type Mention, type Skip } from '../extract/records.js';
import { fileURLToPath } from 'node:url';
import { loadRelations, parseRelations } from './relations.js';
import type { CheckContext, Fact, Finding, Place, PublishedTable, SourceRow } from './types.js';

/**
 * Test support: builds a CheckContext from a small hand-written fixture file. Fields a fixture leaves
 * out get neutral defaults; mentions and skips are then validated with the extract stage's zod schemas,
 * so fixtures stay real records. PDF raw files are given as their page texts joined by "\f", and the
 * fake `rereadPdfPages` splits them again.
 */
export interface ExpectedFinding {
  severity?: Finding['severity'];
  actual?: string | null;
  expected?: string | null;
  message_includes?: string;
  mention_id?: string;
  place?: Partial<Place>;
}

export interface Fixture {
  description: string;
  sources?: Partial<SourceRow>[];
  texts?: Record<string, string>;
  /** raw files as UTF-8 text */
  raw?: Record<string, string>;
  /** raw files as base64 (other charsets) */
  raw_base64?: Record<string, string>;
  mentions?: Partial<Mention>[];
  skips?: Partial<Skip>[];
  facts?: Partial<Fact>[];
  tables?: Record<string, PublishedTable>;
  /** relations YAML replacing checks/relations.yaml */
  relations_yaml?: string;
  /** not-ok: exactly these failing findings (each matched once) */
  expect?: ExpectedFinding[];
  /** how many passing findings the rule must give */
  expect_pass?: number;
  expect_pass_findings?: ExpectedFinding[];
}

export function readFixture(path: string): Fixture {
  return JSON.parse(readFileSync(path, 'utf8')) as Fixture;
}

export function mentionWithDefaults(m: Partial<Mention>): Mention {
  const quote = m.quote ?? String(m.value ?? '');
  return MentionSchema.parse({
    mention_id: 'm_0000000000000000',
    source_id: 's',
    source_sha256: '0'.repeat(64),
    page: null,
    char_start: 0,
    char_end: quote.length,
    byte_start: null,
    byte_end: null,
    quote,
    prefix: '',
    suffix: '',
    sentence: '',
    value_text: quote,
    value: 0,
    unit: 'count',
    bound: 'exact',
    lo: null,
    hi: null,
    lo_exclusive: false,
    hi_exclusive: false,
    metric: null,
    subject: null,
    period: null,
    period_basis: 'none',
    is_target: false,
    paired_mention_id: null,
    region: 'content',
    rule: 'fixture',
    extractor_version: 'fixture',
    ...m,
  });
}

export function factWithDefaults(f: Partial<Fact>): Fact {
  return {
    fact_id: 'f',
    metric: 'metric',
    subject: 'national',
    period: null,
    period_start: null,
    period_end: null,
    period_basis: 'stated',
    metric_kind: null,
    value: null,
    unit: 'count',
    lo: null,
    hi: null,
    lo_exclusive: false,
    hi_exclusive: false,
    status: 'single',
    n_mentions: 1,
    n_sources: 1,
    mention_ids: [],
    alt_mention_ids: [],
    chosen_mention_id: null,
    rule: null,
    resolution: null,
    is_target: false,
    in_series: true,
    ...f,
  };
}

export function sourceWithDefaults(s: Partial<SourceRow>): SourceRow {
  const id = s.source_id ?? 's';
  return {
    source_id: id,
    file: `${id}.html`,
    media_type: 'text/html',
    title: null,
    publisher: null,
    original_url: null,
    published: null,
    capture: null,
    notes: null,
    sha256: '0'.repeat(64),
    bytes: null,
    pages: null,
    text_chars: null,
    text_sha256: null,
    status: 'ok',
    error_reason: null,
    ...s,
  };
}

/** The fake PDF reader of the fixtures: raw bytes are the page texts joined by form feeds. */
export async function fakeRereadPdfPages(bytes: Uint8Array): Promise<string[]> {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes).split('\f');
}

export function contextFromFixture(fx: Fixture): CheckContext {
  const raw = new Map<string, Uint8Array>();
  for (const [id, text] of Object.entries(fx.raw ?? {})) raw.set(id, new TextEncoder().encode(text));
  for (const [id, b64] of Object.entries(fx.raw_base64 ?? {})) raw.set(id, new Uint8Array(Buffer.from(b64, 'base64')));
  return {
    sources: (fx.sources ?? []).map(sourceWithDefaults),
    mentions: (fx.mentions ?? []).map(mentionWithDefaults),
    skips: (fx.skips ?? []).map((s) => SkipSchema.parse({ page: null, text: '', reason: 'fixture', ...s })),
    facts: (fx.facts ?? []).map(factWithDefaults),
    texts: new Map(Object.entries(fx.texts ?? {})),
    tables: new Map(Object.entries(fx.tables ?? {})),
    async readRaw(sourceId: string): Promise<Uint8Array> {
      const b = raw.get(sourceId);
      if (!b) throw new Error(`ENOENT: no raw file for ${sourceId}`);
      return b;
    },
    rereadPdfPages: fakeRereadPdfPages,
    relations: fx.relations_yaml !== undefined ? parseRelations(fx.relations_yaml) : loadRelations(DATASET_RELATIONS),
  };
}

/** Fixtures without relations of their own are read with the default dataset's. */
const DATASET_RELATIONS = fileURLToPath(new URL('../dataset/relations.yaml', import.meta.url));

/** Whether a finding satisfies an expectation (only the fields the expectation names). */
export function matches(f: Finding, e: ExpectedFinding): boolean {
  if (e.severity !== undefined && f.severity !== e.severity) return false;
  if (e.actual !== undefined && f.actual !== e.actual) return false;
  if (e.expected !== undefined && f.expected !== e.expected) return false;
  if (e.message_includes !== undefined && !f.message.includes(e.message_includes)) return false;
  if (e.mention_id !== undefined && f.place.mention_id !== e.mention_id) return false;
  for (const [k, v] of Object.entries(e.place ?? {})) if (f.place[k as keyof Place] !== v) return false;
  return true;
}

/** Pairs each expectation with a distinct finding; returns the expectations left unmatched. */
export function unmatched(findings: readonly Finding[], expected: readonly ExpectedFinding[]): ExpectedFinding[] {
  const free = [...findings];
  const left: ExpectedFinding[] = [];
  for (const e of expected) {
    const i = free.findIndex((f) => matches(f, e));
    if (i < 0) left.push(e);
    else free.splice(i, 1);
  }
  return left;
}
