import { describe, expect, it } from 'vitest';
import { outranking } from './candidate-priority.js';

describe('outranking', () => {
  it("raises each candidate's local preference to the top, keeping its type and component", () => {
    const sdp = [
      'v=0',
      'a=candidate:1 1 UDP 2114977791 127.0.61.1 41300 typ host',
      'a=candidate:2 1 UDP 1677729535 203.0.113.5 41300 typ srflx raddr 127.0.61.1 rport 41300',
      'a=candidate:3 1 udp 16646655 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0',
      'a=ice-ufrag:abcd',
      '',
    ].join('\r\n');
    const lines = outranking(sdp).split('\r\n');
    expect(lines[1]).toBe('a=candidate:1 1 UDP 2130706431 127.0.61.1 41300 typ host');
    // werift's host candidates (2116026367) rank below it now, node-datachannel's did not
    expect(2130706431).toBeGreaterThan(2116026367);
    expect(lines[2]).toBe('a=candidate:2 1 UDP 1694498815 203.0.113.5 41300 typ srflx raddr 127.0.61.1 rport 41300');
    expect(lines[3]).toBe('a=candidate:3 1 udp 16777215 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0');
    expect(lines.slice(4)).toEqual(['a=ice-ufrag:abcd', '']);
  });
});
