import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * poppler's word boxes (`pdftotext -bbox-layout`): an independent reading of where a PDF's words sit,
 * used to check the glyph boxes figtrail computes from pdf.js. Coordinates: PDF points, origin top-left.
 */
export interface PopplerWord {
  page: number;
  text: string;
  box: [number, number, number, number];
}

const PDFTOTEXT_CANDIDATES = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'];

/** Why the last ensurePdftotext() call returned null (empty when it found or installed it). */
export let pdftotextUnavailableReason = '';
let installAttempted = false;

function findPdftotext(): string | null {
  for (const p of PDFTOTEXT_CANDIDATES) if (existsSync(p)) return p;
  return null;
}

/**
 * The path of poppler's pdftotext, installing Debian's `poppler-utils` once (apt-get, only as root) when it
 * is missing; says so on stderr before installing. Returns null when it cannot be had (see the reason).
 */
export function ensurePdftotext(): string | null {
  pdftotextUnavailableReason = '';
  const found = findPdftotext();
  if (found) return found;
  if (installAttempted) {
    pdftotextUnavailableReason ||= 'poppler-utils install already attempted and failed';
    return null;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    pdftotextUnavailableReason = 'pdftotext is not installed and apt-get cannot be run here (not root or no apt-get)';
    return null;
  }
  installAttempted = true;
  process.stderr.write('figtrail: installing Debian package poppler-utils (pdftotext) with apt-get for the box comparison\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 600_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'poppler-utils'], { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 900_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    pdftotextUnavailableReason = `apt-get install poppler-utils failed: ${err.stderr?.toString().trim().split('\n').slice(-3).join(' | ') || err.message}`;
    return null;
  }
  const installed = findPdftotext();
  if (!installed) pdftotextUnavailableReason = 'apt-get installed poppler-utils but no pdftotext was found';
  return installed;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : all;
    }
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

/** Words of `pdftotext -bbox-layout` output (XHTML as poppler writes it: one element per line). */
export function parseBboxLayout(xhtml: string): PopplerWord[] {
  const words: PopplerWord[] = [];
  let page = 0;
  const re = /<page\b[^>]*>|<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)<\/word>/g;
  for (const m of xhtml.matchAll(re)) {
    if (m[0].startsWith('<page')) {
      page++;
      continue;
    }
    words.push({ page, text: decodeEntities(m[5]!), box: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] });
  }
  return words;
}

/** poppler's words of a PDF file. */
export function popplerWords(pdftotext: string, pdf: string | Uint8Array): PopplerWord[] {
  // bytes go in on stdin ('-'): an archived source is read once, through extract/sourceFile.ts, never by path
  const input = typeof pdf === 'string' ? {} : { input: pdf };
  const xhtml = execFileSync(pdftotext, ['-bbox-layout', '-enc', 'UTF-8', typeof pdf === 'string' ? pdf : '-', '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...input });
  return parseBboxLayout(xhtml);
}
