/**
 * One end of an RTP trunk between two nodes' media engines (`MediaAdapter.openTrunk`): a
 * conference caller on node B in a room held by node P. Each node opens an engine leg, as an
 * on-net call does (link.ts), but the two legs live in two engines on two machines: each node
 * sends its end's advertised address and port over the bus, and `connect` points the end at the
 * other's. PCMU and RFC 4733 then flow engine to engine (the caller's keys reach the room, and
 * `hangupOnStar` hears them), the bus carrying only the join and the hang-ups. An end that hears
 * nothing for the engine's `rtpTimeoutMs` hangs up (`media-timeout`), the last resort when the
 * other node vanishes without the bus noticing first.
 *
 * @example
 * const end = await openRtpTrunk(engine, prompts, (local) => publicAddress ?? local, track);
 * send({ rtp: { address: end.address, port: end.port } }); // in conference.join
 * end.connect(answer.rtp); // the holder's end
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { RtpEndpoint, RtpTrunk } from '@patchbay/runtime';
import type { MediaEngine } from '../engine/index.js';
import { MediaError } from '../errors.js';
import type { Prompts } from './prompts.js';
import { SipLeg } from './sip-leg.js';

export class TrunkError extends MediaError<'trunk-address-invalid'> {
  constructor(message: string, where?: string) {
    super('trunk-address-invalid', message, where);
    this.name = 'TrunkError';
  }
}

/** A trunk end has no dialog: answering, rejecting and hanging up tell nobody (the bus does). */
const NO_SIGNALING = { answered: () => undefined, rejected: () => undefined, hungUp: () => undefined };

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** An address another node can send RTP to: an IP literal, not the unspecified one, and a port. */
export function checkEndpoint(endpoint: RtpEndpoint, where: string): RtpEndpoint {
  const { address, port } = endpoint;
  if (typeof address !== 'string' || isIP(address) === 0 || UNSPECIFIED.has(address))
    throw new TrunkError(`not an address another node can reach: ${JSON.stringify(address)}`, where);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new TrunkError(`not a UDP port: ${JSON.stringify(port)}`, where);
  return { address, port };
}

export async function openRtpTrunk(
  engine: MediaEngine,
  prompts: Prompts,
  advertised: (local: string) => string,
  track: (leg: SipLeg) => SipLeg,
): Promise<RtpTrunk> {
  const media = await engine.openLeg();
  let local: RtpEndpoint;
  try {
    // Another node cannot send to 0.0.0.0: a node bound to every interface needs --public-address.
    local = checkEndpoint(
      { address: advertised(media.localAddress), port: media.localPort },
      'openTrunk: set the public address',
    );
  } catch (error) {
    await media.close();
    throw error;
  }
  const leg = track(new SipLeg(randomUUID(), media, prompts, { linked: NO_SIGNALING }));
  return {
    ...local,
    leg,
    connect(remote) {
      const { address: to, port } = checkEndpoint(remote, 'openTrunk connect');
      if (leg.ended) return;
      media.configure({
        remote: { address: to, port },
        payloadType: 0,
        telephoneEvent: 101,
        ptime: 20,
        direction: 'sendrecv',
      });
    },
    remoteHangup: () => void leg.farEndHungUp(),
  };
}
