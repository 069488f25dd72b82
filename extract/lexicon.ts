import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { SUBJECT_ROLES } from '../contracts/tables.js';
import { UNITS } from './records.js';

/**
 * The domain lexicon for reading a figure's context: metrics, subjects, period words.
 * It is the dataset's data (<dataset>/vocabulary/{metrics,subjects,periods}.yaml); this module only loads, validates and
 * normalises it, so that the rules in context.ts stay generic.
 */

export type MetricKind = 'stock' | 'flow' | 'ratio';
/**
 * What the engine knows of a subject: its role in the study. aggregate = the whole set studied, taken together;
 * member = one named member of the set; place = a geographic area that is not a member (a figure is about it
 * only when it is about the place itself). The dataset names its own kinds (subjects.yaml `kinds:`) and maps
 * each to a role; the engine reads roles only.
 */
export type SubjectRole = (typeof SUBJECT_ROLES)[number];

export interface MetricDef {
  id: string;
  kind: MetricKind;
  /** units (records.ts Unit values) the metric may take: CNY, USD, count, persons, percent, km2, per_10k … */
  unit_kinds: string[];
  definition: string;
  /** phrases naming the metric anywhere in the figure's clause */
  synonyms: string[];
  /** counted nouns right after a count ("78,000 enterprises") */
  nouns: string[];
  /** ratio metrics: the base metric whose whole-set total is the denominator */
  share_of: string | null;
  /** derived growth metrics: the base metric */
  growth_of: string | null;
  /** a qualifier phrase ("for every thousand residents") wins over counted nouns */
  qualifier: boolean;
  /**
   * counts of the whole set only: a counted noun gives this metric only after a totality cue
   * ("the 114 zones", "there are 178 zones"); "25 zones are named …" counts a subset
   */
  whole_count_only: boolean;
  /** flows only: the stock metric this flow adds to (new firms add to the firms) */
  increment_of: string | null;
  /** rates (per_10k) only: the count metric whose members the rate counts ("grants per 10,000 staff" count grants) */
  rate_of: string | null;
}

export interface SubjectDef {
  id: string;
  /** the dataset's kind (a key of subjects.yaml `kinds:`) */
  kind: string;
  /** the role the dataset maps that kind to */
  role: SubjectRole;
  name: string;
  aliases: string[];
  /** the subject this one lies within (a city's province), or null */
  parent: string | null;
}

export interface MetricCues {
  growth_before: string[];
  not_growth_before: string[];
  growth_after: string[];
  /** right before a percentage: a fall ("fell 3.2 percent", "down 2%"): the growth rate is negative */
  decline_before: string[];
  share_of_national_total: string[];
  approximators: string[];
  /** words right before a count that make it the count of the whole set ("the", "there are", "a total of") */
  whole_before: string[];
  /** words right after "N percent of" that point back to a set named before ("of which", "of them") */
  share_anaphora: string[];
}

export interface PeriodLexicon {
  months: Record<string, number>;
  numbers: Record<string, number>;
  ordinals: Record<string, number>;
  year_prepositions: string[];
  comparison_cues: string[];
  release_cues: string[];
  present_cues: string[];
  /** present-tense verbs of having ("has", "boasts", "is home to"): a figure they state is current, so a
   *  date from an earlier sentence is not carried to it */
  present_state_cues: string[];
  this_year: string[];
  /** the year before the publication's ("last year", "a year earlier" is a comparison, not this) */
  last_year: string[];
  target_cues: string[];
}

export interface Lexicon {
  metrics: MetricDef[];
  subjects: SubjectDef[];
  periods: PeriodLexicon;
  cues: MetricCues;
  /** words pointing back to the last named subject ("its", "the Zone") */
  anaphora: string[];
  /** cues that make a place named after "of"/"than" a denominator ("20 percent of the province's output") */
  denominator_cues: string[];
  /**
   * the last words of a member's proper name ("… Industrial Park", "… Airport"): a capitalised name ending
   * in one of them that no subject lists is still a member of its own, never the aggregate
   */
  member_name_heads: string[];
  /**
   * common nouns for a member ("park", "airport", "园区"): a place they are attached to ("Riverside's park", "the
   * parks in Riverside") locates members, it is not the figure's subject
   */
  member_nouns: string[];
  /** the kind given to such an unlisted member: the first kind the dataset maps to the role member */
  member_kind: string | null;
  /** capitalised words that name no particular member ("National", "State-level", "Municipal") */
  generic_name_words: string[];
  /** sha256 of the canonical contents of the three YAML files, for cache keys */
  hash: string;
}

export const LEXICON_FILES = ['metrics.yaml', 'subjects.yaml', 'periods.yaml'] as const;

// ---------------------------------------------------------------- schemas

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids are lower_snake_case');
const phrase = z.string().trim().min(1);
const phrases = z.array(phrase);

const MetricSchema = z
  .object({
    id,
    kind: z.enum(['stock', 'flow', 'ratio']),
    unit_kinds: z.array(z.enum(UNITS)).min(1),
    definition: z.string().trim().min(10, 'a metric needs a one-line definition'),
    synonyms: phrases.default([]),
    nouns: phrases.default([]),
    share_of: id.nullable().default(null),
    qualifier: z.boolean().default(false),
    whole_count_only: z.boolean().default(false),
    increment_of: id.nullable().default(null),
    rate_of: id.nullable().default(null),
  })
  .strict();

const MetricsFileSchema = z
  .object({
    version: z.number().int(),
    cues: z
      .object({
        growth_before: phrases,
        not_growth_before: phrases,
        growth_after: phrases,
        decline_before: phrases,
        share_of_national_total: phrases,
        approximators: phrases,
        whole_before: phrases,
        share_anaphora: phrases,
      })
      .strict(),
    metrics: z.array(MetricSchema).min(1),
  })
  .strict();

const SubjectSchema = z
  .object({
    id,
    kind: id,
    name: z.string().trim().min(1),
    aliases: phrases.min(1),
    parent: id.nullable().default(null),
  })
  .strict();

const SubjectsFileSchema = z
  .object({
    version: z.number().int(),
    anaphora: phrases,
    denominator_cues: phrases,
    /** the dataset's kinds of subject, each with the role the engine reads */
    kinds: z.record(id, z.enum(SUBJECT_ROLES)),
    member_name_heads: phrases.default([]),
    member_nouns: phrases.default([]),
    generic_name_words: phrases.default([]),
    subjects: z.array(SubjectSchema).min(1),
  })
  .strict();

const smallInts = (max: number) => z.record(z.string().min(1), z.number().int().min(1).max(max));

const PeriodsFileSchema = z
  .object({
    version: z.number().int(),
    months: smallInts(12),
    numbers: smallInts(12),
    ordinals: smallInts(4),
    year_prepositions: phrases,
    comparison_cues: phrases,
    release_cues: phrases,
    present_cues: phrases,
    present_state_cues: phrases,
    this_year: phrases,
    last_year: phrases,
    target_cues: phrases,
  })
  .strict();

// ---------------------------------------------------------------- helpers

/**
 * The key two phrases share when they would match the same text: lower case, letters/digits/&/$/% only
 * (context.ts matches hyphens and apostrophes loosely), a final plural "s" dropped for metric phrases.
 */
export function phraseKey(p: string, dropPlural = true): string {
  const k = p
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z0-9&$%{}\u4e00-\u9fff]/g, '');
  return dropPlural && k.endsWith('s') && k.length > 3 ? k.slice(0, -1) : k;
}

/** Canonical JSON (sorted keys) so that comments and formatting do not change the hash. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function formatIssues(file: string, error: z.ZodError): string {
  return error.issues
    .map((i) => `${file}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
}

function readText(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`lexicon: ${path} not found`);
  return readFileSync(path, 'utf8');
}

function parseYaml(path: string, text: string): unknown {
  try {
    // uniqueKeys: a key written twice is a mistake, not an override
    return parse(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      throw new Error(`lexicon: ${path}${at ? `:${at.line}:${at.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
}

function parseWith<T>(schema: z.ZodType<T>, data: unknown, path: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new Error(`lexicon: invalid file\n${formatIssues(path, r.error)}`);
  return r.data;
}

// ---------------------------------------------------------------- load

/**
 * The last lexicon loaded, with the texts it was read from: loading the same texts again returns it (parsing and
 * validating the YAML costs about as much as extracting a 100 KB page, and a lexicon object is the key under
 * which context.ts keeps its compiled patterns). Deeply frozen, so no caller can change what another one reads.
 */
let lastLoaded: { texts: string[]; lexicon: Lexicon } | null = null;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as Record<string, unknown>)) deepFreeze(x);
  }
  return v;
}

/** Loads and validates the lexicon; throws an Error naming the file and the field on any problem. */
export function loadLexicon(dir: string): Lexicon {
  const texts = LEXICON_FILES.map((f) => readText(dir, f));
  if (lastLoaded && lastLoaded.texts.every((t, i) => t === texts[i])) return lastLoaded.lexicon;
  const lexicon = deepFreeze(lexiconOf(dir, texts));
  lastLoaded = { texts, lexicon };
  return lexicon;
}

function lexiconOf(dir: string, texts: string[]): Lexicon {
  const base = dir;
  const raw = LEXICON_FILES.map((f, i) => parseYaml(join(base, f), texts[i]!));
  const m = parseWith(MetricsFileSchema, raw[0], join(base, 'metrics.yaml'));
  const s = parseWith(SubjectsFileSchema, raw[1], join(base, 'subjects.yaml'));
  const p = parseWith(PeriodsFileSchema, raw[2], join(base, 'periods.yaml'));

  const problems: string[] = [];

  // metrics: unique ids, share_of refers to a known non-ratio metric, a phrase names one metric only
  const metricIds = new Set<string>();
  for (const x of m.metrics) {
    if (metricIds.has(x.id)) problems.push(`metrics.yaml: metric id ${x.id} appears twice`);
    metricIds.add(x.id);
  }
  const byId = new Map(m.metrics.map((x) => [x.id, x]));
  const phraseOwner = new Map<string, string>();
  for (const x of m.metrics) {
    if (x.share_of !== null) {
      const b = byId.get(x.share_of);
      if (!b) problems.push(`metrics.yaml: ${x.id}.share_of: unknown metric ${x.share_of}`);
      else if (b.kind === 'ratio') problems.push(`metrics.yaml: ${x.id}.share_of: ${x.share_of} is itself a ratio`);
      if (x.kind !== 'ratio') problems.push(`metrics.yaml: ${x.id}: share_of is only for ratio metrics`);
    }
    if (x.increment_of !== null) {
      const b = byId.get(x.increment_of);
      if (!b || b.kind !== 'stock' || x.kind !== 'flow') problems.push(`metrics.yaml: ${x.id}.increment_of: a flow adds to a known stock metric, not ${x.increment_of}`);
    }
    if (x.rate_of !== null && (!byId.get(x.rate_of) || x.kind !== 'ratio')) problems.push(`metrics.yaml: ${x.id}.rate_of: a ratio counts a known metric, not ${x.rate_of}`);
    if (x.synonyms.length + x.nouns.length === 0) problems.push(`metrics.yaml: ${x.id}: no synonyms and no nouns`);
    for (const ph of new Set([...x.synonyms, ...x.nouns].map((y) => phraseKey(y)))) {
      const owner = phraseOwner.get(ph);
      if (owner !== undefined && owner !== x.id) problems.push(`metrics.yaml: phrase "${ph}" is claimed by ${owner} and ${x.id}`);
      phraseOwner.set(ph, x.id);
    }
  }

  // subjects: unique ids, an alias belongs to one subject only (an ambiguous alias cannot be resolved)
  const subjectIds = new Set<string>();
  const aliasOwner = new Map<string, string>();
  for (const x of s.subjects) {
    if (subjectIds.has(x.id)) problems.push(`subjects.yaml: subject id ${x.id} appears twice`);
    subjectIds.add(x.id);
    // subject aliases match exactly (no optional plural): "the parks" is not the anaphor "the park"
    for (const a of new Set(x.aliases.map((y) => phraseKey(y, false)))) {
      const owner = aliasOwner.get(a);
      if (owner !== undefined && owner !== x.id) problems.push(`subjects.yaml: alias "${a}" is claimed by ${owner} and ${x.id}`);
      aliasOwner.set(a, x.id);
    }
  }
  // kinds: every subject's kind is declared; a parent is another listed subject
  for (const x of s.subjects) {
    if (!Object.hasOwn(s.kinds, x.kind)) problems.push(`subjects.yaml: ${x.id}: kind ${x.kind} is not declared under kinds`);
    if (x.parent !== null && (x.parent === x.id || !subjectIds.has(x.parent))) problems.push(`subjects.yaml: ${x.id}: parent ${x.parent} is not another listed subject`);
  }
  const memberKind = Object.keys(s.kinds).find((k) => s.kinds[k] === 'member') ?? null;
  if (s.member_name_heads.length > 0 && memberKind === null) problems.push('subjects.yaml: member_name_heads needs a kind whose role is member');
  for (const a of s.anaphora) {
    const owner = aliasOwner.get(phraseKey(a, false));
    if (owner !== undefined) problems.push(`subjects.yaml: anaphor "${a}" is also an alias of ${owner}`);
  }
  if (problems.length) throw new Error(`lexicon: invalid content\n${problems.join('\n')}`);

  const metrics: MetricDef[] = [];
  for (const x of m.metrics) {
    metrics.push({
      id: x.id,
      kind: x.kind,
      unit_kinds: [...x.unit_kinds],
      definition: x.definition,
      synonyms: x.synonyms,
      nouns: x.nouns,
      share_of: x.share_of,
      growth_of: null,
      qualifier: x.qualifier,
      whole_count_only: x.whole_count_only,
      increment_of: x.increment_of,
      rate_of: x.rate_of,
    });
  }
  // Growth rates are derived rather than listed: every level or amount can be said to grow, and the
  // phrases that say so ("up 13 percent") are generic cues, not per-metric words.
  for (const x of m.metrics) {
    if (x.kind === 'ratio') continue;
    const gid = `${x.id}_growth`;
    if (metricIds.has(gid)) continue;
    metrics.push({
      id: gid,
      kind: 'ratio',
      unit_kinds: ['percent'],
      definition: `Growth rate over the previous period of ${x.id}: ${x.definition}`,
      synonyms: [],
      nouns: [],
      share_of: null,
      growth_of: x.id,
      qualifier: false,
      whole_count_only: false,
      increment_of: null,
      rate_of: null,
    });
  }

  const hash = createHash('sha256')
    .update(LEXICON_FILES.map((f, i) => `${f}\n${canonical(raw[i])}\n`).join(''))
    .digest('hex');

  return {
    metrics,
    subjects: s.subjects.map((x) => ({ id: x.id, kind: x.kind, role: s.kinds[x.kind]!, name: x.name, aliases: x.aliases, parent: x.parent })),
    periods: {
      months: lowerKeys(p.months),
      numbers: lowerKeys(p.numbers),
      ordinals: lowerKeys(p.ordinals),
      year_prepositions: p.year_prepositions,
      comparison_cues: p.comparison_cues,
      release_cues: p.release_cues,
      present_cues: p.present_cues,
      present_state_cues: p.present_state_cues,
      this_year: p.this_year,
      last_year: p.last_year,
      target_cues: p.target_cues,
    },
    cues: m.cues,
    anaphora: s.anaphora,
    denominator_cues: s.denominator_cues,
    member_name_heads: s.member_name_heads,
    member_nouns: s.member_nouns,
    member_kind: memberKind,
    generic_name_words: s.generic_name_words,
    hash,
  };
}

function lowerKeys(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r)) out[k.toLowerCase()] = r[k]!;
  return out;
}
