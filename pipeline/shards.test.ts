import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkShardMentions, SHARD_FORMAT, shardMentionsFile, writeShardMentions, type ShardHeader } from './shards.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-shards-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const header: ShardHeader = {
  format: SHARD_FORMAT, shard: { index: 1, count: 2 }, versions: 'x1', lexicon_hash: 'a'.repeat(64), manifest_sha256: 'b'.repeat(64), manifest_sources: 3,
};
// two mentions written for this test (the sentence is made up): the columns the reconcile reads, and one it does not
const mention = (id: string, value: number) => ({
  mention_id: id, source_id: 'src-one', quote: `${value} firms`, prefix: 'home to ', value, unit: 'count', bound: 'exact', lo: value, hi: value,
  lo_exclusive: false, hi_exclusive: false, metric: 'firms', subject: 'zone-a', period: '2019', period_basis: 'stated', is_target: false,
  paired_mention_id: null, sentence: 'The zone was home to 1200 firms in 2019.',
});

describe("a shard's Parquet file of mentions", () => {
  const shardFile = path.join(tmp, 'shard-1-of-2.json');
  const ndjson = path.join(tmp, 'mentions.ndjson');
  writeFileSync(ndjson, [mention('m_0000000000000001', 1200), mention('m_0000000000000002', 1250)].map((m) => JSON.stringify(m)).join('\n') + '\n');

  it('is its JSON shard’s when the header and the number of mentions are the same; else it is refused, named', async () => {
    await expect(checkShardMentions(shardFile, header, 2)).rejects.toThrow(/its mentions file shard-1-of-2\.mentions\.parquet is missing/);
    await writeShardMentions(ndjson, shardMentionsFile(shardFile), header);
    await expect(checkShardMentions(shardFile, header, 2)).resolves.toBeUndefined();
    await expect(checkShardMentions(shardFile, header, 3)).rejects.toThrow(/2 mentions, shard-1-of-2\.json holds 3/);
    await expect(checkShardMentions(shardFile, { ...header, lexicon_hash: 'c'.repeat(64) }, 2)).rejects.toThrow(/not the mentions of shard-1-of-2\.json/);
    await expect(checkShardMentions(shardFile, { ...header, shard: { index: 2, count: 2 } }, 2)).rejects.toThrow(/not the mentions of/);
  });

  it('a file that is not Parquet is a ShardError, not a crash', async () => {
    const bad = path.join(tmp, 'shard-2-of-2.json');
    writeFileSync(shardMentionsFile(bad), 'PAR1 not really');
    await expect(checkShardMentions(bad, { ...header, shard: { index: 2, count: 2 } }, 0)).rejects.toThrow(/not a readable Parquet file of a shard's mentions/);
  });
});
