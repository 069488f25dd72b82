import path from 'node:path';
import { readHtmlTextLayer } from '../extract/html.js';
import { loadLexicon } from '../extract/lexicon.js';
import { sha256Hex } from '../extract/manifest.js';
import { extractMentions } from '../extract/mentions.js';
import { projectRoot } from '../pipeline/build.js';

/** Text layer + mentions of one HTML file, in this process (no worker, no cache): how many mentions it gives. */
export function extractHtml(bytes: Uint8Array): number {
  const root = projectRoot();
  const sha = sha256Hex(bytes);
  const lexicon = loadLexicon(path.join(root, 'dataset', 'vocabulary'));
  const layer = readHtmlTextLayer(bytes, { sourceId: 'bench', sha256: sha });
  return extractMentions(layer, { sourceId: 'bench', sha256: sha, published: null }, lexicon).mentions.length;
}
