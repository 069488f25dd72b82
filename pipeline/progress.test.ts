import { describe, expect, it } from 'vitest';
import { formatLine, Progress } from './progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, s: { isTTY, write: (x: string) => writes.push(x) } };
}

describe('progress', () => {
  it('on a TTY redraws one line with done/total, pages/s and ETA, and clears it at the end', () => {
    let t = 0;
    const { writes, s } = sink(true);
    const stage = new Progress({ sink: s, now: () => t }).stage('extract', 4);
    t = 1000;
    stage.tick(10);
    t = 2000;
    stage.tick(10);
    const f = stage.end();
    expect(f).toEqual({ done: 2, total: 4, pages: 20, seconds: 2, pagesPerSecond: 10 });
    expect(writes.every((w) => w.startsWith('\r'))).toBe(true);
    expect(writes.some((w) => w.includes('extract: 2/4 sources, 20 pages, 10.0 pages/s, ETA 2 s'))).toBe(true);
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('with quiet it writes nothing, on a TTY or off it', () => {
    for (const tty of [true, false]) {
      const { writes, s } = sink(tty);
      const stage = new Progress({ sink: s, quiet: true }).stage('extract', 2);
      stage.tick(1);
      stage.tick(1);
      expect(stage.end().done).toBe(2);
      expect(writes).toEqual([]);
    }
  });

  it('off a TTY (a CI log) writes whole lines: each stage as it starts, with counts and elapsed time, and a long stage every 10 s', () => {
    let t = 0;
    const { writes, s } = sink(false);
    const p = new Progress({ sink: s, now: () => t });
    const stage = p.stage('extract', 3);
    t = 4000;
    stage.tick(5); // 4 s since the stage started: too soon for another line
    t = 15000;
    stage.tick(7);
    t = 20000;
    stage.tick(1); // the last source: the build's own summary line follows
    stage.end();
    t = 95000;
    p.note('reconcile: 1234 mentions …');
    p.clear();
    expect(writes).toEqual([
      'extract: 3 sources … [0.0 s]\n',
      'extract: 2/3 sources, 12 pages, 0.8 pages/s, ETA 8 s [15.0 s]\n',
      'reconcile: 1234 mentions … [1 min 35 s]\n',
    ]);
    expect(writes.join('')).not.toMatch(/\r|\x1b/);
  });

  it('shows a unit-less stage by name on a TTY and clears it once', () => {
    const { writes, s } = sink(true);
    const p = new Progress({ sink: s });
    p.note('checks …');
    p.clear();
    p.clear();
    expect(writes).toEqual(['\r\x1b[2Kchecks …', '\r\x1b[2K']);
  });

  it('formats ETAs over a minute in minutes and seconds', () => {
    expect(formatLine('x', { done: 1, total: 3, pages: 0, pagesPerSecond: 0 }, 125)).toBe('x: 1/3 sources, ETA 2 min 5 s');
  });
});
