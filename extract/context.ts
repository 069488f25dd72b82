import { z } from 'zod';
import { readLanguageFile } from './language.js';
import { phraseKey, type Lexicon, type MetricDef, type SubjectDef } from './lexicon.js';
import { sha256Hex } from './manifest.js';
import type { Span } from './offsets.js';
import { isSpaceCode, segment, splitClauses, type Sentence } from './sentences.js';
import type { Region } from './textLayer.js';

/**
 * Reads what a figure is about from the words around it: metric, subject, period, target flag.
 *
 * Everything domain-specific comes from the lexicon (extract/lexicon/*.yaml); the rules here are generic
 * and ordered by how close the evidence sits to the figure: its own bracket, its clause, its sentence,
 * then what the section said before (carried), then the source's publication date. Each context records
 * the rules that fired in `rule`, so a wrong reading can be traced to a rule or a lexicon entry.
 * When the evidence is missing or contradictory the field stays null: a null is counted, a guess is not.
 */

export interface FigureRef {
  start: number;
  end: number;
  value: number;
  unit: string;
  unitWord: string | null;
  bound: string;
  /** where the number itself ends (digits or number words); found from the digits when absent */
  numberEnd?: number;
}

export type PeriodBasis = 'stated' | 'carried' | 'publication' | 'none';

export interface FigureContext {
  metric: string | null;
  subject: string | null;
  /** '2012', '2012-H1', '2013-Q1/2013-Q3', '2024-07', '2024-07-24', ranges '2009/2011' */
  period: string | null;
  periodBasis: PeriodBasis;
  isTarget: boolean;
  /** a growth rate stated as a fall ("fell 3.2 percent"): the figure's value is the negative of the number */
  negative: boolean;
  /** UTF-16 span of the sentence holding the figure */
  sentence: Span;
  rule: string;
  /** the unit the figure is read in when its metric says more than its words: "2,236 thousand engage in
   *  R&D" counts people, so it is in persons like every other figure of a people-counting metric */
  unit?: 'persons';
}

export interface ContextOptions {
  /** the source's publication date 'YYYY-MM-DD', or null when unknown */
  publication: string | null;
  regions?: Region[];
  /** 'soft' (PDF, default) or 'hard' (HTML: every "\n" separates blocks) */
  lineBreaks?: 'soft' | 'hard';
}

// ---------------------------------------------------------------- phrase matching

const BEFORE = '(?<![A-Za-z0-9])';

/** A Han character (Chinese is written without spaces: phrases and nouns abut numbers directly). */
function isHan(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  // (one character by its code: asked for about every figure)
  if (ch.length === 1) return ch.charCodeAt(0) >= 0x3400 && ch.charCodeAt(0) <= 0x9fff;
  return HAN.test(ch);
}
/** a Han character anywhere (also looked up in a page's matches: PageMatches.holds) */
const HAN = /[\u3400-\u9fff]/;

const AFTER = '(?![A-Za-z0-9])';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A phrase as a regex source: any whitespace (line breaks included) between words, a hyphen that may be
 * missing or followed by a line break ("hi-tech", "hitech", "hi-\ntech"), straight or curly apostrophes.
 */
function phraseSource(p: string, regionAlt: string): string {
  return phraseAtoms(p, regionAlt).join('');
}

/** phraseSource as a list of pieces, one per character (or word gap, or placeholder) */
function phraseAtoms(p: string, regionAlt: string): string[] {
  const out: string[] = [];
  p.trim()
    .split(/\s+/)
    .forEach((w, i) => {
      if (i > 0) out.push('\\s+');
      if (w === '{region}') out.push(regionAlt);
      else for (const ch of w) out.push(ch === '-' ? '[-\u2010\u2011]?\\s*' : ch === "'" || ch === '’' ? "['’]" : escapeRe(ch));
    });
  return out;
}

/**
 * Many phrases as one regex source shaped as a trie (case-insensitive use): at each position the engine follows
 * one branch per character instead of trying every phrase, so a gazetteer of a thousand names costs about what
 * ten did. A longer continuation is tried before a phrase's end: the longest phrase matching there wins.
 */
function trieSource(phrases: readonly string[], regionAlt = ''): string {
  interface Node {
    end: boolean;
    kids: Map<string, Node>;
  }
  const root: Node = { end: false, kids: new Map() };
  for (const p of phrases) {
    let n = root;
    for (const a of phraseAtoms(p, regionAlt)) {
      const k = a.length === 1 ? a.toLowerCase() : a;
      let next = n.kids.get(k);
      if (!next) n.kids.set(k, (next = { end: false, kids: new Map() }));
      n = next;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const alts = [...n.kids].map(([k, kid]) => k + emit(kid));
    if (n.end && alts.length) alts.push('');
    return alts.length > 1 ? `(?:${alts.join('|')})` : (alts[0] ?? '');
  };
  return emit(root);
}

interface MetricPhrase {
  metric: MetricDef;
  phrase: string;
  noun: boolean;
  re: RegExp; // global
  sticky: RegExp; // for the counted-noun scan
}

interface SubjectPhrase {
  subject: SubjectDef;
  phrase: string;
}

interface Compiled {
  metricPhrases: MetricPhrase[];
  nounPhrases: MetricPhrase[];
  subjectPhrases: SubjectPhrase[];
  /** every alias in one trie-shaped regex (the longest alias at a position wins), so a long gazetteer costs
   *  one scan per sentence; subjectByKey names the alias a match is (phraseKey: aliases are unique by it) */
  subjectAlt: RegExp;
  subjectByKey: Map<string, SubjectPhrase>;
  /** a place named in Chinese right before a member's head ("苏州工业园区"): the member, not the place */
  memberNameHan: RegExp | null;
  placeByKey: Map<string, SubjectDef>;
  /** the dataset's kind for a member no subject lists */
  memberKind: string;
  /** a member noun right after a place ("'s high-tech zone", "的高新区"), and right before it ("zones in ");
   *  group 1 or 2 is a plural "s" */
  memberNounAfter: RegExp | null;
  memberNounBefore: RegExp | null;
  /** the listed members of each place, by the place's id */
  membersOf: Map<string, SubjectDef[]>;
  anaphora: RegExp;
  /** capitalised names ending in a zone head ("Riverside Industrial Park"); group 1 is the whole name */
  zoneName: RegExp | null;
  genericWords: Set<string>;
  zoneHeadOnly: RegExp;
  /** synthetic subjects for zone names no subject lists, one per id */
  unlisted: Map<string, SubjectDef>;
  metricById: Map<string, MetricDef>;
  /** by a metric's id: the first metric that is its growth rate, and the first that is a share of it */
  growthOf: Map<string, MetricDef>;
  shareOf: Map<string, MetricDef>;
  growthBefore: RegExp;
  notGrowthBefore: RegExp;
  growthAfter: RegExp;
  declineBefore: RegExp;
  shareTotal: RegExp;
  approx: string;
  /** approximators right before a number ("up more than 30 percent"), stepped over to find a growth cue */
  approxEnd: RegExp;
  wholeBefore: RegExp;
  shareAnaphora: RegExp;
  denominatorCue: RegExp;
  targetCue: RegExp;
  presentCue: RegExp;
  presentState: RegExp;
  releaseCue: RegExp;
  /** each release cue on its own, without the word-boundary checks (releaseCuesBefore); null: a cue can end in more than one place */
  releaseWords: RegExp[] | null;
  thisYear: RegExp;
  lastYear: RegExp;
  yearPreps: RegExp;
  comparison: RegExp;
  monthAlt: string;
  months: Map<string, number>;
  numberAlt: string;
  numbers: Map<string, number>;
  ordinalAlt: string;
  ordinals: Map<string, number>;
  /** parts of a year named without their year (extract/language/context.yaml part_year) */
  partYear: RegExp;
  partYears: Map<string, string>;
  priorYear: RegExp;
  /** ranks and partitives around a count: "the top 20", "the 10 largest", "five of the parks" */
  subsetBefore: RegExp;
  subsetAfter: RegExp;
  definiteBefore: RegExp;
  /** "In Lakeshire, …": a sentence opening on a place */
  frameOpener: RegExp;
  /** "The city passed …": a sentence whose subject is a place named by its kind */
  placeOpener: RegExp;
  /** "The company, which has …": a sentence whose subject is one organisation named by its kind */
  organisationOpener: RegExp;
  /** "five of the parks", "排名前10名": some of a set, stated whether or not the count is a figure */
  subsetPhrase: RegExp;
  /** "… 1 trillion yuan each": an amount of each member */
  distributive: RegExp;
  /** "…, each with revenue of …": a clause about each member */
  distributiveBefore: RegExp;
  /** "…, among which 260 companies …": a clause stating a part of the whole just stated */
  partOfClause: RegExp;
  /** "其中，…", "Among them, …": a sentence stating a part of what was just said */
  partOf: RegExp;
  /** "新增": new additions, not the stock */
  increment: RegExp;
  /** the same, global: the first cue of a clause */
  incrementAll: RegExp;
  /** "… cut jobs": what some members did, right after a count's noun */
  subsetPredicate: RegExp;
  /** the global patterns searched once per page (PageMatches: consuming atoms, lookbehinds, a final (?![A-Za-z0-9])) */
  pageScanned: Set<RegExp>;
  /** "Its 130 chip makers earned …": what stands before a count that opens its clause as the clause's subject */
  countedSubjectBefore: RegExp;
  /** … and the verb right after the count's noun */
  countedSubjectVerb: RegExp;
}

const compiledCache = new WeakMap<Lexicon, Compiled>();

function alternation(words: readonly string[], regionAlt = ''): string {
  return [...words]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((w) => phraseSource(w, regionAlt))
    .join('|');
}

/** The first of `xs` (in order) under each key `key` gives (null: none). */
function firstBy<T>(xs: readonly T[], key: (x: T) => string | null): Map<string, T> {
  const out = new Map<string, T>();
  for (const x of xs) {
    const k = key(x);
    if (k !== null && !out.has(k)) out.set(k, x);
  }
  return out;
}

/** what a {region} in a metric phrase matches: any place's alias, with or without "the" and "'s" */
function regionAltOf(aliases: readonly string[]): string {
  return `(?:(?:the\\s+)?(?:${alternation(aliases)})(?:['’]s)?)`;
}

function metricPhraseSource(phrase: string, regionAlt: string): string {
  // a final plural is optional: "visitor count" also reads "Visitor counts"
  // Chinese phrases take no plural and may be followed directly by the number ("营业收入56.6万亿元")
  const cjkEnd = isHan(phrase.at(-1));
  return `${BEFORE}(?:${phraseSource(phrase, regionAlt)})${cjkEnd ? '' : `(?:s|es)?${AFTER}`}`;
}

function compile(lex: Lexicon): Compiled {
  const hit = compiledCache.get(lex);
  if (hit) return hit;
  const regionAliases = lex.subjects.filter((s) => s.role === 'place').flatMap((s) => s.aliases);
  const regionAlt = regionAltOf(regionAliases);
  const metricPhrases: MetricPhrase[] = [];
  for (const m of lex.metrics) {
    const entries: [string, boolean][] = [...m.synonyms.map((s): [string, boolean] => [s, false]), ...m.nouns.map((s): [string, boolean] => [s, true])];
    for (const [phrase, noun] of entries) {
      const src = metricPhraseSource(phrase, regionAlt);
      metricPhrases.push({ metric: m, phrase, noun, re: new RegExp(src, 'gi'), sticky: new RegExp(src, 'iy') });
    }
  }
  // longest first: the scan takes the first noun that matches at a position
  const nounPhrases = metricPhrases.filter((p) => p.noun).sort((a, b) => b.phrase.length - a.phrase.length || (a.phrase < b.phrase ? -1 : 1));
  const subjectPhrases: SubjectPhrase[] = [];
  for (const s of lex.subjects) {
    for (const a of [...s.aliases]) {
      subjectPhrases.push({ subject: s, phrase: a });
    }
  }
  const subjectByKey = new Map<string, SubjectPhrase>();
  // aliases of one subject that share a key: the first listed names the match, as it did alias by alias
  for (const sp of subjectPhrases) if (!subjectByKey.has(phraseKey(sp.phrase, false))) subjectByKey.set(phraseKey(sp.phrase, false), sp);
  const hanHeads = lex.member_name_heads.filter((h) => isHan(h[0]));
  const latinNouns = lex.member_nouns.filter((w) => !isHan(w[0]));
  const hanNouns = lex.member_nouns.filter((w) => isHan(w[0]));
  const zhNameBreaks = `[${CONTEXT_WORDS.zh_name_breaks.map(escapeRe).join('')}]`;
  const hanPlaces = lex.subjects.filter((s) => s.role === 'place').flatMap((s) => s.aliases.filter((a) => isHan(a[0])).map((a) => [a, s] as const));
  const words = (ws: readonly string[]) => new RegExp(`${BEFORE}(?:${alternation(ws)})${AFTER}`, 'gi');
  const p = lex.periods;
  // month names only with a capital: "may" is a verb, "May" a month
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const c: Compiled = {
    metricPhrases,
    nounPhrases,
    subjectPhrases,
    subjectAlt: new RegExp(`${BEFORE}(?:${trieSource(subjectPhrases.map((x) => x.phrase), regionAlt)})${AFTER}`, 'gi'),
    subjectByKey,
    // the place, up to six more characters of the name, the head (a park in a city is not the city)
    memberNameHan:
      hanHeads.length && hanPlaces.length
        ? new RegExp(`(${alternation(hanPlaces.map(([a]) => a))})(?:(?!${zhNameBreaks})[\u4e00-\u9fff]){0,6}?(?:${alternation(hanHeads)})`, 'g')
        : null,
    placeByKey: new Map(hanPlaces.map(([a, s]) => [phraseKey(a, false), s])),
    memberKind: lex.member_kind ?? '',
    // "'s (up to two lower-case words) park(s)", "(的)园区"
    memberNounAfter:
      latinNouns.length + hanNouns.length
        ? new RegExp(
            [
              latinNouns.length ? `['’]s\\s+(?:[a-z-]+\\s+){0,2}(?:${alternation(latinNouns)})(s?)${AFTER}` : null,
              hanNouns.length ? `(?:${alternation(CONTEXT_WORDS.zh_possessive)})?(?:${alternation(hanNouns)})` : null,
            ]
              .filter((x) => x !== null)
              .map((x) => `^${x}`)
              .join('|'),
          )
        : null,
    memberNounBefore: latinNouns.length
      ? new RegExp(`${BEFORE}(?:${alternation(latinNouns)})(s?)\\s+(?:${alternation(CONTEXT_WORDS.locative_prepositions)})\\s+(?:the\\s+)?$`, 'i')
      : null,
    membersOf: new Map(),
    anaphora: words(lex.anaphora),
    // up to five capitalised words (or "of"/"and" between them) before the head
    zoneName: lex.member_name_heads.length
      ? new RegExp(`${BEFORE}((?:[A-Z][\\w'’&-]*\\s+(?:(?:of|and|for)\\s+)?){1,5}(?:${alternation(lex.member_name_heads)}))${AFTER}`, 'g')
      : null,
    genericWords: new Set(lex.generic_name_words.map((w) => w.toLowerCase())),
    zoneHeadOnly: new RegExp(`^(?:${alternation(lex.member_name_heads)})$`, 'i'),
    unlisted: new Map(),
    metricById: new Map(lex.metrics.map((m) => [m.id, m])),
    growthOf: firstBy(lex.metrics, (m) => m.growth_of),
    shareOf: firstBy(lex.metrics, (m) => m.share_of),
    growthBefore: new RegExp(`${BEFORE}(?:${alternation(lex.cues.growth_before)})\\s*$`, 'i'),
    notGrowthBefore: new RegExp(`${BEFORE}(?:${alternation(lex.cues.not_growth_before)})\\s*$`, 'i'),
    growthAfter: new RegExp(`^\\s*(?:${alternation(lex.cues.growth_after)})${AFTER}`, 'i'),
    declineBefore: new RegExp(`${BEFORE}(?:${alternation(lex.cues.decline_before)})\\s*$`, 'i'),
    shareTotal: words(lex.cues.share_of_national_total),
    approx: alternation(lex.cues.approximators),
    approxEnd: new RegExp(`(?:\\s*(?:${alternation(lex.cues.approximators)}))+\\s*$`, 'i'),
    wholeBefore: new RegExp(`${BEFORE}(?:${alternation(lex.cues.whole_before)})\\s*$`, 'i'),
    shareAnaphora: new RegExp(`^\\s*of\\s+(?:${alternation(lex.cues.share_anaphora)})${AFTER}`, 'i'),
    denominatorCue: new RegExp(`(?:${BEFORE}(?:${alternation(lex.denominator_cues.filter((w) => /^[A-Za-z]/.test(w)))})${AFTER})|%`, 'i'),
    targetCue: words(p.target_cues),
    presentCue: words(p.present_cues),
    presentState: words(p.present_state_cues),
    releaseCue: words(p.release_cues),
    // a hyphen at a word's end or two in a row make its end ambiguous: such a list is only searched as a whole
    releaseWords: p.release_cues.some((w) => /-$|--/.test(w.trim())) ? null : p.release_cues.map((w) => new RegExp(phraseSource(w, ''), 'gi')),
    thisYear: words(p.this_year),
    lastYear: words(p.last_year),
    yearPreps: new RegExp(`${BEFORE}(?:${alternation(p.year_prepositions)})(?:\\s+the)?[\\s-]*$`, 'i'),
    comparison: new RegExp(`${BEFORE}(?:${alternation(p.comparison_cues)})(?:\\s+the)?\\s*$`, 'i'),
    monthAlt: Object.keys(p.months)
      .sort((a, b) => b.length - a.length)
      .map(cap)
      .join('|'),
    months: new Map(Object.entries(p.months)),
    numberAlt: Object.keys(p.numbers)
      .sort((a, b) => b.length - a.length)
      .join('|'),
    numbers: new Map(Object.entries(p.numbers)),
    ordinalAlt: Object.keys(p.ordinals)
      .sort((a, b) => b.length - a.length)
      .join('|'),
    ordinals: new Map(Object.entries(p.ordinals)),
    partYear: new RegExp(
      CONTEXT_WORDS.part_year
        .map((x) => x.phrase)
        .sort((a, b) => b.length - a.length)
        .map((w) => (isHan(w[0]) ? phraseSource(w, '') : `${BEFORE}${phraseSource(w, '')}${AFTER}`))
        .join('|'),
      'gi',
    ),
    partYears: new Map(CONTEXT_WORDS.part_year.map((x) => [x.phrase.toLowerCase().replace(/\s+/g, ' '), x.part])),
    priorYear: new RegExp(
      CONTEXT_WORDS.prior_year
        .slice()
        .sort((a, b) => b.length - a.length)
        .map((w) => (isHan(w[0]) ? phraseSource(w, '') : `${BEFORE}${phraseSource(w, '')}${AFTER}`))
        .join('|'),
      'gi',
    ),
    subsetBefore: new RegExp(`${BEFORE}(?:${alternation(CONTEXT_WORDS.subset_before)})\\s*$`, 'i'),
    subsetAfter: new RegExp(
      `^\\s*(?:${alternation(CONTEXT_WORDS.subset_after)}|[A-Za-z-]*${escapeRe(CONTEXT_WORDS.superlative_suffix)})${AFTER}`,
      'i',
    ),
    definiteBefore: new RegExp(`${BEFORE}(?:${alternation(CONTEXT_WORDS.definite_articles)})\\s*$`, 'i'),
    subsetPhrase: new RegExp(
      `${BEFORE}(?:${Object.keys(p.numbers).sort((a, b) => b.length - a.length).join('|')}|\\d+)\\s+(?:${alternation(CONTEXT_WORDS.partitive_after_number)})${AFTER}` +
        `|${escapeRe(CONTEXT_WORDS.zh_rank.before)}\\s*(?:\\d+|${Object.keys(CONTEXT_WORDS.zh_numbers).sort((a, b) => b.length - a.length).join('|')})\\s*(?:${CONTEXT_WORDS.zh_rank.after.map(escapeRe).join('|')})`,
      'gi',
    ),
    partOf: new RegExp(`^(?:${alternation(CONTEXT_WORDS.part_of_openers)})\\s*[,，:：]`, 'i'),
    increment: new RegExp(alternation(CONTEXT_WORDS.increment_cues), 'i'),
    incrementAll: new RegExp(alternation(CONTEXT_WORDS.increment_cues), 'gi'),
    subsetPredicate: new RegExp(
      `^(?:\\s+(?:there|(?:in|at)\\s+(?:the\\s+)?[A-Z][\\w'’-]*(?:\\s+[A-Z][\\w'’-]*)*))?\\s+(?:${alternation(CONTEXT_WORDS.subset_predicates)})${AFTER}`,
    ),
    distributive: new RegExp(`^\\s*(?:${alternation(CONTEXT_WORDS.distributive_after)})${AFTER}`, 'i'),
    // a determiner, then a possessive of up to four words ("the zone's", "Riverside's"), each at most
    countedSubjectBefore: new RegExp(
      `^\\s*(?:(?:${alternation(CONTEXT_WORDS.counted_subject_determiners)})\\s+)?(?:(?:[A-Za-z][\\w&-]*\\s+){0,3}[A-Za-z][\\w&-]*['’]s\\s+)?$`,
      'i',
    ),
    countedSubjectVerb: new RegExp(
      `^\\s+(?:(?:${alternation(CONTEXT_WORDS.counted_subject_adverbs)})\\s+)?(?:${alternation(CONTEXT_WORDS.counted_subject_verbs)})${AFTER}`,
      'i',
    ),
    pageScanned: new Set(),
    distributiveBefore: new RegExp(`^(?:${alternation(CONTEXT_WORDS.distributive_before)})(?![A-Za-z0-9])`, 'i'),
    partOfClause: new RegExp(`^(?:${alternation(CONTEXT_WORDS.part_of_clause_openers)})(?![A-Za-z0-9])`, 'i'),
    organisationOpener: new RegExp(`^(?:${alternation(CONTEXT_WORDS.place_determiners)})\\s+(${alternation(CONTEXT_WORDS.organisation_heads)})(?:['’]s)?${AFTER}`, 'i'),
    placeOpener: new RegExp(`^(?:${alternation(CONTEXT_WORDS.place_determiners)})\\s+(${alternation(CONTEXT_WORDS.place_heads)})(?:['’]s)?${AFTER}`, 'i'),
    // the opener in either case, the place capitalised
    frameOpener: new RegExp(
      `^(?:${CONTEXT_WORDS.frame_openers.map((w) => `[${w[0]!.toUpperCase()}${w[0]!.toLowerCase()}]${escapeRe(w.slice(1))}`).join('|')})\\s+((?:[A-Z][\\w'’-]*\\s*){1,4}),`,
    ),
  };
  for (const s of lex.subjects) if (s.role === 'member' && s.parent !== null) c.membersOf.set(s.parent, [...(c.membersOf.get(s.parent) ?? []), s]);
  // (subjects, dates and cues of every sentence; not the rarer increment or present-state cues)
  for (const re of [c.subjectAlt, c.anaphora, c.zoneName, c.partYear, c.priorYear, c.thisYear, c.lastYear, c.targetCue, c.presentCue, c.subsetPhrase]) if (re) c.pageScanned.add(re);
  compiledCache.set(lex, c);
  return c;
}

// ---------------------------------------------------------------- occurrences in a sentence

interface MetricOcc extends Span {
  metric: MetricDef;
  phrase: string;
  noun: boolean;
}

interface SubjectOcc extends Span {
  subject: SubjectDef | null; // null: an anaphor
  phrase: string;
  denominator: boolean;
  /** a zone name no subject lists: it names the figure only within its own clause (a component
   *  listed in passing, "… a university science park, Huazhong Software Park …", must not take over) */
  unlisted?: boolean;
}

/**
 * Matches of a global pattern over a whole page, found once and looked up per sentence or clause. A search of
 * [from, to) (findAll: from `from` in the text cut at `to`) finds the same matches as the page's search finds
 * there when no page match runs across `from` or `to` and the character at `to` is no ASCII letter or digit:
 * only patterns made of consuming atoms, lookbehinds and a final (?![A-Za-z0-9]) are searched so (they read the
 * text cut at `to` as the whole text, but for what they read at `to`: a match that takes it runs across `to`,
 * and the final lookahead answers alike). Any other range is searched as before.
 */
export class PageMatches {
  private readonly lists = new Map<RegExp, Span[]>();
  constructor(
    readonly text: string,
    /** the patterns of the kind above that are searched in most sentences (a page-wide search of a rarely used one would cost more) */
    private readonly patterns: ReadonlySet<RegExp>,
  ) {}

  /** the matches in [from, to), or null when the range must be searched on its own */
  find(re: RegExp, from: number, to: number): Span[] | null {
    if (!this.patterns.has(re)) return null;
    const { text } = this;
    if (to < text.length && isAsciiAlnum(text.charCodeAt(to))) return (patternWork.fallback++, null);
    let all = this.lists.get(re);
    if (!all) this.lists.set(re, (all = searchRange(re, text, 0, text.length))), patternWork.page++;
    // (matches are disjoint and in order: their ends ascend with their starts, and every match before i ends by
    // `from`, so the first starting at or after `to` comes at i or later)
    const i = firstEndingAfter(all, 0, all.length, from);
    if (i < all.length && all[i]!.start < from) return (patternWork.fallback++, null);
    const lo = lowerBoundStart(all, to);
    if (lo > i && all[lo - 1]!.end > to) return (patternWork.fallback++, null);
    // (the page's own spans: no reader changes a span it is given)
    return all.slice(i, lo);
  }

  private readonly starts = new Map<RegExp, { starts: Int32Array; ends: Int32Array } | null>();
  /** the match of `re` (as holds() takes it) at every position of the page where one starts, ascending (matchStarts) */
  matchesAt(re: RegExp): { starts: Int32Array; ends: Int32Array } | null {
    let all = this.starts.get(re);
    if (all === undefined) this.starts.set(re, (all = matchStarts(re, this.text)));
    return all;
  }
  /**
   * Whether text[from, to) holds a match of `re` (what re.test(text.slice(from, to)) answers) for a pattern without
   * lookarounds, anchors or \b, which reads only what it matches: found from the match at every position of the page
   * where one starts (searched once). A match in the range starts at such a position; the page's match there may run
   * past `to` where a shorter one would not: null then, the range must be searched on its own.
   */
  holds(re: RegExp, from: number, to: number): boolean | null {
    const all = this.matchesAt(re);
    if (all === null) return null;
    const i = lowerBound(all.starts, from);
    if (i === all.starts.length || all.starts[i]! >= to) return false;
    return all.ends[i]! <= to ? true : null;
  }
}

/** The match of `re` at every position of text where one starts (null: the pattern matches an empty string). */
function matchStarts(re: RegExp, text: string): { starts: Int32Array; ends: Int32Array } | null {
  const g = new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'g');
  let starts = new Int32Array(64);
  let ends = new Int32Array(64);
  let n = 0;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    if (m[0].length === 0) return null;
    if (n === starts.length) {
      const s2 = new Int32Array(2 * n);
      const e2 = new Int32Array(2 * n);
      s2.set(starts);
      e2.set(ends);
      starts = s2;
      ends = e2;
    }
    starts[n] = m.index;
    ends[n++] = m.index + m[0].length;
    // (every start, overlapping ones too)
    g.lastIndex = m.index + 1;
  }
  return { starts: starts.subarray(0, n), ends: ends.subarray(0, n) };
}

/**
 * Work done by PageMatches, for the work-count tests: page-wide searches of a pattern, and ranges of a page-wide
 * pattern searched on their own (a match across their ends, or a letter or digit right after them).
 */
export const patternWork = { page: 0, fallback: 0 };

/** the page being read by readContexts (its masked text), while it is read */
let currentPage: PageMatches | null = null;

function findAll(re: RegExp, text: string, from: number, to: number): Span[] {
  if (currentPage !== null && currentPage.text === text) {
    const hit = currentPage.find(re, from, to);
    if (hit) return hit;
  }
  return searchRange(re, text, from, to);
}

/** Matches of a global pattern in text cut at `to`, from `from` on (empty matches skipped). */
export function searchRange(re: RegExp, text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  re.lastIndex = from;
  const slice = text.slice(0, to);
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Which of a list of phrases can start where, so that a sentence is searched only for the phrases that can occur in
 * it (a long page is thousands of sentences, the vocabulary hundreds of phrases). Every phrase pattern starts with
 * BEFORE and then its first word's characters as literals, matched case-insensitively: a match starts where the
 * character before is no ASCII letter or digit and the text goes as the phrase's steps (keyOfPhrase: its literals,
 * taken only from characters the regex can match in one way besides ASCII case, and the word gaps, hyphens,
 * apostrophes and places between them). The steps are a necessary condition of a match, so a phrase is never
 * missed; a phrase whose steps do not start with a literal is always searched. Many phrases share their first words
 * (a share's phrases all start "of …", some "of the …", some "of {region} …"): the steps of all phrases are one
 * trie, followed once per position (a sticky search of each phrase sharing a first word, at every "of", was most of
 * a sentence's phrase search). Candidates are then searched with the phrase's own regex, as before.
 */
interface PhraseIndex {
  /** 1 for the code of a character some keyed phrase starts with (by its folded code) */
  first: Uint8Array;
  /** the keyed phrases' steps (ids: the phrases whose steps end at a node) */
  root: StepTrie;
  /** phrases with no key */
  always: number[];
  /** how a {region}'s match starts (regionTrieOf); null: keyOfPhrase stops at a {region} */
  regionTrie: StepTrie | null;
  /** scratch per search: candidate (phrase, position) pairs in the order found (positions ascending) */
  pairPhrase: Int32Array;
  pairAt: Int32Array;
  /** scratch for phraseOccurrences: pairs per phrase, the phrases found, where each one's positions start, then
   *  the positions grouped by phrase */
  count?: Int32Array;
  ids?: Int32Array;
  next?: Int32Array;
  sorted?: Int32Array;
}

const foldCode = (u: number) => (u >= 65 && u <= 90 ? u + 32 : u);
const isAsciiAlnum = (u: number) => (u >= 48 && u <= 57) || (u >= 65 && u <= 90) || (u >= 97 && u <= 122);
/** 1 for the UTF-16 code of an ASCII letter or digit */
const ASCII_ALNUM = new Uint8Array(65536);
for (let u = 0; u < 128; u++) if (isAsciiAlnum(u)) ASCII_ALNUM[u] = 1;

/** keyOfPhrase's steps besides a literal (a folded code, >= 0): \s+ between words; a hyphen that may be missing
 *  ([-\u2010\u2011]?\s*); an apostrophe (['’]) */
const STEP_GAP = -1;
const STEP_HYPHEN = -2;
const STEP_APOSTROPHE = -3;
/** a {region}: as one of the place aliases starts (PhraseIndex.regionTrie); always a phrase's last step */
const STEP_REGION = -4;
/** a character that matches more than one way besides ASCII case (a non-ASCII letter with a case partner, under
 *  `i`): one UTF-16 unit, no whitespace or hyphen */
const STEP_ANY = -5;
const isHyphenCode = (u: number) => u === 0x2d || u === 0x2010 || u === 0x2011;

/**
 * What a phrase's match starts with, as steps over the text (see PhraseIndex), up to the first {region} (kept when
 * regionTrie is given and it is not the first word) or the first step the greedy reading below cannot take. A gap or
 * hyphen is read greedily (all the whitespace, the hyphen if there is one): that is where the regex's own reading
 * ends when the step after it is a character that no whitespace or hyphen matches, so the steps stop before any
 * other step after a gap or hyphen.
 */
function keyOfPhrase(phrase: string, regionTrie: StepTrie | null): number[] {
  const steps: number[] = [];
  const gapLike = () => steps.at(-1) === STEP_GAP || steps.at(-1) === STEP_HYPHEN;
  const words = phrase.trim().split(/\s+/);
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (w > 0) {
      if (steps.at(-1) === STEP_HYPHEN) return trimSteps(steps);
      steps.push(STEP_GAP);
    }
    if (word === '{region}') {
      if (regionTrie && w > 0) steps.push(STEP_REGION);
      return trimSteps(steps);
    }
    for (let i = 0; i < word.length; i++) {
      const ch = word[i]!;
      const u = ch.charCodeAt(0);
      if (ch === '-') {
        if (gapLike()) return trimSteps(steps);
        steps.push(STEP_HYPHEN);
      } else if (ch === "'" || ch === '’') steps.push(STEP_APOSTROPHE);
      // a non-ASCII letter with a case partner matches it too under `i`: no key from it, only one unit
      else if (u >= 128 && (ch.toUpperCase() !== ch || ch.toLowerCase() !== ch)) steps.push(STEP_ANY);
      else if (gapLike() && (isSpaceCode(u) || isHyphenCode(u))) return trimSteps(steps);
      else steps.push(foldCode(u));
    }
  }
  return trimSteps(steps);
}

/** steps without a hyphen at their end (it may match nothing); a gap at the end still needs one space */
function trimSteps(steps: number[]): number[] {
  while (steps.at(-1) === STEP_HYPHEN) steps.pop();
  return steps;
}

/**
 * Steps (keyOfPhrase) of several phrases as a trie: a node's literal steps by their code (codes[k] leads to
 * kids[k]; ascii[code] too when the node has many), its other steps in a list (otherSteps[k] to others[k]).
 */
interface StepTrie {
  /** the phrases whose steps end here, by their index (a region trie: [0] where an alias's steps end) */
  ids: number[];
  codes: number[];
  kids: StepTrie[];
  /** (a node with many literal steps, such as a root: its ASCII ones by code; a few are looked through) */
  ascii: (StepTrie | undefined)[] | null;
  otherSteps: number[];
  others: StepTrie[];
}

const stepNode = (): StepTrie => ({ ids: [], codes: [], kids: [], ascii: null, otherSteps: [], others: [] });

/** the node a literal step of `code` leads to from n */
function literalKid(n: StepTrie, code: number): StepTrie | undefined {
  if (n.ascii !== null && code < 128) return n.ascii[code];
  const codes = n.codes;
  for (let k = 0; k < codes.length; k++) if (codes[k] === code) return n.kids[k];
  return undefined;
}

/** Adds a phrase's steps to a trie, ending at a node that lists `id`. */
function addSteps(root: StepTrie, steps: readonly number[], id: number): void {
  let n = root;
  for (const step of steps) {
    let kid = step >= 0 ? literalKid(n, step) : n.others[n.otherSteps.indexOf(step)];
    if (!kid) {
      kid = stepNode();
      if (step >= 0) {
        n.codes.push(step);
        n.kids.push(kid);
        if (n.ascii === null && n.codes.length > 8) n.ascii = new Array<StepTrie | undefined>(128).fill(undefined);
        if (n.ascii !== null) n.codes.forEach((c, k) => c < 128 && (n.ascii![c] = n.kids[k]));
      } else {
        n.otherSteps.push(step);
        n.others.push(kid);
      }
    }
    n = kid;
  }
  if (!n.ids.includes(id)) n.ids.push(id);
}

/**
 * The steps a {region}'s match (phrase matching's regionAlt: "the" or none, then a place's alias) starts with, as a
 * trie, or null when there are no aliases (the alternation then matches nothing at all).
 */
function regionTrieOf(aliases: readonly string[]): StepTrie | null {
  if (aliases.length === 0) return null;
  const root = stepNode();
  for (const alias of aliases) for (const phrase of [alias, `the ${alias}`]) addSteps(root, keyOfPhrase(phrase, null), 0);
  return root;
}

/** Where one step (not a {region}) taken at q ends, or -1 when the text does not go so. */
function stepEnd(text: string, q: number, end: number, step: number): number {
  if (step === STEP_GAP) {
    if (q >= end || !isSpaceCode(text.charCodeAt(q))) return -1;
    q++;
    while (q < end && isSpaceCode(text.charCodeAt(q))) q++;
    return q;
  }
  if (step === STEP_HYPHEN) {
    if (q < end && isHyphenCode(text.charCodeAt(q))) q++;
    while (q < end && isSpaceCode(text.charCodeAt(q))) q++;
    return q;
  }
  if (q >= end) return -1;
  const u = text.charCodeAt(q);
  if (step === STEP_APOSTROPHE) return u === 0x27 || u === 0x2019 ? q + 1 : -1;
  if (step === STEP_ANY) return isSpaceCode(u) || isHyphenCode(u) ? -1 : q + 1;
  return foldCode(u) === step ? q + 1 : -1;
}

/** Whether text from q on (up to `end`) goes as some phrase of a region trie does. */
function trieFollows(n: StepTrie, text: string, q: number, end: number): boolean {
  if (n.ids.length !== 0) return true;
  if (q < end) {
    const kid = literalKid(n, foldCode(text.charCodeAt(q)));
    if (kid && trieFollows(kid, text, q + 1, end)) return true;
  }
  for (let k = 0; k < n.others.length; k++) {
    const e = stepEnd(text, q, end, n.otherSteps[k]!);
    if (e >= 0 && trieFollows(n.others[k]!, text, e, end)) return true;
  }
  return false;
}

/**
 * Every phrase whose steps the text goes from q on (up to `end`), from trie node n down: stored as pairs with the
 * position `at` from pair n on (candidatePairs); the pair count after them. (A chain of literal steps is followed in
 * a loop: most word starts leave the trie after a letter or two.)
 */
function collectPairs(ix: PhraseIndex, n: StepTrie, text: string, q: number, end: number, at: number, count: number): number {
  for (;;) {
    for (let k = 0; k < n.ids.length; k++) {
      if (count === ix.pairAt.length) pairRoom(ix);
      ix.pairPhrase[count] = n.ids[k]!;
      ix.pairAt[count++] = at;
    }
    for (let k = 0; k < n.others.length; k++) {
      const step = n.otherSteps[k]!;
      const kid = n.others[k]!;
      if (step === STEP_REGION) {
        if (trieFollows(ix.regionTrie!, text, q, end)) count = collectPairs(ix, kid, text, q, end, at, count);
        continue;
      }
      const e = stepEnd(text, q, end, step);
      if (e >= 0) count = collectPairs(ix, kid, text, e, end, at, count);
    }
    if (q >= end) return count;
    const kid = literalKid(n, foldCode(text.charCodeAt(q)));
    if (kid === undefined) return count;
    n = kid;
    q++;
  }
}

function phraseIndex(phrases: readonly { phrase: string }[], regionTrie: StepTrie | null): PhraseIndex {
  const ix: PhraseIndex = { first: new Uint8Array(65536), root: stepNode(), always: [], regionTrie, pairPhrase: new Int32Array(256), pairAt: new Int32Array(256) };
  phrases.forEach((p, i) => {
    const steps = keyOfPhrase(p.phrase, regionTrie);
    if (steps.length === 0 || steps[0]! < 0) return void ix.always.push(i);
    addSteps(ix.root, steps, i);
  });
  for (let u = 0; u < 65536; u++) if (literalKid(ix.root, foldCode(u)) !== undefined) ix.first[u] = 1;
  return ix;
}

/**
 * Where each phrase can start in [s.start, s.end) of text: the number of (phrase, position) pairs found, in
 * ix.pairPhrase/pairAt, positions ascending. A phrase without a key may start anywhere: it comes back once, at -1.
 */
function candidatePairs(ix: PhraseIndex, text: string, s: Span): number {
  // (no closure per sentence: the pair is stored inline, the arrays grown by pairRoom when full)
  let n = 0;
  for (const i of ix.always) {
    if (n === ix.pairAt.length) pairRoom(ix);
    ix.pairPhrase[n] = i;
    ix.pairAt[n++] = -1;
  }
  const first = ix.first;
  // (each character read once, and asked about by table: the loop runs over every character of a page)
  let inWord = s.start > 0 ? ASCII_ALNUM[text.charCodeAt(s.start - 1)]! : 0;
  for (let p = s.start; p < s.end; p++) {
    const u = text.charCodeAt(p);
    if (inWord === 0 && first[u] !== 0) n = collectPairs(ix, literalKid(ix.root, foldCode(u))!, text, p + 1, s.end, p, n);
    inWord = ASCII_ALNUM[u]!;
  }
  return n;
}

/** candidatePairs' scratch arrays, doubled */
function pairRoom(ix: PhraseIndex): void {
  const grow = (a: Int32Array) => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  ix.pairPhrase = grow(ix.pairPhrase);
  ix.pairAt = grow(ix.pairAt);
}

const phraseIndexes = new WeakMap<readonly { phrase: string }[], PhraseIndex>();

/**
 * Occurrences of each phrase in the sentence, phrase by phrase in list order, each phrase's left to right without
 * overlap: what a global search of every phrase over the sentence gives. A match starts only at a candidate
 * position, so trying the phrase there (sticky) in order, from the end of its last match on, is that search.
 */
function phraseOccurrences<P extends { phrase: string; re: RegExp; sticky: RegExp }>(
  phrases: readonly P[],
  /** the place aliases a {region} in a phrase stands for */
  regionAliases: () => readonly string[],
  text: string,
  s: Span,
  each: (p: P, start: number, end: number) => void,
): void {
  let ix = phraseIndexes.get(phrases);
  if (!ix) phraseIndexes.set(phrases, (ix = phraseIndex(phrases, regionTrieOf(regionAliases()))));
  const n = candidatePairs(ix, text, s);
  if (n === 0) return;
  // the pairs by phrase, ascending, positions ascending within each (a counting sort: no comparator per sentence)
  // (in the index's scratch arrays: nothing is allocated per sentence)
  const count = (ix.count ??= new Int32Array(phrases.length + 1));
  const ids = (ix.ids ??= new Int32Array(phrases.length + 1));
  const next = (ix.next ??= new Int32Array(phrases.length + 1));
  let distinct = 0;
  for (let k = 0; k < n; k++) if (count[ix.pairPhrase[k]!]!++ === 0) ids[distinct++] = ix.pairPhrase[k]!;
  // (by insertion: a sentence holds a few phrases)
  for (let a = 1; a < distinct; a++) {
    const v = ids[a]!;
    let b = a - 1;
    for (; b >= 0 && ids[b]! > v; b--) ids[b + 1] = ids[b]!;
    ids[b + 1] = v;
  }
  const at = (ix.sorted = ix.sorted && ix.sorted.length >= n ? ix.sorted : new Int32Array(ix.pairAt.length));
  for (let d = 0, o = 0; d < distinct; d++) (next[d] = o), (o += count[ids[d]!]!), (count[ids[d]!] = d);
  for (let k = 0; k < n; k++) at[next[count[ix.pairPhrase[k]!]!]!++] = ix.pairAt[k]!;
  for (let d = 0; d < distinct; d++) count[ids[d]!] = 0;
  const upTo = text.slice(0, s.end);
  for (let d = 0, k = 0; d < distinct; d++) {
    const i = ids[d]!;
    const p = phrases[i]!;
    const end = next[d]!; // (advanced to the end of this phrase's run above)
    if (at[k] === -1) {
      // no key: the phrase is searched as before
      for (const sp of findAll(p.re, text, s.start, s.end)) each(p, sp.start, sp.end);
      k = end;
      continue;
    }
    const re = p.sticky;
    let from = s.start;
    for (; k < end; k++) {
      const q = at[k]!;
      if (q < from) continue;
      re.lastIndex = q;
      // (test, not exec: a sticky match ends at lastIndex, and no match array is made per candidate)
      if (!re.test(upTo)) continue;
      const e = re.lastIndex;
      if (e === q) continue;
      each(p, q, e);
      from = e;
    }
  }
}

/**
 * phraseOccurrences over metric phrases and place aliases given here, as compile() makes their patterns: the matches
 * of each phrase in [from, to) of a text, phrase by phrase in list order. For tests: they compare it with a search of
 * each phrase's own pattern (`patterns`).
 */
export function metricPhraseSearch(
  phrases: readonly string[],
  places: readonly string[],
): { patterns: RegExp[]; search: (text: string, from: number, to: number) => { phrase: number; start: number; end: number }[] } {
  const regionAlt = regionAltOf(places);
  const list = phrases.map((phrase) => {
    const src = metricPhraseSource(phrase, regionAlt);
    return { phrase, re: new RegExp(src, 'gi'), sticky: new RegExp(src, 'iy') };
  });
  const index = new Map(list.map((p, i) => [p, i]));
  return {
    patterns: list.map((p) => new RegExp(p.re.source, 'gi')),
    search: (text, from, to) => {
      const out: { phrase: number; start: number; end: number }[] = [];
      phraseOccurrences(list, () => places, text, { start: from, end: to }, (p, start, end) => out.push({ phrase: index.get(p)!, start, end }));
      return out;
    },
  };
}

/** the aliases of the places (compile's regionAliases) */
function placeAliases(c: Compiled): string[] {
  return c.subjectPhrases.filter((sp) => sp.subject.role === 'place').map((sp) => sp.phrase);
}

function metricOccurrences(c: Compiled, text: string, s: Span): MetricOcc[] {
  const out: MetricOcc[] = [];
  phraseOccurrences(c.metricPhrases, () => placeAliases(c), text, s, (p, start, end) => out.push({ start, end, metric: p.metric, phrase: p.phrase, noun: p.noun }));
  return out;
}

/** Leftmost-longest, non-overlapping. */
function nonOverlapping<T extends Span>(xs: T[]): T[] {
  const sorted = [...xs].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: T[] = [];
  let end = -1;
  for (const x of sorted) {
    if (x.start >= end) {
      out.push(x);
      end = x.end;
    }
  }
  return out;
}

/** The clause holding `pos` (clauses are sorted and disjoint: splitClauses), by binary search. */
function clauseAt(clauses: Span[], pos: number): Span | null {
  let lo = 0;
  let hi = clauses.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (clauses[mid]!.start <= pos) lo = mid + 1;
    else hi = mid;
  }
  const c = lo > 0 ? clauses[lo - 1]! : null;
  return c && pos < c.end ? c : null;
}

/**
 * Sorts numbers ascending in place: by insertion when there are a few (a sentence's or a clause's phrases, where
 * Array.prototype.sort's set-up cost dominates), else by Array.prototype.sort (insertion is quadratic).
 */
function sortSmall(xs: number[]): number[] {
  if (xs.length > 32) return xs.sort((a, b) => a - b);
  for (let i = 1; i < xs.length; i++) {
    const v = xs[i]!;
    let j = i - 1;
    for (; j >= 0 && xs[j]! > v; j--) xs[j + 1] = xs[j]!;
    xs[j + 1] = v;
  }
  return xs;
}

/** First index in `xs` (ascending) whose value is >= v. */
function lowerBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Spans sorted by start with the running maximum of their ends, so "does any span overlap [a, b)?" is one
 * binary search instead of a scan: per-figure questions about every other figure stay O(log n), not O(n).
 */
class SpanIndex {
  // (plain arrays: an index is made per sentence or clause over a few spans, and a typed array costs more to make)
  private readonly starts: number[];
  private readonly maxEnd: number[];
  constructor(spans: readonly Span[]) {
    const sorted = [...spans].sort((x, y) => x.start - y.start);
    // (pushed, not sized: a large sized array may start out sparse)
    this.starts = [];
    this.maxEnd = [];
    let m = -Infinity;
    for (let i = 0; i < sorted.length; i++) {
      this.starts.push(sorted[i]!.start);
      this.maxEnd.push((m = Math.max(m, sorted[i]!.end)));
    }
  }
  /** some span has start < b and end > a */
  overlaps(a: number, b: number): boolean {
    const i = lowerBound(this.starts, b) - 1;
    return i >= 0 && this.maxEnd[i]! > a;
  }
}

/** phraseKey(alias, false) of an alias as written in a text, remembered per spelling (bounded): names recur all through a page */
const subjectKeys = new WeakMap<Compiled, Map<string, string>>();
function subjectKey(c: Compiled, written: string): string {
  let keys = subjectKeys.get(c);
  if (!keys) subjectKeys.set(c, (keys = new Map()));
  let k = keys.get(written);
  if (k === undefined) {
    if (keys.size >= 10_000) keys.clear();
    keys.set(written, (k = phraseKey(written, false)));
  }
  return k;
}

/** a Han character, as isHan reads one (what a Chinese place name in memberNameHan starts with) */

/**
 * Whether a listed alias covers [a, b): a listed alias covers a member's name unless it is a place inside the name:
 * "Riverside High-tech Zone" and "苏州工业园区" name members, not the places they start with.
 */
function coveredByListed(raw: readonly SubjectOcc[], a: number, b: number): boolean {
  return raw.some((o) => o.subject && o.start < b && o.end > a && (o.subject.role !== 'place' || o.start < a || o.end > b));
}

/** The subject of a member name no subject lists, one per id. */
function unlistedSubject(c: Compiled, id: string, proper: string): SubjectDef {
  let subject = c.unlisted.get(id);
  if (!subject) {
    subject = { id, kind: c.memberKind, role: 'member', name: proper, aliases: [proper], parent: null };
    c.unlisted.set(id, subject);
  }
  return subject;
}

/**
 * What a zoneName match says by its words alone: where the name starts past leading generic words ("the National …",
 * "State-level …"), the name and its id; null when it is all generic words or a head alone ("Industrial Park",
 * "High-tech Zone"), which names no particular zone. Remembered per matched text (bounded): names recur all
 * through a page.
 */
interface ZoneNameReading {
  offset: number;
  proper: string;
  id: string;
}
const zoneNameReadings = new WeakMap<Compiled, Map<string, ZoneNameReading | null>>();
function readZoneName(c: Compiled, written: string): ZoneNameReading | null {
  let readings = zoneNameReadings.get(c);
  if (!readings) zoneNameReadings.set(c, (readings = new Map()));
  let r = readings.get(written);
  if (r !== undefined) return r;
  const words = [...written.matchAll(/\S+/g)];
  const first = words.findIndex((w) => !c.genericWords.has(w[0].toLowerCase().replace(/['’]s$/, '')));
  r = null;
  if (first >= 0) {
    const offset = words[first]!.index!;
    const proper = written.slice(offset).replace(/\s+/g, ' ');
    const id = proper
      .toLowerCase()
      .replace(/['’]s\b/g, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
    if (!c.zoneHeadOnly.test(proper)) r = { offset, proper, id };
  }
  if (readings.size >= 10_000) readings.clear();
  readings.set(written, r);
  return r;
}

function subjectOccurrences(c: Compiled, text: string, s: Span, clauses: Span[]): SubjectOcc[] {
  const raw: SubjectOcc[] = [];
  for (const sp of findAll(c.subjectAlt, text, s.start, s.end)) {
    const p = c.subjectByKey.get(subjectKey(c, text.slice(sp.start, sp.end)));
    if (p) raw.push({ start: sp.start, end: sp.end, subject: p.subject, phrase: p.phrase, denominator: false });
  }
  // (a name in Chinese starts with a Chinese place: a sentence with no Han character has none)
  if (c.memberNameHan && (currentPage === null || currentPage.text !== text || currentPage.holds(HAN, s.start, s.end) !== false)) {
    const re = c.memberNameHan;
    const slice = text.slice(0, s.end);
    re.lastIndex = s.start;
    for (let m = re.exec(slice); m; m = re.exec(slice)) {
      if (coveredByListed(raw, m.index, m.index + m[0].length)) continue;
      const place = c.placeByKey.get(phraseKey(m[1]!, false));
      if (!place) continue;
      // no Latin letters to name it by: the place it starts with and the name's own hash
      const subject = unlistedSubject(c, `${place.id}_${c.memberKind}_${sha256Hex(m[0]).slice(0, 8)}`, m[0]);
      raw.push({ start: m.index, end: m.index + m[0].length, subject, phrase: `unlisted ${m[0]}`, denominator: false, unlisted: true });
    }
  }
  for (const sp of findAll(c.anaphora, text, s.start, s.end)) raw.push({ start: sp.start, end: sp.end, subject: null, phrase: text.slice(sp.start, sp.end), denominator: false });
  // a zone named but not listed: a subject of its own, unless a listed alias covers any of it
  if (c.zoneName) {
    for (const sp of findAll(c.zoneName, text, s.start, s.end)) {
      const name = readZoneName(c, text.slice(sp.start, sp.end));
      if (name === null) continue;
      const start = sp.start + name.offset;
      if (coveredByListed(raw, start, sp.end) || raw.some((o) => o.subject && o.start < start && o.end > sp.start)) continue;
      const subject = unlistedSubject(c, name.id, name.proper);
      raw.push({ start, end: sp.end, subject, phrase: `unlisted ${name.proper}`, denominator: false, unlisted: true });
    }
  }
  // a place name that opens a longer capitalised name ("Riverside Branch of …", "Riverside Stock Exchange") names an
  // institution there, not the place: it is no subject of a figure
  const occ = nonOverlapping(raw).filter((o) => !(o.subject?.role === 'place' && /^[ \t]+[A-Z][a-z]/.test(text.slice(o.end, o.end + 3))));
  for (const o of occ) {
    const cl = clauseAt(clauses, o.start);
    if (!cl) continue;
    // "X percent of Riverside's GDP", "higher than the regional average": the place is a denominator
    const left = text.slice(cl.start, o.start);
    if (DENOMINATOR_LINK.test(left) && c.denominatorCue.test(left)) o.denominator = true;
    if (o.subject?.role === 'place' && !o.denominator) locatedMembers(c, text, o, cl, occ);
  }
  return occ;
}

/**
 * A place with a member noun attached ("Riverside's science park", "the parks in Riverside", "河畔的园区")
 * locates members: it is no subject, nor is the whole set named in the noun phrase ("the parks in Riverside"
 * are some of them) unless the place is the set's own (its parent). One member (no plural) of a place with
 * exactly one listed member is that member.
 */
function locatedMembers(c: Compiled, text: string, o: SubjectOcc, cl: Span, occ: SubjectOcc[]): void {
  const after = c.memberNounAfter?.exec(text.slice(o.end, cl.end));
  const before = after ? null : c.memberNounBefore?.exec(text.slice(cl.start, o.start));
  const m = after ?? before;
  if (!m) return;
  const noun: Span = after ? { start: o.end, end: o.end + after[0].length } : { start: cl.start + before!.index, end: o.start };
  // the place the whole set lies in ("all 178 parks in Lakeshire", the set's parent) names the whole set still
  for (const x of occ) if (x.subject?.role === 'aggregate' && x.subject.parent !== o.subject!.id && x.start < noun.end && x.end > noun.start) x.denominator = true;
  const members = c.membersOf.get(o.subject!.id) ?? [];
  if (!m[1] && members.length === 1) {
    o.subject = members[0]!;
    o.phrase = `member-of(${o.phrase})`;
  } else o.denominator = true;
}

// ---------------------------------------------------------------- dates

/** partial: a part of a year named without its year ("in the first half"); prior: the year before the
 *  statement's own ("a year earlier"). Both take their year from the sentence or the paragraph. */
type DateKind = 'data' | 'by' | 'release' | 'comparison' | 'relative' | 'partial' | 'prior' | 'anaphoric';

interface DateOcc extends Span {
  period: string | null;
  kind: DateKind;
  text: string;
  /** first year of the period, for target checks */
  year: number | null;
  /** partial: the period with Y for its year ('Y-H1', 'Y-01/Y-06') */
  part?: string;
  /** partial: the period read from the publication date when neither sentence nor paragraph states a year */
  fallback?: string | null;
}

/** 'Y-H1' + '2023' → '2023-H1' */
function partPeriod(part: string, year: string | number): string {
  return part.replace(/Y/g, String(year));
}

/** The last month a part of a year covers ('Y-H1' → 6, 'Y-Q1/Y-Q3' → 9, 'Y-01/Y-02' → 2). */
function partEndMonth(part: string): number {
  const last = part.split('/').pop()!;
  const m = /-(H|Q)?(\d+)$/.exec(last)!;
  return m[1] === 'H' ? Number(m[2]) * 6 : m[1] === 'Q' ? Number(m[2]) * 3 : Number(m[2]);
}

const pad = (n: number) => String(n).padStart(2, '0');
const YEAR = '((?:19|20)\\d{2})';

function monthsPeriod(y: string, n: number): string {
  if (n === 3) return `${y}-Q1`;
  if (n === 6) return `${y}-H1`;
  if (n === 9) return `${y}-Q1/${y}-Q3`;
  if (n === 12) return y;
  return `${y}-01/${y}-${pad(n)}`;
}

/** a year as YEAR reads one, anywhere */
const YEAR_ANYWHERE = new RegExp(YEAR);
const YEAR_AFTER_PART = new RegExp(`^,?\\s+(?:of\\s+)?(?:the\\s+(?:year\\s+)?)?${YEAR}${AFTER}`);
const YEAR_BEFORE_PART = new RegExp(`${YEAR}(?:\\s+|年)$`);

/** What a date pattern needs somewhere in the sentence to match at all: most sentences have no date, so they are not searched. */
const Needs = { Nothing: 0, Year: 1, Month: 2, YearAndMonth: 3, TwoYears: 5 } as const;
type Needs = (typeof Needs)[keyof typeof Needs];

/**
 * findDates' patterns, built from the vocabulary once per lexicon (building, or even looking up, a pattern per
 * sentence cost more than searching with it). Callers set lastIndex before a global search, so sharing an
 * instance is safe.
 */
interface DatePatterns {
  /** the sentence names a month (what a Needs.Month pattern needs) */
  monthAny: RegExp;
  firstMonthsOfYear: RegExp;
  firstQuartersOfYear: RegExp;
  quarterOfYear: RegExp;
  halfOfYear: RegExp;
  monthDayYear: RegExp;
  dayMonthYear: RegExp;
  monthYear: RegExp;
  zhFirstMonths: RegExp;
  zhMonthEnd: RegExp;
  zhMonthRange: RegExp;
  zhYear: RegExp;
  quarterYear: RegExp;
  yearQuarter: RegExp;
  firstMonths: RegExp;
  monthRange: RegExp;
  inMonth: RegExp;
  endOfMonth: RegExp;
  yearRange: RegExp;
  bareYear: RegExp;
  /** bareYear, sticky: tried at each year of the sentence (runAtYears) */
  bareYearAt: RegExp;
  /** a month name right before a bare year ("May 2013") */
  monthBefore: RegExp;
  /** "this year"/"last year" right after, or right before, a part of a year: [this, last] */
  relAfter: [RegExp, RegExp];
  relBefore: [RegExp, RegExp];
  /** "in the quarter", "for the year" (extract/language/context.yaml period_anaphora), each with its words */
  anaphora: { re: RegExp; kind: 'quarter' | 'year'; words: readonly SpelledWord[] }[];
  /** the Chinese words the Chinese patterns spell out, each such pattern's own */
  zhFirstMonthsWords: readonly SpelledWord[];
  zhMonthEndWords: readonly SpelledWord[];
  zhMonthWords: readonly SpelledWord[];
  zhYearWords: readonly SpelledWord[];
}

const datePatternsOf = new WeakMap<Compiled, DatePatterns>();

function datePatterns(c: Compiled): DatePatterns {
  let dp = datePatternsOf.get(c);
  if (dp) return dp;
  const W = '\\s+';
  const fm = CONTEXT_WORDS.zh_first_months;
  const mr = CONTEXT_WORDS.zh_month_range;
  const me = CONTEXT_WORDS.zh_month_end;
  const zhNumberAlt = Object.keys(CONTEXT_WORDS.zh_numbers).sort((a, b) => b.length - a.length).join('|');
  const zhMonth = escapeRe(mr.month);
  const zy = CONTEXT_WORDS.zh_year;
  const rel = (re: RegExp): [RegExp, RegExp] => [
    new RegExp(`^\\s*(?:of\\s+)?(?:${re.source.replace(/^\(\?<!\[A-Za-z0-9\]\)/, '')})`, 'i'),
    new RegExp(`(?:${re.source})(?:['’]s)?\\s*$`, 'i'),
  ];
  const [thisAfter, thisBefore] = rel(c.thisYear);
  const [lastAfter, lastBefore] = rel(c.lastYear);
  dp = {
    monthAny: new RegExp(`${c.monthAlt}`, ''),
    firstMonthsOfYear: new RegExp(`${BEFORE}first${W}(${c.numberAlt}|\\d{1,2})${W}months${W}of${W}(?:the${W}year${W})?${YEAR}${AFTER}`, 'gi'),
    firstQuartersOfYear: new RegExp(`${BEFORE}first${W}(${c.numberAlt}|\\d)${W}quarters${W}of${W}(?:the${W}year${W})?${YEAR}${AFTER}`, 'gi'),
    quarterOfYear: new RegExp(`${BEFORE}(${c.ordinalAlt})${W}quarter${W}of${W}(?:the${W}year${W})?${YEAR}${AFTER}`, 'gi'),
    halfOfYear: new RegExp(`${BEFORE}(${c.ordinalAlt})${W}half${W}of${W}(?:the${W}year${W})?${YEAR}${AFTER}`, 'gi'),
    monthDayYear: new RegExp(`${BEFORE}(${c.monthAlt})\\.?${W}(\\d{1,2})(?:st|nd|rd|th)?,?${W}${YEAR}${AFTER}`, 'g'),
    dayMonthYear: new RegExp(`${BEFORE}(\\d{1,2})(?:st|nd|rd|th)?${W}(${c.monthAlt})\\.?,?${W}${YEAR}${AFTER}`, 'g'),
    monthYear: new RegExp(`${BEFORE}(${c.monthAlt})\\.?,?${W}(?:of${W})?${YEAR}${AFTER}`, 'g'),
    zhFirstMonths: new RegExp(`${escapeRe(fm.before)}(${zhNumberAlt}|\\d{1,2})${escapeRe(fm.after)}`, 'g'),
    zhMonthEnd: new RegExp(`(?:${me.before.map(escapeRe).join('|')})\\s*(\\d{1,2})${escapeRe(me.month)}(?:${me.after.map(escapeRe).join('|')})`, 'g'),
    zhMonthRange: new RegExp(`(?<![\\d.])(\\d{1,2})${zhMonth}?\\s*(?:${mr.dashes.map(escapeRe).join('|')})\\s*(\\d{1,2})${zhMonth}`, 'g'),
    zhYear: new RegExp(
      `${YEAR}${escapeRe(zy.year)}(${literalAlt(zy.parts)}|(?:${escapeRe(zy.quarter.ordinal)})?([${ZH_QUARTER_NUMERALS.join('')}])${escapeRe(zy.quarter.after)}|(\\d{1,2})${zhMonth}(?:${literalAlt(me.after)})?)?`,
      'g',
    ),
    quarterYear: new RegExp(`${BEFORE}(?:Q([1-4])|([1-4])Q)${W}${YEAR}${AFTER}`, 'g'),
    yearQuarter: new RegExp(`${BEFORE}${YEAR}${W}Q([1-4])${AFTER}`, 'g'),
    firstMonths: new RegExp(`${BEFORE}first${W}(${c.numberAlt}|\\d{1,2})${W}months${AFTER}`, 'gi'),
    monthRange: new RegExp(`${BEFORE}(?:from${W})?(${c.monthAlt})${W}(?:to|through|until|-|–)${W}(${c.monthAlt})${AFTER}(?!,?${W}(?:of${W})?\\d)`, 'g'),
    inMonth: new RegExp(`${BEFORE}(?:[Ii]n|[Dd]uring|[Ff]or)${W}(${c.monthAlt})${AFTER}(?!\\.?,?${W}(?:of${W})?\\d)`, 'g'),
    endOfMonth: new RegExp(`${BEFORE}end${W}of${W}(${c.monthAlt})${AFTER}`, 'g'),
    yearRange: new RegExp(`${BEFORE}(?:(?:${literalAlt(CONTEXT_WORDS.range_openers)})${W})?${YEAR}\\s*(?:[-–—]|${W}(?:${literalAlt(CONTEXT_WORDS.range_links)})${W})\\s*${YEAR}${AFTER}`, 'gi'),
    bareYear: new RegExp(`(?<![\\d.,$¥])${YEAR}(?![\\d%]|s${AFTER}|,\\d|\\.\\d)`, 'g'),
    bareYearAt: new RegExp(`(?<![\\d.,$¥])${YEAR}(?![\\d%]|s${AFTER}|,\\d|\\.\\d)`, 'y'),
    monthBefore: new RegExp(`(?:${c.monthAlt})\\.?,?\\s*$`, ''),
    relAfter: [thisAfter, lastAfter],
    relBefore: [thisBefore, lastBefore],
    anaphora: CONTEXT_WORDS.period_anaphora.map((pa) => ({
      re: new RegExp(isHan(pa.phrase[0]) ? escapeRe(pa.phrase) : `${BEFORE}${pa.phrase.split(/\s+/).map(escapeRe).join('\\s+')}${AFTER}(?!\\s*\\d)`, 'gi'),
      kind: pa.kind,
      // what the pattern spells out: the phrase (Chinese), or its words (case-insensitive, ASCII-folded)
      // (only words of ASCII letters: another character may match more than its lower case under the i flag)
      words: spelled(isHan(pa.phrase[0]) ? [pa.phrase] : pa.phrase.split(/\s+/).map((w) => w.toLowerCase()).filter((w) => /^[a-z]+$/.test(w))),
    })),
    zhFirstMonthsWords: spelled([fm.before]),
    zhMonthEndWords: spelled([me.month]),
    zhMonthWords: spelled([mr.month]),
    zhYearWords: spelled([zy.year]),
  };
  datePatternsOf.set(c, dp);
  return dp;
}

/**
 * A word a date pattern spells out, as a pattern of its own: a word of ASCII lower-case letters in any case (a
 * case-insensitive pattern without the u flag folds ASCII letters only), any other word as written.
 */
interface SpelledWord {
  re: RegExp;
  /** its place in spellStamp/spellAnswer */
  id: number;
  /** looked up in the page's matches (PageMatches.holds), not searched per sentence: a word of four or more
   *  characters is rare enough that finding it once per page costs less than a search of every sentence */
  paged: boolean;
}
const spelledWords = new Map<string, SpelledWord>();
function wordIn(w: string): SpelledWord {
  let sw = spelledWords.get(w);
  if (!sw) spelledWords.set(w, (sw = { re: /^[a-z]+$/.test(w) ? new RegExp(w, 'i') : new RegExp(escapeRe(w)), id: spelledWords.size, paged: w.length >= 4 }));
  return sw;
}
/**
 * Words as dateSpells asks for them: the longest first (the rarest, as a rule: a sentence that lacks it is passed
 * over without asking for "in" or "the").
 */
function spelled(words: readonly string[]): readonly SpelledWord[] {
  return [...words].sort((a, b) => b.length - a.length).map(wordIn);
}

const NO_WORDS: readonly SpelledWord[] = [];
/** the words English date patterns spell out (see runDatePattern) */
const FIRST_MONTHS_WORDS = spelled(['first', 'months']);
const FIRST_QUARTERS_WORDS = spelled(['first', 'quarters']);
const QUARTER_WORDS = spelled(['quarter']);
const HALF_WORDS = spelled(['half']);
const Q_WORDS = spelled(['Q']);

/** dateSpells' answers for the sentence being read, by word id: the sentence's stamp (findDates' count) and the answer */
let spellStamp = new Float64Array(32);
let spellAnswer = new Uint8Array(32);
let sentenceStamp = 0;

/** findDates' record of the characters of a sentence already taken by a date, reused from sentence to sentence */
let takenScratch = new Uint8Array(1024);

/**
 * What findDates' readers share while one sentence is searched. The readers are module-level functions that take
 * it: made as closures inside findDates they were ~25 allocations per sentence, the largest allocator of a long
 * page's extraction (and its young-generation collections).
 */
interface DateScan {
  c: Compiled;
  dp: DatePatterns;
  text: string;
  s: Span;
  /** the text cut at the sentence's end (what a global pattern is run over from the sentence's start) */
  slice: string;
  sentenceText: string;
  /** the page's matches when text is the page being read (currentPage), else null */
  page: PageMatches | null;
  /** findDates' count of sentences (dateSpells' memo) */
  stamp: number;
  hasYear: boolean | undefined;
  /** the sentence's years in the page's matches of YEAR_ANYWHERE (sentenceHasYear); -1: not at hand */
  yearsFrom: number;
  yearsTo: number;
  hasMonth: boolean | undefined;
  publication: string | null;
  pubYear: string | null;
  pubMonth: number | null;
  figures: SpanIndex;
  found: DateOcc[];
  /** the characters of the sentence already taken by a date: a check per match, not per earlier date */
  taken: Uint8Array;
  /** the kind of the anaphora pattern being run */
  anaphoraKind: 'quarter' | 'year';
}

type DateReader = (st: DateScan, m: RegExpExecArray, a: number, b: number) => void;

function dateFree(st: DateScan, a: number, b: number): boolean {
  const base = st.s.start;
  for (let i = a; i < b; i++) if (st.taken[i - base]) return false;
  return true;
}

function addDate(st: DateScan, a: number, b: number, period: string | null, kind: DateKind, year: number | null, extra?: Partial<DateOcc>): void {
  if (!dateFree(st, a, b)) return;
  st.taken.fill(1, a - st.s.start, b - st.s.start);
  st.found.push({ start: a, end: b, period, kind, text: st.text.slice(a, b), year, ...extra });
}

/** a part of a year with its year stated right beside it, or "this year"/"last year", or to be carried */
function addPart(st: DateScan, a: number, b: number, part: string): void {
  const { text, s, pubYear, pubMonth, dp } = st;
  if (part === 'to-date') {
    // January up to the publication's month
    if (!pubYear || !pubMonth) return addDate(st, a, b, null, 'relative', null);
    return addDate(st, a, b, pubMonth === 1 ? `${pubYear}-01` : monthsPeriod(pubYear, pubMonth), 'relative', Number(pubYear));
  }
  const after = text.slice(b, Math.min(s.end, b + 40));
  const before = text.slice(Math.max(s.start, a - 40), a);
  const yAfter = YEAR_AFTER_PART.exec(after);
  if (yAfter) return addDate(st, a, b + yAfter[0].length, partPeriod(part, yAfter[1]!), 'data', Number(yAfter[1]));
  const yBefore = YEAR_BEFORE_PART.exec(before);
  if (yBefore) return addDate(st, a - yBefore[0].length, b, partPeriod(part, yBefore[1]!), 'data', Number(yBefore[1]));
  // "the first half of this year", "今年前两个月", "last year's first quarter"
  for (const shift of [0, 1] as const) {
    const rel = dp.relAfter[shift].exec(after);
    const relB = dp.relBefore[shift].exec(before);
    if (rel || relB) {
      const y = pubYear ? Number(pubYear) - shift : null;
      const [a2, b2] = rel ? [a, b + rel[0].length] : [a - relB![0].length, b];
      return addDate(st, a2, b2, y ? partPeriod(part, y) : null, 'relative', y);
    }
  }
  // the publication's own year, when that part of it is over by the publication date
  const fallback = pubYear && pubMonth && partEndMonth(part) <= pubMonth ? partPeriod(part, pubYear) : null;
  addDate(st, a, b, null, 'partial', null, { part, fallback });
}

function dateNumber(c: Compiled, w: string): number | null {
  return c.numbers.get(w.toLowerCase()) ?? (/^\d+$/.test(w) ? Number(w) : null);
}

function dateMonth(c: Compiled, w: string): number | null {
  return c.months.get(w.toLowerCase().replace(/\.$/, '')) ?? null;
}

function zhNumber(w: string): number | null {
  return CONTEXT_WORDS.zh_numbers[w] ?? (/^\d{1,2}$/.test(w) ? Number(w) : null);
}

/**
 * a month with no year ("in January", "from January to June"): the last such month up to the publication date;
 * a later month than the publication's is the year before
 */
function monthYearOf(publication: string | null, mo: number): string | null {
  if (!publication) return null;
  const py = Number(publication.slice(0, 4));
  const pm = Number(publication.slice(5, 7));
  return String(mo <= pm ? py : py - 1);
}

/**
 * Whether the sentence spells out each of the words ('first', '年'): a word of ASCII lower-case letters in any
 * case, any other word as written (see wordIn). (Lower-casing the sentence to look for such a word copied every
 * sentence: a case-insensitive pattern without the u flag folds ASCII letters only, so the word's own pattern
 * gives the same answer without the copy.)
 */
function dateSpells(st: DateScan, words: readonly SpelledWord[]): boolean {
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w.id >= spellStamp.length) {
      const stamps = new Float64Array(2 * w.id + 2);
      const answers = new Uint8Array(2 * w.id + 2);
      stamps.set(spellStamp);
      answers.set(spellAnswer);
      spellStamp = stamps;
      spellAnswer = answers;
    }
    // (several patterns ask for the same word: asked once per sentence)
    if (spellStamp[w.id] !== st.stamp) {
      spellStamp[w.id] = st.stamp;
      spellAnswer[w.id] = sentenceHolds(st, w.re, w.paged) ? 1 : 0;
    }
    if (spellAnswer[w.id] === 0) return false;
  }
  return true;
}

/** Whether the sentence holds a match of `re` (no lookarounds or anchors; looked up in the page's matches when paged). */
function sentenceHolds(st: DateScan, re: RegExp, paged: boolean): boolean {
  if (paged && st.page !== null) {
    const held = st.page.holds(re, st.s.start, st.s.end);
    if (held !== null) return held;
  }
  return re.test(st.sentenceText);
}

/**
 * Runs a date pattern over the sentence, each match read by f. Patterns that cannot match without a year (YEAR is
 * no optional part of them) or a month name are not searched in a sentence that has none (most sentences have no
 * date at all), nor when the sentence lacks a word the pattern spells out.
 */
function runDatePattern(st: DateScan, re: RegExp, needs: Needs, f: DateReader, words: readonly SpelledWord[] = NO_WORDS): void {
  if ((needs & Needs.Year) !== 0 && !(st.hasYear ??= sentenceHasYear(st))) return;
  // (two years, as in a range: known when the page's years are at hand)
  if ((needs & Needs.TwoYears) === Needs.TwoYears && st.yearsFrom >= 0 && st.yearsTo - st.yearsFrom < 2) return;
  if ((needs & Needs.Month) !== 0 && !(st.hasMonth ??= sentenceHolds(st, st.dp.monthAny, true))) return;
  if (words.length && !dateSpells(st, words)) return;
  re.lastIndex = st.s.start;
  const slice = st.slice;
  for (let m = re.exec(slice); m; m = re.exec(slice)) f(st, m, m.index, m.index + m[0].length);
}

/**
 * Whether the sentence holds a year (YEAR_ANYWHERE); with the page's matches at hand, the sentence's years are
 * st.yearsFrom up to st.yearsTo in them (a year is four characters: the ends ascend with the starts).
 */
function sentenceHasYear(st: DateScan): boolean {
  const years = st.page?.matchesAt(YEAR_ANYWHERE) ?? null;
  if (years === null) return YEAR_ANYWHERE.test(st.sentenceText);
  const { s } = st;
  let j = lowerBound(years.starts, s.start);
  st.yearsFrom = j;
  while (j < years.starts.length && years.ends[j]! <= s.end) j++;
  st.yearsTo = j;
  return j > st.yearsFrom;
}

/**
 * Runs a pattern whose match is a year with conditions on what stands around it (bareYear): with the page's years at
 * hand, its sticky form is tried at each year of the sentence, left to right from the end of the last match, which is
 * where a global search of the sentence finds its matches; else the global one is run.
 */
function runAtYears(st: DateScan, sticky: RegExp, global: RegExp, f: DateReader): void {
  if (!(st.hasYear ??= sentenceHasYear(st))) return;
  if (st.yearsFrom < 0) return runDatePattern(st, global, Needs.Year, f);
  const { starts } = st.page!.matchesAt(YEAR_ANYWHERE)!;
  let from = st.s.start;
  for (let k = st.yearsFrom; k < st.yearsTo; k++) {
    const p = starts[k]!;
    if (p < from) continue;
    sticky.lastIndex = p;
    const m = sticky.exec(st.slice);
    if (m === null) continue;
    from = p + m[0].length;
    f(st, m, p, from);
  }
}

const readFirstMonthsOfYear: DateReader = (st, m, a, b) => {
  const n = dateNumber(st.c, m[1]!);
  if (n && n >= 1 && n <= 12) addDate(st, a, b, monthsPeriod(m[2]!, n), 'data', Number(m[2]));
};
const readFirstQuartersOfYear: DateReader = (st, m, a, b) => {
  const n = dateNumber(st.c, m[1]!);
  if (n && n >= 2 && n <= 4) addDate(st, a, b, n === 4 ? m[2]! : `${m[2]}-Q1/${m[2]}-Q${n}`, 'data', Number(m[2]));
};
const readQuarterOfYear: DateReader = (st, m, a, b) => {
  const n = st.c.ordinals.get(m[1]!.toLowerCase());
  if (n) addDate(st, a, b, `${m[2]}-Q${n}`, 'data', Number(m[2]));
};
const readHalfOfYear: DateReader = (st, m, a, b) => {
  const n = st.c.ordinals.get(m[1]!.toLowerCase());
  if (n === 1 || n === 2) addDate(st, a, b, `${m[2]}-H${n}`, 'data', Number(m[2]));
};
const readMonthDayYear: DateReader = (st, m, a, b) => {
  const mo = dateMonth(st.c, m[1]!);
  const d = Number(m[2]);
  if (mo && d >= 1 && d <= 31) addDate(st, a, b, `${m[3]}-${pad(mo)}-${pad(d)}`, 'data', Number(m[3]));
};
const readDayMonthYear: DateReader = (st, m, a, b) => {
  const mo = dateMonth(st.c, m[2]!);
  const d = Number(m[1]);
  if (mo && d >= 1 && d <= 31) addDate(st, a, b, `${m[3]}-${pad(mo)}-${pad(d)}`, 'data', Number(m[3]));
};
const readMonthYear: DateReader = (st, m, a, b) => {
  const mo = dateMonth(st.c, m[1]!);
  if (mo) addDate(st, a, b, `${m[2]}-${pad(mo)}`, 'data', Number(m[2]));
};
const readZhFirstMonths: DateReader = (st, m, a, b) => {
  const n = zhNumber(m[1]!);
  if (n && n >= 1 && n <= 12) addPart(st, a, b, monthsPeriod('Y', n));
};
const readZhMonthEnd: DateReader = (st, m, a, b) => {
  const mo = Number(m[1]);
  const pubYear = st.pubYear;
  if (mo >= 1 && mo <= 12) addDate(st, a, b, pubYear ? `${pubYear}-${pad(mo)}` : null, 'relative', pubYear ? Number(pubYear) : null);
};
const readZhMonthRange: DateReader = (st, m, a, b) => {
  const m1 = Number(m[1]);
  const m2 = Number(m[2]);
  if (m1 >= 1 && m1 < m2 && m2 <= 12) addPart(st, a, b, m1 === 1 ? monthsPeriod('Y', m2) : `Y-${pad(m1)}/Y-${pad(m2)}`);
};
const readZhYear: DateReader = (st, m, a, b) => {
  const y = m[1]!;
  const q = m[3] ? CONTEXT_WORDS.zh_numbers[m[3]]! : 0;
  const mo = m[4] ? Number(m[4]) : 0;
  const part = m[2] === undefined ? undefined : ZH_YEAR_PARTS.get(m[2]);
  const period = part !== undefined ? partPeriod(part, y) : q ? `${y}-Q${q}` : mo >= 1 && mo <= 12 ? `${y}-${pad(mo)}` : y;
  addDate(st, a, b, period, 'data', Number(y));
};
const readQuarterYear: DateReader = (st, m, a, b) => addDate(st, a, b, `${m[3]}-Q${m[1] ?? m[2]}`, 'data', Number(m[3]));
const readYearQuarter: DateReader = (st, m, a, b) => addDate(st, a, b, `${m[1]}-Q${m[2]}`, 'data', Number(m[1]));
const readFirstMonths: DateReader = (st, m, a, b) => {
  const n = dateNumber(st.c, m[1]!);
  if (n && n >= 1 && n <= 12) addPart(st, a, b, monthsPeriod('Y', n));
};
const readMonthRange: DateReader = (st, m, a, b) => {
  const m1 = dateMonth(st.c, m[1]!);
  const m2 = dateMonth(st.c, m[2]!);
  const y = m2 ? monthYearOf(st.publication, m2) : null;
  if (m1 && m2 && m1 < m2) addDate(st, a, b, null, 'partial', null, { part: `Y-${pad(m1)}/Y-${pad(m2)}`, fallback: y ? `${y}-${pad(m1)}/${y}-${pad(m2)}` : null });
};
const readInMonth: DateReader = (st, m, a, b) => {
  const mo = dateMonth(st.c, m[1]!);
  const y = mo ? monthYearOf(st.publication, mo) : null;
  if (mo) addDate(st, a, b, null, 'partial', null, { part: `Y-${pad(mo)}`, fallback: y ? `${y}-${pad(mo)}` : null });
};
const readEndOfMonth: DateReader = (st, m, a, b) => {
  const mo = dateMonth(st.c, m[1]!);
  const pubYear = st.pubYear;
  if (mo) addDate(st, a, b, pubYear ? `${pubYear}-${pad(mo)}` : null, 'relative', pubYear ? Number(pubYear) : null);
};
const readYearRange: DateReader = (st, m, a, b) => {
  const y1 = Number(m[1]);
  const y2 = Number(m[2]);
  const explicit = RANGE_OPENER.test(m[0]) || /[-–—]/.test(m[0]);
  if (explicit && y2 > y1) addDate(st, a, b, `${y1}/${y2}`, 'data', y1);
};
const readBareYear: DateReader = (st, m, a, b) => {
  if (st.figures.overlaps(a, b)) return;
  const { c, text, s } = st;
  const left = text.slice(Math.max(s.start, a - 40), a);
  if (c.comparison.test(left)) addDate(st, a, b, m[1]!, 'comparison', Number(m[1]));
  else if (c.yearPreps.test(left) || st.dp.monthBefore.test(left)) {
    addDate(st, a, b, m[1]!, /(?:^|[^A-Za-z])by\s+(?:the\s+end\s+of\s+)?$/i.test(left) ? 'by' : 'data', Number(m[1]));
  }
};
const readAnaphora: DateReader = (st, _m, a, b) => addDate(st, a, b, null, 'anaphoric', null, { part: st.anaphoraKind });

function findDates(c: Compiled, text: string, s: Span, clauses: Span[], figures: SpanIndex, publication: string | null): DateOcc[] {
  const dp = datePatterns(c);
  const pubYear = publication ? publication.slice(0, 4) : null;
  const found: DateOcc[] = [];
  if (takenScratch.length < s.end - s.start) takenScratch = new Uint8Array(Math.max(s.end - s.start, 2 * takenScratch.length));
  takenScratch.fill(0, 0, s.end - s.start);
  const st: DateScan = {
    c,
    dp,
    text,
    s,
    slice: text.slice(0, s.end),
    sentenceText: text.slice(s.start, s.end),
    page: currentPage !== null && currentPage.text === text ? currentPage : null,
    stamp: ++sentenceStamp,
    hasYear: undefined,
    yearsFrom: -1,
    yearsTo: -1,
    hasMonth: undefined,
    publication,
    pubYear,
    pubMonth: publication ? Number(publication.slice(5, 7)) : null,
    figures,
    found,
    taken: takenScratch,
    anaphoraKind: 'year',
  };
  // most specific first; later patterns skip text already taken
  runDatePattern(st, dp.firstMonthsOfYear, Needs.Year, readFirstMonthsOfYear, FIRST_MONTHS_WORDS);
  runDatePattern(st, dp.firstQuartersOfYear, Needs.Year, readFirstQuartersOfYear, FIRST_QUARTERS_WORDS);
  runDatePattern(st, dp.quarterOfYear, Needs.Year, readQuarterOfYear, QUARTER_WORDS);
  runDatePattern(st, dp.halfOfYear, Needs.Year, readHalfOfYear, HALF_WORDS);
  runDatePattern(st, dp.monthDayYear, Needs.YearAndMonth, readMonthDayYear);
  runDatePattern(st, dp.dayMonthYear, Needs.YearAndMonth, readDayMonthYear);
  runDatePattern(st, dp.monthYear, Needs.YearAndMonth, readMonthYear);
  // Chinese month counts and ranges without a year of their own: "前两个月", "1-6月"
  runDatePattern(st, dp.zhFirstMonths, Needs.Nothing, readZhFirstMonths, dp.zhFirstMonthsWords);
  runDatePattern(st, dp.zhMonthEnd, Needs.Nothing, readZhMonthEnd, dp.zhMonthEndWords);
  runDatePattern(st, dp.zhMonthRange, Needs.Nothing, readZhMonthRange, dp.zhMonthWords);
  // Chinese: "2023年", "2023年上半年", "2023年前三季度", "2023年第一季度", "2023年6月"
  runDatePattern(st, dp.zhYear, Needs.Year, readZhYear, dp.zhYearWords);
  // quarters written short: "Q1 2024", "2024 Q1", "1Q 2024"
  runDatePattern(st, dp.quarterYear, Needs.Year, readQuarterYear, Q_WORDS);
  runDatePattern(st, dp.yearQuarter, Needs.Year, readYearQuarter, Q_WORDS);
  // parts of a year named without the year: "in the first half", "Q1", "上半年", "the first five months"
  for (const sp of findAll(c.partYear, text, s.start, s.end)) {
    const part = c.partYears.get(text.slice(sp.start, sp.end).toLowerCase().replace(/\s+/g, ' '));
    if (part) addPart(st, sp.start, sp.end, part);
  }
  runDatePattern(st, dp.firstMonths, Needs.Nothing, readFirstMonths, FIRST_MONTHS_WORDS);
  // the year before the statement's own: "up from 177 a year earlier"; after a comparison cue a base
  for (const sp of findAll(c.priorYear, text, s.start, s.end)) {
    const left = text.slice(Math.max(s.start, sp.start - 40), sp.start);
    addDate(st, sp.start, sp.end, null, c.comparison.test(left) ? 'comparison' : 'prior', null);
  }
  runDatePattern(st, dp.monthRange, Needs.Month, readMonthRange);
  runDatePattern(st, dp.inMonth, Needs.Month, readInMonth);
  // "as of the end of November": the month of the publication's year
  runDatePattern(st, dp.endOfMonth, Needs.Month, readEndOfMonth);
  // ranges: "2009-2011", "between 1991 and 1992", "from 2009 to 2011"
  runDatePattern(st, dp.yearRange, Needs.TwoYears, readYearRange);
  for (const sp of findAll(c.thisYear, text, s.start, s.end)) {
    addDate(st, sp.start, sp.end, pubYear, 'relative', pubYear ? Number(pubYear) : null);
  }
  // "last year" is relative to the publication too, unless it is a comparison base ("up 8 percent over last year")
  for (const sp of findAll(c.lastYear, text, s.start, s.end)) {
    const left = text.slice(Math.max(s.start, sp.start - 40), sp.start);
    const y = pubYear ? String(Number(pubYear) - 1) : null;
    addDate(st, sp.start, sp.end, y, c.comparison.test(left) ? 'comparison' : 'relative', y ? Number(y) : null);
  }
  // bare years, only after a year preposition ("in 2013", "by 2020", "earnings of 2013") so that a count
  // such as "around 2000 software companies" is not a date; "over 2011" is a comparison base
  runAtYears(st, dp.bareYearAt, dp.bareYear, readBareYear);
  // "in the quarter", "for the year": the period of that kind stated last (part: 'quarter' | 'year')
  for (const pa of dp.anaphora) {
    st.anaphoraKind = pa.kind;
    runDatePattern(st, pa.re, Needs.Nothing, readAnaphora, pa.words);
  }
  // a date after a release cue in its clause dates the document, not the figure
  // (a clause of many dates has its cues found once for all of them: searching each date's stretch of the
  // clause from the clause's start read a long clause once per date)
  if (!found.some(isDataDate)) return found.length > 1 ? found.sort(byStart) : found;
  const dataIn = new Map<Span, number>();
  for (const d of found) {
    const cl = d.kind === 'data' ? clauseAt(clauses, d.start) : null;
    if (cl) dataIn.set(cl, (dataIn.get(cl) ?? 0) + 1);
  }
  const cuesOf = new Map<Span, ReleaseCues>();
  for (const d of found) {
    if (d.kind !== 'data') continue;
    const cl = clauseAt(clauses, d.start);
    if (!cl) continue;
    let cues = cuesOf.get(cl);
    if (cues === undefined && c.releaseWords && dataIn.get(cl)! > 4) cuesOf.set(cl, (cues = releaseCuesIn(c.releaseWords, text, cl)));
    if (cues ? cues.firstEndFollowed < d.start || cues.ends.has(d.start) : c.releaseCue.test(text.slice(cl.start, d.start))) d.kind = 'release';
    c.releaseCue.lastIndex = 0;
  }
  return found.length > 1 ? found.sort(byStart) : found;
}

const isDataDate = (d: DateOcc) => d.kind === 'data';
const byStart = (a: Span, b: Span) => a.start - b.start;

/**
 * findDates over [s.start, s.end) of text as readContexts runs it on a page's content (with the page's matches at
 * hand: page) or on its furniture (page null): each date's span, period and kind. For tests: both must agree.
 */
export function datesIn(text: string, s: Span, lexicon: Lexicon, publication: string | null, page: PageMatches | null): { start: number; end: number; period: string | null; kind: string }[] {
  const c = compile(lexicon);
  const before = currentPage;
  currentPage = page;
  try {
    return findDates(c, text, s, splitClauses(text, s), new SpanIndex([]), publication).map((d) => ({ start: d.start, end: d.end, period: d.period, kind: d.kind }));
  } finally {
    currentPage = before;
  }
}

interface ReleaseCues {
  /** the least end of a cue followed by no ASCII letter or digit (Infinity: none) */
  firstEndFollowed: number;
  /** the ends of all cues */
  ends: Set<number>;
}

/**
 * The release cues of a clause, for c.releaseCue.test(text.slice(cl.start, x)) at many x at once. That search
 * finds a cue starting at p (the clause's start, or after a character that is no ASCII letter or digit) and ending
 * at e <= x, followed by no ASCII letter or digit or by the end of the stretch (e = x). Each cue on its own ends in
 * one place (releaseWords), so the cues found once in the whole clause answer for every x.
 */
function releaseCuesIn(words: RegExp[], text: string, cl: Span): ReleaseCues {
  const cues: ReleaseCues = { firstEndFollowed: Infinity, ends: new Set() };
  const upTo = text.slice(0, cl.end);
  for (const re of words) {
    re.lastIndex = cl.start;
    for (let m = re.exec(upTo); m; m = re.exec(upTo)) {
      const p = m.index;
      const e = p + m[0].length;
      re.lastIndex = p + 1; // every start, overlapping ones included
      if (e === p || (p > cl.start && isAsciiAlnum(text.charCodeAt(p - 1)))) continue;
      cues.ends.add(e);
      if (e >= text.length || !isAsciiAlnum(text.charCodeAt(e))) cues.firstEndFollowed = Math.min(cues.firstEndFollowed, e);
    }
  }
  return cues;
}

// ---------------------------------------------------------------- helpers

function distance(a: Span, f: Span): number {
  if (a.end <= f.start) return f.start - a.end;
  if (a.start >= f.end) return a.start - f.end;
  return 0;
}

function nearest<T extends Span>(xs: T[], f: Span, penalty?: (x: T) => number): T | null {
  let best: T | null = null;
  let bd = Infinity;
  for (const x of xs) {
    const d = distance(x, f) + (penalty ? penalty(x) : 0);
    if (d < bd) {
      bd = d;
      best = x;
    }
  }
  return best;
}

/**
 * nearest() over one list of spans asked for many figures (a clause's metric phrases): the spans sorted by start,
 * so that only those that can be nearest are looked at. A run-on clause of thousands of figures read its whole
 * list once per figure (quadratic). Gives what nearest(list.filter(accept), f, penalty) gives, the first in list
 * order on a tie, for penalties >= 0: spans are tried outwards from f, and the search stops once no span further
 * out can come within the best value found (a span ends at most maxLen after its start).
 */
class Nearest<T extends Span> {
  /** a list this short is searched whole (most clauses name a few metrics): sorting it would cost more */
  static readonly SHORT = 16;
  readonly list: readonly T[];
  private readonly order: Int32Array | null = null;
  private readonly starts: Float64Array | null = null;
  /** the longest span's length */
  readonly maxLen: number;
  /** find's best weight and index so far */
  private bv = Infinity;
  private bi = -1;
  constructor(list: readonly T[]) {
    this.list = list;
    let m = 0;
    for (const x of list) m = Math.max(m, x.end - x.start);
    this.maxLen = m;
    if (list.length <= Nearest.SHORT) return;
    const order = Int32Array.from(list.keys()).sort((a, b) => list[a]!.start - list[b]!.start || a - b);
    const starts = new Float64Array(order.length);
    for (let j = 0; j < order.length; j++) starts[j] = list[order[j]!]!.start;
    this.order = order;
    this.starts = starts;
  }
  /** find's weighing of list[k] against the best so far */
  private consider(k: number, f: Span, penalty: ((x: T) => number) | undefined, accept: ((x: T) => boolean) | undefined, side: 'before' | 'after' | undefined): void {
    const x = this.list[k]!;
    if (side === 'before' ? x.end > f.start : side === 'after' ? x.start < f.end : false) return;
    if (accept && !accept(x)) return;
    const v = distance(x, f) + (penalty ? penalty(x) : 0);
    if (v < this.bv || (v === this.bv && k < this.bi)) {
      this.bv = v;
      this.bi = k;
    }
  }
  /**
   * side 'before': only spans ending by f's start are accepted; 'after': only spans starting at or after its end.
   * [startFrom, startBelow): only spans starting there can be accepted (the search stops at those bounds).
   */
  find(
    f: Span,
    opts: { penalty?: (x: T) => number; accept?: (x: T) => boolean; side?: 'before' | 'after'; startFrom?: number; startBelow?: number } = {},
  ): T | null {
    const { list, order, starts, maxLen } = this;
    const { penalty, accept, side, startFrom = -Infinity, startBelow = Infinity } = opts;
    // (the best so far is kept on the instance and each span weighed by a method: a closure made per search, a few
    // per figure, was one more allocation per figure)
    this.bv = Infinity;
    this.bi = -1;
    if (!order || !starts) {
      for (let k = 0; k < list.length; k++) if (list[k]!.start >= startFrom && list[k]!.start < startBelow) this.consider(k, f, penalty, accept, side);
      return this.bi < 0 ? null : list[this.bi]!;
    }
    const i0 = lowerBound(starts, f.end);
    if (side !== 'before') {
      for (let j = i0; j < order.length; j++) {
        const s = starts[j]!;
        if (s >= startBelow || s - f.end > this.bv) break;
        this.consider(order[j]!, f, penalty, accept, side);
      }
    }
    if (side !== 'after') {
      for (let j = Math.min(i0, order.length) - 1; j >= 0; j--) {
        const s = starts[j]!;
        if (s < startFrom || f.start - s - maxLen > this.bv) break;
        if (s < startBelow) this.consider(order[j]!, f, penalty, accept, side);
      }
    }
    const bi = this.bi;
    return bi < 0 ? null : list[bi]!;
  }
}

function compatible(m: MetricDef, unit: string): boolean {
  if (m.unit_kinds.includes(unit)) return true;
  // a bare number whose unit the grammar could not tell may still be a count
  return unit === 'unknown' && (m.unit_kinds.includes('count') || m.unit_kinds.includes('persons'));
}

function within(x: Span, s: Span): boolean {
  return x.start >= s.start && x.end <= s.end;
}

/** Drops occurrences inside a longer occurrence of the same set ("revenues" inside "Tax revenues"). */
function outermost<T extends Span>(xs: T[]): T[] {
  // (none or one: nothing lies inside another; the list itself is given back: every caller passes a list of its own)
  if (xs.length <= 1) return xs;
  // (in order of start, longer first on a tie, most often: the same sweep with no order to sort, and the list itself
  // when nothing lies inside another)
  let inOrder = true;
  for (let i = 1; i < xs.length && inOrder; i++) {
    const a = xs[i - 1]!;
    const b = xs[i]!;
    inOrder = a.start < b.start || (a.start === b.start && a.end >= b.end);
  }
  if (inOrder) {
    let kept: T[] | null = null;
    let maxEndBefore = -Infinity;
    let k = 0;
    while (k < xs.length) {
      const start = xs[k]!.start;
      const groupEnd = xs[k]!.end;
      let j = k;
      for (; j < xs.length && xs[j]!.start === start; j++) {
        const x = xs[j]!;
        const inside = maxEndBefore >= x.end || groupEnd > x.end;
        if (inside && kept === null) kept = xs.slice(0, j);
        else if (!inside && kept !== null) kept.push(x);
      }
      maxEndBefore = Math.max(maxEndBefore, groupEnd);
      k = j;
    }
    return kept ?? xs;
  }
  // one sweep by start (ties: longer first) instead of comparing every pair: x lies inside a longer y exactly
  // when an earlier-starting y reaches x's end, or a y with the same start reaches past it
  const order = sortIndices(
    xs.map((_, i) => i),
    (a, b) => xs[a]!.start - xs[b]!.start || xs[b]!.end - xs[a]!.end,
  );
  // (a plain array: a few occurrences per clause, where a typed array cost more to make)
  const inside: number[] = new Array<number>(xs.length).fill(0);
  let maxEndBefore = -Infinity; // over spans starting strictly before the current start
  let k = 0;
  while (k < order.length) {
    const start = xs[order[k]!]!.start;
    const groupEnd = xs[order[k]!]!.end; // the longest span starting here
    let j = k;
    for (; j < order.length && xs[order[j]!]!.start === start; j++) {
      const x = xs[order[j]!]!;
      if (maxEndBefore >= x.end || groupEnd > x.end) inside[order[j]!] = 1;
    }
    maxEndBefore = Math.max(maxEndBefore, groupEnd);
    k = j;
  }
  return xs.filter((_, i) => !inside[i]);
}

function quote(text: string, s: Span): string {
  return text.slice(s.start, s.end).replace(/\s+/g, ' ').replace(/[;=()]/g, '');
}

/**
 * quote() of a stretch that may run to the end of a long clause (the words after a share, "… of …"): a rule
 * quoting the rest of a run-on clause for each of its figures grew with the square of its length. Up to
 * QUOTE_CAP UTF-16 units it is quoted whole; beyond, its first QUOTE_CAP units and "…".
 */
const QUOTE_CAP = 200;
function quoteCapped(text: string, s: Span): string {
  if (s.end - s.start <= QUOTE_CAP) return quote(text, s);
  let end = s.start + QUOTE_CAP;
  // whole code points only: never cut a surrogate pair
  if (/[\udc00-\udfff]/.test(text[end] ?? '')) end--;
  return `${quote(text, { start: s.start, end })}…`;
}

/** Where the digits of a figure end ("14" in "14 million employees", "20, 000" kept whole). */
function numberEnd(text: string, f: FigureRef): number {
  if (f.numberEnd !== undefined) return f.numberEnd;
  const m = /\d(?:[\d.,]|,? (?=\d{3}(?!\d)))*/.exec(text.slice(f.start, f.end));
  return m ? f.start + m.index + m[0].length : f.end;
}

/** The figure sits first inside brackets: "(24105)", "(11.4 for 10,000)". Returns the "(" position. */
function bracketBefore(text: string, f: FigureRef, sentence: Span): number {
  let i = f.start - 1;
  while (i >= sentence.start && isSpaceCode(text.charCodeAt(i))) i--;
  return i >= sentence.start && text[i] === '(' ? i : -1;
}

const words = z.array(z.string().min(1));
const CONTEXT_WORDS = z
  .object({
    version: z.number().int(),
    noun_stop_words: words,
    clause_joiners: words.min(1),
    subset_before: words,
    subset_after: words,
    superlative_suffix: z.string().min(1),
    definite_articles: words,
    part_year: z.array(z.object({ phrase: z.string().min(1), part: z.string().regex(/^(?:to-date|Y-(?:H[12]|Q[1-4]|\d{2})(?:\/Y-(?:Q[1-4]|\d{2}))?)$/) }).strict()),
    zh_numbers: z.record(z.string().min(1), z.number().int().min(1).max(12)),
    zh_first_months: z.object({ before: z.string().min(1), after: z.string().min(1) }).strict(),
    zh_month_range: z.object({ dashes: words.min(1), month: z.string().min(1) }).strict(),
    zh_month_end: z.object({ before: words.min(1), month: z.string().min(1), after: words.min(1) }).strict(),
    zh_cardinal_only: words,
    zh_year: z.object({ year: z.string().min(1), parts: words, quarter: z.object({ ordinal: z.string().min(1), after: z.string().min(1) }).strict() }).strict(),
    percent_words: words.min(1),
    date_gap_words: words.min(1),
    denominator_links: words.min(1),
    alternative_links: words.min(1),
    range_openers: words.min(1),
    range_links: words.min(1),
    prior_year: words,
    frame_openers: words,
    place_heads: words,
    place_determiners: words,
    locative_prepositions: words,
    zh_name_breaks: words,
    zh_possessive: words,
    partitive_after_number: words,
    zh_rank: z.object({ before: z.string().min(1), after: words.min(1) }).strict(),
    distributive_after: words,
    distributive_before: words,
    part_of_openers: words,
    part_of_clause_openers: words,
    increment_cues: words,
    subset_predicates: words,
    counted_subject_determiners: words,
    counted_subject_adverbs: words,
    counted_subject_verbs: words,
    neutral_count_modifiers: words,
    zh_named_category_end: words,
    sector_words: words,
    list_intro_cues: words,
    organisation_heads: words,
    period_anaphora: z.array(z.object({ phrase: z.string().min(1), kind: z.enum(['quarter', 'year']) }).strict()),
  })
  .strict()
  .parse(readLanguageFile('context.yaml').data);
const STOP_WORDS = new Set(CONTEXT_WORDS.noun_stop_words.map((w) => w.toLowerCase()));
/** 1 for the ASCII codes a stop word starts with (lower-cased): a word starting with another ASCII character is none */
const STOP_FIRST = new Uint8Array(128);
for (const w of STOP_WORDS) if (w.charCodeAt(0) < 128) STOP_FIRST[w.charCodeAt(0)] = 1;
/** Whether text[from, to) is a stop word, in any case (no slice made for a word no stop word starts like). */
function isStopWord(text: string, from: number, to: number): boolean {
  const u = text.charCodeAt(from);
  // (an ASCII character lower-cases to an ASCII one, the same but for a capital letter)
  if (u < 128 && !STOP_FIRST[u >= 65 && u <= 90 ? u | 0x20 : u]) return false;
  return STOP_WORDS.has(text.slice(from, to).toLowerCase());
}
/** words as written (a space is one space), for the short function-word lists below */
const literalAlt = (ws: readonly string[]) => ws.map(escapeRe).join('|');
/** "30 percent year on year": the percent word a figure may end before, stepped over to reach a growth cue */
const PERCENT_WORD = new RegExp(`^\\s*(?:${literalAlt(CONTEXT_WORDS.percent_words)})`, 'i');
/** "rose to 178 from 169 in 2021": the words that may stand between a comparison base and the date after it */
const DATE_GAP = new RegExp(`^\\s*(?:${literalAlt(CONTEXT_WORDS.date_gap_words)})?\\s*$`, 'i');
/** "X percent of Riverside's GDP", "higher than the regional average": a place after these is a denominator */
const DENOMINATOR_LINK = new RegExp(`(?:^|[^A-Za-z])(?:${literalAlt(CONTEXT_WORDS.denominator_links)})\\s+(?:the\\s+)?$`, 'i');
/** "21,500 or 36.5 percent": a conjunction restates, it is no verb of a threshold */
const ALTERNATIVE_LINK = new RegExp(`\\b(?:${literalAlt(CONTEXT_WORDS.alternative_links)})\\b`, 'i');
/** "between 1991 and 1992", "from 2009 to 2011": a year range stated as one */
const RANGE_OPENER = new RegExp(`^(?:${literalAlt(CONTEXT_WORDS.range_openers)})`, 'i');
/** the Chinese parts of a year written after "年", each with its period (from part_year) */
const ZH_YEAR_PARTS = new Map(
  CONTEXT_WORDS.zh_year.parts.map((w) => {
    const part = CONTEXT_WORDS.part_year.find((x) => x.phrase === w)?.part;
    if (part === undefined) throw new Error(`language/context.yaml: zh_year part ${w} is no part_year phrase`);
    return [w, part] as const;
  }),
);
/** the Chinese numbers that order a quarter ("第一季度"): zh_numbers' single characters 1 to 4, but those that only count */
const ZH_QUARTER_NUMERALS = Object.entries(CONTEXT_WORDS.zh_numbers)
  .filter(([w, n]) => w.length === 1 && n >= 1 && n <= 4 && !CONTEXT_WORDS.zh_cardinal_only.includes(w))
  .map(([w]) => w);
const LIST_INTRO = new RegExp(
  CONTEXT_WORDS.list_intro_cues.map((w) => (isHan(w[0]) ? escapeRe(w) : `${BEFORE}${w.split(/\s+/).map(escapeRe).join('\\s+')}(?![A-Za-z0-9])`)).join('|'),
  'i',
);
const NEUTRAL_MODIFIERS = new Set(CONTEXT_WORDS.neutral_count_modifiers.map((w) => w.toLowerCase()));
/** a sector word right before an amount's name: "集成电路产业营业收入", "the chip industry's revenue" */
const SECTOR_BEFORE = new RegExp(
  `(?:${CONTEXT_WORDS.sector_words.map((w) => (isHan(w[0]) ? escapeRe(w) : `${BEFORE}${escapeRe(w)}(?:['’]s)?\\s+`)).join('|')})$`,
  'i',
);

/** The words between a count and its counted noun that name a part of the noun's set ("integrated circuit"), or null. */
function partModifier(text: string, from: number, nounStart: number): string | null {
  // no letter between (the noun right after the number, most often): no word to name a part
  let letter = false;
  for (let i = from; i < nounStart && !letter; i++) {
    const u = text.charCodeAt(i);
    letter = (u >= 65 && u <= 90) || (u >= 97 && u <= 122) || u >= 0x80;
  }
  if (!letter) return null;
  const words = text
    .slice(from, nounStart)
    .replace(/\([^()]*\)/g, ' ')
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w));
  const part = words.filter((w) => !NEUTRAL_MODIFIERS.has(w.toLowerCase()));
  return part.length ? part.join(' ') : null;
}
const CLAUSE_JOINER = new RegExp(`[,;:()]|\\s(?:${CONTEXT_WORDS.clause_joiners.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s`, 'i');

// ---------------------------------------------------------------- per-figure reading

interface SentenceState {
  /** the figure readMetric is reading, what betweenPenalty weighs phrases against */
  penaltyFigure: FigureRef | null;
  betweenPenalty: ((o: Span) => number) | null;
  /** Nearest.find's options holding betweenPenalty, made once per sentence (not an object per figure) */
  penaltyOpts: { penalty: (o: Span) => number } | null;
  /** the same for a percentage's ratio phrases, which weigh a phrase before the figure 5 more */
  ratioOpts: { penalty: (o: Span) => number } | null;
  /** per clause (by index in `clauses`; `clauses.length`: the sentence as a scope): see clauseCache */
  clauseCaches: (ClauseCache | undefined)[];
  otherCaches: Map<Span, ClauseCache> | null;
  text: string;
  sentence: Span;
  clauses: Span[];
  metricOcc: MetricOcc[];
  subjectOcc: SubjectOcc[];
  dates: DateOcc[];
  figures: FigureRef[];
  resolved: (string | null)[];
  // worked out once per sentence (or per clause) rather than once per figure: see readSentence
  /** starts of `figures` (sorted) and the least end from each index on */
  // (plain arrays: a sentence holds a few figures, and three typed arrays per sentence cost more to make than to search)
  figStarts: number[];
  figMinEndFrom: number[];
  /** ends of `figures` (sorted: figures do not overlap) */
  figEnds: number[];
  counted: ((Span & { np: MetricPhrase }) | null | undefined)[];
  claimed: SpanIndex | null;
  levels: MetricOcc[] | null;
  metricByStart: number[] | null;
  levelsByStart: number[] | null;
  /** the sentence's levels (names of amounts), for the nearest one before a figure anywhere in the sentence */
  levelsNearest: Nearest<MetricOcc> | null;
  /** the listed subjects named in the sentence that are no place and no denominator: what an anaphor points back to */
  priorSubjects: SubjectOcc[] | null;
  resolvedSubject: Map<SubjectOcc, SubjectDef | null> | null;
  /** distinct metrics resolved so far, the most recent last */
  recentMetrics: string[];
  targetCues: Span[] | null;
  presentSentence: Span | null | undefined;
  presentState: Span | null | undefined;
  dateLists: DateLists | null;
  /** the zone the previous section was about: what an anaphor with nothing before it in its section points to */
  sectionBefore: SubjectDef | null;
  /** the period stated last in the document before this sentence (what "in the quarter" points to) */
  lastStated: string | null;
}

/** Elements of a sorted list of spans (by start) that lie inside `scope`, by binary search. */
function spansWithin<T extends Span>(xs: T[], scope: Span): T[] {
  const lo = lowerBoundStart(xs, scope.start);
  const out: T[] = [];
  for (let i = lo; i < xs.length && xs[i]!.start < scope.end; i++) if (xs[i]!.end <= scope.end) out.push(xs[i]!);
  return out;
}

/**
 * The spans of `xs` inside `scope`, in their order in `xs` (which decides ties in nearest()), found through
 * `byStart` (indices of xs sorted by start) instead of a scan of the whole sentence.
 */
function withinInOrder<T extends Span>(xs: T[], byStart: readonly number[], scope: Span): T[] {
  let lo = 0;
  let hi = byStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[byStart[mid]!]!.start < scope.start) lo = mid + 1;
    else hi = mid;
  }
  const idx: number[] = [];
  let sorted = true;
  for (let i = lo; i < byStart.length && xs[byStart[i]!]!.start < scope.end; i++) {
    if (xs[byStart[i]!]!.end > scope.end) continue;
    if (idx.length > 0 && byStart[i]! < idx[idx.length - 1]!) sorted = false;
    idx.push(byStart[i]!);
  }
  if (!sorted) sortSmall(idx);
  const out: T[] = new Array<T>(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = xs[idx[i]!]!;
  return out;
}

function byStartOf(xs: Span[]): number[] {
  // (a plain array: made per sentence over a few occurrences, where Int32Array.from over an iterator cost more)
  const idx: number[] = [];
  let sorted = true;
  for (let i = 0; i < xs.length; i++) {
    idx.push(i);
    if (i > 0 && xs[i]!.start < xs[i - 1]!.start) sorted = false;
  }
  // (a list already in order of start needs no sort, and a short one is sorted by insertion: a sort's set-up per
  // sentence was garbage)
  return sorted ? idx : sortIndices(idx, (a, b) => xs[a]!.start - xs[b]!.start || a - b);
}

/**
 * idx.sort(cmp), by insertion for a short list (a sentence's or a clause's phrases, where Array.prototype.sort's
 * set-up and scratch copy cost more than the sort); stable, as Array.prototype.sort.
 */
function sortIndices(idx: number[], cmp: (a: number, b: number) => number): number[] {
  if (idx.length > 32) return idx.sort(cmp);
  for (let i = 1; i < idx.length; i++) {
    const v = idx[i]!;
    let j = i - 1;
    for (; j >= 0 && cmp(idx[j]!, v) > 0; j--) idx[j + 1] = idx[j]!;
    idx[j + 1] = v;
  }
  return idx;
}

/**
 * What the figures of a sentence ask of one clause (or of the whole sentence, as readSubject's scope), worked out
 * once. (One object per clause, found by the clause's index: a Map per question per sentence, keyed by the
 * clause's span, was most of what a sentence allocated.)
 */
interface ClauseCache {
  /** the clause's index in st.clauses; st.clauses.length: the sentence */
  index: number;
  /** metricsInClause */
  metrics: MetricOcc[] | null;
  /** subjectsInClause */
  subjects: SubjectOcc[] | null;
  /** baseMetric's levels in the clause */
  levels: Nearest<MetricOcc> | null;
  /** clauseMetrics, one per figure unit asked for: the first, and the others */
  firstUnit: ClauseMetrics | null;
  byUnit: ClauseMetrics[] | null;
  /** readSubject's candidates with this as the scope: [clause strong, clause weak, sentence strong, sentence weak] */
  passLists: (SubjectOcc[] | undefined)[] | null;
  /** readPeriod's first present cue in the clause (undefined: not looked for) */
  present: Span | null | undefined;
  /** readSentence's first increment cue in the clause (undefined: not looked for) */
  increment: Span | null | undefined;
  /** firstAfter's last search, one per pattern */
  after: MatchAfter[] | null;
}

function newClauseCache(index: number): ClauseCache {
  return { index, metrics: null, subjects: null, levels: null, firstUnit: null, byUnit: null, passLists: null, present: undefined, increment: undefined, after: null };
}

function clauseCache(st: SentenceState, clause: Span): ClauseCache {
  const cs = st.clauses;
  let i = cs.length;
  if (clause !== st.sentence) {
    // (clauses are sorted and disjoint: the one starting where this one starts, if it is this one)
    const lo = lowerBoundStart(cs, clause.start);
    if (cs[lo] !== clause) {
      // (every span asked about is a clause of the sentence or the sentence; any other is kept aside, index -1)
      let cc = (st.otherCaches ??= new Map()).get(clause);
      if (cc === undefined) st.otherCaches.set(clause, (cc = newClauseCache(-1)));
      return cc;
    }
    i = lo;
  }
  let cc = st.clauseCaches[i];
  if (cc === undefined) st.clauseCaches[i] = cc = newClauseCache(i);
  return cc;
}

function metricsInClause(st: SentenceState, clause: Span): MetricOcc[] {
  const cc = clauseCache(st, clause);
  if (cc.metrics === null) {
    st.metricByStart ??= byStartOf(st.metricOcc);
    cc.metrics = withinInOrder(st.metricOcc, st.metricByStart, clause);
  }
  return cc.metrics;
}

/**
 * The metric phrases of a clause a figure of one unit may take, worked out once per clause and unit rather than
 * once per figure (filtering the clause's phrases per figure was quadratic in a run-on clause).
 */
interface ClauseMetrics {
  unit: string;
  /** outermost compatible phrases that name no growth rate, in the order of metricOcc */
  compat: MetricOcc[];
  /** those naming a ratio, and those naming a qualifier metric (made when first asked for) */
  ratios: Nearest<MetricOcc> | null;
  qualifiers: Nearest<MetricOcc> | null;
  /** compat less the nouns other figures claim, for a figure with a noun of its own, and for one without */
  freeOwnNoun: Nearest<MetricOcc> | null;
  freeNoNoun: Nearest<MetricOcc> | null;
}

function clauseMetrics(st: SentenceState, clause: Span, unit: string): ClauseMetrics {
  const cc = clauseCache(st, clause);
  // (a clause's figures come in a unit or two: a list searched in order)
  // (the first unit asked for is kept on its own: most clauses are asked for one)
  if (cc.firstUnit !== null && cc.firstUnit.unit === unit) return cc.firstUnit;
  const more = cc.byUnit;
  if (more !== null) for (let i = 0; i < more.length; i++) if (more[i]!.unit === unit) return more[i]!;
  const list = metricsInClause(st, clause);
  // (counted, then filled: a list grown by push starts at 16 places)
  let n = 0;
  for (let i = 0; i < list.length; i++) if (compatible(list[i]!.metric, unit) && list[i]!.metric.growth_of === null) n++;
  // (all of them: the clause's list itself, which no one changes)
  const fit: MetricOcc[] = n === list.length ? list : new Array<MetricOcc>(n);
  if (n !== list.length) {
    for (let i = 0, j = 0; i < list.length; i++) if (compatible(list[i]!.metric, unit) && list[i]!.metric.growth_of === null) fit[j++] = list[i]!;
  }
  const cm: ClauseMetrics = { unit, compat: outermost(fit), ratios: null, qualifiers: null, freeOwnNoun: null, freeNoNoun: null };
  if (cc.firstUnit === null) cc.firstUnit = cm;
  else (cc.byUnit ??= []).push(cm);
  return cm;
}

function subjectsInClause(st: SentenceState, clause: Span): SubjectOcc[] {
  const cc = clauseCache(st, clause);
  return (cc.subjects ??= spansWithin(st.subjectOcc, clause));
}

/**
 * nearest() over spans sorted by start that do not overlap (subject occurrences): only the last span ending at or
 * before f and the next one can be nearest, and the earlier wins a tie, as in nearest().
 */
function nearestSorted<T extends Span>(xs: T[], f: Span): T | null {
  const lo = firstEndingAfter(xs, 0, xs.length, f.start);
  const a = lo > 0 ? xs[lo - 1]! : null;
  const b = lo < xs.length ? xs[lo]! : null;
  if (!a) return b;
  if (!b) return a;
  return distance(b, f) < distance(a, f) ? b : a;
}

/**
 * A counted-noun phrase with the character its match must have second, when the phrase's pattern fixes it: an ASCII
 * letter or digit right after a first character matched as itself (the code, lower-cased), else -1. A position
 * whose next character differs is not tried with the phrase's pattern (the test passes more than it must: never less).
 */
interface NounCandidate {
  np: MetricPhrase;
  second: number;
}

function nounCandidateOf(np: MetricPhrase): NounCandidate {
  const p = np.phrase.trim();
  const first = p.charCodeAt(0);
  const second = p.charCodeAt(1);
  // (phraseAtoms: a hyphen or an apostrophe is no literal, a {region} placeholder no character, and a pair of
  // surrogates is one atom of two units; a one-letter first word is followed by \s+)
  const literalFirst = !(first >= 0xd800 && first <= 0xdfff) && p[0] !== '-' && p[0] !== "'" && p[0] !== '’' && !p.startsWith('{region}');
  const asciiAlnum = (second >= 48 && second <= 57) || (second >= 65 && second <= 90) || (second >= 97 && second <= 122);
  return { np, second: literalFirst && asciiAlnum ? second | 0x20 : -1 };
}

const nounIndexCache = new WeakMap<Compiled, Map<string, { keyed: Map<string, NounCandidate[]>; always: NounCandidate[] }>>();

/** A phrase's first character as the case-insensitive regex compares it; null when it may match anything. */
function firstKey(ch: string | undefined): string | null {
  if (ch === undefined) return null;
  // (remembered per character: asked for each word after each figure)
  let k = firstKeys.get(ch);
  if (k === undefined) {
    k = !/[\p{L}\p{N}]/u.test(ch) ? null : ch.toUpperCase().length === 1 ? ch.toUpperCase() : null;
    if (firstKeys.size >= 10_000) firstKeys.clear();
    firstKeys.set(ch, k);
  }
  return k;
}
const firstKeys = new Map<string, string | null>();

/**
 * The counted-noun phrases compatible with `unit` that can start with the character at `pos`, longest first (the
 * order of c.nounPhrases). Trying only these is what keeps the noun scan cheap per position: a sentence of many
 * figures tries each position against a handful of phrases, not the whole lexicon.
 */
function nounCandidates(c: Compiled, unit: string, ch: string | undefined): NounCandidate[] {
  let byUnit = nounIndexCache.get(c);
  if (!byUnit) nounIndexCache.set(c, (byUnit = new Map()));
  let idx = byUnit.get(unit);
  if (!idx) {
    const phrases = c.nounPhrases.filter((np) => compatible(np.metric, unit));
    const keyOf = (np: MetricPhrase) => firstKey(np.phrase.trim()[0]);
    const keys = new Set(phrases.map(keyOf).filter((k): k is string => k !== null));
    const keyed = new Map<string, NounCandidate[]>();
    for (const k of keys) keyed.set(k, phrases.filter((np) => keyOf(np) === null || keyOf(np) === k).map(nounCandidateOf));
    idx = { keyed, always: phrases.filter((np) => keyOf(np) === null).map(nounCandidateOf) };
    byUnit.set(unit, idx);
  }
  const k = firstKey(ch);
  return (k === null ? undefined : idx.keyed.get(k)) ?? idx.always;
}

/**
 * "Its 130 chip makers earned a combined 35 billion yuan": the count (with its noun and verb) that is the
 * grammatical subject of the clause of the k-th figure, a set of members whose amount is a part of the subject's;
 * null when the clause's subject is no count, or a count of the whole set (a metric that counts a whole set:
 * "the 178 zones earned …" is the set's own amount).
 */
function countedSubject(c: Compiled, st: SentenceState, k: number, clause: Span): string | null {
  const { text } = st;
  const f = st.figures[k]!;
  // only the clause's first figure can open it (the words allowed before it hold no digit)
  const j = lowerBound(st.figStarts, clause.start);
  const g = st.figures[j];
  if (j >= k || !g || g.unit !== 'count' || g.start - clause.start > 80) return null;
  if (!c.countedSubjectBefore.test(text.slice(clause.start, g.start))) return null;
  const noun = countedOf(c, st, j);
  if (!noun || noun.np.metric.whole_count_only || noun.end > f.start) return null;
  const verb = c.countedSubjectVerb.exec(text.slice(noun.end, f.start));
  return verb ? quote(text, { start: g.start, end: noun.end + verb[0].length }) : null;
}

/**
 * What the counted members of the sentence's k-th figure did, when a subset predicate follows its number (or its
 * counted noun) in the clause ("… 300 of which listed"): the predicate's words, else null. (It follows after
 * whitespace: a stretch starting otherwise is not searched.)
 */
function subsetPredicateAfter(c: Compiled, st: SentenceState, k: number, f: FigureRef, clause: Span): string | null {
  const { text } = st;
  const after = countedOf(c, st, k)?.end ?? numberEnd(text, f);
  if (!isSpaceCode(text.charCodeAt(after))) return null;
  return c.subsetPredicate.exec(text.slice(after, clause.end))?.[0].trim() ?? null;
}

/** counted() of the sentence's k-th figure, worked out once: other figures ask for it too (see `claimed`). */
function countedOf(c: Compiled, st: SentenceState, k: number): (Span & { np: MetricPhrase }) | null {
  if (st.counted[k] === undefined) {
    const g = st.figures[k]!;
    st.counted[k] = counted(c, st, g, clauseAt(st.clauses, g.start) ?? st.sentence);
  }
  return st.counted[k]!;
}

/**
 * counted()'s step over the word at `pos`, as /^(?:\([^()\n]{0,30}\)|[^\s,;:.()]+)/ finds it in
 * text.slice(pos, to): its end, or -1 for none. (Read in place, by character code: a slice of the rest of the
 * clause and a match per word were garbage.)
 */
function wordAt(text: string, pos: number, to: number): number {
  if (text.charCodeAt(pos) === 40) {
    // a bracket of up to 30 characters, none of them a bracket or a line feed, closed before `to`
    for (let j = pos + 1; j < to && j <= pos + 31; j++) {
      const u = text.charCodeAt(j);
      if (u === 41) return j + 1;
      if (u === 40 || u === 10) return -1;
    }
    return -1;
  }
  let j = pos;
  while (j < to) {
    const u = text.charCodeAt(j);
    if (u === 44 || u === 59 || u === 58 || u === 46 || u === 40 || u === 41 || isSpaceCode(u)) break;
    j++;
  }
  return j > pos ? j : -1;
}

function counted(c: Compiled, st: SentenceState, f: FigureRef, clause: Span): (Span & { np: MetricPhrase }) | null {
  const { text } = st;
  // Chinese has no spaces: the counted noun follows the figure, or its classifier (家, 个, 项 …), directly
  for (const at of [f.end, f.end + 1]) {
    if (at >= clause.end || !isHan(text[at])) continue;
    for (const { np, second } of nounCandidates(c, f.unit, text[at])) {
      if (second >= 0 && (text.charCodeAt(at + 1) | 0x20) !== second) continue;
      np.sticky.lastIndex = at;
      const m = np.sticky.exec(text);
      if (m && m.index + m[0].length <= clause.end) return { start: m.index, end: m.index + m[0].length, np };
    }
  }
  let pos = numberEnd(text, f);
  let k = 0;
  while (k <= 4 && pos < clause.end) {
    while (pos < clause.end && isSpaceCode(text.charCodeAt(pos))) pos++;
    if (pos >= clause.end) break;
    for (const { np, second } of nounCandidates(c, f.unit, text[pos])) {
      if (second >= 0 && (text.charCodeAt(pos + 1) | 0x20) !== second) continue;
      np.sticky.lastIndex = pos;
      const m = np.sticky.exec(text);
      if (m && m.index + m[0].length <= clause.end) return { start: m.index, end: m.index + m[0].length, np };
    }
    const wordEnd = wordAt(text, pos, clause.end);
    if (wordEnd < 0) break;
    const inside = pos < f.end; // unit and scale words of the figure itself do not count
    if (!inside && isStopWord(text, pos, wordEnd)) break;
    pos = wordEnd;
    if (!inside) k++;
  }
  return null;
}

/**
 * What re.exec(text.slice(from, clause.end)) finds (its text, and where it starts and ends in `text`), asked for
 * each figure of a clause, `from` increasing: searching the rest of the clause once per figure read a long clause
 * once per figure. The search from an earlier `from` found that no match starts after it before its own match;
 * for a later `from` short of that match only `from` itself is new (the stretch's start counts as a word
 * boundary there): one sticky test. So each clause is read about once per pattern.
 */
interface MatchAfter {
  re: RegExp;
  from: number;
  match: { text: string; index: number; end: number } | null;
}
const stickyOf = new WeakMap<RegExp, RegExp>();

/** re.exec(text.slice(from, to)) with the match's text and its place in `text` */
function searchSlice(r: RegExp, text: string, from: number, to: number): { text: string; index: number; end: number } | null {
  r.lastIndex = 0;
  const m = r.exec(text.slice(from, to));
  return m ? { text: m[0], index: from + m.index, end: from + m.index + m[0].length } : null;
}

function firstAfter(st: SentenceState, re: RegExp, clause: Span, from: number): { text: string; index: number; end: number } | null {
  // (kept with the clause: a WeakMap entry per sentence, and Maps per pattern and clause, were garbage)
  const after = (clauseCache(st, clause).after ??= []);
  let at = 0;
  while (at < after.length && after[at]!.re !== re) at++;
  const last = after[at];
  if (last && from >= last.from && (last.match === null || last.match.index > from)) {
    if (from === last.from) return last.match;
    let sticky = stickyOf.get(re);
    if (!sticky) stickyOf.set(re, (sticky = new RegExp(re.source, re.flags.replace('g', '') + 'y')));
    return searchSlice(sticky, st.text, from, clause.end) ?? last.match;
  }
  const match = searchSlice(re, st.text, from, clause.end);
  after[at] = { re, from, match };
  return match;
}

const wholeWords = new WeakMap<MetricPhrase, RegExp>();
const unitWordPhrases = new WeakMap<Compiled, Map<string, Map<string, MetricPhrase | null>>>();
/**
 * The first counted-noun phrase compatible with `unit` that a figure's unit word is the whole of ("7 enterprises"),
 * remembered per unit and word: the list of phrases was searched for each figure with a unit word.
 */
function unitWordPhrase(c: Compiled, unit: string, unitWord: string): MetricPhrase | null {
  let byUnit = unitWordPhrases.get(c);
  if (!byUnit) unitWordPhrases.set(c, (byUnit = new Map()));
  let byWord = byUnit.get(unit);
  if (!byWord) byUnit.set(unit, (byWord = new Map()));
  let uw = byWord.get(unitWord);
  if (uw === undefined) {
    uw = c.nounPhrases.find((np) => compatible(np.metric, unit) && np.sticky.source && wholeWordOf(np).test(unitWord)) ?? null;
    if (byWord.size >= 10_000) byWord.clear();
    byWord.set(unitWord, uw);
  }
  return uw;
}
/** The phrase as the whole of a word (a figure's unit word), compiled once per phrase. */
function wholeWordOf(np: MetricPhrase): RegExp {
  let re = wholeWords.get(np);
  if (!re) wholeWords.set(np, (re = new RegExp(`^(?:${np.sticky.source})$`, 'i')));
  return re;
}

/**
 * readMetric's penalty of a phrase o for the figure being read (st.penaltyFigure): 1000 when another figure lies
 * wholly between them, that is some figure starting at or after the gap's start ends by its end (the figure itself
 * never does: it starts before the gap's end or after its start). Made once per sentence: three closures made per
 * figure were garbage.
 */
function betweenPenaltyOf(st: SentenceState): (o: Span) => number {
  const figureIn = (a: number, b: number) => {
    const i = lowerBound(st.figStarts, a);
    return i < st.figures.length && st.figMinEndFrom[i]! <= b;
  };
  return (o: Span) => {
    const f = st.penaltyFigure!;
    return (o.end <= f.start ? figureIn(o.end, f.start) : figureIn(f.end, o.start)) ? 1000 : 0;
  };
}

/**
 * A metric that counts a whole set takes a counted noun only after a totality cue ("the 114 zones"): readMetric's
 * reading of figure f with metric m (why: the rule so far), or a subset. (A module function: a closure made per
 * figure was garbage.)
 */
function wholeOrSubset(c: Compiled, st: SentenceState, f: FigureRef, clause: Span, m: MetricDef, why: string, nounBefore?: Span): MetricReading {
  if (!m.whole_count_only) return { metric: m.id, rule: why };
  const { text } = st;
  // Chinese names the counted noun before the number ("全国共有国家高新区178家"): the cue stands before the noun
  const cueEnd = nounBefore && isHan(text[nounBefore.start]) && /^\s*$/.test(text.slice(nounBefore.end, f.start)) ? nounBefore.start : f.start;
  const before = text.slice(Math.max(st.sentence.start, cueEnd - 40), cueEnd);
  // ranks and partitives never count the whole set: "the top 20 zones", "the 10 largest zones",
  // "five of the parks"; nor does a number in words after an article: "the two parks" are two named before
  const ne = numberEnd(text, f);
  const rank = c.subsetBefore.exec(before) ?? c.subsetAfter.exec(text.slice(ne, clause.end));
  if (rank) return { metric: null, rule: `subset(${why};rank=${rank[0].trim()})`, subset: true };
  if (!/\d/.test(text.slice(f.start, ne)) && c.definiteBefore.test(before)) return { metric: null, rule: `subset(${why};named-before)`, subset: true };
  // a possessive names the whole set as well: "Riverside's 169 city parks"
  const whole = c.wholeBefore.test(before) || /[A-Za-z]['’]s\s*$/.test(before);
  return whole ? { metric: m.id, rule: `${why};whole` } : { metric: null, rule: `subset(${why})`, subset: true };
}

/**
 * readMetric's reading. threshold: the rule is threshold(…), an amount a count is measured against; subset: the
 * rule starts with "subset(" (set where such a rule is made, so that the rule need not be read to tell).
 */
interface MetricReading {
  metric: string | null;
  rule: string;
  negative?: boolean;
  threshold?: boolean;
  subset?: boolean;
}

function readMetric(c: Compiled, st: SentenceState, fi: number, clause: Span, bracket: number): MetricReading {
  const f = st.figures[fi]!;
  const { text } = st;

  // "2 achieved more than 1 trillion yuan in revenue, 6 over 500 billion yuan": an amount right after a
  // count (one or two verbs between) is the threshold that count is measured against, not an amount of
  // any subject.
  const prev = fi > 0 ? st.figures[fi - 1]! : null;
  if (prev && prev.unit === 'count' && f.unit !== 'count' && f.unit !== 'persons' && within(prev, clause)) {
    const gap = text.slice(prev.end, f.start);
    // "21,500 or 36.5 percent" restates the count as a share: a conjunction is no threshold verb
    if (/^\s*(?:[A-Za-z-]+\s+){0,2}$/.test(gap) && !ALTERNATIVE_LINK.test(gap)) return { metric: null, rule: `threshold(of ${quote(text, prev)})`, threshold: true };
  }

  const cm = clauseMetrics(st, clause, f.unit);
  const compat = cm.compat;
  // 1000 when another figure lies wholly between o and f (one function per sentence, for the figure being read)
  st.penaltyFigure = f;
  const penalty = (st.betweenPenalty ??= betweenPenaltyOf(st));
  const penaltyOpts = (st.penaltyOpts ??= { penalty });

  if (bracket >= 0) {
    // "(24105)" reads the noun phrase right before the bracket
    const scope = { start: Math.max(clause.start, lastDelimiter(text, clause.start, bracket)), end: bracket };
    // (the phrases inside the scope, found by position: scope lies in the clause)
    st.metricByStart ??= byStartOf(st.metricOcc);
    const cands = outermost(withinInOrder(st.metricOcc, st.metricByStart, scope).filter((o) => compatible(o.metric, f.unit) && o.metric.growth_of === null));
    const best = nearest(cands, f);
    if (best) return { metric: best.metric.id, rule: `paren(${best.phrase})` };
    // the last metric read before this figure that fits its unit (distinct metrics, most recent last)
    for (let j = st.recentMetrics.length - 1; j >= 0; j--) {
      const def = c.metricById.get(st.recentMetrics[j]!);
      if (def && compatible(def, f.unit)) return { metric: def.id, rule: `paren-compared(${def.id})` };
    }
  }

  if (f.unit === 'percent') {
    const g = growthBase(c, st, fi, clause);
    if (g) return g;
    // "40% of 'little giant' enterprises": the noun phrase after "of" is the base of this share, and
    // only a share named there is this figure's (not one named for the figure before it)
    const after0 = text.slice(f.end, clause.end);
    if (/^\s*of\s/i.test(after0) && !c.shareAnaphora.test(after0)) {
      // (what follows each figure of a clause is searched once for the clause: firstAfter)
      const stop = firstAfter(st, CLAUSE_JOINER, clause, f.end);
      const np = { start: f.end, end: stop ? stop.index : clause.end };
      const ratios = (cm.ratios ??= new Nearest(compat.filter((o) => o.metric.kind === 'ratio')));
      const n = ratios.find(f, { accept: (o) => o.end > np.start, startFrom: np.start - ratios.maxLen, startBelow: np.end });
      if (n) return { metric: n.metric.id, rule: `share-of(${n.phrase})` };
      // a match up to the noun phrase's end is one in the rest of the clause ending there (a joiner, no letter,
      // follows np): only a match running past it needs the noun phrase searched on its own
      const inClause = firstAfter(st, c.shareTotal, clause, f.end);
      c.shareTotal.lastIndex = 0;
      const tot = inClause === null || inClause.end <= np.end ? inClause : c.shareTotal.exec(text.slice(np.start, np.end));
      if (!tot) return { metric: null, rule: `none(share-of ${quoteCapped(text, np).trim()})` };
    }
    const r = (cm.ratios ??= new Nearest(compat.filter((o) => o.metric.kind === 'ratio'))).find(f, (st.ratioOpts ??= { penalty: (o) => penalty(o) + (o.end <= st.penaltyFigure!.start ? 5 : 0) }));
    if (r) return { metric: r.metric.id, rule: `ratio(${r.phrase})` };
    const st2 = firstAfter(st, c.shareTotal, clause, f.end);
    if (st2) {
      const base = baseMetric(c, st, fi, clause);
      const share = base ? c.shareOf.get(base.id) : undefined;
      if (share) return { metric: share.id, rule: `share-total(${st2.text};base=${base!.id})` };
      return { metric: null, rule: `share-total(${st2.text};no-share-metric)` };
    }
    return { metric: null, rule: 'none(percent)' };
  }

  const qual = (cm.qualifiers ??= new Nearest(compat.filter((o) => o.metric.qualifier))).find(f, penaltyOpts);
  if (qual) {
    // "380 applications per 10,000 staff", where the rate's metric counts grants: a rate of what another metric counts is not this rate
    const own = qual.metric.rate_of ? nounRightAfter(c, text, numberEnd(text, f), clause.end) : null;
    if (own && own.metric.id !== qual.metric.rate_of && own.metric.id !== qual.metric.id) return { metric: null, rule: `none(rate of ${own.metric.id};${qual.metric.id} counts ${qual.metric.rate_of})` };
    return { metric: qual.metric.id, rule: `qualifier(${qual.phrase})` };
  }

  const noun = countedOf(c, st, fi);
  if (noun) {
    // "some 1,200 integrated circuit firms": a modifier before the noun names a part of the set
    const whole = wholeOrSubset(c, st, f, clause, noun.np.metric, `noun(${noun.np.phrase})`);
    const mod = whole.metric && noun.start > f.start ? partModifier(text, numberEnd(text, f), noun.start) : null;
    if (mod && noun.np.metric.kind === 'stock') return { metric: null, rule: `subset(noun(${noun.np.phrase});modifier=${mod})`, subset: true };
    return whole;
  }
  if (f.unitWord) {
    const uw = unitWordPhrase(c, f.unit, f.unitWord);
    if (uw) return wholeOrSubset(c, st, f, clause, uw.metric, `unit-word(${f.unitWord})`);
  }

  // a counted noun that belongs to another figure ("7 research laboratories") names that one only
  // (this figure has none of its own here, so all the sentence's counted nouns are other figures')
  if (!st.claimed) {
    const nouns: Span[] = [];
    for (let k = 0; k < st.figures.length; k++) {
      const x = countedOf(c, st, k);
      if (x) nouns.push(x);
    }
    st.claimed = new SpanIndex(nouns);
  }
  const claimed = st.claimed;
  // a counted noun elsewhere in the clause ("… to support the demonstration zones") names what stands
  // right before it, not a figure that has a noun of its own
  // (a figure with a counted noun of its own, "one regional platform"); a bare figure ("more than 21,500
  // or 36.5 percent of which are registered as exporters") may take a noun later in the clause
  // (a Chinese classifier such as 家 or 个 is no noun of its own: "高新技术企业达到12万家")
  const ownNoun = f.unitWord !== null && !(f.unitWord.length === 1 && isHan(f.unitWord));
  const free = ownNoun
    ? (cm.freeOwnNoun ??= new Nearest(compat.filter((o) => !o.noun && !claimed.overlaps(o.start, o.end))))
    : (cm.freeNoNoun ??= new Nearest(compat.filter((o) => !claimed.overlaps(o.start, o.end))));
  const best = free.find(f, penaltyOpts);
  // "“小巨人”企业96家", "世界500强企业": a Chinese noun right after a quoted or ranked name is a named category, a part
  if (best?.noun && best.metric.kind === 'stock' && isHan(text[best.start]) && CONTEXT_WORDS.zh_named_category_end.some((e) => text.slice(0, best.start).endsWith(e))) {
    return { metric: null, rule: `subset(clause-noun(${best.phrase});named category)`, subset: true };
  }
  // "集成电路产业营业收入": the amount of one sector, not of the whole
  if (best && !best.noun && SECTOR_BEFORE.test(text.slice(Math.max(clause.start, best.start - 20), best.start))) {
    return { metric: null, rule: `none(sector:${text.slice(Math.max(clause.start, best.start - 20), best.start).trim().split(/\s+/).pop()};was ${best.metric.id})` };
  }
  if (best) return best.noun ? wholeOrSubset(c, st, f, clause, best.metric, `clause-noun(${best.phrase})`, best) : { metric: best.metric.id, rule: `synonym(${best.phrase})` };
  // "Turnover: 25.9 trillion yuan": a label opening the sentence before a colon names the figure of the
  // clause right after it
  const ci = clause === st.sentence ? -1 : clauseCache(st, clause).index;
  // (the label opens the sentence, or follows a ";" or ":" of a run of labelled values: "… filed: 71,000; granted: 38,000")
  const label = ci >= 1 ? st.clauses[ci - 1]! : null;
  // (a first clause after punctuation that opens the sentence, ": Turnover: …", has no clause before it: the run
  // starts at the sentence's start; reading the clause before it there threw and lost the whole page)
  const opensRun = label && (label.start === st.sentence.start || /[;；:]\s*$/.test(text.slice(st.clauses[ci - 2]?.end ?? st.sentence.start, label.start)));
  if (label && opensRun && /^\s*:\s*$/.test(text.slice(label.end, clause.start))) {
    const named = outermost(metricsInClause(st, label).filter((o) => compatible(o.metric, f.unit) && o.metric.growth_of === null && o.metric.kind !== 'ratio'));
    // one metric named there, or the label is no name of the figure (the same phrase may match in several spellings)
    const l = named.length > 0 && named.every((o) => o.metric === named[0]!.metric) ? named[0]! : null;
    if (l) return l.noun ? wholeOrSubset(c, st, f, clause, l.metric, `label(${l.phrase})`) : { metric: l.metric.id, rule: `label(${l.phrase})` };
  }
  return { metric: null, rule: 'none' };
}

/** The counted noun of any unit right after a number ("380 applications per …"), longest first. */
function nounRightAfter(c: Compiled, text: string, from: number, to: number): MetricPhrase | null {
  let pos = from;
  while (pos < to && isSpaceCode(text.charCodeAt(pos))) pos++;
  for (const np of c.nounPhrases) {
    np.sticky.lastIndex = pos;
    const m = np.sticky.exec(text);
    if (m && m.index + m[0].length <= to) return np;
  }
  return null;
}

function lastDelimiter(text: string, from: number, to: number): number {
  // ([,;:()] by code)
  for (let i = to - 1; i >= from; i--) {
    const u = text.charCodeAt(i);
    if (u === 44 || u === 59 || u === 58 || u === 40 || u === 41) return i + 1;
  }
  return from;
}

/** The metric a percentage grows from, when a growth cue stands right before or after it. */
function growthBase(c: Compiled, st: SentenceState, fi: number, clause: Span): { metric: string | null; rule: string; negative: boolean } | null {
  const f = st.figures[fi]!;
  const { text } = st;
  // approximators may stand between cue and number ("up more than 30 percent")
  const before = text.slice(Math.max(clause.start, f.start - 60), f.start).replace(c.approxEnd, ' ');
  const rest = text.slice(f.end, clause.end);
  const unitWord = PERCENT_WORD.exec(rest);
  const after = unitWord ? text.slice(f.end + unitWord[0].length, clause.end) : rest; // (a slice, not a copy of the clause)
  const notGrowth = c.notGrowthBefore.test(before);
  const d = notGrowth ? null : c.declineBefore.exec(before);
  const b = notGrowth || d ? null : c.growthBefore.exec(before);
  const a = c.growthAfter.exec(after);
  const cue = d ? d[0].trim() : b ? b[0].trim() : a ? a[0].trim() : null;
  if (cue === null) return null;
  // a fall ("fell 3.2 percent") is a negative growth rate
  const negative = d !== null;
  const sign = negative ? ';negative' : '';
  const base = baseMetric(c, st, fi, clause);
  if (!base) return { metric: null, rule: `growth(${cue};no-base)${sign}`, negative };
  const g = c.growthOf.get(base.id);
  return g
    ? { metric: g.id, rule: `growth(${cue};base=${base.id})${sign}`, negative }
    : { metric: null, rule: `growth(${cue};no-growth-metric=${base.id})${sign}`, negative };
}

/** What a percentage is a growth or a share of: the amount named in its clause or stated just before. */
function baseMetric(c: Compiled, st: SentenceState, fi: number, clause: Span): MetricDef | null {
  const f = st.figures[fi]!;
  // names of amounts only: a counted noun ("from the parks") names what a count counts, not what grows
  st.levels ??= outermost(st.metricOcc.filter((o) => !o.noun && (o.metric.kind !== 'ratio' || o.metric.qualifier))).filter((o) => o.metric.kind !== 'ratio');
  const levels = st.levels;
  const cc = clauseCache(st, clause);
  if (cc.levels === null) {
    st.levelsByStart ??= byStartOf(levels);
    cc.levels = new Nearest(withinInOrder(levels, st.levelsByStart, clause));
  }
  const levelsInClause = cc.levels;
  const nb = levelsInClause.find(f, SIDE_BEFORE);
  if (nb) return nb.metric;
  for (let j = st.recentMetrics.length - 1; j >= 0; j--) {
    const def = c.metricById.get(st.recentMetrics[j]!);
    if (def && def.kind !== 'ratio') return def;
  }
  const na = levelsInClause.find(f, SIDE_AFTER);
  if (na) return na.metric;
  const ns = (st.levelsNearest ??= new Nearest(levels)).find(f, SIDE_BEFORE);
  return ns ? ns.metric : null;
}

/** Nearest.find's options for the side, made once */
const SIDE_BEFORE = { side: 'before' } as const;
const SIDE_AFTER = { side: 'after' } as const;

function readSubject(
  st: SentenceState,
  f: FigureRef,
  clause: Span,
  bracket: number,
  topic: SubjectDef | null,
  topicNote: string | null = null,
): { subject: SubjectDef | null; rule: string } {
  const { text } = st;
  if (bracket >= 0) {
    // "(24105) of Riverside", "the regional average (11.4 …)": the bracket's own noun phrase names the subject
    const close = text.indexOf(')', f.end);
    let tail = close >= 0 ? close + 1 : f.end;
    const m = /^\s+of\s+[^,;:.()]+/.exec(text.slice(tail, clause.end));
    tail = m ? tail + m[0].length : tail;
    const scope = { start: Math.max(clause.start, lastDelimiter(text, clause.start, bracket)), end: tail };
    const named = subjectsInClause(st, clause).filter((o) => o.subject && within(o, scope) && (o.start < bracket || o.start > f.end));
    const best = nearest(named, f);
    if (best) return { subject: best.subject, rule: `paren-alias(${best.phrase})` };
  }
  // the figure's own clause first: a zone, the aggregate or an anaphor, else a region named there ("Riverside's GDP
  // reached 1.8 trillion yuan, and the park …": the city's, not the park's); then the sentence, zones before regions
  // (passes 0 to 3: clause strong, clause weak, sentence strong, sentence weak; no arrays made per figure)
  for (let pass = 0; pass < 4; pass++) {
    const scope = pass < 2 ? clause : st.sentence;
    const strong = pass % 2 === 0;
    // a place named only in another clause of the sentence ("After zones in Riverside … were upgraded, another 51
    // zones …") says less than the member or whole set the paragraph is about
    if (!strong && scope !== clause && topic) break;
    // the candidate lists depend on the scope only: made once per clause and sentence, searched per figure
    // (by the scope's span and the pass: a key string built per figure and pass cost more than the search)
    const lists = (clauseCache(st, scope).passLists ??= [undefined, undefined, undefined, undefined]);
    const slot = (scope === clause ? 0 : 2) + (strong ? 0 : 1);
    let list: SubjectOcc[] | undefined = lists[slot];
    if (list === undefined) {
      // (one loop, no list of candidates in between)
      const occ = scope === clause ? subjectsInClause(st, clause) : st.subjectOcc;
      list = lists[slot] = [];
      for (let i = 0; i < occ.length; i++) {
        const o = occ[i]!;
        if (o.denominator || (o.unlisted && scope !== clause)) continue;
        if (strong ? (o.subject === null ? resolveSubject(st, o, topic) !== null : o.subject.role !== 'place') : o.subject !== null) list.push(o);
      }
    }
    const pick = nearestSorted(list, f);
    if (pick) {
      const s = resolveSubject(st, pick, topic);
      const where = scope === clause ? '' : '@sentence';
      return pick.subject ? { subject: s, rule: `alias${where}(${pick.phrase})` } : { subject: s, rule: `anaphor${where}(${pick.phrase}→${s?.id ?? 'none'})` };
    }
  }
  if (topic) return { subject: topic, rule: `carried(${topic.id})` };
  return { subject: null, rule: topicNote ?? 'none' };
}

/**
 * The subject an occurrence names: its own, or for an anaphor the last zone named before it in the sentence, else
 * the section's topic (topic is the same for every figure of the sentence, so each anaphor is resolved once).
 */
function resolveSubject(st: SentenceState, o: SubjectOcc, topic: SubjectDef | null): SubjectDef | null {
  if (o.subject) return o.subject;
  let r = st.resolvedSubject?.get(o);
  if (r === undefined) {
    const prior = (st.priorSubjects ??= st.subjectOcc.filter((x) => x.subject && !x.unlisted && x.subject.role !== 'place' && !x.denominator));
    const lo = firstEndingAfter(prior, 0, prior.length, o.start);
    // (with no topic in its section, "the park" is the zone the section before was about: a heading such as
    // "Research" starts a section of the same document, not a new place)
    r = lo > 0 ? prior[lo - 1]!.subject : (topic ?? st.sectionBefore);
    (st.resolvedSubject ??= new Map()).set(o, r);
  }
  return r;
}

interface PeriodReading {
  period: string | null;
  basis: PeriodBasis;
  rule: string;
  isTarget: boolean;
  targetRule: string | null;
}

/** The first index in xs[lo, hi) (disjoint spans sorted by start) whose span ends after `pos`; hi if none. */
function firstEndingAfter(xs: readonly Span[], lo: number, hi: number, pos: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (xs[mid]!.end <= pos) a = mid + 1;
    else b = mid;
  }
  return a;
}

/**
 * nearest() over xs[lo, hi), spans sorted by start that do not overlap (dates): the last one ending by f's start
 * and the first one after it (nearestOwnDate: the first acceptable one). The earlier wins a tie, as in nearest().
 */
function nearestRange<T extends Span>(xs: T[], lo: number, hi: number, f: Span): T | null {
  const a = firstEndingAfter(xs, lo, hi, f.start);
  const before = a > lo ? xs[a - 1]! : null;
  const after = a < hi ? xs[a]! : null;
  if (!before) return after;
  if (!after) return before;
  return distance(after, f) < distance(before, f) ? after : before;
}

interface DateLists {
  /** kinds data, by, relative, partial and prior: what dates a figure */
  data: DateOcc[];
  dataOnly: DateOcc[];
  /** kinds data, relative and by with a period: what gives a part of a year or "a year earlier" its year */
  stated: DateOcc[];
  /** those of `stated` whose period starts with a year */
  statedYear: DateOcc[];
  /** parts of a year named without their year */
  partial: DateOcc[];
  by: DateOcc[];
  release: DateOcc[];
  byFuture: DateOcc | undefined;
  /** per `data` date: the last figure ending by its start, whether the words between are a preposition at most */
  baseFigure: (FigureRef | null)[];
  gapOk: number[];
  /** per `data` date: it dates a comparison base, for any figure more than 20 characters before that base */
  other: number[];
  /** per `data` date: the next index whose `other` is 0 (or the length) */
  nextNotOther: number[];
}

/** dateLists' lists with nothing in them, shared by every sentence that states no such date (they are only read) */
const NO_DATE_OCC: DateOcc[] = [];
const NO_BASE_FIGURES: (FigureRef | null)[] = [];
const NO_NUMBERS: number[] = [];

/** xs with x added: a new list in place of the shared empty one */
function withDate(xs: DateOcc[], x: DateOcc): DateOcc[] {
  if (xs === NO_DATE_OCC) return [x];
  xs.push(x);
  return xs;
}

function dateLists(c: Compiled, st: SentenceState, pubYear: number | null): DateLists {
  if (st.dateLists) return st.dateLists;
  const { text } = st;
  // (one pass sorting the dates into their lists, which stay the shared empty list when none falls in them: most
  // sentences state a date or two, and eight filtered lists per sentence were garbage)
  let data = NO_DATE_OCC;
  let dataOnly = NO_DATE_OCC;
  let stated = NO_DATE_OCC;
  let statedYear = NO_DATE_OCC;
  let partial = NO_DATE_OCC;
  let by = NO_DATE_OCC;
  let release = NO_DATE_OCC;
  let byFuture: DateOcc | undefined;
  for (const d of st.dates) {
    const kind = d.kind;
    if (kind === 'comparison') continue;
    if (kind === 'data' || kind === 'by' || kind === 'relative' || kind === 'partial' || kind === 'prior' || kind === 'anaphoric') data = withDate(data, d);
    if ((kind === 'data' || kind === 'relative' || kind === 'by') && d.period !== null) {
      stated = withDate(stated, d);
      if (/^\d{4}/.test(d.period)) statedYear = withDate(statedYear, d);
    }
    if (kind === 'data') dataOnly = withDate(dataOnly, d);
    else if (kind === 'partial') partial = withDate(partial, d);
    else if (kind === 'by') by = withDate(by, d);
    else if (kind === 'release') release = withDate(release, d);
    if (byFuture === undefined && kind === 'by' && pubYear !== null && d.year !== null && d.year > pubYear) byFuture = d;
  }
  if (data === NO_DATE_OCC) {
    // (then stated, dataOnly, partial and by are empty too)
    st.dateLists = { data, dataOnly, stated, statedYear, partial, by, release, byFuture, baseFigure: NO_BASE_FIGURES, gapOk: NO_NUMBERS, other: NO_NUMBERS, nextNotOther: NO_NUMBERS };
    return st.dateLists;
  }
  const baseFigure: (FigureRef | null)[] = new Array<FigureRef | null>(data.length);
  for (let k = 0; k < data.length; k++) {
    const i = lowerBound(st.figEnds, data[k]!.start + 1) - 1;
    baseFigure[k] = i >= 0 ? st.figures[i]! : null;
  }
  // (filled by loops: TypedArray.from with a mapping function costs more than the tests, per sentence; plain
  // arrays: most sentences hold a date or two, and a typed array costs more to make than such a list to read)
  const gapOk: number[] = new Array<number>(data.length);
  const other: number[] = new Array<number>(data.length);
  for (let k = 0; k < data.length; k++) {
    const g = baseFigure[k];
    const d = data[k]!;
    gapOk[k] = g && g.end <= d.start && DATE_GAP.test(text.slice(g.end, d.start)) ? 1 : 0;
    other[k] = g && gapOk[k] && g.start >= 20 && c.comparison.test(text.slice(g.start - 20, g.start)) ? 1 : 0;
  }
  const nextNotOther: number[] = new Array<number>(data.length);
  for (let k = data.length - 1, next = data.length; k >= 0; k--) {
    nextNotOther[k] = next;
    if (!other[k]) next = k;
  }
  st.dateLists = {
    data,
    dataOnly,
    stated,
    statedYear,
    partial,
    by,
    release,
    byFuture,
    baseFigure,
    gapOk,
    other,
    nextNotOther,
  };
  return st.dateLists;
}

/** First index of a list of spans sorted by start whose start is >= v. */
function lowerBoundStart(xs: readonly Span[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.start >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * "rose to 178 from 169 in 2021": whether the k-th `data` date dates a comparison base after figure f rather than f
 * (only the last figure ending before the date can be that base: the words between it and the date are a
 * preposition at most, so no other figure stands between).
 */
function datesOther(c: Compiled, st: SentenceState, dl: DateLists, f: FigureRef, k: number): boolean {
  const d = dl.data[k]!;
  if (d.start < f.end) return false;
  const g = dl.baseFigure[k];
  if (g === null || g === undefined) return false;
  if (g === f || g.start < f.end) return false;
  return c.comparison.test(st.text.slice(Math.max(f.end, g.start - 20), g.start)) && dl.gapOk[k] === 1;
}

/**
 * The first index from k below hi of a `data` date ending by `end` that does not date another figure's comparison
 * base (datesOther), or hi. (A comparison cue more than 20 characters after this figure does not depend on it:
 * worked out once per date in dateLists, so finding the first date after the figure that is not another's skips
 * runs of them.)
 */
function firstOwnDate(c: Compiled, st: SentenceState, dl: DateLists, f: FigureRef, end: number, k: number, hi: number): number {
  const data = dl.data;
  while (k < hi) {
    const d = data[k]!;
    if (d.end > end) {
      k++;
      continue;
    }
    const g = dl.baseFigure[k];
    if (g && g !== f && g.start >= f.end && g.start - 20 >= f.end) {
      // far from this figure: the per-date answer holds
      if (!dl.other[k]) return k;
      k = dl.nextNotOther[k]!;
      continue;
    }
    if (!datesOther(c, st, dl, f, k)) return k;
    k++;
  }
  return hi;
}

/** nearestRange() over dl.data[lo, hi) with firstOwnDate(…, end) as the first acceptable date after f. */
function nearestOwnDate(c: Compiled, st: SentenceState, dl: DateLists, f: FigureRef, lo: number, hi: number, end: number): DateOcc | null {
  const xs = dl.data;
  const a = firstEndingAfter(xs, lo, hi, f.start);
  const before = a > lo ? xs[a - 1]! : null;
  const j = a < hi ? firstOwnDate(c, st, dl, f, end, a, hi) : hi;
  const after = j < hi ? xs[j]! : null;
  if (!before) return after;
  if (!after) return before;
  return distance(after, f) < distance(before, f) ? after : before;
}

/**
 * The statement's own year, for a part of a year or "a year earlier": a date stated in the sentence, else the
 * period the paragraph carries (the stated dates are listed once per sentence: dateLists).
 */
function ownYear(st: SentenceState, dl: DateLists, d: DateOcc, carried: { period: string; rule: string } | null): { year: string; from: string } | null {
  const stated = nearestRange(dl.statedYear, 0, dl.statedYear.length, d);
  if (stated) return { year: stated.period!.slice(0, 4), from: quote(st.text, stated) };
  if (carried && /^\d{4}/.test(carried.period)) return { year: carried.period.slice(0, 4), from: `carried ${carried.period}` };
  return null;
}

/** the period the statement itself is about, for "a year earlier" */
function ownPeriod(st: SentenceState, dl: DateLists, d: DateOcc, carried: { period: string; rule: string } | null): { period: string; from: string } | null {
  const stated = nearestRange(dl.stated, 0, dl.stated.length, d);
  if (stated) return { period: stated.period!, from: quote(st.text, stated) };
  const part = nearestRange(dl.partial, 0, dl.partial.length, d);
  const y = part ? ownYear(st, dl, part, carried) : null;
  if (part && y) return { period: partPeriod(part.part!, y.year), from: quote(st.text, part) };
  if (carried) return { period: carried.period, from: `carried ${carried.period}` };
  return null;
}

function periodOfPublication(publication: string | null, why: string): PeriodReading {
  return publication
    ? { period: publication, basis: 'publication', rule: `publication(${why})`, isTarget: false, targetRule: null }
    : { period: null, basis: 'none', rule: `none(${why};no-publication-date)`, isTarget: false, targetRule: null };
}

function periodOfDate(st: SentenceState, dl: DateLists, d: DateOcc, where: string, publication: string | null, carried: { period: string; rule: string } | null): PeriodReading {
  const { text } = st;
  if (d.kind === 'partial') {
    // a part of a year never reads as the whole year: its year is the sentence's or the paragraph's
    const y = ownYear(st, dl, d, carried);
    // a part of a year that would end after the publication date is not that year's (no goal here)
    const over = (yr: string) => publication !== null && Number(yr) * 12 + partEndMonth(d.part!) > Number(publication.slice(0, 4)) * 12 + Number(publication.slice(5, 7));
    if (y && !over(y.year)) return { period: partPeriod(d.part!, y.year), basis: 'stated', rule: `part-year${where}(${quote(text, d)};year ${y.from})`, isTarget: false, targetRule: null };
    if (d.fallback) return { period: d.fallback, basis: 'stated', rule: `part-year${where}(${quote(text, d)};year of the publication)`, isTarget: false, targetRule: null };
    return { period: null, basis: 'none', rule: `part-year${where}(${quote(text, d)};no-year)`, isTarget: false, targetRule: null };
  }
  if (d.kind === 'anaphoric') {
    const last = st.lastStated;
    const ok = last !== null && (d.part === 'quarter' ? /^\d{4}-Q[1-4]$/.test(last) : /^\d{4}$/.test(last));
    return ok
      ? { period: last, basis: 'stated', rule: `anaphoric${where}(${quote(text, d)};last stated ${last})`, isTarget: false, targetRule: null }
      : { period: null, basis: 'none', rule: `anaphoric${where}(${quote(text, d)};no ${d.part} stated before)`, isTarget: false, targetRule: null };
  }
  if (d.kind === 'prior') {
    // "up from 177 a year earlier": one year before the statement's own period
    const own = ownPeriod(st, dl, d, carried);
    if (own && !/\d{4}-\d{2}-\d{2}/.test(own.period)) {
      const period = own.period.replace(/\d{4}/g, (y) => String(Number(y) - 1));
      return { period, basis: 'stated', rule: `prior-year${where}(${quote(text, d)};of ${own.from})`, isTarget: false, targetRule: null };
    }
    return { period: null, basis: 'none', rule: `prior-year${where}(${quote(text, d)};no-own-period)`, isTarget: false, targetRule: null };
  }
  if (d.kind === 'relative') {
    return d.period
      ? // stated relative to the publication ("last year", "in January"): a stated period, not a guess
        { period: d.period, basis: 'stated', rule: `relative${where}(${quote(text, d)})`, isTarget: false, targetRule: null }
      : { period: null, basis: 'none', rule: `relative${where}(${quote(text, d)};no-publication-date)`, isTarget: false, targetRule: null };
  }
  return { period: d.period, basis: 'stated', rule: `stated${where}(${quote(text, d)})`, isTarget: false, targetRule: null };
}

// (the helpers above are module functions taking what they read: six closures made per figure were garbage)
function readPeriod(
  c: Compiled,
  st: SentenceState,
  f: FigureRef,
  clause: Span,
  publication: string | null,
  carried: { period: string; rule: string } | null,
): PeriodReading {
  const { text } = st;
  const dl = st.dateLists ?? dateLists(c, st, publication ? Number(publication.slice(0, 4)) : null);

  // a goal: a target cue in the figure's clause or earlier in the sentence, or "by <future year>"
  let targetRule: string | null = null;
  // the sentence's target cues are found once; this figure's is the first that ends by its clause's end
  st.targetCues ??= findAll(c.targetCue, text, st.sentence.start, st.sentence.end);
  // (cues are sorted and disjoint, so the first cue has the least end: it is the one or there is none)
  const first = st.targetCues[0];
  const cue = first && first.end <= clause.end ? first : undefined;
  if (cue) targetRule = `cue(${quote(text, cue)})`;
  const byFuture = dl.byFuture;
  if (!targetRule && byFuture) targetRule = `future(${quote(text, byFuture)})`;
  if (targetRule) {
    const from = cue?.start ?? st.sentence.start;
    const ty = nearestRange(dl.by, 0, dl.by.length, f) ?? nearestRange(dl.dataOnly, lowerBoundStart(dl.dataOnly, from), dl.dataOnly.length, f);
    if (ty && ty.period) return { period: ty.period, basis: 'stated', rule: `target(${quote(text, ty)})`, isTarget: true, targetRule };
    return { period: null, basis: 'none', rule: 'target(no-year)', isTarget: true, targetRule };
  }

  // "rose to 178 from 169 in 2021": a date right after a comparison base ("from 169") dates that base,
  // not the figure before it (firstOwnDate)
  const data = dl.data;
  const inClause = nearestOwnDate(c, st, dl, f, lowerBoundStart(data, clause.start), lowerBoundStart(data, clause.end), clause.end);
  if (inClause) return periodOfDate(st, dl, inClause, '', publication, carried);
  const cc = clauseCache(st, clause);
  if (cc.present === undefined) cc.present = findAll(c.presentCue, text, clause.start, clause.end)[0] ?? null;
  const presentClause = cc.present;
  if (presentClause) return periodOfPublication(publication, `present:${quote(text, presentClause)}`);
  let inSentence = nearestOwnDate(c, st, dl, f, 0, data.length, Infinity);
  // "…增长7.2%；去年同期为11.1万亿元": "a year earlier" in another clause that states its own figure dates that
  // clause's base, not this figure (a clause holding only the date, "去年同期，…", frames the sentence)
  if (inSentence?.kind === 'prior') {
    const own = data.filter((d) => {
      if (d.kind !== 'prior' || within(d, clause)) return true;
      const cl = clauseAt(st.clauses, d.start);
      return !cl || !st.figures.some((g) => g !== f && within(g, cl));
    });
    inSentence = nearest(own, f);
  }
  if (inSentence) return periodOfDate(st, dl, inSentence, '@sentence', publication, carried);
  if (st.presentSentence === undefined) st.presentSentence = findAll(c.presentCue, text, st.sentence.start, st.sentence.end)[0] ?? null;
  const presentSentence = st.presentSentence;
  if (presentSentence) return periodOfPublication(publication, `present:${quote(text, presentSentence)}`);
  const release = nearestRange(dl.release, 0, dl.release.length, f);
  if (release) return { period: release.period, basis: 'stated', rule: `stated-release(${quote(text, release)})`, isTarget: false, targetRule: null };
  if (carried) {
    if (st.presentState === undefined) st.presentState = findAll(c.presentState, text, st.sentence.start, st.sentence.end)[0] ?? null;
    const state = st.presentState;
    if (state) return periodOfPublication(publication, `present-state:${quote(text, state)}`);
    return { period: carried.period, basis: 'carried', rule: `carried(${carried.period})`, isTarget: false, targetRule: null };
  }
  return periodOfPublication(publication, 'no-date');
}

// ---------------------------------------------------------------- entry point

/** One context per figure, in the order given. */
export function readContexts(text: string, figures: FigureRef[], opts: ContextOptions, lexicon: Lexicon): FigureContext[] {
  const c = compile(lexicon);
  const out: (FigureContext | null)[] = figures.map(() => null);
  if (figures.length === 0) return [];
  const segOpts: { regions?: Region[]; lineBreaks?: 'soft' | 'hard' } = {};
  if (opts.regions) segOpts.regions = opts.regions;
  if (opts.lineBreaks) segOpts.lineBreaks = opts.lineBreaks;
  const segs = segment(text, segOpts);
  let figuresInOrder = true;
  for (let i = 1; i < figures.length && figuresInOrder; i++) figuresInOrder = figures[i - 1]!.start <= figures[i]!.start;
  // (the figure scan gives them in order of start: no sort then)
  const order = figuresInOrder ? figures.map((_, i) => i) : figures.map((_, i) => i).sort((a, b) => figures[a]!.start - figures[b]!.start || a - b);

  // figures by segment: the content segment holding the figure's start, else a lifted region segment
  // (a sweep over segments by start, figures in order: the segments open at a figure are few)
  // (by the segment's index, not in a Map keyed by the segment: a page holds tens of thousands of them)
  const bySeg: (number[] | undefined)[] = new Array<number[] | undefined>(segs.length);
  const orphans: number[] = [];
  let segsInOrder = true;
  for (let j = 1; j < segs.length && segsInOrder; j++) segsInOrder = segs[j - 1]!.start <= segs[j]!.start;
  // (segment() gives them in order of start: no sort then)
  const segOrder = segsInOrder ? segs.map((_, i) => i) : segs.map((_, i) => i).sort((a, b) => segs[a]!.start - segs[b]!.start || a - b);
  const open: number[] = [];
  let next = 0;
  for (const i of order) {
    const f = figures[i]!;
    while (next < segOrder.length && segs[segOrder[next]!]!.start <= f.start) open.push(segOrder[next++]!);
    // (most figures lie in one open segment: no arrays made for them)
    let si = -1;
    if (open.length === 1 && segs[open[0]!]!.end > f.start) si = open[0]!;
    else {
      // the open segments still holding the figure (kept in place), and of them the first content one by index,
      // else the first one
      let kept = 0;
      let first = -1;
      let firstContent = -1;
      for (let q = 0; q < open.length; q++) {
        const j = open[q]!;
        if (segs[j]!.end <= f.start) continue;
        open[kept++] = j;
        if (first < 0 || j < first) first = j;
        if (segs[j]!.content && (firstContent < 0 || j < firstContent)) firstContent = j;
      }
      open.length = kept;
      si = firstContent >= 0 ? firstContent : first;
    }
    if (si < 0) orphans.push(i);
    else {
      const list = bySeg[si];
      if (list) list.push(i);
      else bySeg[si] = [i];
    }
  }
  const figureIndex = new SpanIndex(figures);

  // phrases are matched on a copy where page furniture inside a sentence is blanked out (same offsets):
  // "every thousand\n3\nresidents" must read as "every thousand residents"
  const lifted = (opts.regions ?? []).filter((r) => r.kind !== 'content' && r.kind !== 'heading');
  let masked = text;
  if (lifted.length) {
    // UTF-16 units, so offsets stay put (built from slices: a per-character array of a long page was garbage)
    const spans = lifted.map((r) => ({ start: Math.max(0, r.start), end: Math.min(text.length, r.end) })).filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
    const parts: string[] = [];
    let at = 0;
    for (const r of spans) {
      if (r.end <= at) continue;
      const from = Math.max(at, r.start);
      parts.push(text.slice(at, from), ' '.repeat(r.end - from));
      at = r.end;
    }
    parts.push(text.slice(at));
    masked = parts.join('').replace(/\f/g, ' ');
  }

  const page = new PageMatches(masked, c.pageScanned);
  currentPage = page;
  try {
    readSegments(c, text, masked, segs, bySeg, figures, figureIndex, opts, out);
  } finally {
    currentPage = null;
  }
  for (const i of orphans) {
    const f = figures[i]!;
    out[i] = { metric: null, subject: null, period: opts.publication, periodBasis: opts.publication ? 'publication' : 'none', isTarget: false, negative: false, sentence: { start: f.start, end: f.end }, rule: 'ctx:no-sentence' };
  }
  // (every figure has its context now: a figure in no segment got one above, every other one from its sentence)
  return out as FigureContext[];
}

/**
 * The characters a match of alternation(words) under the i flag can start with (phraseAtoms: each phrase's first
 * character as itself, an ASCII letter in either case), or every character when some phrase starts with one the
 * pattern does not take as itself (a hyphen, an apostrophe, a placeholder, a letter outside ASCII with cases).
 * A test of a stretch that starts with another character is then skipped: it cannot match.
 */
function phraseFirstChars(words: readonly string[]): { has(u: number): boolean } {
  const any = { has: () => true };
  const codes = new Set<number>();
  for (const w of words) {
    const ch = w.trim()[0];
    if (ch === undefined) return any;
    const u = ch.charCodeAt(0);
    const asItself = ch !== '-' && ch !== "'" && ch !== '’' && !w.trim().startsWith('{region}') && !(u >= 0xd800 && u <= 0xdfff);
    // (under the i flag an ASCII letter matches its two cases only; another letter with cases might match more)
    if (!asItself || (u >= 128 && (ch.toUpperCase() !== ch || ch.toLowerCase() !== ch))) return any;
    codes.add(u);
    if ((u >= 65 && u <= 90) || (u >= 97 && u <= 122)) codes.add(u ^ 0x20);
  }
  return codes;
}
const PART_OF_CLAUSE_FIRST = phraseFirstChars(CONTEXT_WORDS.part_of_clause_openers);
const DISTRIBUTIVE_BEFORE_FIRST = phraseFirstChars(CONTEXT_WORDS.distributive_before);
const DISTRIBUTIVE_AFTER_FIRST = phraseFirstChars(CONTEXT_WORDS.distributive_after);

/**
 * The characters a frame, place or organisation opener can start with (compile(): frameOpener's first-letter
 * classes, and place_determiners' first characters in either case under the i flag); every other one when a
 * determiner starts with a character the pattern does not take as itself.
 */
const OPENER_FIRST: { has(u: number): boolean } = (() => {
  const determiners = phraseFirstChars(CONTEXT_WORDS.place_determiners);
  if (!(determiners instanceof Set)) return determiners;
  const codes = new Set<number>(determiners);
  for (const w of CONTEXT_WORDS.frame_openers) codes.add(w[0]!.toUpperCase().charCodeAt(0)).add(w[0]!.toLowerCase().charCodeAt(0));
  return codes;
})();

/** the figures of a segment that holds none (only read) */
const NO_FIGURES: number[] = [];

/** readContexts' walk over the segments in order, carrying topic and period from sentence to sentence */
function readSegments(
  c: Compiled,
  text: string,
  masked: string,
  segs: Sentence[],
  bySeg: (number[] | undefined)[],
  figures: FigureRef[],
  figureIndex: SpanIndex,
  opts: ContextOptions,
  out: (FigureContext | null)[],
): void {
  const page = currentPage;
  let section = -1;
  let topic: SubjectDef | null = null;
  /** why no topic is carried: the paragraph turned to a place the vocabulary does not list */
  let topicNote: string | null = null;
  /** the zone the section before was about */
  let sectionBefore: SubjectDef | null = null;
  /** the period stated last in the document: what "in the quarter" or "for the year" points to */
  let lastStated: string | null = null;
  let carried: { period: string; rule: string } | null = null;
  for (let si = 0; si < segs.length; si++) {
    const seg = segs[si]!;
    if (!seg.content) {
      // page furniture: read on its own, carries nothing in or out
      const idx = bySeg[si];
      // (read in the unmasked text: the page's matches are the masked text's)
      currentPage = null;
      if (idx) readSentence(c, text, seg, idx, figures, figureIndex, opts.publication, null, null, out);
      currentPage = page;
      continue;
    }
    if (seg.section !== section) {
      section = seg.section;
      if (topic?.role === 'member') sectionBefore = topic;
      topic = null;
      topicNote = null;
      carried = null;
    }
    // "In Lakeshire, …": a sentence that opens on a place changes the topic; what the paragraph was about
    // before is not carried into it or past it (a zone it names becomes the topic again)
    // (a sentence whose first character no opener starts with is not sliced and searched: most are not)
    let first = seg.start;
    while (first < seg.end && isSpaceCode(masked.charCodeAt(first))) first++;
    const opening = first < seg.end && OPENER_FIRST.has(masked.charCodeAt(first)) ? masked.slice(first, seg.end) : null;
    const frame = opening === null ? null : c.frameOpener.exec(opening);
    const place = opening === null ? null : c.placeOpener.exec(opening);
    const organisation = opening === null ? null : c.organisationOpener.exec(opening);
    const about = organisation ? `the ${organisation[1]!.toLowerCase()}` : null;
    if (organisation) {
      topic = null;
      topicNote = `none(about:${about})`;
    } else if (place) {
      topic = null;
      topicNote = `none(topic-changed:the ${place[1]!.toLowerCase()})`;
    } else if (frame) {
      const name = frame[1]!.trim();
      const words = name.split(/\s+/);
      c.partYear.lastIndex = 0;
      const isDate = words.some((w) => c.months.has(w.toLowerCase()) || /^\d/.test(w)) || c.partYear.test(name);
      if (!isDate && !words.every((w) => c.genericWords.has(w.toLowerCase()))) {
        topic = null;
        topicNote = `none(topic-changed:${name.replace(/[;=()]/g, '')})`;
      }
    }
    const idx = bySeg[si] ?? NO_FIGURES;
    // a sentence turning to another place ends what an anaphor may point back to
    if (topicNote !== null) sectionBefore = null;
    const res = readSentence(c, masked, seg, idx, figures, figureIndex, opts.publication, topic, carried, out, topicNote, sectionBefore, about, lastStated);
    if (res.stated) lastStated = res.stated;
    if (res.topic) topicNote = null;
    topic = res.topic ?? topic;
    if (res.regionOpens) {
      topic = null;
      topicNote = `none(topic-changed:${res.regionOpens})`;
    }
    if (idx.length || res.framed) carried = res.carried;
  }
}

/**
 * Whitespace other than a space: with two spaces in a row, what a rule's whitespace runs are collapsed for
 * (a pattern of both, /[^\S ]|\s\s/, tried two branches at each character of each figure's rule).
 */
const NON_SPACE_WHITESPACE = /[^\S ]/;

const incrementFlows = new WeakMap<Compiled, Map<string, MetricDef | null>>();
/** The first metric (in vocabulary order) counting additions to `stock` and compatible with `unit`, or null. */
function incrementFlow(c: Compiled, stock: MetricDef, unit: string): MetricDef | null {
  let byKey = incrementFlows.get(c);
  if (!byKey) incrementFlows.set(c, (byKey = new Map()));
  const key = `${stock.id}\u0000${unit}`;
  let flow = byKey.get(key);
  if (flow === undefined) {
    flow = null;
    for (const x of c.metricById.values()) {
      if (x.increment_of === stock.id && compatible(x, unit)) {
        flow = x;
        break;
      }
    }
    byKey.set(key, flow);
  }
  return flow;
}

/**
 * The increment cue before figure f in its clause, or null. The first cue of each clause is found once per clause:
 * a cue before a figure is the clause's first one (a search of the clause up to each figure would read a long
 * clause once per figure).
 */
function incrementBefore(c: Compiled, st: SentenceState, clause: Span, f: FigureRef): string | null {
  const { text } = st;
  const cc = clauseCache(st, clause);
  if (cc.increment === undefined) cc.increment = findAll(c.incrementAll, text, clause.start, clause.end)[0] ?? null;
  const first = cc.increment;
  if (first === null || first.start >= f.start) return null;
  // a cue that runs into the figure may still match shorter before it: the exact search, rarely
  if (first.end > f.start) return c.increment.exec(text.slice(clause.start, f.start))?.[0] ?? null;
  return text.slice(first.start, first.end);
}

/** Whether o stands within the first three words of the sentence. */
function opensSentence(text: string, sentence: Span, o: Span): boolean {
  return /^\s*(?:\S+(?:\s+|$)){0,3}$/.test(text.slice(sentence.start, o.start));
}

function readSentence(
  c: Compiled,
  text: string,
  sentence: Span,
  idx: number[],
  all: FigureRef[],
  allIndex: SpanIndex,
  publication: string | null,
  topic: SubjectDef | null,
  carried: { period: string; rule: string } | null,
  out: (FigureContext | null)[],
  topicNote: string | null = null,
  sectionBefore: SubjectDef | null = null,
  /** the organisation the sentence is about ("the company"), whose figures are no zone metric */
  about: string | null = null,
  lastStated: string | null = null,
): { topic: SubjectDef | null; carried: { period: string; rule: string } | null; regionOpens: string | null; framed?: boolean; stated?: string | null } {
  const clauses = splitClauses(text, sentence);
  const figures: FigureRef[] = new Array<FigureRef>(idx.length);
  for (let k = 0; k < idx.length; k++) figures[k] = all[idx[k]!]!;
  const subjectOcc = subjectOccurrences(c, text, sentence, clauses);
  // the section's topic: the first zone (else the aggregate) named as more than a denominator
  // (a zone no subject lists becomes the topic only when the sentence opens with it: "Riverside Industrial Park
  // reported …", not "… a university science park, Huazhong Software Park …")
  // (loops: the filter, finds and their callbacks were made per sentence)
  let opener: SubjectOcc | undefined;
  let member: SubjectDef | undefined;
  let aggregate: SubjectDef | undefined;
  let anyAnaphor = false;
  for (let k = 0; k < subjectOcc.length; k++) {
    const o = subjectOcc[k]!;
    if (o.subject === null) anyAnaphor = true;
    if (!(o.subject && !o.denominator && (!o.unlisted || opensSentence(text, sentence, o)))) continue;
    opener ??= o;
    if (member === undefined && o.subject.role === 'member') member = o.subject;
    if (aggregate === undefined && o.subject.role === 'aggregate') aggregate = o.subject;
  }
  // (a section that names no zone but points back with an anaphor, "By September the park had …", is about the
  // zone the section before was about)
  const newTopic = member ?? aggregate ?? (topic === null && sectionBefore !== null && anyAnaphor ? sectionBefore : null);
  // "Riverside's exports …": a sentence that opens on a city or province (and names no zone) turns the
  // paragraph to that place: the zone talked about before is not carried past it
  const regionOpens = !newTopic && opener !== undefined && opener.subject!.role === 'place' && opensSentence(text, sentence, opener) ? opener.subject!.id : null;
  if (figures.length === 0) {
    // "In the first half of 2024 the parks kept steady growth.": a sentence with no figure that opens on a stated
    // period (not a goal) frames the figures after it
    const dates = findDates(c, text, sentence, clauses, allIndex, publication);
    // (a day is a dateline, not the period of what follows; a sentence that is only its date says nothing of it)
    // (or a sentence introducing a list, "The table below lists … for 2022", that states one period)
    const own = dates.filter((d) => d.kind === 'data' && d.period !== null && !/^\d{4}-\d{2}-\d{2}$/.test(d.period));
    const intro = own.length === 1 && LIST_INTRO.test(text.slice(sentence.start, sentence.end)) ? own[0] : undefined;
    const frame = intro ?? own.find((d) => opensSentence(text, sentence, d) && /\p{L}{3}/u.test(text.slice(d.end, sentence.end)));
    c.targetCue.lastIndex = 0;
    if (frame && !c.targetCue.test(text.slice(sentence.start, sentence.end))) {
      return { topic: newTopic, carried: { period: frame.period!, rule: `frame(${quote(text, frame)})` }, regionOpens, framed: true };
    }
    return { topic: newTopic, carried, regionOpens };
  }

  const st: SentenceState = {
    text,
    sentence,
    clauses,
    metricOcc: metricOccurrences(c, text, sentence),
    subjectOcc,
    dates: findDates(c, text, sentence, clauses, allIndex, publication),
    figures,
    // (lists of the figures' length made at that length: a list grown by push starts at 16 places)
    resolved: new Array<string | null>(figures.length),
    figStarts: figures.map((f) => f.start),
    figMinEndFrom: new Array<number>(figures.length).fill(0),
    figEnds: figures.map((f) => f.end),
    counted: new Array<(Span & { np: MetricPhrase }) | null | undefined>(figures.length),
    claimed: null,
    levels: null,
    metricByStart: null,
    levelsByStart: null,
    levelsNearest: null,
    penaltyFigure: null,
    betweenPenalty: null,
    penaltyOpts: null,
    ratioOpts: null,
    clauseCaches: new Array<ClauseCache | undefined>(clauses.length + 1),
    otherCaches: null,
    priorSubjects: null,
    resolvedSubject: null,
    recentMetrics: [],
    targetCues: null,
    presentSentence: undefined,
    presentState: undefined,
    dateLists: null,
    sectionBefore,
    lastStated,
  };
  for (let k = figures.length - 1, m = Infinity; k >= 0; k--) st.figMinEndFrom[k] = m = Math.min(m, figures[k]!.end);
  let lastCarry: { period: string; rule: string } | null = null;
  let lastStatedHere: string | null = null;
  let anyPlain = false;
  /** the quote of a ranked or named subset of the set counted earlier in the sentence */
  let subsetSubject: string | null = null;
  const subsetPhrases = findAll(c.subsetPhrase, text, sentence.start, sentence.end);
  const partOfMatch = c.partOf.exec(text.slice(sentence.start, sentence.end).trimStart());
  const partOf = partOfMatch ? partOfMatch[0].replace(/[\s,，:：]+$/, '') : null;
  // the first increment cue of each clause, found once per clause: a cue before a figure is the clause's
  // first one (a search of the clause up to each figure would read a long clause once per figure)
  // (one span for all the sentence's figures: the contexts are only read)
  const sentenceSpan: Span = { start: sentence.start, end: sentence.end };
  // (a loop, not forEach: the callback and what it closed over were made per sentence)
  for (let k = 0; k < figures.length; k++) {
    const f = figures[k]!;
    const clause = clauseAt(clauses, f.start) ?? sentence;
    const bracket = bracketBefore(text, f, sentence);
    let m: MetricReading = readMetric(c, st, k, clause, bracket);
    let subsetDid: string | null = null;
    if (about !== null && m.metric !== null) m = { metric: null, rule: `none(about:${about};was ${m.metric})` };
    const def0 = m.metric ? c.metricById.get(m.metric) : undefined;
    // "…, among which 260 firms trade at home": a part of the whole just stated is not a figure of the
    // whole's metric (a part that names another metric, "…, among which 2,580 thousand engage in R&D", keeps it)
    // (the anchored tests below are tried only where their first character can start a match: phraseFirstChars)
    const clauseOpener = f.unit === 'percent' || clause.start >= f.start || !PART_OF_CLAUSE_FIRST.has(text.charCodeAt(clause.start)) ? null : c.partOfClause.exec(text.slice(clause.start, f.start));
    // "Its 130 chip makers earned a combined 35 billion yuan": the amount of a counted set of members, a part
    const counted = def0 && f.unit !== 'percent' && f.unit !== 'count' ? countedSubject(c, st, k, clause) : null;
    if (def0 && partOf) m = { metric: null, rule: `none(part-of:${partOf};was ${def0.id})` };
    else if (def0 && counted !== null) m = { metric: null, rule: `none(counted-subject:${counted};was ${def0.id})` };
    else if (def0 && clauseOpener && clause.start > sentence.start && k > 0 && st.resolved[k - 1] === def0.id) m = { metric: null, rule: `none(part-of:${clauseOpener[0].toLowerCase()};was ${def0.id})` };
    else if (def0?.kind === 'stock' && f.unit !== 'percent' && (subsetDid = subsetPredicateAfter(c, st, k, f, clause)) !== null) {
      m = { metric: null, subset: true, rule: `subset(${m.rule};did:${subsetDid})` };
    } else if (def0?.kind === 'stock' && f.unit !== 'percent') {
      const inc = incrementBefore(c, st, clause, f);
      if (inc !== null) {
        // new additions to a stock are a figure of the flow that adds to it ("newly added 300 firms" → the flow of new firms), if one is declared
        const flow = incrementFlow(c, def0, f.unit);
        m = flow ? { metric: flow.id, rule: `increment(${inc};of ${def0.id})` } : { metric: null, rule: `none(increment:${inc};was ${def0.id})` };
      }
    }
    // "up from 1.5 trillion yuan in 2021", "compared with 52 billion yuan": a comparison base right after a figure
    // of its unit is the same measure at another time
    const base = k > 0 && c.comparison.test(text.slice(Math.max(clause.start, f.start - 20), f.start));
    if (m.metric === null && base && st.figures[k - 1]!.unit === f.unit && st.resolved[k - 1] && !/^(?:threshold|none\(part-of)/.test(m.rule)) {
      m = { metric: st.resolved[k - 1]!, rule: `compared(with ${quote(text, st.figures[k - 1]!)};${m.rule})` };
    }
    st.resolved[k] = m.metric;
    // the distinct metrics read so far, the most recent last (what a bracket or a growth figure falls back on)
    if (m.metric !== null) {
      const at = st.recentMetrics.indexOf(m.metric);
      if (at >= 0) st.recentMetrics.splice(at, 1);
      st.recentMetrics.push(m.metric);
    }
    let s = readSubject(st, f, clause, bracket, topic, topicNote);
    // "The 10 largest parks earned …", "The two parks together employ …": a ranked or named subset of the
    // parks, stated before the figure, is what the figure is about, not the whole set
    // (the phrases are sorted and disjoint, so the first one is the one ending earliest: it is the one or
    // there is none, a check per figure rather than a scan)
    const phrase = subsetPhrases[0] !== undefined && subsetPhrases[0].end <= f.start ? subsetPhrases[0] : undefined;
    if (subsetSubject === null && phrase) subsetSubject = quote(text, phrase);
    if (s.subject?.role === 'aggregate' && subsetSubject !== null) s = { subject: null, rule: `none(subset:${subsetSubject})` };
    if (s.subject?.role === 'aggregate' && f.unit !== 'percent' && f.end < clause.end && (isSpaceCode(text.charCodeAt(f.end)) || DISTRIBUTIVE_AFTER_FIRST.has(text.charCodeAt(f.end))) && c.distributive.test(text.slice(f.end, clause.end))) s = { subject: null, rule: 'none(each:an amount of each member)' };
    // "…, each with revenue of over 80 billion yuan": the clause is about each member, not the subject named
    else if (s.subject && f.unit !== 'percent' && clause.start < f.start && DISTRIBUTIVE_BEFORE_FIRST.has(text.charCodeAt(clause.start)) && c.distributiveBefore.test(text.slice(clause.start, f.start))) s = { subject: null, rule: `none(each:${quote(text, { start: clause.start, end: f.start }).split(' ').slice(0, 2).join(' ')})` };
    // "40 reached 100 billion yuan in revenue": the level each of the counted members reached, no amount of a subject
    // (a threshold's reading is never replaced above: its metric is null, and a comparison keeps no threshold)
    if (s.subject && m.threshold === true) s = { subject: null, rule: `none(threshold:${m.rule.slice('threshold('.length, -1)})` };
    if (subsetSubject === null && m.subset === true && /^subset\(.*;(?:rank=|named-before)/.test(m.rule)) subsetSubject = quote(text, f);
    let p = readPeriod(c, st, f, clause, publication, carried);
    // only a stock holds as of a date: a flow or a ratio (a share, a growth rate) that no stated period
    // dates is not dated by the publication either
    const kind = m.metric ? c.metricById.get(m.metric)?.kind : undefined;
    // (a figure whose unit is a ratio, "2.6 times", "40 percent", is a ratio whatever metric it has or lacks)
    const ratioUnit = !kind && (f.unit === 'percent' || f.unit === 'percentage_points' || f.unit === 'times' || f.unit === 'per_10k');
    if (p.basis === 'publication' && (kind === 'flow' || kind === 'ratio' || ratioUnit)) {
      p = { ...p, period: null, basis: 'none', rule: `none(${kind ?? 'ratio'} not dated by the publication;${p.rule})` };
    }
    if (!p.isTarget && !base && p.basis === 'stated' && p.period !== null) lastStatedHere = p.period;
    // (a comparison base's date is the base's: the sentences after go on about the statement's own period)
    if (!p.isTarget && !(base && lastCarry !== null)) {
      anyPlain = true;
      lastCarry = p.period !== null && (p.basis === 'stated' || p.basis === 'carried') ? { period: p.period, rule: p.rule } : null;
    }
    // one unit per metric: a metric that counts people (its first unit is persons) publishes persons, also
    // for a figure whose words name no person ("2,236 thousand engage in R&D" reads as a count)
    const def = m.metric ? c.metricById.get(m.metric) : undefined;
    const unit: 'persons' | undefined = def?.unit_kinds[0] === 'persons' && (f.unit === 'count' || f.unit === 'unknown') ? 'persons' : undefined;
    // (joined as a list, String() as a template would write null: a template's chain of partial strings, flattened
    // for the test below, was garbage)
    const parts = ['ctx:metric=', m.rule];
    if (unit) parts.push(';unit=', unit, '(', String(m.metric), ')');
    parts.push(';subject=', s.rule, ';period=', p.rule);
    if (p.isTarget) parts.push(';target=', String(p.targetRule));
    const joined = parts.join('');
    // (whitespace runs become one space: only a rule holding any other whitespace, or two in a row, changes)
    const rule = NON_SPACE_WHITESPACE.test(joined) || joined.includes('  ') ? joined.replace(/\s+/g, ' ') : joined;
    const ctx: FigureContext = {
      metric: m.metric,
      subject: s.subject?.id ?? null,
      period: p.period,
      periodBasis: p.basis,
      isTarget: p.isTarget,
      negative: m.negative === true,
      sentence: sentenceSpan,
      rule,
    };
    // (set after, not spread in: an object spread per figure)
    if (unit) ctx.unit = unit;
    out[idx[k]!] = ctx;
  }
  return { topic: newTopic, carried: anyPlain ? lastCarry : carried, regionOpens, stated: lastStatedHere };
}
