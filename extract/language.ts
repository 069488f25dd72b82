import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The engine's language knowledge: how figures are written in English and Chinese (number words, scale
 * words, currencies, unit words, qualifiers, list and name shapes) and the function words the context
 * rules step over. It is data (extract/language/*.yaml), the same for every dataset; what a figure *means*
 * (metrics, subjects, periods) is the dataset's vocabulary (see pipeline/dataset.ts).
 * When the code runs from the compiled dist/extract/ (tsc does not copy .yaml files) we look back into
 * extract/language/.
 */
export function languagePath(name: string): string {
  const candidates = [
    new URL(`./language/${name}`, import.meta.url),
    new URL(`../../extract/language/${name}`, import.meta.url),
  ];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error(`language file ${name} not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}

/** The raw text and the parsed YAML of a language file. */
export function readLanguageFile(name: string): { text: string; data: unknown } {
  const text = readFileSync(languagePath(name), 'utf8');
  return { text, data: parse(text) as unknown };
}

/** Every language file, for the build's input hashes (sorted by name). */
export const LANGUAGE_FILES = ['context.yaml', 'figures.yaml'] as const;

let languageHashMemo: string | null = null;
/**
 * sha256 over the language files' bytes: part of the extraction versions (a changed word must never be served
 * from a stale cache) and of the build's input hashes.
 */
export function languageHash(): string {
  if (languageHashMemo !== null) return languageHashMemo;
  const h = createHash('sha256');
  for (const f of LANGUAGE_FILES) h.update(`${f}\0`).update(readFileSync(languagePath(f))).update('\0');
  languageHashMemo = h.digest('hex');
  return languageHashMemo;
}
