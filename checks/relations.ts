import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Declared relations between figures (checks/relations.yaml), validated with zod.
 * Everything a check compares against — which metrics are monotonic, which phrases announce parts
 * or shares, the tolerances — lives here as data; the rules only hold generic logic.
 */

const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const Tolerances = z.object({
  kind: z.literal('tolerances'),
  /** "more than N" / "over N" is read as [N, N × (1 + slack)]; "less than N" as [N × (1 − slack), N] */
  open_bound_slack: z.number().min(0).max(1),
  /** "about N" without published lo/hi is read as N × (1 ± slack) */
  approx_slack: z.number().min(0).max(1),
  /** relative slack for float comparisons */
  epsilon: z.number().min(0).default(1e-9),
});

const PercentRange = z.object({
  kind: z.literal('percent_range'),
  min: z.number(),
  max: z.number(),
  /** metrics matching one of these may leave [min, max] (growth rates) */
  unbounded_metric_patterns: z.array(regexString),
  /** for mentions without a metric: text right before the figure that marks a growth rate */
  growth_cue_before: regexString,
});

const Monotonic = z.object({
  kind: z.literal('monotonic'),
  id: z.string(),
  metric: z.string(),
  subject: z.string(),
  order_by: z.enum(['period_end', 'period_start', 'period']),
  direction: z.enum(['non_decreasing', 'non_increasing']),
});

const PartsSumPhrases = z.object({
  kind: z.literal('parts_sum_phrases'),
  /** between the whole and its first part: "X, among which Y" */
  part_markers_after_whole: z.array(regexString),
  /** before the whole: "a total of X" (then a part marker such as "including" before Y) */
  whole_cues_before: z.array(regexString),
  part_markers_after_total: z.array(regexString),
  /** the gap before the last part must match this ("… and Z") */
  last_part_joiner: regexString,
  /** gaps between parts must not match this (a new clause) */
  clause_break: regexString,
});

const SharePhrases = z.object({
  kind: z.literal('share_phrases'),
  /** between N and P in "N or P percent of which" */
  or_between: regexString,
  /** after P in "… P percent of which / of them / of the total" */
  of_after: regexString,
  /** between N and P in "N, accounting for P% of …" */
  accounting_between: regexString,
  /** before a figure that is a whole ("a total of X") — preferred as the whole */
  whole_cue_before: regexString,
});

const ShareFacts = z.object({
  kind: z.literal('share'),
  id: z.string(),
  share_metric: z.string(),
  part_metric: z.string(),
  whole_metric: z.string(),
  /** allowed difference in percentage points on top of the figures' bounds */
  tolerance_pp: z.number().min(0),
});

const CumulativeThresholds = z.object({
  kind: z.literal('cumulative_thresholds'),
  count_units: z.array(z.string()).min(1),
  threshold_units: z.array(z.string()).min(1),
  /** the count and its threshold must be at most this many mentions apart … */
  max_gap_chars: z.number().int().positive(),
  /** … and the gap between them must not match this */
  clause_break: regexString,
  /** a whole ("the 114 zones") searched before the first pair: same or the previous adjacent sentence */
  sentence_break: regexString,
});

const Growth = z.object({
  kind: z.literal('growth'),
  id: z.string(),
  /** explicit pair … */
  growth_metric: z.string().optional(),
  level_metric: z.string().optional(),
  /** … or every `<level><suffix>` growth metric against `<level>` */
  growth_metric_suffix: z.string().optional(),
  tolerance_pp: z.number().min(0),
}).refine((g) => (g.growth_metric !== undefined && g.level_metric !== undefined) || g.growth_metric_suffix !== undefined, {
  message: 'a growth relation needs growth_metric + level_metric or growth_metric_suffix',
});

export const RelationSchema = z.discriminatedUnion('kind', [
  Tolerances,
  PercentRange,
  Monotonic,
  PartsSumPhrases,
  SharePhrases,
  ShareFacts,
  CumulativeThresholds,
  Growth,
]);
export type Relation = z.infer<typeof RelationSchema>;
export type RelationOf<K extends Relation['kind']> = Extract<Relation, { kind: K }>;

export const RelationsFileSchema = z.object({
  version: z.literal(1),
  relations: z.array(RelationSchema),
});

/** Parses and validates relations YAML text; throws with the zod issues when invalid. */
export function parseRelations(yamlText: string): Relation[] {
  const parsed = RelationsFileSchema.safeParse(parseYaml(yamlText));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid relations file: ${issues}`);
  }
  return parsed.data.relations;
}

export function loadRelations(path: string): Relation[] {
  return parseRelations(readFileSync(path, 'utf8'));
}

export function relationsOf<K extends Relation['kind']>(relations: readonly Relation[], kind: K): RelationOf<K>[] {
  return relations.filter((r): r is RelationOf<K> => r.kind === kind);
}

/** The single relation of a kind (the first one), or an error naming what is missing. */
export function relationOf<K extends Relation['kind']>(relations: readonly Relation[], kind: K): RelationOf<K> {
  const r = relationsOf(relations, kind)[0];
  if (!r) throw new Error(`the dataset's relations.yaml declares no '${kind}' relation`);
  return r;
}
