import type { Mention } from '../extract/records.js';
import type { CheckContext } from './types.js';
import { TextCache, groupBy } from './util.js';

/**
 * Mentions of one sentence with the text around and between them, taken from the published text layer
 * by code-point offsets (so "2" in "In 2013, 2 zones …" is never confused with the "2" of "2013").
 * `gaps[0]` is the sentence text before the first mention, `gaps[i]` the text between mention i−1
 * and i, `gaps[n]` the text after the last one.
 */
export interface Clause {
  sourceId: string;
  sentence: string;
  mentions: Mention[];
  gaps: string[];
  /** code-point span of the sentence as far as it is known: [before first gap, after last gap) */
  start: number;
  end: number;
}

const BOUNDARY = /[.!?;。；！？](?=\s|$)|\n|\f/gu;
const MAX_EDGE = 300;

/** Text before `cpStart` back to the previous sentence boundary (at most MAX_EDGE code points). */
function edgeBefore(text: string, u16Start: number): string {
  const from = Math.max(0, u16Start - MAX_EDGE);
  const window = text.slice(from, u16Start);
  let cut = 0;
  for (const m of window.matchAll(BOUNDARY)) cut = m.index + m[0].length;
  return window.slice(cut).replace(/^\s+/u, '');
}

function edgeAfter(text: string, u16End: number): string {
  const window = text.slice(u16End, u16End + MAX_EDGE);
  // a boundary right at the start of the window (the figure's own full stop) still ends the sentence
  const m = /[.!?;。；！？](?=\s|$)|\n|\f/u.exec(window);
  return m ? window.slice(0, m.index) : window;
}

/** Clusters mentions by (source, sentence), consecutive in text order; needs the source's text layer. */
/** Clauses computed for (mentions, texts): three rules read them in one check run; computed once. */
const memo = new WeakMap<object, WeakMap<object, Clause[]>>();

export function sentenceClauses(ctx: Pick<CheckContext, 'mentions' | 'texts'>, cache = new TextCache(ctx.texts)): Clause[] {
  const byTexts = memo.get(ctx.mentions);
  const hit = byTexts?.get(ctx.texts);
  if (hit) return hit;
  const out = computeClauses(ctx, cache);
  if (byTexts) byTexts.set(ctx.texts, out);
  else memo.set(ctx.mentions, new WeakMap([[ctx.texts, out]]));
  return out;
}

function computeClauses(ctx: Pick<CheckContext, 'mentions' | 'texts'>, cache: TextCache): Clause[] {
  const out: Clause[] = [];
  const bySource = groupBy(ctx.mentions, (m) => m.source_id);
  for (const sourceId of [...bySource.keys()].sort()) {
    const idx = cache.index(sourceId);
    if (!idx) continue;
    const text = idx.text;
    const ms = [...bySource.get(sourceId)!].sort((a, b) => a.char_start - b.char_start || a.char_end - b.char_end);
    let cur: Mention[] = [];
    const flush = (): void => {
      if (cur.length === 0) return;
      const first = cur[0]!;
      const last = cur[cur.length - 1]!;
      const gaps: string[] = [];
      const s0 = idx.toUtf16(first.char_start);
      const head = edgeBefore(text, s0);
      gaps.push(head);
      for (let i = 1; i < cur.length; i++) {
        gaps.push(idx.sliceCodePoints(cur[i - 1]!.char_end, cur[i]!.char_start));
      }
      const tail = edgeAfter(text, idx.toUtf16(last.char_end));
      gaps.push(tail);
      out.push({
        sourceId,
        sentence: first.sentence,
        mentions: cur,
        gaps,
        start: idx.toCodePoint(s0 - head.length),
        end: idx.toCodePoint(idx.toUtf16(last.char_end) + tail.length),
      });
      cur = [];
    };
    for (const m of ms) {
      if (m.char_end > idx.cpLength || m.char_start > m.char_end) continue; // quote-at-offsets reports these
      const prev = cur[cur.length - 1];
      if (prev && (prev.sentence !== m.sentence || m.char_start < prev.char_end)) flush();
      cur.push(m);
    }
    flush();
  }
  return out;
}
