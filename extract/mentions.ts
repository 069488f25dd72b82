import { sha256Hex } from './manifest.js';
import { readContexts, type FigureRef } from './context.js';
import { GRAMMAR_VERSION, scanFigures } from './figures.js';
import type { Lexicon } from './lexicon.js';
import { OffsetIndex, pageAt, toByteSpan, type Span } from './offsets.js';
import type { Mention, Skip } from './records.js';
import { regionAt, type RegionKind, type TextLayer } from './textLayer.js';

/** Bumped by hand when the mention-building rules below change. */
export const MENTIONS_VERSION = '2';

export function extractorVersion(): string {
  return `grammar-${GRAMMAR_VERSION}/mentions-${MENTIONS_VERSION}`;
}

/** Regions whose numbers are site furniture, not statements about the subject. */
const NOT_CONTENT: ReadonlySet<RegionKind> = new Set(['chrome', 'header', 'footer', 'page_number']);

/**
 * A sentence longer than this (UTF-16 units) is published as the stretch of it around the figure: a run-on
 * "sentence" of 100,000 figures would otherwise be copied into each of its 100,000 rows. Real sentences are far
 * shorter (the archived sources' longest is about 630 characters), so they are published whole.
 */
export const MAX_SENTENCE_UNITS = 1000;

function sentenceAround(text: string, sentence: Span, f: Span): string {
  if (sentence.end - sentence.start <= MAX_SENTENCE_UNITS) return text.slice(sentence.start, sentence.end);
  const half = Math.max(0, Math.floor((MAX_SENTENCE_UNITS - (f.end - f.start)) / 2));
  let a = Math.max(sentence.start, f.start - half);
  let b = Math.min(sentence.end, f.end + half);
  // whole code points only: never cut a surrogate pair
  if (a > sentence.start && /[\udc00-\udfff]/.test(text[a]!)) a--;
  if (b < sentence.end && /[\udc00-\udfff]/.test(text[b]!)) b++;
  return text.slice(a, b);
}

/** W3C TextQuoteSelector uses up to 32 characters of context either side. */
const CONTEXT_CODE_POINTS = 32;

export interface SourceMeta {
  sourceId: string;
  sha256: string;
  /** 'YYYY-MM-DD' or null */
  published: string | null;
}

export interface ExtractedMentions {
  mentions: Mention[];
  skips: Skip[];
}

export function mentionId(sourceSha256: string, charStart: number, charEnd: number): string {
  const input = `${sourceSha256}:${charStart}:${charEnd}`;
  return `m_${sha256Hex(input).slice(0, 16)}`;
}

/**
 * Text layer → mentions: the grammar finds figures and non-figures, the lexicon reads their context,
 * and every figure gets its full trail (code-point offsets, page or raw bytes, quote and context).
 */
export function extractMentions(layer: TextLayer, meta: SourceMeta, lexicon: Lexicon): ExtractedMentions {
  const { text } = layer;
  const index = new OffsetIndex(text);
  const scan = scanFigures(text);
  const version = extractorVersion();

  const place = (span: Span) => {
    const cp = index.spanToCodePoints(span);
    const page = layer.pages.length ? pageAt(layer.pages, span.start)?.page ?? null : null;
    const bytes = layer.byteMap ? toByteSpan(layer.byteMap, span) : null;
    return { cp, page, bytes };
  };

  const skips: Skip[] = scan.skips.map((s) => {
    const p = place(s);
    return {
      source_id: meta.sourceId,
      page: p.page,
      char_start: p.cp.start,
      char_end: p.cp.end,
      text: s.text,
      reason: s.reason,
    };
  });

  // Figures in page furniture (navigation, running headers, footers) are recorded as skips, not mentions.
  const kept: number[] = [];
  // the region of each kept figure, found once (it is published with the mention)
  const keptRegions: RegionKind[] = [];
  scan.figures.forEach((f, i) => {
    const kind = regionAt(layer, f.numberStart);
    // (a value no table can hold never gets here: the grammar skips it as not_representable, extract/figures.ts)
    if (NOT_CONTENT.has(kind)) {
      // only the digits are skipped: words the grammar read around them may belong to the next block
      const digits = { start: f.numberStart, end: f.numberEnd };
      const p = place(digits);
      skips.push({
        source_id: meta.sourceId,
        page: p.page,
        char_start: p.cp.start,
        char_end: p.cp.end,
        text: text.slice(digits.start, digits.end),
        reason: `not_content:${kind}`,
      });
    } else {
      kept.push(i);
      keptRegions.push(kind);
    }
  });

  const figures = kept.map((i) => scan.figures[i]!);
  const refs: FigureRef[] = figures.map((f) => ({
    start: f.start,
    end: f.end,
    value: f.value,
    unit: f.unit,
    unitWord: f.unitWord,
    bound: f.bound,
    numberEnd: f.numberEnd,
  }));
  const contexts = readContexts(text, refs, {
    publication: meta.published,
    regions: layer.regions,
    // HTML blocks are already one per line; PDF lines wrap mid-sentence
    lineBreaks: layer.mediaType === 'text/html' ? 'hard' : 'soft',
  }, lexicon);

  // "15.3 trillion yuan ($2.1 trillion) in sales": the two currencies state one figure, so what
  // one of them was read as (metric, subject, period) holds for the other where that one found nothing
  // (an array, not a Map of pairs: a page has tens of thousands of figures)
  const keptIndex = new Int32Array(scan.figures.length).fill(-1);
  kept.forEach((scanIndex, k) => (keptIndex[scanIndex] = k));
  figures.forEach((f, k) => {
    const other = f.pairedWith === null ? -1 : keptIndex[f.pairedWith]!;
    if (other < 0) return;
    const a = contexts[k]!;
    const b = contexts[other]!;
    let shared = false;
    if (a.metric === null && b.metric !== null) (a.metric = b.metric), (shared = true);
    if (a.subject === null && b.subject !== null) (a.subject = b.subject), (shared = true);
    if (a.period === null && b.period !== null) (a.period = b.period), (a.periodBasis = b.periodBasis), (shared = true);
    if (shared) a.rule = `${a.rule};paired(from the same figure in the other currency)`;
  });

  // each figure's place (code points, page, bytes) found once: its id and its mention both need it
  const places = figures.map(place);
  const ids = places.map((p) => mentionId(meta.sha256, p.cp.start, p.cp.end));

  const mentions: Mention[] = figures.map((f, k) => {
    const ctx = contexts[k]!;
    const p = places[k]!;
    // "fell 3.2 percent": the growth rate is -3.2; its interval flips, and "more than" a fall is a bound below
    const flip = ctx.negative;
    const value = flip ? -f.value : f.value;
    const lo = flip ? (f.hi === null ? null : -f.hi) : f.lo;
    const hi = flip ? (f.lo === null ? null : -f.lo) : f.hi;
    const bound = flip && f.bound === 'lower' ? 'upper' : flip && f.bound === 'upper' ? 'lower' : f.bound;
    const prefixStart = Math.max(0, p.cp.start - CONTEXT_CODE_POINTS);
    const suffixEnd = Math.min(index.cpLength, p.cp.end + CONTEXT_CODE_POINTS);
    return {
      mention_id: ids[k]!,
      source_id: meta.sourceId,
      source_sha256: meta.sha256,
      page: p.page,
      char_start: p.cp.start,
      char_end: p.cp.end,
      byte_start: p.bytes ? p.bytes.start : null,
      byte_end: p.bytes ? p.bytes.end : null,
      quote: text.slice(f.start, f.end),
      prefix: index.sliceCodePoints(prefixStart, p.cp.start),
      suffix: index.sliceCodePoints(p.cp.end, suffixEnd),
      sentence: sentenceAround(text, ctx.sentence, f),
      value_text: f.valueText,
      value,
      unit: ctx.unit ?? f.unit,
      bound,
      lo,
      hi,
      lo_exclusive: flip ? f.hiExclusive : f.loExclusive,
      hi_exclusive: flip ? f.loExclusive : f.hiExclusive,
      metric: ctx.metric,
      subject: ctx.subject,
      period: ctx.period,
      period_basis: ctx.periodBasis,
      is_target: ctx.isTarget,
      paired_mention_id: f.pairedWith === null ? null : ids[keptIndex[f.pairedWith]!] ?? null,
      region: keptRegions[k]!,
      rule: `${f.rule};${ctx.rule}`,
      extractor_version: version,
    };
  });

  mentions.sort((a, b) => a.char_start - b.char_start || a.char_end - b.char_end);
  skips.sort((a, b) => a.char_start - b.char_start || a.char_end - b.char_end);
  return { mentions, skips };
}
