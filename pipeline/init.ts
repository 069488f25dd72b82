import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { sha256Hex } from '../extract/manifest.js';
import { defaultDatasetDir } from './dataset.js';

/**
 * `figtrail init DIR`: a new dataset that builds as it is — a manifest with one example document, a minimal
 * vocabulary with comments, rules, relations and a README — so that a user replaces the example with their
 * own documents and words and runs `figtrail build --dataset DIR`.
 *
 * The example is about an imaginary city library, written for this scaffold. The language parts of the
 * vocabulary that every dataset needs as they are (period words; the cues for growth, shares and bounds;
 * the phrasings the checks detect) are copied from the default dataset, so a new dataset reads English and
 * Chinese from its first build.
 */

const EXAMPLE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Riverside Central Library: the year in numbers</title></head>
<body>
<article>
<h1>Riverside Central Library: the year in numbers</h1>
<p>Riverside Central Library welcomed 1.2 million visitors in 2023, up 8 percent from a year earlier.</p>
<p>At the end of 2023 its collection held 452,000 books. The library lent 2.3 million items in 2023.</p>
<p>The city spent 12.5 million dollars on the library in 2023.</p>
</article>
</body>
</html>
`;

const DATASET_YAML = `# A figtrail dataset: this folder's shape is read and cross-checked by \`figtrail build --dataset <this folder>\`.
format: figtrail-dataset/1
name: NAME
title: My dataset (replace with what the documents are about)
description: >-
  Figures stated in the documents of sources/, with provenance, reconciled and checked.
# the documents and their manifest.json (add one with an entry: id, file, media_type, title, publisher, sha256 …)
sources: sources
# released versions (vX.Y.Z/) and the scratch build (build/)
out: out
vocabulary: vocabulary
rules: rules.yaml
decisions: decisions.yaml
relations: relations.yaml
`;

const METRICS_HEAD = `# What a figure measures. Each metric: id, kind (stock = a level at a point in time, flow = an amount over a
# period, ratio = a share or rate), unit_kinds (count, persons, CNY, USD, percent, km2, per_10k …), a one-line
# definition, and the phrases that name it:
#   synonyms  phrases naming the metric anywhere in the figure's clause ("visitors to the library")
#   nouns     counted nouns right after a count ("452,000 books")
# A growth metric "<id>_growth" (percent) is derived for every stock and flow metric.
# The cues below are language, not domain: copied from figtrail's default dataset; keep them.
`;

const METRICS_EXAMPLE = `
metrics:
  - id: visitor_count
    kind: flow
    unit_kinds: [persons, count]
    definition: Visits to the library over the period.
    synonyms: [visitors, visits]
    nouns: [visitors, visits]
  - id: collection_size
    kind: stock
    unit_kinds: [count]
    definition: Books and other items in the library's collection at a point in time.
    synonyms: [collection]
    nouns: [books, volumes]
  - id: loans
    kind: flow
    unit_kinds: [count]
    definition: Items lent over the period.
    synonyms: [lent, loans]
    nouns: [items, loans]
  - id: budget
    kind: flow
    unit_kinds: [CNY, USD]
    definition: Money spent on the library over the period.
    synonyms: [spent, budget]
    nouns: []
`;

const SUBJECTS_YAML = `# Who a figure is about. kinds: this dataset's kinds of subject, each mapped to a role the engine reads:
# aggregate = the whole set the dataset studies; member = one named member of it; place = a geographic area
# that is not a member (the subject only when a figure is about the place itself). Aliases match
# case-insensitively; an alias belongs to one subject. parent: the subject this one lies within.
version: 1
kinds:
  aggregate: aggregate
  library: member
  city: place
# words pointing back to the last named subject ("its collection", "the library")
anaphora: [its, the library, this library]
# a place after "of"/"than" in a clause with one of these is a denominator, not the subject ("5 percent of …")
denominator_cues: [account, accounts, accounted, accounting, share, proportion, than, percent, per cent, "%", times]
# last words of a member's proper name: a capitalised name ending in one that no subject lists is a member of its own
member_name_heads: [Library]
# capitalised words that name no particular member
generic_name_words: [The, City, Public, Central, Its, This, A, An]
subjects:
  - id: riverside_central_library
    kind: library
    name: Riverside Central Library
    parent: riverside
    aliases: [Riverside Central Library, Riverside library]
  - id: riverside
    kind: city
    name: The city of Riverside
    aliases: [Riverside]
  - id: all_libraries
    kind: aggregate
    name: All libraries the documents speak of
    aliases: [the libraries, all libraries]
`;

const RULES_YAML = `# How conflicting figures are settled: which rules apply, in which order (the logic is the engine's).
# Kinds of source, most authoritative first: a source's kind is the first whose publisher_pattern (a DuckDB
# regular expression, case-insensitive) matches its publisher; one that matches none ranks last.
source_kinds:
  - kind: statistical_release
    publisher_pattern: 'Statistics|Statistical'
  - kind: official_briefing
    publisher_pattern: 'Council|Ministry|Government|Department'
  - kind: press_report
    publisher_pattern: 'News|Daily|Times|Post'
rules:
  - id: R1
    name: prefer_precise_inside
    description: Among agreeing mentions, the most precise value lying inside all the others' intervals.
  - id: R2
    name: prefer_statistical_release
    description: For a conflict between kinds of source, the most authoritative kind, if it agrees with itself.
  - id: R3
    name: latest_publication
    description: For a conflict between dated sources, the most recently published, if it agrees with itself.
`;

const DECISIONS_YAML = `# Curated decisions: the exception, each with a reason. A decision selects one mention (by mention_id, or by
# source_id + exact quote + optional prefix) and pins how it is read (pin: {metric, subject, period}) or settles
# the conflict it is part of (choose: true). A decision that matches nothing fails the build.
decisions: []
`;

const README = `# NAME — a figtrail dataset

- \`sources/\`: the documents (PDF, HTML) and \`manifest.json\` (one entry per document, with its sha256).
- \`vocabulary/\`: what a figure measures (\`metrics.yaml\`), who it is about (\`subjects.yaml\`), when it holds
  (\`periods.yaml\`).
- \`rules.yaml\`, \`decisions.yaml\`: how conflicting figures are settled. \`relations.yaml\`: what the checks test.

Build it: \`npx figtrail build --dataset .\` (writes \`out/build/\`); look at \`out/build/facts.json\` and
\`out/build/checks.json\`, then \`npx figtrail explain <metric>:<subject>@<period> --build out/build\`.
Replace the example document and vocabulary with your own.
`;

/** Writes the scaffold into dir (which must be missing or empty); returns the files made, relative to dir. */
export function initDataset(dir: string): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: figtrail init makes a new dataset folder`);
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '') || 'my-dataset';
  const defaults = defaultDatasetDir();

  // the language parts every dataset needs, from the default dataset's files
  const cues = (parseDocument(readFileSync(path.join(defaults, 'vocabulary', 'metrics.yaml'), 'utf8')).toJS() as { cues: unknown }).cues;
  const relations = parseDocument(readFileSync(path.join(defaults, 'relations.yaml'), 'utf8'));
  const list = relations.get('relations');
  // relations between this domain's metrics are the default dataset's own: keep only the generic ones
  if (isSeq(list)) list.items = list.items.filter((it) => !(isMap(it) && ['monotonic', 'share'].includes(String(it.get('kind')))));

  const example = EXAMPLE_HTML;
  const manifest = [
    {
      id: 'example-library-report',
      file: 'example-library-report.html',
      media_type: 'text/html',
      title: 'Riverside Central Library: the year in numbers',
      publisher: 'Riverside City News',
      original_url: null,
      published: '2024-02-01',
      capture: 'original',
      notes: 'An example written for the figtrail scaffold; replace it with your documents.',
      sha256: sha256Hex(Buffer.from(example, 'utf8')),
    },
  ];
  const files: [string, string][] = [
    ['dataset.yaml', DATASET_YAML.replace('NAME', name)],
    ['README.md', README.replace('NAME', name)],
    ['sources/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`],
    ['sources/example-library-report.html', example],
    ['vocabulary/metrics.yaml', `${METRICS_HEAD}version: 1\n\n${stringify({ cues }, { lineWidth: 120 })}${METRICS_EXAMPLE}`],
    ['vocabulary/subjects.yaml', SUBJECTS_YAML],
    ['vocabulary/periods.yaml', readFileSync(path.join(defaults, 'vocabulary', 'periods.yaml'), 'utf8')],
    ['rules.yaml', RULES_YAML],
    ['decisions.yaml', DECISIONS_YAML],
    ['relations.yaml', relations.toString({ lineWidth: 120 })],
  ];
  for (const [rel, text] of files) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text, { flag: 'wx' });
  }
  return files.map(([rel]) => rel);
}
