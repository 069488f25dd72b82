import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * Reads a lexicon file from extract/lexicon/. The YAML stays beside the sources: when the code runs
 * from the compiled dist/extract/ (tsc does not copy .yaml files) we look back into extract/lexicon/.
 */
export function lexiconPath(name: string): string {
  const candidates = [
    new URL(`./lexicon/${name}`, import.meta.url),
    new URL(`../../extract/lexicon/${name}`, import.meta.url),
  ];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error(`lexicon file ${name} not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}

/** The raw text and the parsed YAML of a lexicon file. */
export function readLexicon(name: string): { text: string; data: unknown } {
  const text = readFileSync(lexiconPath(name), 'utf8');
  return { text, data: parse(text) as unknown };
}
