import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../extract/manifest.js';
import { manyFiguresHtml } from './hostileInputs.js';

/**
 * No input kills the build, however often it is tried. A page of 20,000 figures in one sentence, read under a 76 MB
 * heap, runs its extraction out of heap late, while its 20,000 mentions are encoded. When extraction ran in worker
 * threads, V8's fatal out-of-heap error then aborted the whole build in 2 runs of 6 (exit 134, no output: Node
 * issue #47224) and failed the source cleanly in the others. In a child process per worker it takes down only that
 * child. The build runs in a child process of its own (`figtrail build`), so a crash is seen as one, not as this
 * test runner dying. (Uses the compiled CLI, dist/: `npm test` compiles first.)
 */
const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-out-of-heap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RUNS = 5;
const HEAP_MB = 76;

/** Runs `figtrail build` in its own process; status and signal as it ended. */
function figtrailBuild(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'figtrail.js'), 'build', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

function said(stderr: string): string[] {
  const lines = stderr.split('\n').filter(Boolean);
  const fatal = lines.filter((l) => /FATAL ERROR|Fatal javascript OOM/.test(l));
  return fatal.length ? fatal : lines.slice(-3);
}

describe('a source that runs its extraction out of heap', () => {
  it(`fails by name and the others are published, in each of ${RUNS} builds`, { timeout: 600_000 }, async () => {
    const dir = path.join(tmp, 'sources');
    mkdirSync(dir);
    const files = [
      { id: 'a-figures', file: 'figures.html', bytes: manyFiguresHtml(20_000) },
      { id: 'b-good', file: 'good.html', bytes: new Uint8Array(Buffer.from('<html><body><main><p>In 2023 there were 178 national high-tech zones.</p></main></body></html>')) },
    ];
    const manifest = files.map(({ id, file, bytes }) => {
      writeFileSync(path.join(dir, file), bytes);
      return { id, file, media_type: 'text/html', title: id, publisher: null, original_url: null, published: '2024-03-01', capture: 'test', notes: null, sha256: sha256Hex(bytes) };
    });
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));

    const runs: unknown[] = [];
    for (let run = 0; run < RUNS; run++) {
      const out = path.join(tmp, `out-${run}`);
      const r = await figtrailBuild(['--sources', dir, '--out', out, '--no-cache', '--no-site', '--keep-going', '--quiet', '--max-heap-mb', String(HEAP_MB)]);
      const published = existsSync(path.join(out, 'errors.json'));
      const read = <T>(name: string): T => JSON.parse(readFileSync(path.join(out, name), 'utf8')) as T;
      runs.push({
        run,
        status: r.status,
        signal: r.signal,
        // what a crashed build said (V8's fatal error line, else its last lines), so that a failure shows it
        ...(r.status === 0 ? {} : { stderr: said(r.stderr) }),
        errors: published ? read<{ source_id: string; reason: string; message: string }[]>('errors.json').map((e) => [e.source_id, e.reason, e.message]) : 'no output',
        mentions: published ? read<{ source_id: string; value: number }[]>('mentions.json').map((m) => [m.source_id, m.value]) : 'no output',
      });
      rmSync(out, { recursive: true, force: true });
    }
    expect(runs).toEqual(
      Array.from({ length: RUNS }, (_, run) => ({
        run,
        status: 0,
        signal: null,
        errors: [['a-figures', 'too_complex', `a-figures: ran out of its ${HEAP_MB} MB heap (--max-heap-mb)`]],
        mentions: [['b-good', 178]],
      })),
    );
  });
});
