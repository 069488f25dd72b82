import path from 'node:path';
import { describe, it } from 'vitest';
import { expectGolden } from './golden.js';
import { loadLexicon } from './lexicon.js';
import { readManifest, readSourceBytes } from './manifest.js';
import { extractMentions } from './mentions.js';
import type { Mention, Skip } from './records.js';
import { readTextLayer } from '../pipeline/extractSource.js';

/**
 * Whole-document extraction against reviewed golden files, one per archived source:
 * every figure with its place, value, interval and reading, and every skipped number with its reason.
 * A change to the grammar, the lexicon or a text layer shows up here as a line diff to review.
 */
const root = path.resolve(import.meta.dirname, '..');
const sourcesDir = path.join(root, 'sources');
const lexicon = loadLexicon(path.join(root, 'dataset', 'vocabulary'));

const num = (n: number | null) => (n === null ? '∞' : String(n));
const flat = (s: string) => JSON.stringify(s);

function mentionLine(m: Mention): string {
  const interval = `${m.lo_exclusive ? '(' : '['}${m.lo === null ? '-∞' : num(m.lo)}, ${num(m.hi)}${m.hi_exclusive ? ')' : ']'}`;
  const where = `${m.page === null ? '' : `p${m.page} `}${m.char_start}-${m.char_end}${m.byte_start === null ? '' : ` b${m.byte_start}-${m.byte_end}`}`;
  return [
    where,
    flat(m.quote),
    `${m.value} ${m.unit} ${m.bound} ${interval}`,
    `${m.metric ?? '-'} / ${m.subject ?? '-'} / ${m.period ?? '-'} (${m.period_basis})${m.is_target ? ' target' : ''}`,
  ].join(' | ');
}

function skipLine(s: Skip): string {
  return `${s.page === null ? '' : `p${s.page} `}${s.char_start}-${s.char_end} | ${flat(s.text)} | ${s.reason}`;
}

describe('golden mentions per source', () => {
  for (const entry of readManifest(sourcesDir)) {
    it(entry.id, async () => {
      const layer = await readTextLayer(entry, readSourceBytes(sourcesDir, entry));
      const { mentions, skips } = extractMentions(layer, { sourceId: entry.id, sha256: entry.sha256, published: entry.published }, lexicon);
      const text =
        `# ${entry.id}: ${mentions.length} mentions, ${skips.length} skipped numbers\n` +
        `## mentions: place | quote | value unit bound interval | metric / subject / period (basis)\n` +
        mentions.map(mentionLine).join('\n') +
        `\n## skipped: place | text | reason\n` +
        skips.map(skipLine).join('\n') +
        '\n';
      expectGolden(path.join(root, 'extract', 'fixtures', 'golden', `${entry.id}.mentions.txt`), text);
    });
  }
});
