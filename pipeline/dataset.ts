import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RelationsFileSchema, type Relation } from '../checks/relations.js';
import { LEXICON_FILES, loadLexicon, type Lexicon } from '../extract/lexicon.js';
import { sha256Hex } from '../extract/manifest.js';
import { parseYamlWithLines } from './yamlLines.js';
import { UNITS } from '../extract/records.js';
import { DecisionsFileSchema, RulesFileSchema, type Decision, type RulesFile } from '../transform/run.js';
import { duckdb } from './duckdb.js';

/**
 * A dataset is a folder with a declared shape (`dataset.yaml`); the engine is everything else.
 *
 *   dataset.yaml          name, title, where the documents and the releases are, which files hold what
 *   vocabulary/           metrics.yaml (what a figure measures), subjects.yaml (who it is about),
 *                         periods.yaml (when it holds)
 *   rules.yaml            reconciliation rules and the kinds of source (transform/)
 *   decisions.yaml        curated decisions, each with a reason (transform/)
 *   relations.yaml        relations the checks test and their tolerances (checks/)
 *
 * `loadDataset(dir)` is the one loader: it reads and validates every file, cross-checks every id across them
 * (a metric named by a relation, rule or decision exists; a subject exists; a metric's units agree with its
 * kind; a rule's pattern compiles in DuckDB, the engine that runs it), and hashes every declared file into the
 * build's inputs. An error names the file, the line and the bad id.
 */

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

const relPath = z
  .string()
  .min(1)
  .refine((p) => !path.isAbsolute(p) && !p.includes('\0'), 'a path relative to the dataset folder');

export const DatasetFileSchema = z
  .object({
    format: z.literal('figtrail-dataset/1'),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name with hyphens'),
    title: z.string().trim().min(1),
    description: z.string().trim().min(1),
    /** the documents and their manifest.json */
    sources: relPath,
    /** released versions (vX.Y.Z/, versions.json) and the scratch build (build/) */
    out: relPath,
    vocabulary: relPath.default('vocabulary'),
    rules: relPath.default('rules.yaml'),
    decisions: relPath.default('decisions.yaml'),
    relations: relPath.default('relations.yaml'),
    /** the audit site: which series the index page charts (default: the two with the most points) */
    site: z
      .object({
        charts: z.array(z.object({ metric: z.string(), subject: z.string(), title: z.string().min(1), y_label: z.string().min(1), line: z.boolean().default(false) }).strict()).default([]),
      })
      .strict()
      .default({ charts: [] }),
  })
  .strict();
export type DatasetFile = z.infer<typeof DatasetFileSchema>;

export interface Dataset {
  /** absolute, real path of the dataset folder */
  dir: string;
  name: string;
  title: string;
  description: string;
  sourcesDir: string;
  outDir: string;
  vocabularyDir: string;
  rulesPath: string;
  decisionsPath: string;
  relationsPath: string;
  lexicon: Lexicon;
  rules: RulesFile;
  decisions: Decision[];
  relations: Relation[];
  /** the audit site's index charts, as declared */
  charts: { metric: string; subject: string; title: string; y_label: string; line: boolean }[];
  /** every declared file, relative to the dataset folder → sha256 of its bytes (sorted by path) */
  files: Record<string, string>;
}

/** The dataset of this repository (dataset/): the default of every command. */
export function defaultDatasetDir(): string {
  const candidates = [new URL('../dataset/', import.meta.url), new URL('../../dataset/', import.meta.url)];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(path.join(p, 'dataset.yaml'))) return p;
  }
  throw new DatasetError(`the default dataset is missing (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}

// ------------------------------------------------------------------------------------ YAML with lines

interface YamlFile {
  file: string;
  data: unknown;
  /** 1-based line of the node at a path, or of the nearest ancestor that exists */
  line(at: readonly (string | number)[]): number;
}

function readYamlFile(file: string): YamlFile {
  if (!existsSync(file) || !statSync(file).isFile()) throw new DatasetError(`${file}: not found`);
  const y = parseYamlWithLines(readFileSync(file, 'utf8'));
  if (y.errors.length) throw new DatasetError(`${file}:${y.errors[0]!.line}: invalid YAML: ${y.errors[0]!.message}`);
  return { file, data: y.data, line: (at) => y.lineAt(at) };
}

/** Validates a YAML file's data with a zod schema; every issue is reported with its file and line. */
function validated<T>(y: YamlFile, schema: z.ZodType<T>): T {
  const r = schema.safeParse(y.data);
  if (r.success) return r.data;
  throw new DatasetError(r.error.issues.map((i) => `${y.file}:${y.line(i.path as (string | number)[])}: ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'));
}

/** Resolves a declared path against the dataset folder (it may point outside, e.g. `../sources`). */
function resolveIn(dir: string, rel: string): string {
  return path.resolve(dir, rel);
}

// ------------------------------------------------------------------------------------------ the loader

/**
 * A rule's pattern must compile in the engine that runs it: DuckDB's regular expressions (RE2), not JavaScript's.
 * One problem line (file:line) per pattern that does not.
 */
async function rulePatternProblems(rules: RulesFile, rulesYaml: YamlFile | string): Promise<string[]> {
  const problems: string[] = [];
  if (!rules.source_kinds.length) return problems;
  const instance = await duckdb().DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    for (const [i, k] of rules.source_kinds.entries()) {
      try {
        await con.run(`SELECT regexp_matches('', ?, 'i')`, [k.publisher_pattern]);
      } catch (e) {
        const y = typeof rulesYaml === 'string' ? (rulesYaml = readYamlFile(rulesYaml)) : rulesYaml;
        problems.push(`${y.file}:${y.line(['source_kinds', i, 'publisher_pattern'])}: source kind ${k.kind}: publisher_pattern does not compile in DuckDB: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return problems;
}

/**
 * The check loadDataset leaves out with `checkRulePatterns: false`: the rules' patterns compile in DuckDB. Throws
 * the DatasetError loadDataset would have thrown.
 */
export async function checkRulePatterns(dataset: Pick<Dataset, 'dir' | 'rules' | 'rulesPath'>): Promise<void> {
  const problems = await rulePatternProblems(dataset.rules, dataset.rulesPath);
  if (problems.length) throw new DatasetError(`dataset ${dataset.dir}:\n${problems.join('\n')}`);
}

/** Units a ratio metric may take; stock and flow metrics take none of them. */
const RATIO_UNITS = new Set<string>(['percent', 'percentage_points', 'times', 'per_10k']);

export interface LoadDatasetOptions {
  /**
   * false: leave out the check that the rules' patterns compile in DuckDB, for the caller to run with
   * checkRulePatterns while it does other work (the build: while its workers extract). Default true.
   */
  checkRulePatterns?: boolean;
}

/** Reads, validates and cross-checks every file of the dataset in `dir`. Throws a DatasetError listing every problem. */
export async function loadDataset(dir: string = defaultDatasetDir(), opts: LoadDatasetOptions = {}): Promise<Dataset> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetError(`${dir}: no such dataset folder`);
  const root = realpathSync(dir);
  const declFile = path.join(root, 'dataset.yaml');
  const decl = readYamlFile(declFile);
  const d = validated(decl, DatasetFileSchema);
  const vocabularyDir = resolveIn(root, d.vocabulary);
  const rulesPath = resolveIn(root, d.rules);
  const decisionsPath = resolveIn(root, d.decisions);
  const relationsPath = resolveIn(root, d.relations);

  const lexicon = (() => {
    try {
      return loadLexicon(vocabularyDir);
    } catch (e) {
      throw new DatasetError(`${vocabularyDir}: ${(e as Error).message}`);
    }
  })();
  const rulesYaml = readYamlFile(rulesPath);
  const relationsYaml = readYamlFile(relationsPath);
  const decisionsYaml = existsSync(decisionsPath) ? readYamlFile(decisionsPath) : null;
  const rules = validated(rulesYaml, RulesFileSchema);
  const decisions = decisionsYaml ? validated(decisionsYaml, DecisionsFileSchema).decisions : [];
  const relations = validated(relationsYaml, RelationsFileSchema).relations;

  // ---- cross-checks, each problem with file:line and the bad id
  const problems: string[] = [];
  const metricIds = new Set(lexicon.metrics.map((m) => m.id));
  const subjectIds = new Set(lexicon.subjects.map((s) => s.id));
  const at = (y: YamlFile, p: (string | number)[], msg: string) => problems.push(`${y.file}:${y.line(p)}: ${msg}`);

  // the metrics as the lexicon read them (same order as in the file); the file is parsed again, with its lines,
  // only to say where a problem is (a second parse of the largest file costs every build ~0.1 s)
  let metricsYaml: YamlFile | undefined;
  const metricsFile = () => (metricsYaml ??= readYamlFile(path.join(vocabularyDir, 'metrics.yaml')));
  // only the file's own metrics: the derived *_growth ones loadLexicon appends have no index in metrics.yaml
  lexicon.metrics.filter((m) => m.growth_of === null).forEach((m, i) => {
    const units = m.unit_kinds ?? [];
    const ratioUnits = units.filter((u) => RATIO_UNITS.has(u));
    if (m.kind === 'ratio' && ratioUnits.length === 0) at(metricsFile(), ['metrics', i, 'unit_kinds'], `metric ${m.id}: a ratio takes a ratio unit (${[...RATIO_UNITS].join(', ')}), not ${units.join(', ')}`);
    if (m.kind !== 'ratio' && ratioUnits.length > 0) at(metricsFile(), ['metrics', i, 'unit_kinds'], `metric ${m.id}: a ${m.kind} cannot take ${ratioUnits.join(', ')} (that is a ratio's unit)`);
    for (const u of units) if (!(UNITS as readonly string[]).includes(u)) at(metricsFile(), ['metrics', i, 'unit_kinds'], `metric ${m.id}: unknown unit ${u}`);
  });

  const rawRelations = ((relationsYaml.data as { relations?: Record<string, unknown>[] }).relations ?? []);
  rawRelations.forEach((r, i) => {
    for (const key of ['metric', 'share_metric', 'part_metric', 'whole_metric', 'growth_metric', 'level_metric'] as const) {
      const v = r[key];
      if (typeof v === 'string' && !metricIds.has(v)) at(relationsYaml, ['relations', i, key], `relation ${String(r.id ?? r.kind)}: unknown metric '${v}' in ${key}`);
    }
    const s = r.subject;
    if (typeof s === 'string' && !subjectIds.has(s)) at(relationsYaml, ['relations', i, 'subject'], `relation ${String(r.id ?? r.kind)}: unknown subject '${s}'`);
    const suffix = r.growth_metric_suffix;
    if (typeof suffix === 'string' && !lexicon.metrics.some((m) => m.id.endsWith(suffix))) at(relationsYaml, ['relations', i, 'growth_metric_suffix'], `relation ${String(r.id ?? r.kind)}: no metric ends in '${suffix}'`);
  });

  d.site.charts.forEach((c, i) => {
    if (!metricIds.has(c.metric)) at(decl, ['site', 'charts', i, 'metric'], `chart ${i + 1}: unknown metric '${c.metric}'`);
    if (!subjectIds.has(c.subject)) at(decl, ['site', 'charts', i, 'subject'], `chart ${i + 1}: unknown subject '${c.subject}'`);
  });

  if (decisionsYaml) {
    decisions.forEach((dec, i) => {
      if (dec.pin?.metric !== undefined && !metricIds.has(dec.pin.metric)) at(decisionsYaml, ['decisions', i, 'pin', 'metric'], `decision ${dec.id}: unknown metric '${dec.pin.metric}'`);
      if (dec.pin?.subject !== undefined && !subjectIds.has(dec.pin.subject)) at(decisionsYaml, ['decisions', i, 'pin', 'subject'], `decision ${dec.id}: unknown subject '${dec.pin.subject}'`);
    });
  }

  // every problem is listed at once: the patterns are checked here too when something else is wrong
  if (problems.length || opts.checkRulePatterns !== false) problems.push(...(await rulePatternProblems(rules, rulesYaml)));
  if (problems.length) throw new DatasetError(`dataset ${root}:\n${problems.join('\n')}`);

  // every declared file is an input of the build
  const files: Record<string, string> = {};
  const declared = [declFile, ...LEXICON_FILES.map((f) => path.join(vocabularyDir, f)), rulesPath, relationsPath, ...(existsSync(decisionsPath) ? [decisionsPath] : [])];
  for (const f of declared.sort()) files[path.relative(root, f).split(path.sep).join('/')] = sha256Hex(readFileSync(f));

  return {
    dir: root,
    name: d.name,
    title: d.title,
    description: d.description,
    sourcesDir: resolveIn(root, d.sources),
    outDir: resolveIn(root, d.out),
    vocabularyDir,
    rulesPath,
    decisionsPath,
    relationsPath,
    lexicon,
    rules,
    decisions,
    relations,
    charts: d.site.charts,
    files,
  };
}
