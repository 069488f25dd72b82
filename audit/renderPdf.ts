import { DEFAULT_BUDGET, type SourceBudget } from '../pipeline/budget.js';
import { WorkerPool } from '../pipeline/pool.js';
import type { RenderOutcome } from '../pipeline/worker.js';
import type { RenderedPage } from './renderPages.js';

export type { RenderedPage } from './renderPages.js';

export interface RenderOptions {
  /** time, heap and PDF limits of the rendering worker (default: pipeline/budget.ts DEFAULT_BUDGET) */
  budget?: SourceBudget;
  /** what the log calls this document (the source id) */
  label?: string;
}

/**
 * Renders every page of a PDF to PNG (audit/renderPages.ts) in an extraction child process with the source
 * budget: a hostile PDF that draws forever or asks for gigabytes of canvas fails here with a named reason instead of
 * stopping the caller. The site draws its pages in the browser now; this restores the PNG pages that versions
 * v1.2.0 to v1.4.0 list (pipeline/pageImages.ts) and is what bench/pageViews.ts compares the browser with.
 */
export async function renderPdfPages(data: Uint8Array, scale = 1.5, opts: RenderOptions = {}): Promise<RenderedPage[]> {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const pool = new WorkerPool(1, undefined, { budget });
  try {
    const o = await pool.run({ kind: 'render', label: opts.label ?? 'pdf', data, scale, limits: budget.pdf });
    return (o as RenderOutcome).pages.map((p) => ({ ...p, png: new Uint8Array(p.png) }));
  } finally {
    await pool.close();
  }
}
