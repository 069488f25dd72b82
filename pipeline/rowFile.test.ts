import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NdjsonRows, ndjsonLines } from './rowFile.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-rowfile-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('NdjsonRows', () => {
  it('gives every row again on each pass, whole even where a line (and a UTF-8 character) spans chunks', () => {
    const rows = [{ quote: '2.3万亿元', n: 1 }, { quote: 'more than 1,000', n: 2 }, { quote: '𝟙𝟘 — ten', n: 3 }];
    const file = path.join(tmp, 'rows.ndjson');
    writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const table = new NdjsonRows<(typeof rows)[number]>(file, rows.length);
    expect([...table]).toEqual(rows);
    expect([...table]).toEqual(rows); // a second pass reads the file again
    expect(table.length).toBe(3);
    // chunks of 1 to 7 bytes cut through lines and through multi-byte characters
    for (let chunk = 1; chunk <= 7; chunk++) expect([...ndjsonLines(file, chunk)].map((l) => JSON.parse(l) as unknown)).toEqual(rows);
  });
  it('skips empty lines unless asked to keep them, and reads a last line without a newline', () => {
    const file = path.join(tmp, 'gaps.ndjson');
    writeFileSync(file, '{"a":1}\n\n{"a":2}');
    expect([...ndjsonLines(file, 3)]).toEqual(['{"a":1}', '{"a":2}']);
    expect([...ndjsonLines(file, 3, true)]).toEqual(['{"a":1}', '', '{"a":2}']);
  });
  it('reads an empty file as no rows', () => {
    const file = path.join(tmp, 'empty.ndjson');
    writeFileSync(file, '');
    expect([...new NdjsonRows(file, 0)]).toEqual([]);
  });
});

describe('NdjsonRows keeps a small file\'s rows', () => {
  it('parses a file under the bound once (the same rows on the next pass), one over it on every pass', () => {
    const file = path.join(tmp, 'keep.ndjson');
    writeFileSync(file, '{"a":1}\n{"a":2}\n');
    const small = new NdjsonRows<{ a: number }>(file, 2, 1024);
    const large = new NdjsonRows<{ a: number }>(file, 2, 8);
    const [s1, s2, l1, l2] = [[...small], [...small], [...large], [...large]];
    expect(s1).toEqual([{ a: 1 }, { a: 2 }]);
    expect(l2).toEqual(l1);
    expect(s2[0]).toBe(s1[0]); // kept: the very same objects
    expect(l2[0]).not.toBe(l1[0]); // read again
    // a pass left unfinished keeps nothing: the next one still gives every row
    const partial = new NdjsonRows<{ a: number }>(file, 2, 1024);
    for (const r of partial) if (r.a === 1) break;
    expect([...partial]).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
