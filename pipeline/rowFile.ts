import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * The rows of a newline-delimited JSON file, read again from disk on each iteration (in 1 MiB chunks), so a
 * build never holds a whole table of a large corpus in memory: 100,000 mentions are ~280 MB as JS objects,
 * against one chunk and one row at a time here. A pass costs one JSON.parse per row (~0.6 s per 100,000
 * mentions), so a small file (up to `keepBelowBytes`, 16 MB: ~17,000 mentions, ~50 MB as objects) is parsed
 * once and its rows kept: memory grows with the corpus only up to that bound.
 */
export class NdjsonRows<T> implements Iterable<T> {
  private kept: T[] | null = null;
  constructor(
    readonly file: string,
    /** how many rows the file holds (known to whoever wrote it) */
    readonly length: number,
    private readonly keepBelowBytes = 16 * 1024 * 1024,
  ) {}

  *[Symbol.iterator](): Iterator<T> {
    if (this.kept) return yield* this.kept;
    const keep = statSync(this.file).size <= this.keepBelowBytes ? ([] as T[]) : null;
    for (const line of ndjsonLines(this.file)) {
      const row = JSON.parse(line) as T;
      keep?.push(row);
      yield row;
    }
    this.kept = keep;
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
