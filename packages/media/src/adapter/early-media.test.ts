import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { RtpPeer } from '../engine/test-peer.js';
import { type IncomingCall, type InviteResult, SipAgent } from '../sip/index.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { awaited, cleanup, sipServer } from './server.test-support.js';

const CALLER = '127.0.0.135';
const FAR = '127.0.0.136';
const FAR_TONE = 1300;
/** Our ring tone's frequencies (US ringback). */
const RINGBACK = [440, 480];

const sdpFor = (host: string, port: number) =>
  `v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;

/** Where an SDP offer wants RTP. */
function rtpTarget(sdp: string): { address: string; port: number } {
  return {
    address: /c=IN IP4 (\S+)/.exec(sdp)?.[1] ?? '',
    port: Number(/m=audio (\d+)/.exec(sdp)?.[1]),
  };
}

async function rtpPeer(address: string): Promise<RtpPeer> {
  const peer = await RtpPeer.open(address);
  cleanup.push(() => peer.close());
  return peer;
}

/** What `peer` hears in the next second. */
async function nextSecond(peer: RtpPeer): Promise<Int16Array> {
  peer.clear();
  await peer.waitPackets(50);
  return Int16Array.from(peer.heard);
}

describe('early media through <Dial>', () => {
  it("the caller hears the far end's 183 audio instead of our ring tone, and with answerOnBridge stays unanswered until the far end answers", async () => {
    const after = awaited('<Response/>');
    const far = await SipAgent.start({ listen: [{ transport: 'udp', host: FAR, port: 0 }] });
    cleanup.push(() => far.close());
    const app = await startAppServer({
      '/dial': () =>
        `<Response><Dial answerOnBridge="true" action="/after"><Sip>sip:far@${FAR}:${far.addresses[0]?.port ?? 0}</Sip></Dial></Response>`,
      '/after': after.route,
    });
    cleanup.push(() => app.close());
    const { sipPort, post } = await sipServer({
      rtpPorts: [51200, 51398],
      allow: [{ address: CALLER, prefix: 32 }],
    });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100701', VoiceUrl: `${app.url}/dial` });

    const farRtp = await rtpPeer(FAR);
    const invited = new Promise<IncomingCall>((resolve) => far.once('invite', resolve));
    const callerRtp = await rtpPeer(CALLER);
    const caller = await SipAgent.start({ listen: [{ transport: 'udp', host: CALLER, port: 0 }] });
    cleanup.push(() => caller.close());
    let settled: InviteResult | undefined;
    const call = caller
      .invite(
        `sip:+15550100701@127.0.0.1:${sipPort}`,
        { from: '+15550100999', sdp: sdpFor(CALLER, callerRtp.port) },
        new AbortController().signal,
      )
      .then((result) => {
        settled = result;
        return result;
      });

    // Before the far end sends anything, the caller hears our ring tone as early media.
    const incoming = await invited;
    // (2 s on, 4 s off: within six seconds of listening.)
    let ringback = false;
    for (let second = 0; second < 6 && !ringback; second++) {
      ringback = hearsTone(await nextSecond(callerRtp), RINGBACK[0] as number);
    }
    expect(ringback).toBe(true);

    // The far end sends 183 with SDP and plays its own audio: the caller hears it, not our tone.
    const engine = rtpTarget(incoming.offer ?? '');
    farRtp.start(engine.port, { tone: [FAR_TONE] }, engine.address);
    incoming.ring(sdpFor(FAR, farRtp.port));
    let heard = await nextSecond(callerRtp);
    for (let tries = 0; tries < 5 && !hearsTone(heard, FAR_TONE); tries++) heard = await nextSecond(callerRtp);
    heard = await nextSecond(callerRtp);
    expect(hearsTone(heard, FAR_TONE)).toBe(true);
    for (const hz of RINGBACK) expect(hearsTone(heard, hz)).toBe(false);
    expect(settled).toBeUndefined();

    // The far end answers: now the caller is answered, and still hears the far end.
    const dialog = await incoming.answer(sdpFor(FAR, farRtp.port));
    const result = await call;
    expect(result.outcome).toBe('answered');
    expect(hearsTone(await nextSecond(callerRtp), FAR_TONE)).toBe(true);
    await dialog.bye();
    expect((await after.next()).params).toMatchObject({ DialCallStatus: 'completed' });
  });
});
