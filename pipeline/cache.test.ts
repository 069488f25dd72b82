import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, type EncodedResult } from './cache.js';

// an entry written for this test: a layout and mentions with 2-, 3- and 4-byte characters, quotes and newlines
const entry: EncodedResult = {
  result: { id: 'x', error: null, bytes: 10, pages: 1, text: 'Revenue — 1.5万亿元 "up" 𝟚𝟘 %\n', textChars: 27, mentions: [], skips: [], layout: null },
  layoutJson: '{"pages":[{"page":1,"width":595,"height":842}],"items":[{"text":"万亿 é"}]}\n',
  mentionsNdjson: '{"mention_id":"m_0000000000000001","quote":"1.5万亿元"}\n{"mention_id":"m_0000000000000002","quote":"𝟚𝟘 \\"%\\""}\n',
  pageTexts: ['Revenue — 1.5万亿元'],
};

describe('extraction cache payload', () => {
  it('holds the layout and the mentions as their own text after the result (not as escaped JSON strings)', () => {
    const payload = encodePayload(entry);
    const text = payload.toString('utf8');
    expect(text.endsWith(entry.layoutJson! + entry.mentionsNdjson)).toBe(true);
    expect(text.split('\n')[0]).not.toContain('mention_id');
    expect(decodePayload(payload)).toEqual(entry);
    const noLayout = { ...entry, layoutJson: null, pageTexts: null };
    expect(decodePayload(encodePayload(noLayout))).toEqual(noLayout);
  });
  it('refuses a payload whose parts are not the lengths its first line gives, or whose first line is not a result', () => {
    const payload = encodePayload(entry);
    expect(decodePayload(payload.subarray(0, payload.length - 1))).toBe('not an extraction result');
    expect(decodePayload(Buffer.concat([payload, Buffer.from('{}\n')]))).toBe('not an extraction result');
    expect(decodePayload(Buffer.from('{"result":'))).toBe('payload is not JSON');
    expect(decodePayload(Buffer.from('{"result":{"id":"x"},"layoutBytes":null,"mentionsBytes":0}\n'))).toBe('not an extraction result');
  });
});
