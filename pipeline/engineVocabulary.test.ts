import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUBJECT_ROLES } from '../contracts/tables.js';
import { readManifest } from '../extract/manifest.js';
import { loadDataset } from './dataset.js';

/**
 * The engine holds no word of the dataset it builds: the default dataset's metric ids, subject ids and
 * proper names, its multi-word phrases and its publishers must not appear in engine code or engine data
 * (extract/, transform/, checks/, pipeline/, audit/, cli.ts). Tests and fixtures exercise the engine on the
 * default dataset and are not searched.
 */
const root = path.resolve(import.meta.dirname, '..');
const ENGINE = ['extract', 'transform', 'checks', 'pipeline', 'audit', 'contracts', 'eval', 'cli.ts'];

function engineFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const full = path.join(root, rel);
    if (statSync(full).isDirectory()) {
      for (const f of readdirSync(full).sort()) if (f !== 'fixtures' && f !== 'node_modules' && f !== 'corpus') walk(path.join(rel, f));
    } else if (/\.(ts|sql|ya?ml|json|html|css|js)$/.test(rel) && !/\.test\.ts$/.test(rel) && !/(^|\/)testing\.ts$/.test(rel)) out.push(rel);
  };
  for (const e of ENGINE) walk(e);
  return out;
}

/** The dataset's own words: what only this domain says. */
async function datasetWords(): Promise<string[]> {
  const d = await loadDataset();
  const words = new Set<string>();
  for (const m of d.lexicon.metrics) {
    if (m.growth_of === null && m.id.includes('_')) words.add(m.id);
    for (const p of [...m.synonyms, ...m.nouns]) if (/\s/.test(p.trim()) || /[\u4e00-\u9fff]/.test(p)) words.add(p);
  }
  for (const s of d.lexicon.subjects) {
    if (s.kind !== 'aggregate') words.add(s.id);
    for (const a of [s.name, ...s.aliases]) if (/[A-Z\u4e00-\u9fff]/.test(a) || /\s/.test(a.trim())) words.add(a);
  }
  for (const e of readManifest(d.sourcesDir)) {
    words.add(e.id);
    if (e.publisher) words.add(e.publisher);
  }
  return [...words].filter((w) => w.length >= 3);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

/** lower case with runs of whitespace as one space: what a case-insensitive, \s+-joined pattern can match in */
const folded = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

/**
 * every match of re in the engine's files, as file:line: match. `mayMatch` (optional) rules a file out cheaply
 * first: a case-insensitive alternation of a thousand words run at every position of every file took ~20 s,
 * and over 60 s on a loaded machine; a file none of whose folded text holds any word cannot match.
 */
function engineHits(re: RegExp, mayMatch: (text: string) => boolean = () => true): string[] {
  const hits: string[] = [];
  for (const f of engineFiles()) {
    const text = readFileSync(path.join(root, f), 'utf8');
    if (!mayMatch(text)) continue;
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      for (const m of l.matchAll(re)) hits.push(`${f}:${i + 1}: ${m[0]}`);
    });
  }
  return hits;
}

describe('engine and dataset', () => {
  it('no engine file contains a word of the default dataset', async () => {
    const words = await datasetWords();
    expect(words.length).toBeGreaterThan(100);
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.map(esc).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
    const needles = words.map(folded);
    expect(engineHits(re, (text) => {
      const t = folded(text);
      return needles.some((w) => t.includes(w));
    })).toEqual([]);
  });

  it("no engine file names a kind of subject of the default dataset: the engine reads roles ('member', 'place')", async () => {
    const d = await loadDataset();
    const roles = new Set<string>(SUBJECT_ROLES);
    const kinds = [...new Set(d.lexicon.subjects.map((s) => s.kind))].filter((k) => !roles.has(k));
    expect(kinds).toContain('zone');
    // as a quoted literal: a branch (kind === 'zone'), a type's member, a made-up subject's kind
    const re = new RegExp(`(['"\`])(?:${kinds.map(esc).join('|')})\\1`, 'g');
    expect(engineHits(re)).toEqual([]);
  });
});
