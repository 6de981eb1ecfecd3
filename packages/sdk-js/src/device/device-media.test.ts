import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Welcome } from '../protocol/messages.js';
import { fakeBrowser } from './audio.test-support.js';
import { DeviceMedia } from './device-media.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The configurations calls' peer connections were made with. */
function fakePeers(): unknown[] {
  const configs: unknown[] = [];
  vi.stubGlobal(
    'RTCPeerConnection',
    class {
      constructor(config: unknown) {
        configs.push(config);
      }
      addEventListener() {}
      close() {}
    },
  );
  return configs;
}

const TURN = { urls: ['turn:turn.example.com:3478'], username: '1800003600:alice', credential: 'c2VjcmV0' };
const welcome = {
  type: 'welcome',
  webrtc: true,
  iceServers: [{ urls: ['stun:stun.example.com'] }, TURN],
} as unknown as Welcome;

describe("a call's ICE servers", () => {
  it("are the server's (TURN credentials included) unless the app gives its own, per device or per call", async () => {
    fakeBrowser();
    const configs = fakePeers();
    await new DeviceMedia({ server: 'http://pbx' }).open(welcome);
    expect(configs.at(-1)).toEqual({ iceServers: welcome.iceServers });

    const own = [{ urls: 'turn:mine.example.com' }];
    await new DeviceMedia({ server: 'http://pbx', media: { iceServers: own } }).open(welcome);
    expect(configs.at(-1)).toEqual({ iceServers: own });

    await new DeviceMedia({ server: 'http://pbx' }).open(welcome, { iceTransportPolicy: 'relay' });
    expect(configs.at(-1)).toEqual({ iceServers: welcome.iceServers, iceTransportPolicy: 'relay' });
    const call = [{ urls: 'stun:call.example.com' }];
    await new DeviceMedia({ server: 'http://pbx', media: { iceServers: own } }).open(welcome, { iceServers: call });
    expect(configs.at(-1)).toEqual({ iceServers: call });
  });

  it('an ICE server the browser rejects fails the call and closes the microphone it opened', async () => {
    const fake = fakeBrowser();
    vi.stubGlobal(
      'RTCPeerConnection',
      class {
        constructor() {
          throw Object.assign(new Error('bad URL'), { name: 'SyntaxError' });
        }
      },
    );
    await expect(new DeviceMedia({ server: 'http://pbx' }).open(welcome)).rejects.toThrow('bad URL');
    expect(fake.opened.map((track) => track.readyState)).toEqual(['ended']);
  });

  it('no audio where the server carries none', async () => {
    fakeBrowser();
    const configs = fakePeers();
    expect(
      await new DeviceMedia({ server: 'http://pbx' }).open({ ...welcome, webrtc: undefined } as Welcome),
    ).toBeUndefined();
    expect(configs).toEqual([]);
  });
});
