/**
 * Every SDP question of compat mode on a server without WebRTC, behind one small interface: the
 * official SDK sends SDP in its `invite` (an outgoing call: the server answers) and `answer` (an
 * incoming call: the server offered in its `invite`). `simulatedCompatMedia` gives valid
 * descriptions on which no media flows. When the media adapter carries WebRTC (`--media sip`),
 * the bridge's WebRTC legs answer instead (`CompatState.webrtc`), as for Patchbay's own SDK.
 *
 * @example
 * const media = simulatedCompatMedia();
 * const offer = await media.offer(callSid); // goes in the server's invite
 * await media.complete(callSid, answerFromTheSdk);
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';

export interface CompatMedia {
  /** An SDP offer for the device's leg of an incoming call (the server offers). */
  offer(callSid: string): Promise<string>;
  /** The server's SDP answer to the device's offer, for a call the device places. */
  answer(callSid: string, remoteSdp: string): Promise<string>;
  /** The device's answer to `offer`: the leg can start. */
  complete(callSid: string, remoteAnswerSdp: string): Promise<void>;
  /** The call ended (or was never answered): whatever `offer`/`answer` set up is released. */
  close(callSid: string): void;
}

/**
 * SDP for the simulated network: a real offer or answer (PCMU, ICE credentials, a DTLS
 * fingerprint) that Chromium's `setRemoteDescription` takes, so the SDK's call opens, but no
 * candidate and no media: the fingerprint is the SHA-256 of a throwaway key generated at start,
 * no DTLS handshake can complete, and the device's audio goes nowhere. Digits reach the call all
 * the same: without telephone-event in the description the SDK sends them over signaling.
 */
export function simulatedCompatMedia(): CompatMedia {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const digest = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
  const fingerprint = [...digest].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return {
    offer: async () => simulatedSdp({ fingerprint, setup: 'actpass', mid: '0' }),
    answer: async (_callSid, remote) => simulatedSdp({ fingerprint, setup: 'passive', mid: offeredMid(remote) }),
    complete: async () => {},
    close: () => {},
  };
}

/** The mid of the offer's audio section (an answer must name the same), `0` when it has none. */
export function offeredMid(sdp: string): string {
  const audio = sdp.split(/\r?\n(?=m=)/).find((section) => section.startsWith('m=audio'));
  return /^a=mid:(\S{1,32})\r?$/m.exec(audio ?? '')?.[1] ?? '0';
}

function simulatedSdp(options: { fingerprint: string; setup: 'actpass' | 'passive'; mid: string }): string {
  const ufrag = randomBytes(6).toString('base64url');
  const pwd = randomBytes(18).toString('base64url');
  return [
    'v=0',
    `o=- ${randomInt(1, 2 ** 47)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${options.mid}`,
    'a=msid-semantic: WMS patchbay',
    'm=audio 9 UDP/TLS/RTP/SAVPF 0',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    `a=fingerprint:sha-256 ${options.fingerprint}`,
    `a=setup:${options.setup}`,
    `a=mid:${options.mid}`,
    'a=sendrecv',
    'a=msid:patchbay audio',
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    `a=ssrc:${randomInt(1, 2 ** 31)} cname:patchbay`,
    '',
  ].join('\r\n');
}
