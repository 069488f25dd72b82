/**
 * What one source may cost the build. Each source is read in an extraction child process (pipeline/pool.ts) with a
 * V8 heap limit and a watchdog; inside, the PDF reader keeps to extract/limits.ts. Over a budget the source fails with a
 * named reason (timeout, too_complex, too_many_pages, inflate_limit) in errors.json and the others build.
 * Defaults fit a 2-core, 4 GB runner; `figtrail build` flags change them.
 */
import { DEFAULT_PDF_LIMITS, type PdfLimits } from '../extract/limits.js';

export interface SourceBudget {
  /** wall-clock milliseconds one source may take to read and extract (timeout); 0: no limit */
  timeoutMs: number;
  /**
   * V8 old-generation heap of each extraction process (--max-old-space-size), in MB: a source that needs more
   * fails as too_complex
   */
  maxHeapMb: number;
  /** a source still being read after this many milliseconds is named in the log (then every such interval) */
  slowAfterMs: number;
  /**
   * figures one source may state (too_complex): every mention is a row carried through reconciliation, checks
   * and the audit site, so a page of 100,000 figures would cost the later stages minutes and gigabytes
   */
  maxMentions: number;
  pdf: PdfLimits;
}

export const DEFAULT_BUDGET: SourceBudget = {
  timeoutMs: 30_000,
  maxHeapMb: 768,
  slowAfterMs: 5_000,
  maxMentions: 20_000,
  pdf: DEFAULT_PDF_LIMITS,
};

export type BudgetOptions = Partial<Omit<SourceBudget, 'pdf'>> & { pdf?: Partial<PdfLimits> };

export function resolveBudget(o: BudgetOptions | undefined): SourceBudget {
  return {
    timeoutMs: o?.timeoutMs ?? DEFAULT_BUDGET.timeoutMs,
    maxHeapMb: o?.maxHeapMb ?? DEFAULT_BUDGET.maxHeapMb,
    slowAfterMs: o?.slowAfterMs ?? DEFAULT_BUDGET.slowAfterMs,
    maxMentions: o?.maxMentions ?? DEFAULT_BUDGET.maxMentions,
    pdf: { ...DEFAULT_BUDGET.pdf, ...o?.pdf },
  };
}

/** A task stopped by the pool for going over its budget; `reason` is what errors.json records. */
export class BudgetExceeded extends Error {
  readonly reason: 'timeout' | 'too_complex';
  constructor(reason: 'timeout' | 'too_complex', message: string) {
    super(message);
    this.name = 'BudgetExceeded';
    this.reason = reason;
  }
}
