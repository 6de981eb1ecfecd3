/**
 * A trunk leg on the simulated network: one end of a media path to another node. Media, on the
 * simulated network, is data (speech, audio, digits, beeps), so a frame is simply the `Media`
 * this end heard; the other end performs it, as if its party had done it. What crosses is
 * exactly what a party on one node would have heard or done, so a conference split across
 * nodes sounds the same as on one.
 *
 * @example
 * const end = network.trunkLeg({ address: 'trunk:node-b/CA1', send: (frame) => bus.request(...) });
 * mixer.join(end, { muted: false }); // the remote participant, as a member of this node's room
 */
import { PatchbayError } from '../../errors.js';
import type { TrunkLeg, TrunkLegRequest } from '../../media/types.js';
import { SimulatedLeg } from './leg.js';
import type { Media } from './media.js';

export class SimulatedTrunkLeg extends SimulatedLeg implements TrunkLeg {
  send: TrunkLegRequest['send'] = () => undefined;

  // Its "party" is another node's: driven live, never by scripted inputs here.
  override get live(): boolean {
    return true;
  }

  protected override relay(media: Media): void {
    this.send(media);
  }

  deliver(frame: unknown): void {
    this.perform(toMedia(frame));
  }
}

/** Checks a frame from another node: one of the simulated network's media, bounded. */
export function toMedia(frame: unknown): Media {
  const media = frame as Partial<Record<string, unknown>> | null;
  const text = (value: unknown) => typeof value === 'string' && value.length <= 10_000;
  const ok =
    media !== null &&
    typeof media === 'object' &&
    ((media.kind === 'speech' && text(media.text)) ||
      (media.kind === 'audio' && text(media.url)) ||
      (media.kind === 'digits' && text(media.digits) && /^[0-9*#A-Dw]*$/i.test(String(media.digits))) ||
      media.kind === 'beep');
  if (!ok) throw new PatchbayError('trunk-frame-invalid', `not a simulated media frame: ${JSON.stringify(frame)}`);
  return media as Media;
}
