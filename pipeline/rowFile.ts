import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The rows of a newline-delimited JSON file, read again from disk on each iteration (in 1 MiB chunks), so a
 * build never holds a whole table of a large corpus in memory: 100,000 mentions are ~280 MB as JS objects,
 * against one chunk and one row at a time here. Iterating costs one JSON.parse per row (~0.6 s per 100,000
 * mentions), so callers make as few passes as they can.
 */
export class NdjsonRows<T> implements Iterable<T> {
  constructor(
    readonly file: string,
    /** how many rows the file holds (known to whoever wrote it) */
    readonly length: number,
  ) {}

  *[Symbol.iterator](): Iterator<T> {
    for (const line of ndjsonLines(this.file)) yield JSON.parse(line) as T;
  }
}

/** The non-empty lines of a file (every line with keepEmpty), read in chunks (a line may span chunks; UTF-8 is decoded per whole line). */
export function* ndjsonLines(file: string, chunkBytes = 1 << 20, keepEmpty = false): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(chunkBytes);
    let carry: Buffer[] = [];
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let from = 0;
      for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < n; nl = buf.indexOf(10, from)) {
        const piece = buf.subarray(from, nl);
        const line = carry.length ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8');
        carry = [];
        from = nl + 1;
        if (line.length || keepEmpty) yield line;
      }
      if (from < n) carry.push(Buffer.from(buf.subarray(from, n)));
    }
    const rest = Buffer.concat(carry).toString('utf8');
    if (rest.length) yield rest;
  } finally {
    closeSync(fd);
  }
}
