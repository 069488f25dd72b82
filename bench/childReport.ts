import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs a bench child script (`node childJs ...args`) and reads the JSON report it writes on exit to the file named
 * by FIGTRAIL_BENCH_REPORT. TMPDIR points into the bench's own temp folder, so whatever a child leaves there (it
 * may be killed) goes with it. `accept` refuses a report that stands for a failed run; the error then carries the
 * tail of the child's stderr. The wall time counts from the spawn.
 */
export function runReportingChild<R extends object>(
  childJs: string,
  args: string[],
  ctx: { cwd: string; tmp: string; track(child: ChildProcess): void },
  accept: (report: R) => void,
): Promise<R & { wall: number }> {
  const reportFile = path.join(ctx.tmp, `report-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [childJs, ...args], { cwd: ctx.cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FIGTRAIL_BENCH_REPORT: reportFile, TMPDIR: ctx.tmp } });
    ctx.track(p);
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', () => {
      const wall = (performance.now() - t0) / 1000;
      try {
        const r = JSON.parse(readFileSync(reportFile, 'utf8')) as R;
        accept(r);
        resolve({ ...r, wall });
      } catch {
        reject(new Error(`bench child ${path.basename(childJs)} ${args.join(' ')} failed:\n${err.slice(-2000)}`));
      }
    });
  });
}
