import { describe, expect, it } from 'vitest';
import { EarlyOffersTransport } from './early-offers.js';
import type { OfferOptions, WebRtcSession, WebRtcTransport } from './transport.js';

/** A transport that records what it was asked and counts open "sessions". */
function fake(name: string) {
  const asked: string[] = [];
  let closed = false;
  const transport: WebRtcTransport = {
    name,
    address: '127.0.0.1',
    sessions: 0,
    offer: async (options?: OfferOptions) => {
      asked.push(`offer ${JSON.stringify(options ?? {})}`);
      (transport as { sessions: number }).sessions++;
      return { id: name } as WebRtcSession;
    },
    answer: async (sdp: string) => {
      asked.push(`answer ${sdp}`);
      return { id: name } as WebRtcSession;
    },
    close: async () => {
      closed = true;
    },
  };
  return { transport, asked, isClosed: () => closed };
}

describe('EarlyOffersTransport', () => {
  it('makes offers with candidates on the early transport, created when first needed; everything else on the main one', async () => {
    const main = fake('node-datachannel');
    const early = fake('werift');
    let made = 0;
    const transport = new EarlyOffersTransport(main.transport, () => {
      made++;
      return early.transport;
    });
    expect((await transport.offer()).id).toBe('node-datachannel');
    expect((await transport.answer('v=0')).id).toBe('node-datachannel');
    expect(made).toBe(0);
    expect((await transport.offer({ candidatesInOffer: true })).id).toBe('werift');
    expect((await transport.offer({ candidatesInOffer: true })).id).toBe('werift');
    expect(made).toBe(1);
    expect(main.asked).toEqual(['offer {}', 'answer v=0']);
    expect(early.asked).toEqual(['offer {"candidatesInOffer":true}', 'offer {"candidatesInOffer":true}']);
    expect(transport.name).toBe('node-datachannel');
    expect(transport.sessions).toBe(3);
    await transport.close();
    expect(main.isClosed() && early.isClosed()).toBe(true);
  });
});
