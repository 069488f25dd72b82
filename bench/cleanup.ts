import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A temp folder removed however the process ends: normal exit, an exception, or SIGINT/SIGTERM (Ctrl-C, a CI
 * timeout). On a signal the child processes still running are stopped first, so none writes into the
 * folder after it is gone; then the process exits with 128 + the signal number.
 */
export function tempFolderRemovedOnExit(prefix: string): { dir: string; track(child: ChildProcess): void; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const children = new Set<ChildProcess>();
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', remove);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      for (const c of children) c.kill('SIGKILL');
      remove();
      process.stderr.write(`\nbench: ${signal}: stopped; removed ${dir}\n`);
      process.exit(code);
    });
  }
  return {
    dir,
    track(child: ChildProcess) {
      children.add(child);
      child.on('exit', () => children.delete(child));
    },
    remove,
  };
}
