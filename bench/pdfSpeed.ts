/**
 * The bench's PDF extraction figures: figtrail's text layer with positions (readPdfTextLayer: glyph edges,
 * layout, reading order) in one thread and over 2 workers, against pdf-parse's getText() in one process and
 * pdftotext. Each reader runs in its own child process (bench/pdfChild.ts), and the readers take turns within
 * each round (the order reversed every other round), so on a machine shared with other work the ratios of
 * one round compare runs made under about the same load. Medians over the rounds, with their spread.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PdfSpeedContext {
  files: string[];
  rounds: number;
  /** the pdftotext comparison runs when true */
  poppler: boolean;
  tmp: string;
  cwd: string;
  track(child: ChildProcess): void;
  say(line: string): void;
  target(name: string, met: boolean, detail: string): void;
}

type Reader = 'figtrail-1' | 'figtrail-2' | 'pdf-parse' | 'pdftotext';

interface Run {
  seconds: number;
  /** CPU time of the reader's process (all threads); pdftotext: not measured */
  cpuSeconds?: number;
  pages: number;
  startSeconds?: number;
  /** CPU time of the reader's JavaScript thread alone (Linux; one-thread readers only) */
  jsThreadCpuSeconds?: number;
}

const childJs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pdfChild.js');

function pdfChild(args: string[], ctx: PdfSpeedContext): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [childJs, ...args], { cwd: ctx.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: ctx.tmp } });
    ctx.track(p);
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop()!) as Run);
      } catch {
        reject(new Error(`bench pdfChild ${args[0]} failed:\n${err.slice(-2000)}`));
      }
    });
  });
}

async function measure(reader: Reader, ctx: PdfSpeedContext, pages: number): Promise<Run> {
  if (reader === 'figtrail-1') return pdfChild(['figtrail-1', ...ctx.files], ctx);
  if (reader === 'figtrail-2') return pdfChild(['figtrail-N', '2', ...ctx.files], ctx);
  if (reader === 'pdf-parse') return pdfChild(['pdf-parse', ...ctx.files], ctx);
  const t0 = performance.now();
  for (const f of ctx.files) execFileSync('pdftotext', [f, path.join(ctx.tmp, 'pdftotext.txt')]);
  return { seconds: (performance.now() - t0) / 1000, pages };
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchPdfSpeed(ctx: PdfSpeedContext): Promise<void> {
  const readers: Reader[] = ['figtrail-1', 'pdf-parse', 'figtrail-2', ...(ctx.poppler ? (['pdftotext'] as const) : [])];
  const pps: Record<Reader, number[]> = { 'figtrail-1': [], 'figtrail-2': [], 'pdf-parse': [], pdftotext: [] };
  const ratios = { one: [] as number[], two: [] as number[], onePoppler: [] as number[], twoPoppler: [] as number[] };
  const starts: number[] = [];
  const cpuPerPage: Record<Reader, number[]> = { 'figtrail-1': [], 'figtrail-2': [], 'pdf-parse': [], pdftotext: [] };
  const jsCpuPerPage: Record<Reader, number[]> = { 'figtrail-1': [], 'figtrail-2': [], 'pdf-parse': [], pdftotext: [] };
  let pages = 0;
  for (let k = 0; k < ctx.rounds; k++) {
    const order = k % 2 === 0 ? readers : readers.slice().reverse();
    const round = {} as Record<Reader, number>;
    for (const r of order) {
      const run = await measure(r, ctx, pages);
      if (r !== 'pdftotext') pages = run.pages;
      round[r] = run.pages / run.seconds;
      pps[r].push(round[r]);
      if (run.startSeconds !== undefined) starts.push(run.startSeconds);
      if (run.cpuSeconds !== undefined) cpuPerPage[r].push((1000 * run.cpuSeconds) / run.pages);
      if (run.jsThreadCpuSeconds !== undefined) jsCpuPerPage[r].push((1000 * run.jsThreadCpuSeconds) / run.pages);
    }
    ratios.one.push(round['figtrail-1'] / round['pdf-parse']);
    ratios.two.push(round['figtrail-2'] / round['pdf-parse']);
    if (ctx.poppler) {
      ratios.onePoppler.push(round['figtrail-1'] / round.pdftotext);
      ratios.twoPoppler.push(round['figtrail-2'] / round.pdftotext);
    }
  }
  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  const spread = (xs: number[]) => `[${f2(Math.min(...xs))}–${f2(Math.max(...xs))}]`;
  const line = (xs: number[]) => `${f2(median(xs))}× ${spread(xs)}`;
  ctx.say('');
  // on a shared machine the 2-worker figure depends on free cores, the one-thread ratios much less
  ctx.say(`(load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores when the PDF rounds ended)`);
  ctx.say(`PDF text extraction, ${ctx.files.length} PDFs (${pages} pages); each reader in its own process, in turns, ${ctx.rounds} rounds; medians [min–max]:`);
  ctx.say(`  figtrail readPdfTextLayer (positions, layout), one thread   ${f1(median(pps['figtrail-1']))} pages/s`);
  ctx.say(`  figtrail readPdfTextLayer, 2 workers                       ${f1(median(pps['figtrail-2']))} pages/s  (once started: worker start-up ${f2(median(starts))} s, not counted)`);
  ctx.say(`  pdf-parse getText(), one process                           ${f1(median(pps['pdf-parse']))} pages/s`);
  if (ctx.poppler) ctx.say(`  pdftotext (poppler), a process per file                    ${f1(median(pps.pdftotext))} pages/s`);
  else ctx.say('  pdftotext: not available');
  const ms = (r: Reader) => (cpuPerPage[r].length ? `${f1(median(cpuPerPage[r]))} ms` : 'not measured (child processes)');
  ctx.say(`  CPU per page (all threads): figtrail one thread ${ms('figtrail-1')}, 2 workers ${ms('figtrail-2')}, pdf-parse ${ms('pdf-parse')}`);
  // A fresh process spends much of a short run warming up: V8's optimising compiler and GC run on threads of their own
  // beside the JavaScript thread (on 2 cores they take the second core from a second worker), and every worker warms
  // up again for itself: why 2 workers cost more CPU per page than one thread
  if (jsCpuPerPage['figtrail-1'].length && jsCpuPerPage['pdf-parse'].length) {
    const split = (r: Reader) => `${f1(median(jsCpuPerPage[r]))} ms + ${f1(median(cpuPerPage[r]) - median(jsCpuPerPage[r]))} ms`;
    ctx.say(`    of which JavaScript thread + V8's compiler/GC threads: figtrail one thread ${split('figtrail-1')}, pdf-parse ${split('pdf-parse')}`);
  }
  ctx.say(`  figtrail one thread / pdf-parse   ${line(ratios.one)}`);
  ctx.say(`  figtrail 2 workers / pdf-parse    ${line(ratios.two)}`);
  if (ctx.poppler) ctx.say(`  figtrail / pdftotext              one thread ${line(ratios.onePoppler)}, 2 workers ${line(ratios.twoPoppler)}`);
  ctx.target('PDF extraction with positions, one thread ≥ 1.0× one pdf-parse process', median(ratios.one) >= 1.0, line(ratios.one));
  ctx.target('PDF extraction with positions, 2 workers ≥ 1.8× one pdf-parse process', median(ratios.two) >= 1.8, line(ratios.two));
}
