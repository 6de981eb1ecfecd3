import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('reads events split anywhere, with any line ending, and keeps the last id', () => {
    const text =
      'retry: 1000\r\nid: r-0\r\n: connected\r\n\r\nid: r-1\nevent: call.status\ndata: {"a":1}\n\n: heartbeat\r\revent: x\ndata: one\ndata: two\n\n';
    for (const size of [1, 2, 3, 7, text.length]) {
      const parser = new SseParser();
      const items = [];
      for (let i = 0; i < text.length; i += size) items.push(...parser.push(text.slice(i, i + size)));
      expect(items).toEqual([
        { kind: 'retry', ms: 1000 },
        { kind: 'comment', text: 'connected' },
        { kind: 'id', id: 'r-0' },
        { kind: 'event', id: 'r-1', event: 'call.status', data: '{"a":1}' },
        { kind: 'comment', text: 'heartbeat' },
        { kind: 'event', id: 'r-1', event: 'x', data: 'one\ntwo' },
      ]);
    }
  });
});
