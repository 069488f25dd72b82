import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's `chromium` package puts the browser (and a few other usual places). */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Why the last ensureChromium() call returned null (empty when it found or installed a browser). */
export let chromiumUnavailableReason = '';

function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const p of CHROMIUM_CANDIDATES) if (existsSync(p)) return p;
  return null;
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

let installAttempted = false;

/**
 * The path of a Chromium to drive with playwright-core, installing Debian's `chromium` package once
 * (apt-get, only when running as root) if none is present. Never downloads a Playwright browser.
 * Returns null when no browser can be had; `chromiumUnavailableReason` then says why.
 */
export function ensureChromium(): string | null {
  chromiumUnavailableReason = '';
  const found = findChromium();
  if (found) return found;
  if (installAttempted) {
    chromiumUnavailableReason ||= 'chromium install already attempted and failed';
    return null;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    chromiumUnavailableReason = 'chromium is not installed and this process is not root (cannot apt-get install chromium)';
    return null;
  }
  if (!hasCommand('apt-get')) {
    chromiumUnavailableReason = 'chromium is not installed and apt-get is not available';
    return null;
  }
  installAttempted = true;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 600_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 900_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    chromiumUnavailableReason = `apt-get install chromium failed: ${err.stderr?.toString().trim().split('\n').slice(-3).join(' | ') || err.message}`;
    return null;
  }
  const installed = findChromium();
  if (!installed) chromiumUnavailableReason = 'apt-get installed chromium but no chromium binary was found';
  return installed;
}
