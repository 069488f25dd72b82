/**
 * Text from a manifest or a document (file names, ids, titles, quotes) printed to a terminal: every character
 * a terminal acts on instead of printing — C0 controls (ESC starts colour, cursor and title sequences, BEL,
 * CR overwrites the line, LF forges a new one), DEL, C1 controls (U+009B is a one-byte CSI) and the bidi
 * overrides that reorder what is shown — is written as a visible escape (`\x1b`, `\u202e`), so the reader
 * sees what the file holds and the terminal is never driven by it. Backslashes are left alone: the result
 * holds no control character, so escaping twice changes nothing.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One line for a terminal or a log: control characters, newlines included, escaped. */
export function terminalText(s: string): string {
  return s.replace(CONTROL, escapeOne);
}

/** Several lines the program composed itself: each line escaped, the newlines between them kept. */
export function terminalLines(s: string): string {
  return s.split('\n').map(terminalText).join('\n');
}
