import { EventEmitter } from 'eventemitter3';
import { describe, expect, it, vi } from 'vitest';
import type { EngineLeg } from '../engine/index.js';
import { answerOffer, type NegotiatedMedia, parseSdp } from '../sdp/index.js';
import type { Dialog, DialogEvents, OfferRefusal } from '../sip/index.js';
import type { Prompts } from './prompts.js';
import { answerReoffer } from './reinvite.js';
import { SipLeg } from './sip-leg.js';

/** A phone's offer, as baresip sends it, with the direction and RTP port given. */
function phoneOffer(direction: string, port = 10000): string {
  return [
    'v=0',
    'o=- 1969466718 3402567824 IN IP4 127.0.0.2',
    's=-',
    'c=IN IP4 127.0.0.2',
    't=0 0',
    `m=audio ${port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    `a=${direction}`,
    '',
  ].join('\r\n');
}

/** What we answered when the call was set up. */
function current(): string {
  const answer = answerOffer(phoneOffer('sendrecv'), { address: '127.0.0.1', port: 44000, sessionId: '77' });
  if ('reject' in answer) throw new Error(answer.reason);
  return answer.sdp;
}

describe('answering a re-INVITE', () => {
  it('answers a hold (sendonly) with recvonly, keeping our address, port and session id, one version up', () => {
    const next = answerReoffer(phoneOffer('sendonly'), current());
    if ('warning' in next) throw new Error(next.reason);
    const sdp = parseSdp(next.sdp);
    expect(sdp.origin).toMatchObject({ sessionId: '77', sessionVersion: '2', address: '127.0.0.1' });
    expect(sdp.media[0]).toMatchObject({ port: 44000, direction: 'recvonly' });
    expect(next.media).toMatchObject({ direction: 'recvonly', remote: { address: '127.0.0.2', port: 10000 } });
  });

  it('answers inactive with inactive, a resume with sendrecv, and follows a moved RTP port', () => {
    expect(answerReoffer(phoneOffer('inactive'), current())).toMatchObject({ media: { direction: 'inactive' } });
    const resumed = answerReoffer(phoneOffer('sendrecv', 10008), current());
    expect(resumed).toMatchObject({ media: { direction: 'sendrecv', remote: { port: 10008 } } });
  });

  it('refuses an offer it cannot take, saying why with the RFC 3261 warn-code', () => {
    expect(answerReoffer(phoneOffer('sendonly').replace(/RTP\/AVP 0 8 101/, 'RTP/AVP 9'), current())).toEqual({
      warning: 305,
      reason: 'no common audio codec (PCMU or PCMA)',
    });
    expect(answerReoffer(phoneOffer('sendrecv').replace('m=audio 10000', 'm=audio 0'), current())).toMatchObject({
      warning: 304,
    });
    expect(answerReoffer('not sdp', current())).toMatchObject({ warning: 399, reason: /^malformed SDP/ });
  });
});

describe('a SIP leg whose far end sends a re-INVITE', () => {
  function leg() {
    const events = new EventEmitter<DialogEvents>();
    const dialog = { events, closed: false, bye: async () => undefined } as unknown as Dialog;
    const configure = vi.fn<(media: NegotiatedMedia) => void>();
    const media = { events: new EventEmitter(), configure, close: async () => undefined } as unknown as EngineLeg;
    new SipLeg('leg', media, {} as Prompts, { dialog, offerSdp: current() });
    const reinvite = (offer: string | undefined) =>
      new Promise<string | OfferRefusal>((resolve) => events.emit('reinvite', offer, resolve));
    return { reinvite, configure };
  }

  it('answers hold then resume from the offers and points the engine leg at each', async () => {
    const { reinvite: offered, configure } = leg();
    const reinvite = async (offer: string) => String(await offered(offer));
    expect(parseSdp(await reinvite(phoneOffer('sendonly'))).media[0]?.direction).toBe('recvonly');
    expect(configure).toHaveBeenLastCalledWith(expect.objectContaining({ direction: 'recvonly' }));
    const resumed = parseSdp(await reinvite(phoneOffer('sendrecv')));
    expect(resumed.media[0]?.direction).toBe('sendrecv');
    expect(resumed.origin.sessionVersion).toBe('3');
    expect(configure).toHaveBeenLastCalledWith(expect.objectContaining({ direction: 'sendrecv' }));
  });

  it('offers the current session to a re-INVITE without SDP, refuses one it cannot take and keeps its session', async () => {
    const { reinvite, configure } = leg();
    expect(await reinvite(undefined)).toBe(current());
    expect(await reinvite('garbage')).toMatchObject({ warning: 399 });
    expect(await reinvite(phoneOffer('sendonly').replace(/RTP\/AVP 0 8 101/, 'RTP/AVP 9'))).toMatchObject({
      warning: 305,
    });
    expect(configure).not.toHaveBeenCalled();
    // The next offer is answered from the session as it was (version one up from the call's).
    expect(parseSdp(String(await reinvite(phoneOffer('sendonly')))).origin.sessionVersion).toBe('2');
  });
});
