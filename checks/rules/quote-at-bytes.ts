import iconv from 'iconv-lite';
import { decodeHTML } from 'entities';
import type { Mention } from '../../extract/records.js';
import type { Check, CheckContext, Finding } from '../types.js';
import { finding, groupBy, isHtml, mentionPlace } from '../util.js';

export const RULE_ID = 'quote-at-bytes';

/**
 * The charset of an HTML file: a BOM, else `<meta charset>` / `<meta http-equiv content="…charset=…">`
 * in the first 1024 bytes (the HTML standard's prescan window), else UTF-8.
 */
export function sniffCharset(raw: Uint8Array): string {
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return 'utf-8';
  if (raw[0] === 0xfe && raw[1] === 0xff) return 'utf-16be';
  if (raw[0] === 0xff && raw[1] === 0xfe) return 'utf-16le';
  const head = Buffer.from(raw.subarray(0, 1024)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head);
  return m ? m[1]!.toLowerCase() : 'utf-8';
}

/** Decodes bytes; fails (throws) on malformed UTF-8 or an unknown charset instead of guessing. */
export function decodeBytes(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-8' || charset === 'utf8') return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  if (!iconv.encodingExists(charset)) throw new Error(`unsupported charset ${charset}`);
  return iconv.decode(Buffer.from(bytes), charset, { stripBOM: false });
}

function collapse(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/** Raw HTML → text as the quote would read: tags removed (or read as spaces), entities decoded, whitespace collapsed. */
export function htmlToComparable(html: string, tagAs: '' | ' '): string {
  return collapse(decodeHTML(html.replace(/<!--[\s\S]*?-->/g, tagAs).replace(/<[^>]*>/g, tagAs)));
}

/** HTML mentions: the raw bytes [byte_start, byte_end), decoded and stripped of markup, read as the quote. */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const mediaType = new Map(ctx.sources.map((s) => [s.source_id, s.media_type]));
  const html: Mention[] = [];
  for (const m of ctx.mentions) if (isHtml(mediaType.get(m.source_id)) || m.byte_start !== null || m.byte_end !== null) html.push(m);
  const bySource = groupBy(html, (m) => m.source_id);
  for (const sourceId of [...bySource.keys()].sort()) {
    const ms: Mention[] = bySource.get(sourceId)!;
    let raw: Uint8Array;
    try {
      raw = await ctx.readRaw(sourceId);
    } catch (e) {
      out.push(finding(RULE_ID, 'error', 'fail', `${sourceId}: cannot read raw file: ${(e as Error).message}`, { source_id: sourceId }));
      continue;
    }
    const charset = sniffCharset(raw);
    let bad = 0;
    for (const m of ms) {
      const place = mentionPlace(m);
      const want = collapse(m.quote);
      const fail = (message: string, actual: string | null): void => {
        bad++;
        out.push(finding(RULE_ID, 'error', 'fail', `${m.mention_id}: ${message}`, place, actual, want));
      };
      if (m.byte_start === null || m.byte_end === null) {
        fail('HTML mention without byte offsets', null);
        continue;
      }
      if (!(m.byte_start >= 0 && m.byte_start < m.byte_end && m.byte_end <= raw.length)) {
        fail(`bytes [${m.byte_start}, ${m.byte_end}) are not inside the raw file of ${raw.length} bytes`, null);
        continue;
      }
      let decoded: string;
      try {
        decoded = decodeBytes(raw.subarray(m.byte_start, m.byte_end), charset);
      } catch (e) {
        fail(`bytes [${m.byte_start}, ${m.byte_end}) do not decode as ${charset}: ${(e as Error).message}`, null);
        continue;
      }
      const glued = htmlToComparable(decoded, '');
      if (glued === want) continue;
      const spaced = htmlToComparable(decoded, ' ');
      if (spaced === want) continue;
      fail(`raw bytes [${m.byte_start}, ${m.byte_end}) read ${JSON.stringify(glued)}, quote is ${JSON.stringify(want)}`, glued);
    }
    if (bad === 0) out.push(finding(RULE_ID, 'info', 'pass', `${sourceId}: all ${ms.length} quotes at their raw bytes (${charset})`, { source_id: sourceId }));
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  description: 'HTML mentions: raw bytes [byte_start, byte_end), decoded, tags stripped, entities decoded, read as the quote.',
  run,
  // one source's findings come from its own rows and text layer alone
  bySource: run,
};
