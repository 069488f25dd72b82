/**
 * Where the next of a few needles occurs in a text at or after a position, found by the engine's native
 * String.prototype.indexOf (a memchr-like search, several times faster than a loop over charCodeAt in JS).
 *
 * Each needle's last answer is kept with the position it was searched from, so a text asked about in
 * increasing order costs one pass per needle in all, however often it is asked, and a needle that never
 * occurs is searched for once, not once per question. Asked out of order it stays right (a kept answer is
 * used only when the question lies between the position it was searched from and the answer).
 */
export class NextOf {
  private readonly text: string;
  private readonly needles: readonly string[];
  /** per needle: where its kept answer was searched from (past the end: nothing kept yet) */
  private readonly from: Int32Array;
  /** per needle: the kept answer (text.length: none at or after `from`) */
  private readonly at: Int32Array;

  constructor(text: string, needles: readonly string[]) {
    if (needles.some((n) => n === '')) throw new RangeError('NextOf: an empty needle is everywhere');
    this.text = text;
    this.needles = needles;
    this.from = new Int32Array(needles.length).fill(text.length + 1);
    this.at = new Int32Array(needles.length);
  }

  /** The least index ≥ `pos` where one of the needles starts, or text.length when none does. */
  next(pos: number): number {
    const len = this.text.length;
    if (pos >= len) return len;
    let best = len;
    for (let k = 0; k < this.needles.length; k++) {
      let a = this.at[k]!;
      if (pos < this.from[k]! || pos > a) {
        const i = this.text.indexOf(this.needles[k]!, pos);
        a = i < 0 ? len : i;
        this.from[k] = pos;
        this.at[k] = a;
      }
      if (a < best) best = a;
    }
    return best;
  }
}
