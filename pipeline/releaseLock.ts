/**
 * One release at a time per out folder. Two releases that both read versions.json before either wrote it
 * used to both succeed (v1.1.1 and v1.2.0 with the same data); under this lock the second one starts after
 * the first has finished and sees its version.
 *
 * The lock is a file created exclusively (O_CREAT|O_EXCL) holding the holder's PID and a random token. A
 * holder that no longer runs (killed) left a stale lock: it is removed with a message. A live holder is
 * waited for, up to a limit. Only the token's owner removes the lock.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export class ReleaseLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseLockError';
  }
}

interface LockContent {
  pid: number;
  token: string;
  started: string;
}

export const RELEASE_LOCK = '.release.lock';

/** Whether a process with this id is alive (signal 0; EPERM: alive, another user's) */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): { text: string; content: Partial<LockContent> | null } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null; // gone meanwhile
  }
  try {
    return { text, content: JSON.parse(text) as Partial<LockContent> };
  } catch {
    return { text, content: null };
  }
}

export interface LockOptions {
  log?: (line: string) => void;
  /** how long to wait for a live holder (default 10 minutes) */
  waitMs?: number;
  pollMs?: number;
}

/** Runs fn holding outDir's release lock. */
export async function withReleaseLock<T>(outDir: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const file = path.join(outDir, RELEASE_LOCK);
  const log = opts.log ?? (() => {});
  const waitMs = opts.waitMs ?? 600_000;
  const pollMs = opts.pollMs ?? 100;
  const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
  const since = Date.now();
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${JSON.stringify({ pid: process.pid, token, started: new Date().toISOString() } satisfies LockContent)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(file);
    if (held === null) continue;
    const { content } = held;
    // a lock file still being written has no content yet: give it a moment before calling it stale
    let age = 0;
    try {
      age = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue;
    }
    const stale = content === null || typeof content.pid !== 'number' ? age > 10_000 : !pidAlive(content.pid);
    if (stale) {
      // remove it only if it is still the same lock (another waiter may have replaced it meanwhile)
      if (readLock(file)?.text === held.text) {
        rmSync(file, { force: true });
        log(`release: removed a stale lock ${file} (${content?.pid === undefined ? 'unreadable' : `PID ${content.pid} no longer runs`}); a release was interrupted`);
      }
      continue;
    }
    if (!announced) {
      log(`release: waiting for the release running as PID ${content!.pid} (${file})`);
      announced = true;
    }
    if (Date.now() - since > waitMs) throw new ReleaseLockError(`another release (PID ${content!.pid}) has held ${file} for more than ${Math.round(waitMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  try {
    return await fn();
  } finally {
    if (readLock(file)?.content?.token === token) rmSync(file, { force: true });
  }
}
