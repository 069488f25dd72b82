/**
 * The bench's command line. Quick is the default (a small corpus: minutes on 2 cores); `--full` measures at
 * the scale of the targets (200 PDFs × 10 pages, 500 HTML pages, 1,000,000 mentions: long on 2 cores).
 * `--no-install` never installs poppler-utils (the pdftotext comparison is then left out).
 */
export interface BenchOptions {
  full: boolean;
  /** the 10,000,000-mention sharded reconcile (bench/scale10m.ts); alone it runs only that section */
  scale10m: boolean;
  /** `--scale-mentions=N`: the --scale-10m section at N mentions instead (for development; targets are for 10M) */
  scaleMentions: number | null;
  install: boolean;
  /** only the hostile-input figures (100,000-figure sentence, HTML MB/s, builds with one hostile file each) */
  hostile: boolean;
  help: boolean;
}

export class BenchUsageError extends Error {}

export const BENCH_USAGE = `usage: npm run bench [-- --full] [-- --scale-10m [--scale-mentions=N]] [-- --hostile] [-- --no-install]
  (default) quick: 10 two-column PDFs × 10 pages, 30 HTML pages, 100,000 mentions; one run per figure
  --full        the targets' scale: 200 PDFs × 10 pages, 500 HTML pages, 1,000,000 mentions; best of runs;
                then the --scale-10m section
  --scale-10m   only 10,000,000 mentions from 8 extraction shards (Parquet), one reconcile under a 2 GB DuckDB
                memory limit (minutes; ~10 GB of shards + DuckDB spill in the temp folder); with --full, last
  --scale-mentions=N  the --scale-10m section with N mentions instead of 10,000,000 (develop at 1,000,000:
                the targets stay those of 10,000,000 and are then printed for reference only)
  --hostile     only the hostile-input figures, with the builds of the five sources plus one hostile file each
  --no-install  do not apt-get install poppler-utils for the pdftotext comparison (else: announced, root only)`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { full: false, scale10m: false, scaleMentions: null, install: true, hostile: false, help: false };
  for (const a of argv) {
    const n = /^--scale-mentions=(\d+)$/.exec(a);
    if (n) {
      o.scaleMentions = Number(n[1]);
      if (!(o.scaleMentions >= 1000)) throw new BenchUsageError(`--scale-mentions needs at least 1000 mentions\n${BENCH_USAGE}`);
      o.scale10m = true;
    } else if (a === '--full') o.full = true;
    else if (a === '--scale-10m') o.scale10m = true;
    else if (a === '--quick') o.full = false; // the default; accepted so old invocations keep working
    else if (a === '--no-install') o.install = false;
    else if (a === '--hostile') o.hostile = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new BenchUsageError(`unknown option ${a}\n${BENCH_USAGE}`);
  }
  return o;
}

/** Which parts run: the quick/full sections unless only --scale-10m was asked; the 10M section with either flag. */
export function benchParts(o: BenchOptions): { main: boolean; scale10m: boolean } {
  return { main: o.full || !o.scale10m, scale10m: o.full || o.scale10m };
}

/** The corpus and repetitions for a mode. */
export function benchSize(o: BenchOptions): { pdfs: number; pages: number; htmls: number; mentions: number; coldRuns: number; noSiteRuns: number; pdfRounds: number } {
  return o.full
    ? { pdfs: 200, pages: 10, htmls: 500, mentions: 1_000_000, coldRuns: 3, noSiteRuns: 2, pdfRounds: 5 }
    : { pdfs: 10, pages: 10, htmls: 30, mentions: 100_000, coldRuns: 1, noSiteRuns: 1, pdfRounds: 3 };
}
