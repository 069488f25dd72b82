/**
 * The bench's command line. Quick is the default (a small corpus: minutes on 2 cores); `--full` measures at
 * the scale of the targets (200 PDFs × 10 pages, 500 HTML pages, 1,000,000 mentions: long on 2 cores).
 * `--no-install` never installs poppler-utils (the pdftotext comparison is then left out).
 */
export interface BenchOptions {
  full: boolean;
  install: boolean;
  /** only the hostile-input figures (100,000-figure sentence, HTML MB/s, builds with one hostile file each) */
  hostile: boolean;
  help: boolean;
}

export class BenchUsageError extends Error {}

export const BENCH_USAGE = `usage: npm run bench [-- --full] [-- --no-install]
  (default) quick: 10 two-column PDFs × 10 pages, 30 HTML pages, 100,000 mentions; one run per figure
  --full        the targets' scale: 200 PDFs × 10 pages, 500 HTML pages, 1,000,000 mentions; best of runs
  --hostile     only the hostile-input figures, with the builds of the five sources plus one hostile file each
  --no-install  do not apt-get install poppler-utils for the pdftotext comparison (else: announced, root only)`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { full: false, install: true, hostile: false, help: false };
  for (const a of argv) {
    if (a === '--full') o.full = true;
    else if (a === '--quick') o.full = false; // the default; accepted so old invocations keep working
    else if (a === '--no-install') o.install = false;
    else if (a === '--hostile') o.hostile = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new BenchUsageError(`unknown option ${a}\n${BENCH_USAGE}`);
  }
  return o;
}

/** The corpus and repetitions for a mode. */
export function benchSize(o: BenchOptions): { pdfs: number; pages: number; htmls: number; mentions: number; coldRuns: number; noSiteRuns: number } {
  return o.full
    ? { pdfs: 200, pages: 10, htmls: 500, mentions: 1_000_000, coldRuns: 3, noSiteRuns: 2 }
    : { pdfs: 10, pages: 10, htmls: 30, mentions: 100_000, coldRuns: 1, noSiteRuns: 1 };
}
