#!/usr/bin/env node
// Adds the lockfile entries of platform-specific optional packages (other operating systems and CPUs)
// that npm could not record because the registry mirror here does not serve them. Without them
// `npm ci` refuses the lockfile ("Missing: @rollup/rollup-darwin-x64@ from lock file"). The entries carry
// os/cpu/libc so npm skips them on every other platform; nothing is downloaded for them here.
// Usage: node .ci/complete-lockfile.mjs   (after `npm install`; then check with `npm ci --dry-run`)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const pkgs = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony', 'wasi'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  let cpu = parts.find((p) => CPU.includes(p));
  if (!cpu && parts.includes('gnueabihf')) cpu = 'arm';
  if (!cpu && parts.includes('musleabihf')) cpu = 'arm';
  const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf')) ? 'glibc' : null;
  return { os: os ?? (parts.includes('wasi') ? 'wasi' : null), cpu: cpu ?? null, libc };
}

let out = '';
try {
  out = execFileSync('npm', ['ci', '--dry-run', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
}
const missing = [...out.matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
let added = 0;
for (const name of missing) {
  // the version the parent asks for, and whether the parent is a dev dependency
  const parent = Object.entries(pkgs).find(([, p]) => p.optionalDependencies && name in p.optionalDependencies);
  if (!parent) {
    console.error(`no parent lists ${name} as an optional dependency; left alone`);
    continue;
  }
  const [, p] = parent;
  const { os, cpu, libc } = platformOf(name);
  if (!os && !cpu) {
    console.error(`cannot tell the platform of ${name}; left alone`);
    continue;
  }
  const entry = { version: p.optionalDependencies[name] };
  if (cpu) entry.cpu = [cpu];
  if (p.dev) entry.dev = true;
  if (libc) entry.libc = [libc];
  entry.optional = true;
  if (os) entry.os = [os];
  pkgs[`node_modules/${name}`] = entry;
  added++;
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} of ${missing.length} missing optional platform entries`);
