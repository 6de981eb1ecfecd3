/**
 * WebRTC devices on another node than the call: the offer a device is invited with comes from the
 * caller's node's media (the device's leg is made there, where the call is), its answer reaches
 * that leg, and an ICE restart is answered by it, errors included. The media here is the simulated
 * network given WebRTC's signalling (an SDP made and read per node, as packages/media's adapter
 * does), so what is checked is which node's leg each SDP comes from and goes to.
 */
import { describe, expect, it } from 'vitest';
import type { SimulatedNetwork } from '../adapters/simulated/network.js';
import { startApiHarness } from '../api/harness.test-support.js';
import { RawDevice, tokenFor } from '../bridge/devices.test-support.js';
import type { DeviceSession } from '../bridge/session.js';
import type { DeviceLeg } from '../media/types.js';
import type { Bus } from './bus.js';
import { BUS_KINDS, clustersPerTest } from './devices-cluster.test-support.js';
import { presenceSet } from './devices-presence.js';
import { offerFrom } from './devices-webrtc.js';

const NUMBER = '+15550144000';
const CALLER = '+15550100001';
const NODES = ['node-a', 'node-b'] as const;

const clusters = clustersPerTest();

const sdpOf = (name: string) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=${name}\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n`;

/** What each node's media was given and made. */
interface Seen {
  offers: string[];
  answers: string[];
  restarts: string[];
  hungUp: number;
}

/** The node's simulated network, with WebRTC's signalling on the device legs that offer. */
function withWebRtc(network: SimulatedNetwork, node: string, seen: Seen): void {
  Object.assign(network, { capabilities: { ...network.capabilities, webrtc: true } });
  const plain = network.deviceLeg.bind(network);
  network.deviceLeg = (request) => {
    const leg = plain(request);
    if (request.sdp !== 'offer') return leg;
    const hangup = leg.hangup.bind(leg);
    return Object.assign(leg, {
      localSdp: async () => {
        const sdp = sdpOf(`${node} offer ${seen.offers.length + 1}`);
        seen.offers.push(sdp);
        return sdp;
      },
      completeSdp: async (answer: string) => void seen.answers.push(answer),
      renegotiate: async (offer: string) => {
        if (offer.includes('s=too-often'))
          throw Object.assign(new Error('three renegotiations a minute at most'), { code: 'renegotiation-limit' });
        seen.restarts.push(offer);
        return sdpOf(`${node} restart answer`);
      },
      hangup: () => {
        seen.hungUp++;
        return hangup();
      },
    } satisfies Partial<DeviceLeg>);
  };
}

describe.each(BUS_KINDS)('WebRTC devices across nodes (%s bus)', (kind) => {
  it("are invited with the caller's node's offer; their answer and ICE restarts reach the leg there", async () => {
    const seen = Object.fromEntries(
      NODES.map((node) => [node, { offers: [], answers: [], restarts: [], hungUp: 0 } as Seen]),
    );
    const running = await clusters.start(kind, NODES, {
      routes: { '/voice': () => '<Response><Dial timeout="10"><Client>alice</Client></Dial></Response>' },
      startNode: (index, options) =>
        startApiHarness({
          ...options,
          setup: (network) => withWebRtc(network, NODES[index] as string, seen[NODES[index] as string] as Seen),
        }),
    });
    const [a, b] = NODES.map((node) => running.nodes[node]?.harness) as [
      NonNullable<(typeof running.nodes)[string]>['harness'],
      NonNullable<(typeof running.nodes)[string]>['harness'],
    ];
    await b.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${b.app.url}/voice` });
    // Alice's browser on node A (with WebRTC), another of hers on node A too: both invited with offers.
    const browsers = await Promise.all(
      [0, 1].map(async () => (await RawDevice.open(a, tokenFor(a, running.key, 'alice'))).device),
    );
    clusters.later(async () => {
      for (const browser of browsers) browser.close();
    });
    for (const browser of browsers)
      expect(await browser.request({ type: 'register', webrtc: true })).toMatchObject({ ok: true });
    await expect
      .poll(() => running.nodes['node-b']?.bus.members(presenceSet(running.accountSid, 'alice')))
      .toEqual(['node-a']);

    const caller = b.network.call({ from: CALLER, to: NUMBER });
    const invites = await Promise.all(browsers.map((browser) => browser.next((m) => m.type === 'invite')));
    const offers = invites.map((invite) => (invite as { sdp?: string }).sdp);
    // Each its own offer, made by node B's media: the call and the device's leg are there.
    expect(new Set(offers)).toEqual(new Set(seen['node-b']?.offers));
    expect(offers).toHaveLength(2);
    expect(seen['node-a']?.offers).toEqual([]);

    const first = invites[0] as unknown as { callSid: string; callToken: string };
    const answer = sdpOf('alice answer');
    expect(await browsers[0]?.request({ type: 'accept', callToken: first.callToken, sdp: answer })).toMatchObject({
      ok: true,
      callSid: first.callSid,
    });
    expect(seen['node-b']?.answers).toEqual([answer]);
    await expect.poll(() => caller.lines()).toContain('bridged client:alice');
    // The other browser's offer is withdrawn with its leg on node B.
    expect(seen['node-b']?.hungUp).toBe(1);

    // Her network changes: the new offer is answered by the leg on node B, and its refusal relayed typed.
    const restart = sdpOf('alice restart');
    expect(await browsers[0]?.request({ type: 'renegotiate', callSid: first.callSid, sdp: restart })).toMatchObject({
      ok: true,
      sdp: sdpOf('node-b restart answer'),
    });
    expect(seen['node-b']?.restarts).toEqual([restart]);
    expect(
      await browsers[0]?.request({ type: 'renegotiate', callSid: first.callSid, sdp: sdpOf('too-often') }),
    ).toMatchObject({ ok: false, error: { name: 'TooManyRequests' } });
    expect(b.runtime.calls.get(first.callSid)).toMatchObject({ status: 'in-progress' });
  });
});

describe('the offer asked for a session on another node', () => {
  it("says when the session is the hosted browser SDK's, whose offer must carry the server's candidates", async () => {
    const asked: unknown[] = [];
    const bus = {
      request: async (_node: string, _method: string, body: unknown) => {
        asked.push(body);
        return { sdp: sdpOf('offer') };
      },
    } as unknown as Bus;
    const session = { id: 's1', accountSid: 'AC1', identity: 'alice', webrtc: true, candidatesInOffer: true };
    const offer = await offerFrom(bus, 'node-b', 'CA1', session as DeviceSession, () => {});
    expect(offer).toBe(sdpOf('offer'));
    expect(asked).toEqual([
      { callSid: 'CA1', session: 's1', accountSid: 'AC1', identity: 'alice', candidatesInOffer: true },
    ]);
    const plain = { ...session, candidatesInOffer: false, webrtc: false };
    expect(await offerFrom(bus, 'node-b', 'CA1', plain as DeviceSession, () => {})).toBeUndefined();
    expect(asked).toHaveLength(1);
  });
});
