/**
 * How well the audit site's quote boxes agree with poppler's word boxes, word by word.
 *
 * For each span (a figure's quote) the words in it (split at whitespace) get a box from the published
 * layout (`mentionBoxes`, the site's own drawing code) and are matched to the poppler word on the page that
 * contains the same text and overlaps the box most. Edges are compared where both boxes end at the same
 * character: all four when poppler's word is the same word; left only when poppler's word goes on after it
 * (a trailing comma), right only when it starts before it; top and bottom always.
 *
 * `node dist/audit/boxAgreement.js [sourcesDir]` prints the figures for the archived PDFs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readManifest, readSourceBytes } from '../extract/manifest.js';
import { OffsetIndex } from '../extract/offsets.js';
import { readPdfTextLayer } from '../extract/pdf.js';
import { SourceAccessError } from '../extract/sourceFile.js';
import { latestVersion } from '../pipeline/release.js';
import { layoutOf } from '../pipeline/extractSource.js';
import type { Layout } from './load.js';
import { ensurePdftotext, pdftotextUnavailableReason, popplerWords, type PopplerWord } from './popplerWords.js';
import { mentionBoxes } from './site.js';

export interface WordComparison {
  page: number;
  /** the word as the text layer has it, and its code-point span */
  text: string;
  char_start: number;
  char_end: number;
  ours: [number, number, number, number] | null;
  /** the poppler word matched (null: none contains this text) */
  poppler: PopplerWord | null;
  /** largest difference of the compared edges, in points (Infinity when unmatched or not drawn) */
  deviation: number;
}

export interface AgreementSummary {
  words: number;
  matched: number;
  maxDeviation: number;
  within1pt: number;
}

const fold = (s: string) => s.normalize('NFKC');

/** The words (maximal non-whitespace runs) of a code-point span of `text`. */
export function wordsOfSpan(index: OffsetIndex, start: number, end: number): { text: string; start: number; end: number }[] {
  const cps = Array.from(index.sliceCodePoints(start, end));
  const out: { text: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < cps.length) {
    if (/\s/u.test(cps[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < cps.length && !/\s/u.test(cps[j]!)) j++;
    out.push({ text: cps.slice(i, j).join(''), start: start + i, end: start + j });
    i = j;
  }
  return out;
}

function overlapArea(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Compares the boxes of the words of each code-point span with poppler's words of the same PDF. */
export function compareWithPoppler(text: string, layout: Layout, spans: readonly { start: number; end: number }[], words: readonly PopplerWord[]): WordComparison[] {
  const index = new OffsetIndex(text);
  const byPage = new Map<number, PopplerWord[]>();
  for (const w of words) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
  const out: WordComparison[] = [];
  for (const span of spans) {
    for (const word of wordsOfSpan(index, span.start, span.end)) {
      const boxes = mentionBoxes(layout, { char_start: word.start, char_end: word.end });
      const page = boxes[0]?.page ?? 0;
      const ours = boxes.length === 1 ? boxes[0]!.box : null;
      const base = { page, text: word.text, char_start: word.start, char_end: word.end, ours };
      if (!ours) {
        out.push({ ...base, poppler: null, deviation: Infinity });
        continue;
      }
      const wanted = fold(word.text);
      const candidates = (byPage.get(page) ?? []).filter((w) => fold(w.text).includes(wanted));
      let best: PopplerWord | null = null;
      let bestScore = -Infinity;
      for (const c of candidates) {
        const cx = (c.box[0] + c.box[2]) / 2 - (ours[0] + ours[2]) / 2;
        const cy = (c.box[1] + c.box[3]) / 2 - (ours[1] + ours[3]) / 2;
        const score = overlapArea(c.box, ours) - 1e-3 * Math.hypot(cx, cy);
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      if (!best) {
        out.push({ ...base, poppler: null, deviation: Infinity });
        continue;
      }
      const theirs = fold(best.text);
      const at = theirs.indexOf(wanted);
      const d = [Math.abs(ours[1] - best.box[1]), Math.abs(ours[3] - best.box[3])];
      if (at === 0) d.push(Math.abs(ours[0] - best.box[0]));
      if (at + wanted.length === theirs.length) d.push(Math.abs(ours[2] - best.box[2]));
      out.push({ ...base, poppler: best, deviation: Math.max(...d) });
    }
  }
  return out;
}

export function summarize(rows: readonly WordComparison[]): AgreementSummary {
  const matched = rows.filter((r) => Number.isFinite(r.deviation));
  return {
    words: rows.length,
    matched: matched.length,
    maxDeviation: matched.reduce((m, r) => Math.max(m, r.deviation), 0),
    within1pt: matched.filter((r) => r.deviation <= 1).length,
  };
}

export interface SourceAgreement {
  source: string;
  /** the words of the released figures' quotes */
  rows: WordComparison[];
  /** every word of the text layer outside running heads (a wider net than the figures) */
  allWords: WordComparison[];
}

/**
 * The archived PDFs: the latest released mentions' quotes, and every word, against poppler's words.
 * `itemBoxesOnly` drops the glyph edges from the layout (the old boxes, for comparison).
 */
export async function archivedAgreement(root: string, opts: { itemBoxesOnly?: boolean } = {}): Promise<SourceAgreement[]> {
  const pdftotext = ensurePdftotext();
  if (!pdftotext) throw new Error(`pdftotext unavailable: ${pdftotextUnavailableReason}`);
  const sourcesDir = path.join(root, 'sources');
  const version = latestVersion(path.join(root, 'out'));
  if (!version) throw new Error('no released version in out/ to take the figures from');
  const mentions = JSON.parse(readFileSync(path.join(root, 'out', `v${version}`, 'mentions.json'), 'utf8')) as { source_id: string; char_start: number; char_end: number; quote: string }[];
  const results: SourceAgreement[] = [];
  for (const entry of readManifest(sourcesDir)) {
    if (entry.media_type !== 'application/pdf') continue;
    let bytes: Buffer;
    try {
      bytes = readSourceBytes(sourcesDir, entry);
    } catch (e) {
      if (e instanceof SourceAccessError && e.kind === 'missing') continue;
      throw e;
    }
    const layer = await readPdfTextLayer(bytes, { sourceId: entry.id, sha256: entry.sha256 });
    const full = layoutOf(layer)!;
    const layout = opts.itemBoxesOnly ? { pages: full.pages, items: full.items.map(({ x: _x, ...it }) => it) } : full;
    const index = new OffsetIndex(layer.text);
    const spans = mentions.filter((m) => m.source_id === entry.id).map((m) => {
      // the released offsets must still point at the quote (the release gate keeps the text layer fixed)
      if (index.sliceCodePoints(m.char_start, m.char_end) !== m.quote) throw new Error(`${entry.id}: the text layer no longer has ${JSON.stringify(m.quote)} at ${m.char_start}`);
      return { start: m.char_start, end: m.char_end };
    });
    const words = popplerWords(pdftotext, bytes);
    const whole = [{ start: 0, end: index.cpLength }];
    results.push({ source: entry.id, rows: compareWithPoppler(layer.text, layout, spans, words), allWords: compareWithPoppler(layer.text, layout, whole, words) });
  }
  return results;
}

export function formatAgreement(results: readonly SourceAgreement[]): string {
  const lines = ['source\twords compared\tmatched to a poppler word\tmax deviation (pt)\twithin 1 pt'];
  for (const r of results) {
    for (const [what, rows] of [['figures', r.rows], ['all words', r.allWords]] as const) {
      const s = summarize(rows);
      lines.push(`${r.source} (${what})\t${s.words}\t${s.matched}\t${s.maxDeviation.toFixed(3)}\t${s.within1pt}`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const itemBoxesOnly = args.includes('--item-boxes-only');
  const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(import.meta.dirname, '..', '..'));
  const results = await archivedAgreement(root, { itemBoxesOnly });
  process.stdout.write(`${itemBoxesOnly ? 'boxes cut from text items by character share (no glyph edges)\n' : ''}${formatAgreement(results)}\n`);
  for (const r of results) {
    for (const w of [...r.rows, ...r.allWords].filter((x) => !(x.deviation <= 1)).slice(0, 5)) {
      process.stdout.write(`  ${r.source} p.${w.page} ${JSON.stringify(w.text)} ours=${JSON.stringify(w.ours?.map((v) => Math.round(v * 100) / 100))} poppler=${w.poppler ? `${JSON.stringify(w.poppler.text)} ${JSON.stringify(w.poppler.box.map((v) => Math.round(v * 100) / 100))}` : 'none'} deviation=${w.deviation}\n`);
    }
  }
}
