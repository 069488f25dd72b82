import { LineCounter, parseDocument, type Document } from 'yaml';

/**
 * A YAML text parsed so that every problem can name its line: the data, the parse errors with their lines,
 * and the line of the node at any path (or of its nearest parent that exists). The dataset loader and the
 * eval gold reader both report `file:line: …` through it.
 */
export interface YamlWithLines {
  doc: Document;
  data: unknown;
  /** parse errors, each "line: message" ready to prefix with the file */
  errors: { line: number; message: string }[];
  /** 1-based line of a character offset */
  lineOf(offset: number): number;
  /** 1-based line of the node at a path, or of the nearest ancestor that exists; 1 for the document */
  lineAt(at: readonly PropertyKey[]): number;
}

export function parseYamlWithLines(text: string): YamlWithLines {
  const counter = new LineCounter();
  // uniqueKeys: a key written twice is a mistake, not an override
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => counter.linePos(offset).line;
  return {
    doc,
    data: doc.errors.length ? undefined : (doc.toJS() as unknown),
    errors: doc.errors.map((e) => ({ line: lineOf(e.pos[0]), message: e.message.split('\n')[0]! })),
    lineOf,
    lineAt(at) {
      for (let n = at.length; n >= 0; n--) {
        const node = (n === 0 ? doc.contents : doc.getIn(at.slice(0, n) as (string | number)[], true)) as { range?: [number, number, number] } | null | undefined;
        if (node && typeof node === 'object' && node.range) return lineOf(node.range[0]);
      }
      return 1;
    },
  };
}
