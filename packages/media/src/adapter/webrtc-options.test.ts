import { describe, expect, it } from 'vitest';
import { splitPorts } from './webrtc-options.js';

describe('splitPorts', () => {
  it('gives WebRTC the top quarter of the RTP range by default, without overlap', () => {
    expect(splitPorts([10000, 19999], undefined)).toEqual({ rtp: [10000, 17499], webrtc: [17500, 19999] });
  });
  it('keeps the whole range for RTP when WebRTC has its own ports, is off, or the range is tiny', () => {
    expect(splitPorts([10000, 19999], { ports: [30000, 30999] })).toEqual({
      rtp: [10000, 19999],
      webrtc: [30000, 30999],
    });
    expect(splitPorts([10000, 19999], false)).toEqual({ rtp: [10000, 19999] });
    expect(splitPorts([10000, 10009], undefined)).toEqual({ rtp: [10000, 10009] });
  });
});
