/**
 * One pdf.js worker per thread, talking over a port that copies messages in JavaScript.
 *
 * Why: on Node pdf.js runs its "worker" in the calling thread (a fake worker), and by default every document gets
 * a new one whose port (pdf.js's LoopbackPort) passes each message through `structuredClone`: every chunk of text
 * items is serialised and deserialised within one thread, about a tenth of the reader's CPU time. This port copies instead what a message is made of — arrays and plain objects, recursively — and
 * hands over everything else as it is (typed arrays and buffers, pdf.js's own class instances such as glyphs,
 * strings and numbers): nothing is shared that either side changes after sending (pdf.js clears an operator list's
 * arrays once it has sent them, so those are copied), and both sides only read what they receive. A message
 * nested deeper than the copy goes (never seen) is cloned as before.
 *
 * A chunk of text content (the reader's bulk: every item of every page) is copied one level only, its items are
 * handed over: pdf.js's text pass reuses the chunk object but gives it a new items array once it has sent one, and
 * never touches a sent item again (each item and its transform are made new; src/core/evaluator.js getTextContent).
 *
 * The port and its worker are made once per thread and serve every document read in it (each document still has
 * its own handler on the worker side, opened by getDocument and closed by its destroy()).
 */
import { getDocument, PDFWorker, WorkerMessageHandler } from './pdfjs.js';

type Listener = (event: { data: unknown }) => void;

/** Deeper than this a message is cloned by structuredClone (a cycle, or a shape pdf.js does not send today). */
const MAX_COPY_DEPTH = 48;

class TooDeep extends Error {}

function copy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth > MAX_COPY_DEPTH) throw new TooDeep();
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i], depth + 1);
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

/** pdf.js's StreamKind.ENQUEUE (src/shared/message_handler.js): a message carrying one chunk of a stream. */
const STREAM_ENQUEUE = 4;

/** A text-content chunk ({items, styles, lang}) with its items handed over (see above); else null. */
function textChunkMessage(obj: unknown): unknown {
  const m = obj as { stream?: unknown; chunk?: { items?: unknown } } | null;
  if (typeof m !== 'object' || m === null || m.stream !== STREAM_ENQUEUE || Object.getPrototypeOf(m) !== Object.prototype) return null;
  const chunk = m.chunk;
  if (typeof chunk !== 'object' || chunk === null || !Array.isArray(chunk.items) || Object.getPrototypeOf(chunk) !== Object.prototype) return null;
  return { ...m, chunk: { ...chunk } };
}

/** What LoopbackPort does, with `copy` for `structuredClone`: both ends of the channel share it. */
export class CopyingPort {
  readonly #listeners = new Set<Listener>();
  readonly #deferred = Promise.resolve();

  postMessage(obj: unknown, transfer?: unknown[]): void {
    let data: unknown;
    try {
      data = textChunkMessage(obj) ?? copy(obj, 0);
    } catch (e) {
      if (!(e instanceof TooDeep)) throw e;
      data = structuredClone(obj, transfer ? ({ transfer } as Parameters<typeof structuredClone>[1]) : undefined);
    }
    const event = { data };
    void this.#deferred.then(() => {
      for (const listener of this.#listeners) listener.call(this, event);
    });
  }

  addEventListener(_name: string, listener: Listener): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_name: string, listener: Listener): void {
    this.#listeners.delete(listener);
  }

  terminate(): void {
    this.#listeners.clear();
  }
}

let shared: InstanceType<typeof PDFWorker> | null = null;

/** The thread's pdf.js worker (made on first use). */
export function pdfWorker(): InstanceType<typeof PDFWorker> {
  if (shared === null || shared.destroyed) {
    const port = new CopyingPort();
    WorkerMessageHandler.initializeFromPort(port);
    // verbosity 0: pdf.js's warnings about a damaged file are not the build's log (a file it cannot read fails by name)
    shared = new PDFWorker({ port: port as unknown as null, verbosity: 0 });
  }
  return shared;
}

export { getDocument };
