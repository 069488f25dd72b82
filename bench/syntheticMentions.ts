/**
 * Synthetic mentions for the reconcile benches, made from the real mentions of a build (templates): each
 * copies a template (70 % from those with a metric), moves it to one of `nSources` synthetic sources and a
 * year, and scales a fifth of them by 0.9–1.1 so that reconciliation meets agreeing and conflicting figures.
 * Written as newline-delimited JSON in chunks (memory bounded whatever the count), deterministic per seed.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Mention } from '../extract/records.js';
import { prng } from './corpus.js';

export interface SyntheticRange {
  /** global index of the first mention (mention ids and offsets follow it, so shards never collide) */
  from: number;
  /** global index past the last */
  to: number;
  nSources: number;
  seed: number;
}

export const sourcesFor = (mentions: number): number => Math.max(1, Math.round(mentions / 500));

/** Writes mentions [from, to) to `file` as NDJSON; returns how many were written. */
export function writeSyntheticMentions(file: string, templates: readonly Mention[], range: SyntheticRange): number {
  const r = prng(range.seed);
  const withMetric = templates.filter((m) => m.metric !== null);
  const fd = openSync(file, 'w');
  try {
    let buf: string[] = [];
    for (let i = range.from; i < range.to; i++) {
      const from = r() < 0.7 ? withMetric : templates;
      const t = from[Math.floor(r() * from.length)]!;
      const src = `syn-${Math.floor(r() * range.nSources)}`;
      const year = String(2005 + Math.floor(r() * 19));
      const factor = r() < 0.8 ? 1 : [0.9, 0.95, 1.05, 1.1][Math.floor(r() * 4)]!;
      const m: Mention = {
        ...t,
        mention_id: `m_${createHash('sha256').update(`${i}`).digest('hex').slice(0, 16)}`,
        source_id: src,
        source_sha256: createHash('sha256').update(src).digest('hex'),
        char_start: i % 100000,
        char_end: (i % 100000) + t.quote.length,
        value: t.value * factor,
        lo: t.lo === null ? null : t.lo * factor,
        hi: t.hi === null ? null : t.hi * factor,
        period: t.period === null && r() < 0.5 ? null : year,
        period_basis: 'stated',
        paired_mention_id: null,
      };
      buf.push(JSON.stringify(m));
      if (buf.length === 5000) {
        writeSync(fd, `${buf.join('\n')}\n`);
        buf = [];
      }
    }
    if (buf.length) writeSync(fd, `${buf.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return range.to - range.from;
}

/** The sources.json rows the synthetic mentions point at (a third of them from the statistical publisher). */
export function syntheticSources(nSources: number): Record<string, unknown>[] {
  return Array.from({ length: nSources }, (_, k) => ({
    source_id: `syn-${k}`, file: `syn-${k}.pdf`, media_type: 'application/pdf', title: `synthetic ${k}`, publisher: k % 3 ? 'bench' : 'National Bureau of Statistics',
    original_url: null, published: `20${10 + (k % 14)}-06-01`, capture: 'synthetic', notes: null, sha256: createHash('sha256').update(`syn-${k}`).digest('hex'),
    bytes: 1000, pages: 10, text_chars: 10000, text_sha256: null, status: 'ok', error_reason: null,
  }));
}
