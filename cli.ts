// Only light modules here: a command loads what it needs when it runs (await import), so that `build` can start
// its first extraction worker before the build's modules, DuckDB and the dataset load (pdf.js and the grammar then
// load on that worker meanwhile).
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BudgetOptions } from './pipeline/budget.js';
import { defaultJobs, WorkerPool } from './pipeline/pool.js';
import { resolveBudget } from './pipeline/budget.js';
import { projectRoot } from './pipeline/root.js';
import { parseShardSpec, ShardError } from './pipeline/shards.js';
import { terminalLines, terminalText } from './pipeline/terminalText.js';

/** For commands that need only the dataset's folders: the rules' patterns are not checked, so DuckDB is not loaded. */
const FOLDERS_ONLY = { checkRulePatterns: false } as const;

const USAGE = `figtrail — figures with provenance from documents, reconciled, checked and published

usage:
  figtrail build [--dataset DIR] [--sources DIR] [--out DIR] [--keep-going] [--allow-empty] [--max-bytes N] [--quiet]
                 [--jobs N] [--cache DIR | --no-cache] [--from-shards DIR...] [--force] [--no-site] [budget flags]
  figtrail extract --shard i/n --out DIR [--dataset DIR] [--sources DIR] [--jobs N] [--cache DIR | --no-cache] [--max-bytes N] [budget flags]
  figtrail sources verify [--dataset DIR] [--sources DIR]
  figtrail init DIR                               scaffold a new dataset (then: figtrail build --dataset DIR)
  figtrail sources add FILE --title T --publisher P [--url URL] [--published YYYY-MM-DD] [--id ID]
                 [--capture original|rendition|…] [--notes TEXT] [--charset gbk] [--dataset DIR] [--sources DIR]
  figtrail release --bump patch|minor|major [--build DIR] [--out DIR] [--allow-dirty]
  figtrail check-release [--build DIR] [--out DIR]
  figtrail explain <fact id | mention id | metric[:subject][@period]> [--build DIR] [--json]
  figtrail facts [--metric M] [--subject S] [--status S] [--format table|csv|json] [--build DIR]
  figtrail metrics [--format table|csv|json] [--build DIR]   the metrics and their definitions
  figtrail site [--build DIR] [--sources DIR]     (re)write DIR/site, the static audit site
  figtrail eval GOLD [--build DIR] [--json] [--min-f1-value-unit X] [--min-f1-full X] [--max-negatives N] …
                 score the build's mentions against hand-written gold (eval/README.md)
  figtrail page-images --version DIR [--dataset DIR] [--sources DIR]   make a released version's page images, or the files
                 that draw them (not committed), into DIR/site, checked against DIR/PAGE-IMAGES.SHA256SUMS (release asset, Pages)

defaults: --dataset dataset/ (the project's own)  --sources: the dataset's (sources/)  --out: the dataset's out/build/ (build)  --build out/build/  --out out/ (release)
  --jobs: one extraction worker per core (1 = in-process)  --cache: .cache/figtrail/ (safe to delete)
  a build whose inputs, code and options are unchanged and whose --out still verifies is skipped (--force rebuilds)
  extract --shard i/n writes DIR/shard-i-of-n.json (+ .mentions.parquet); build --from-shards DIR... merges a complete set of shards
  (the same --sources manifest) and reconciles, checks and publishes exactly as a normal build
budget flags (per source; over one, the source fails with that reason and the others build):
  --timeout-per-source S (30; timeout)  --max-heap-mb N (768 per worker; too_complex)  --max-pages N (2000; too_many_pages)
  --max-inflated-bytes N (268435456; inflate_limit)  --max-text-items N (100000 per page; too_complex)
  --max-operators N (1000000 per page; too_complex)
  --max-pixels N (40000000 per rendered page)  --max-mentions N (20000 figures per source; too_complex)
exit codes: 0 ok, 1 a source failed or a check found an error, 2 bad usage or manifest`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const root = projectRoot();
  switch (command) {
    case 'build': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          dataset: { type: 'string' },
          sources: { type: 'string' },
          out: { type: 'string' },
          'keep-going': { type: 'boolean', default: false },
          'allow-empty': { type: 'boolean', default: false },
          'max-bytes': { type: 'string' },
          quiet: { type: 'boolean', short: 'q', default: false },
          jobs: { type: 'string', short: 'j' },
          cache: { type: 'string' },
          'no-cache': { type: 'boolean', default: false },
          'from-shards': { type: 'string', multiple: true },
          'no-site': { type: 'boolean', default: false },
          force: { type: 'boolean', default: false },
          ...BUDGET_FLAGS,
        },
        strict: true,
        allowPositionals: true,
      });
      const fromShards = values['from-shards'] === undefined ? undefined : [...values['from-shards'], ...positionals];
      if (positionals.length && !fromShards) throw new UsageError(`unexpected argument: ${positionals[0]}`);
      const maxBytes = positiveInt(values['max-bytes'], '--max-bytes');
      const jobs = jobsAndCache(values);
      const budget = budgetOf(values);
      // the first extraction worker starts now, while this thread loads the build and the dataset (it is closed
      // unused when the build turns out to be up to date); with no cache every source will be read, so each
      // worker the build would start is started now
      const pool = fromShards ? undefined : new WorkerPool(values['no-cache'] ? (jobs.jobs ?? defaultJobs()) : 1, undefined, { budget: resolveBudget(budget.budget) });
      let result;
      try {
        const { build } = await import('./pipeline/build.js');
        result = await build({
          ...(values.dataset === undefined ? {} : { datasetDir: values.dataset }),
          ...(values.sources === undefined ? {} : { sourcesDir: values.sources }),
          ...(values.out === undefined ? {} : { outDir: values.out }),
          keepGoing: values['keep-going']!,
          quiet: values.quiet!,
          ...(maxBytes === undefined ? {} : { maxBytes }),
          ...jobs,
          ...(fromShards ? { fromShards } : {}),
          ...(values['no-site'] ? { site: false } : {}),
          ...(values.force ? { force: true } : {}),
          ...budget,
          ...(values['allow-empty'] ? { allowEmpty: true } : {}),
          ...(pool ? { pool } : {}),
        });
      } finally {
        await pool?.close();
      }
      const { formatFindingsTable, writeGithubReport } = await import('./checks/report.js');
      if (!values.quiet) {
        const c = result.counts;
        process.stderr.write(
          `${formatFindingsTable(result.findings)}\n` +
            `built ${path.relative(process.cwd(), result.outDir) || '.'}: ${c.sources} sources (${c.failed} failed), ` +
            `${c.mentions} mentions (${c.mentionsWithoutMetric} without metric), ${c.skips} skipped numbers, ${c.facts} facts ` +
            `${Object.entries(c.byStatus)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}\n`,
        );
        for (const e of result.errors) process.stderr.write(`failed source ${terminalText(e.message)}\n`);
      }
      await writeGithubReport(result.findings);
      return result.exitCode;
    }
    case 'extract': {
      const { values } = parseArgs({
        args: rest,
        options: {
          shard: { type: 'string', default: '1/1' },
          dataset: { type: 'string' },
          sources: { type: 'string' },
          out: { type: 'string' },
          'max-bytes': { type: 'string' },
          quiet: { type: 'boolean', short: 'q', default: false },
          jobs: { type: 'string', short: 'j' },
          cache: { type: 'string' },
          'no-cache': { type: 'boolean', default: false },
          ...BUDGET_FLAGS,
        },
        strict: true,
      });
      if (values.out === undefined) throw new UsageError('extract needs --out DIR');
      let shard;
      try {
        shard = parseShardSpec(values.shard!);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const maxBytes = positiveInt(values['max-bytes'], '--max-bytes');
      const { extractShard } = await import('./pipeline/build.js');
      const r = await extractShard({
        ...(values.dataset === undefined ? {} : { datasetDir: values.dataset }),
        ...(values.sources === undefined ? {} : { sourcesDir: values.sources }),
        outDir: values.out,
        shard,
        quiet: values.quiet!,
        ...(maxBytes === undefined ? {} : { maxBytes }),
        ...jobsAndCache(values),
        ...budgetOf(values),
      });
      // a failed source is data in the shard; the build that merges the shards reports it and sets the exit code
      if (!values.quiet) process.stderr.write(`wrote ${terminalText(r.file)}\n`);
      return 0;
    }
    case 'sources': {
      const [sub, ...args] = rest;
      if (sub === 'add') {
        const { values, positionals } = parseArgs({
          args,
          options: {
            dataset: { type: 'string' },
            sources: { type: 'string' },
            title: { type: 'string' },
            publisher: { type: 'string' },
            url: { type: 'string' },
            published: { type: 'string' },
            id: { type: 'string' },
            capture: { type: 'string' },
            notes: { type: 'string' },
            charset: { type: 'string' },
          },
          strict: true,
          allowPositionals: true,
        });
        if (positionals.length !== 1) throw new UsageError('sources add takes one FILE');
        if (values.title === undefined || values.publisher === undefined) throw new UsageError('sources add needs --title and --publisher');
        const { addSource, nextSteps } = await import('./extract/addSource.js');
        const { defaultDatasetDir, loadDataset } = await import('./pipeline/dataset.js');
        const { entry } = addSource({
          sourcesDir: values.sources ?? (await loadDataset(values.dataset ?? defaultDatasetDir(), FOLDERS_ONLY)).sourcesDir,
          file: positionals[0]!,
          title: values.title,
          publisher: values.publisher,
          ...(values.url === undefined ? {} : { url: values.url }),
          ...(values.published === undefined ? {} : { published: values.published }),
          ...(values.id === undefined ? {} : { id: values.id }),
          ...(values.capture === undefined ? {} : { capture: values.capture }),
          ...(values.notes === undefined ? {} : { notes: values.notes }),
          ...(values.charset === undefined ? {} : { charset: values.charset }),
        });
        process.stdout.write(`${nextSteps(entry)}\n`);
        return 0;
      }
      if (sub !== 'verify') throw new UsageError(`unknown: sources ${sub ?? ''}`);
      const { values } = parseArgs({ args, options: { dataset: { type: 'string' }, sources: { type: 'string' } }, strict: true });
      const { verifySources } = await import('./extract/manifest.js');
      const { defaultDatasetDir, loadDataset } = await import('./pipeline/dataset.js');
      const results = verifySources(values.sources ?? (await loadDataset(values.dataset ?? defaultDatasetDir(), FOLDERS_ONLY)).sourcesDir);
      for (const r of results) process.stdout.write(terminalText(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.id}${r.ok ? '' : `  ${r.reason}: ${r.message}`}`) + '\n');
      return results.every((r) => r.ok) ? 0 : 1;
    }
    case 'release':
    case 'check-release': {
      const { values } = parseArgs({
        args: rest,
        options: {
          bump: { type: 'string' },
          dataset: { type: 'string' },
          build: { type: 'string' },
          out: { type: 'string' },
          'allow-dirty': { type: 'boolean', default: false },
        },
        strict: true,
      });
      const { defaultDatasetDir, loadDataset } = await import('./pipeline/dataset.js');
      const releases = values.out ?? (await loadDataset(values.dataset ?? defaultDatasetDir(), FOLDERS_ONLY)).outDir;
      const { runReleaseCommand } = await import('./pipeline/releaseCommand.js');
      return runReleaseCommand(command, { bump: values.bump, buildDir: values.build ?? path.join(releases, 'build'), outDir: releases, allowDirty: values['allow-dirty']! });
    }
    case 'explain': {
      const { runExplainCli } = await import('./audit/explain.js');
      return runExplainCli(rest);
    }
    case 'facts':
    case 'metrics': {
      const { runBrowseCli } = await import('./audit/browse.js');
      return runBrowseCli(command, rest, path.join(root, 'out', 'build'));
    }
    case 'page-images': {
      const { values } = parseArgs({
        args: rest,
        options: { version: { type: 'string' }, dataset: { type: 'string' }, sources: { type: 'string' } },
        strict: true,
      });
      if (values.version === undefined) throw new UsageError('page-images needs --version DIR (a released version folder, e.g. out/v1.2.0)');
      const { restorePageImages, PAGE_IMAGES_SUMS } = await import('./pipeline/pageImages.js');
      const { defaultDatasetDir, loadDataset } = await import('./pipeline/dataset.js');
      const r = await restorePageImages(values.version, values.sources ?? (await loadDataset(values.dataset ?? defaultDatasetDir(), FOLDERS_ONLY)).sourcesDir);
      process.stderr.write(
        r.listed === 0
          ? `page-images: ${values.version} has no ${PAGE_IMAGES_SUMS} (its page images are committed with it): nothing to do\n`
          : `page-images: made ${r.restored} page files into ${path.join(values.version, 'site')}, each matching ${PAGE_IMAGES_SUMS}\n`,
      );
      return 0;
    }
    case 'site': {
      const { values } = parseArgs({
        args: rest,
        options: { dataset: { type: 'string' }, build: { type: 'string', default: path.join(root, 'out', 'build') }, sources: { type: 'string' } },
        strict: true,
      });
      const { defaultDatasetDir, loadDataset } = await import('./pipeline/dataset.js');
      const dataset = await loadDataset(values.dataset ?? defaultDatasetDir());
      const { writeAuditSite } = await import('./audit/site.js');
      await writeAuditSite(values.build!, path.join(values.build!, 'site'), { sourcesDir: values.sources ?? dataset.sourcesDir, log: (l) => process.stderr.write(`${terminalText(l)}\n`), ...(dataset.charts.length ? { charts: dataset.charts } : {}) });
      // the build's checksums cover the site: rewrite them so the folder still verifies
      const { writeSha256Sums } = await import('./pipeline/publish.js');
      writeSha256Sums(values.build!);
      return 0;
    }
    case 'init': {
      const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
      if (positionals.length !== 1) throw new UsageError('init takes one folder: figtrail init DIR');
      const { initDataset } = await import('./pipeline/init.js');
      const made = initDataset(path.resolve(positionals[0]!));
      process.stdout.write(`${made.map((f) => `created ${f}`).join('\n')}\nnext: figtrail build --dataset ${positionals[0]}\n`);
      return 0;
    }
    case 'eval': {
      const { runEvalCli, EvalUsageError } = await import('./eval/command.js');
      try {
        return runEvalCli(rest, path.join(root, 'out', 'build'), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
      } catch (e) {
        if (e instanceof EvalUsageError) throw new UsageError(e.message);
        throw e;
      }
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

class UsageError extends Error {}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`${flag} takes a positive whole number`);
  return n;
}

const BUDGET_FLAGS = {
  'timeout-per-source': { type: 'string' },
  'max-heap-mb': { type: 'string' },
  'max-pages': { type: 'string' },
  'max-inflated-bytes': { type: 'string' },
  'max-text-items': { type: 'string' },
  'max-pixels': { type: 'string' },
  'max-mentions': { type: 'string' },
  'max-operators': { type: 'string' },
} as const;

type BudgetFlagValues = { [K in keyof typeof BUDGET_FLAGS]?: string | undefined };

/** The budget flags as build options: only those given, the rest keep their defaults (pipeline/budget.ts). */
function budgetOf(values: BudgetFlagValues): { budget?: BudgetOptions } {
  const b: BudgetOptions = {};
  const pdf: NonNullable<BudgetOptions['pdf']> = {};
  const seconds = positiveNumber(values['timeout-per-source'], '--timeout-per-source');
  if (seconds !== undefined) b.timeoutMs = Math.round(seconds * 1000);
  const heap = positiveInt(values['max-heap-mb'], '--max-heap-mb');
  if (heap !== undefined) b.maxHeapMb = heap;
  const mentions = positiveInt(values['max-mentions'], '--max-mentions');
  if (mentions !== undefined) b.maxMentions = mentions;
  const pages = positiveInt(values['max-pages'], '--max-pages');
  if (pages !== undefined) pdf.maxPages = pages;
  const inflated = positiveInt(values['max-inflated-bytes'], '--max-inflated-bytes');
  if (inflated !== undefined) pdf.maxInflatedBytes = inflated;
  const items = positiveInt(values['max-text-items'], '--max-text-items');
  if (items !== undefined) pdf.maxTextItemsPerPage = items;
  const operators = positiveInt(values['max-operators'], '--max-operators');
  if (operators !== undefined) pdf.maxOperatorsPerPage = operators;
  const pixels = positiveInt(values['max-pixels'], '--max-pixels');
  if (pixels !== undefined) pdf.maxPixelsPerPage = pixels;
  if (Object.keys(pdf).length) b.pdf = pdf;
  return Object.keys(b).length ? { budget: b } : {};
}

function positiveNumber(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} must be a positive number, got ${v}`);
  return n;
}

function jobsAndCache(values: { jobs?: string | undefined; cache?: string | undefined; 'no-cache'?: boolean | undefined }): { jobs?: number; cacheDir?: string | null } {
  if (values.cache !== undefined && values['no-cache']) throw new UsageError('--cache and --no-cache exclude each other');
  const jobs = positiveInt(values.jobs, '--jobs');
  return {
    ...(jobs === undefined ? {} : { jobs }),
    ...(values['no-cache'] ? { cacheDir: null } : values.cache !== undefined ? { cacheDir: path.resolve(values.cache) } : {}),
  };
}

/** An error the user can act on (bad usage, manifest, dataset, gold file or shards): said in one line, exit 2. */
async function isUsersError(err: unknown): Promise<boolean> {
  if (err instanceof UsageError || err instanceof ShardError || (err as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS')) return true;
  if (!(err instanceof Error)) return false;
  // the modules that define the other errors are loaded already when one of theirs was thrown
  // (and when the failure was one of those modules not loading, it is not a user's error: print it as it is)
  try {
    const [{ ManifestError }, { GoldError }, { DatasetError }] = await Promise.all([import('./extract/manifest.js'), import('./eval/gold.js'), import('./pipeline/dataset.js')]);
    return err instanceof ManifestError || err instanceof GoldError || err instanceof DatasetError;
  } catch {
    return false;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (await isUsersError(err)) {
      process.stderr.write(`figtrail: ${terminalLines((err as Error).message)}\n${err instanceof UsageError ? `\n${USAGE}\n` : ''}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`figtrail: ${terminalLines(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
      process.exitCode = 1;
    }
  },
);
