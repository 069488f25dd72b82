/**
 * Per-stage progress on stderr. On a TTY one line is redrawn (done/total, pages/s, ETA). Off a TTY (a CI log)
 * nothing can be redrawn, so each stage writes whole lines instead: one when it starts, with its counts and the
 * time elapsed since the build started, and during a long stage one more every `everySeconds` (default 10) —
 * a log never stays silent until a stage ends. `quiet` silences both. Never writes to stdout.
 */
export interface ProgressSink {
  isTTY?: boolean;
  write(s: string): unknown;
}

export interface StageProgress {
  /** one unit done (a source), with how many pages it had */
  tick(pages?: number): void;
  /** clears the redrawn line; returns the stage's figures for its summary line */
  end(): { done: number; total: number; pages: number; seconds: number; pagesPerSecond: number };
}

export class Progress {
  private readonly sink: ProgressSink | null;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly everyMs: number;
  constructor(opts: { quiet?: boolean; sink?: ProgressSink; now?: () => number; everySeconds?: number } = {}) {
    const sink = opts.sink ?? process.stderr;
    this.sink = opts.quiet ? null : sink;
    this.now = opts.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.everyMs = (opts.everySeconds ?? 10) * 1000;
  }

  /** off a TTY: one whole line, stamped with the time since the build started */
  private logLine(text: string): void {
    if (this.sink && !this.live) this.sink.write(`${text} [${formatElapsed((this.now() - this.startedAt) / 1000)}]\n`);
  }

  get live(): boolean {
    return this.sink?.isTTY === true;
  }

  /** a stage without units: its name on the redrawn line (TTY only) until clear() or the next line */
  note(text: string): void {
    if (this.live && this.sink) {
      this.sink.write(`\r\x1b[2K${text}`);
      this.dirty = true;
    } else this.logLine(text);
  }

  clear(): void {
    if (this.dirty && this.sink) this.sink.write('\r\x1b[2K');
    this.dirty = false;
  }

  private dirty = false;

  stage(name: string, total: number): StageProgress {
    const start = this.now();
    let done = 0;
    let pages = 0;
    let lastDraw = -Infinity;
    let lastLine = start;
    this.logLine(`${name}: ${total} sources …`);
    const figures = () => {
      const seconds = (this.now() - start) / 1000;
      return { done, total, pages, seconds, pagesPerSecond: seconds > 0 ? pages / seconds : 0 };
    };
    const draw = (force: boolean) => {
      if (!this.live || !this.sink) return;
      const t = this.now();
      if (!force && t - lastDraw < 100) return;
      lastDraw = t;
      const f = figures();
      const eta = f.done > 0 && f.done < f.total ? (f.seconds / f.done) * (f.total - f.done) : null;
      this.sink.write(`\r\x1b[2K${formatLine(name, f, eta)}`);
    };
    draw(true);
    return {
      tick: (p = 0) => {
        done++;
        pages += p;
        draw(done === total);
        if (!this.live && done < total && this.now() - lastLine >= this.everyMs) {
          lastLine = this.now();
          const f = figures();
          this.logLine(formatLine(name, f, (f.seconds / f.done) * (f.total - f.done)));
        }
      },
      end: () => {
        if (this.live && this.sink) this.sink.write('\r\x1b[2K');
        return figures();
      },
    };
  }
}

export function formatLine(name: string, f: { done: number; total: number; pages: number; pagesPerSecond: number }, etaSeconds: number | null): string {
  const parts = [`${name}: ${f.done}/${f.total} sources`];
  if (f.pages > 0) parts.push(`${f.pages} pages, ${f.pagesPerSecond.toFixed(1)} pages/s`);
  if (etaSeconds !== null) parts.push(`ETA ${etaSeconds < 60 ? `${Math.ceil(etaSeconds)} s` : `${Math.floor(etaSeconds / 60)} min ${Math.ceil(etaSeconds % 60)} s`}`);
  return parts.join(', ');
}

/** "4.2 s", "3 min 07 s": elapsed time in a log line */
export function formatElapsed(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.floor(seconds % 60);
  return `${Math.floor(seconds / 60)} min ${String(s).padStart(2, '0')} s`;
}
