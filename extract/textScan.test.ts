import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NextOf } from './textScan.js';

/** the answer by a plain loop: the least index ≥ pos where a needle starts, else text.length */
function naive(text: string, needles: string[], pos: number): number {
  for (let i = Math.max(0, pos); i < text.length; i++) if (needles.some((n) => text.startsWith(n, i))) return i;
  return text.length;
}

describe('NextOf', () => {
  it('finds the nearest of several needles at or after a position', () => {
    const next = new NextOf('a.b!c  d.', ['.', '!', '  ']);
    expect(next.next(0)).toBe(1);
    expect(next.next(1)).toBe(1);
    expect(next.next(2)).toBe(3);
    expect(next.next(4)).toBe(5);
    expect(next.next(6)).toBe(8);
    expect(next.next(9)).toBe(9);
    expect(new NextOf('abc', ['.']).next(0)).toBe(3);
  });

  it('answers as a plain scan whatever order it is asked in (kept answers are reused only where they hold)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '.', '!', ' ', '\n'), maxLength: 60 }),
        fc.array(fc.nat({ max: 70 }), { maxLength: 30 }),
        fc.boolean(),
        (text, positions, sorted) => {
          const needles = ['.', '!', ' \n'];
          const next = new NextOf(text, needles);
          const asked = sorted ? [...positions].sort((a, b) => a - b) : positions;
          for (const p of asked) expect(next.next(p)).toBe(naive(text, needles, p));
        },
      ),
    );
  });

  it('refuses an empty needle (it would be found everywhere)', () => {
    expect(() => new NextOf('abc', ['.', ''])).toThrow(RangeError);
  });
});
