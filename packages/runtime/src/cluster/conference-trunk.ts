/**
 * A node's end of a conference caller's media path to another node, whichever way the media
 * adapter carries it: RTP between the two nodes' engines (`openTrunk`, real media: only the
 * endpoints cross the bus, in `conference.join` and its answer) or frames over the bus
 * (`trunkLeg`, the simulated network). Both nodes must carry it the same way: the caller's node
 * offers RTP by sending its endpoint, and a holder without RTP (or with only RTP, asked for
 * frames) refuses the join.
 *
 * @example
 * const end = await openEnd(media, 'trunk:node-b/CA1', (frame) => tell(node, 'conference.frame', frame));
 * const body = { ...join, ...(end.rtp ? { rtp: end.rtp } : {}) };
 */
import { PatchbayError } from '../errors.js';
import type { MediaAdapter, MediaLeg, RtpEndpoint } from '../media/types.js';

export interface TrunkEnd {
  /** This node's end, bridged to the caller or seated in the room. */
  readonly leg: MediaLeg;
  /** Where this end receives RTP; absent when the media crosses the bus as frames. */
  readonly rtp?: RtpEndpoint;
  /** Points this end at the other's (RTP only). */
  connect(remote: RtpEndpoint): void;
  /** A frame from the other end (frames only: an RTP end refuses one, 91350). */
  deliver(frame: unknown): void;
  /** The other end is gone: the leg hangs up as a party would. */
  remoteHangup(): void;
}

/** Whether this node can carry a caller's media to or from another node at all. */
export const carriesTrunks = (media: MediaAdapter): boolean => Boolean(media.openTrunk ?? media.trunkLeg);

/**
 * Opens this node's end. `rtp`: the caller's node offers RTP (with `true`, from the caller's
 * side: RTP when the adapter has it) or frames (`false`).
 */
export async function openEnd(
  media: MediaAdapter,
  address: string,
  send: (frame: unknown) => void,
  rtp: boolean,
): Promise<TrunkEnd> {
  if (rtp && media.openTrunk) {
    const trunk = await media.openTrunk({ address });
    return {
      leg: trunk.leg,
      rtp: { address: trunk.address, port: trunk.port },
      connect: (remote) => trunk.connect(remote),
      deliver: () => {
        throw new PatchbayError('trunk-frame-invalid', `${address} carries RTP, not frames over the bus`);
      },
      remoteHangup: () => trunk.remoteHangup(),
    };
  }
  if (!rtp && media.trunkLeg) {
    const leg = media.trunkLeg({ address, send });
    return {
      leg,
      connect: () => undefined,
      deliver: (frame) => leg.deliver(frame),
      remoteHangup: () => leg.remoteHangup(),
    };
  }
  throw new PatchbayError(
    'conference-placement-failed',
    `media ${media.name} cannot carry ${rtp ? 'RTP' : 'frames over the bus'} between nodes (${address})`,
  );
}
