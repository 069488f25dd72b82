import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuild } from './load.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-load-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// rows of two sources, one with characters of 2, 3 and 4 UTF-8 bytes before the next row's line
const mentions = [
  { mention_id: 'm_0000000000000001', source_id: 'a-doc', quote: '1.5万亿元', char_start: 3 },
  { mention_id: 'm_0000000000000002', source_id: 'a-doc', quote: '€ 20 — 𝟚𝟘', char_start: 9 },
  { mention_id: 'm_0000000000000003', source_id: 'b-doc', quote: '114', char_start: 0 },
];

function buildDir(name: string, mentionsJson: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'sources.json'), JSON.stringify([{ source_id: 'a-doc' }, { source_id: 'b-doc' }, { source_id: 'c-doc' }]));
  writeFileSync(path.join(dir, 'facts.json'), JSON.stringify([{ fact_id: 'f_1', mention_ids: ['m_0000000000000003'] }]));
  writeFileSync(path.join(dir, 'mentions.json'), mentionsJson);
  return dir;
}

describe('loadBuild: the mentions table', () => {
  // as publish writes it (one row per line), and as any other JSON array (held in memory)
  const published = `[\n${mentions.map((m) => JSON.stringify(m)).join(',\n')}\n]\n`;
  for (const [form, text] of [['one row per line', published], ['pretty-printed', JSON.stringify(mentions, null, 2)], ['on one line', JSON.stringify(mentions)]] as const) {
    it(`reads rows by id, by source and in order (${form})`, () => {
      const b = loadBuild(buildDir(form.replace(/ /g, '-'), text));
      expect(b.mentions.length).toBe(3);
      expect([...b.mentions]).toEqual(mentions);
      expect(b.mentionById.get('m_0000000000000002')).toEqual(mentions[1]);
      expect(b.mentionById.get('m_00000000000000ff')).toBeUndefined();
      expect(b.mentionById.has('m_0000000000000003')).toBe(true);
      expect(b.mentions.ofSource('a-doc')).toEqual(mentions.slice(0, 2));
      expect(b.mentions.ofSource('c-doc')).toEqual([]);
      expect(['a-doc', 'b-doc', 'c-doc'].map((s) => b.mentions.countOf(s))).toEqual([2, 1, 0]);
      expect(b.factsOfMention.get('m_0000000000000003')).toEqual(['f_1']);
      // several at once, in the order asked, an unknown id as undefined
      expect(b.mentionById.getMany(['m_0000000000000003', 'm_00000000000000ff', 'm_0000000000000001', 'm_0000000000000003'])).toEqual([mentions[2], undefined, mentions[0], mentions[2]]);
    });
  }
  it('reads rows whose lines run across the 1 MiB reads, at their own bytes (one row per line)', () => {
    // ~3 MB of rows with 2-, 3- and 4-byte characters: lines cross the reads' edges at every kind of character
    const many = Array.from({ length: 3000 }, (_, i) => ({ mention_id: `m_${i.toString(16).padStart(16, '0')}`, source_id: i % 2 ? 'a-doc' : 'b-doc', quote: `${'é万𝟚'.repeat(40 + (i % 97))}${i}`, char_start: i }));
    const b = loadBuild(buildDir('across-reads', `[\n${many.map((m) => JSON.stringify(m)).join(',\n')}\n]\n`));
    expect(b.mentions.length).toBe(3000);
    const ids = [0, 1, 999, 1000, 1001, 2047, 2998, 2999].map((i) => many[i]!.mention_id);
    expect(b.mentionById.getMany(ids)).toEqual([0, 1, 999, 1000, 1001, 2047, 2998, 2999].map((i) => many[i]));
    expect(b.mentions.ofSource('a-doc')).toEqual(many.filter((_, i) => i % 2));
  });
  it('reads an empty table', () => {
    const b = loadBuild(buildDir('empty', '[]\n'));
    expect(b.mentions.length).toBe(0);
    expect([...b.mentions]).toEqual([]);
  });
  it('refuses a mentions.json that is not an array', () => {
    expect(() => loadBuild(buildDir('not-array', '{"mention_id": 1}'))).toThrow(/expected a JSON array/);
  });
});
