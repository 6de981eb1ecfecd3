import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { RtpPeer } from '../engine/test-peer.js';
import { SipAgent } from '../sip/index.js';
import { speechEnergy } from '../testing/audio-analysis.js';
import { awaited, cleanup, sipServer } from './server.test-support.js';

const CALLER = '127.0.0.140';

describe('on-net calls over SIP media (link)', () => {
  it("<Dial><Number> to a number held here runs that number's app, whose speech the caller hears; <Reject> there is busy", async () => {
    const after = awaited('<Response/>');
    const second = awaited('<Response><Say>This is the second number speaking to you now.</Say><Hangup/></Response>');
    const app = await startAppServer({
      '/first': (request) =>
        request.params.Digits === undefined && String(request.params.To).endsWith('802')
          ? '<Response><Dial action="/after"><Number>+15550100803</Number></Dial></Response>'
          : '<Response><Dial action="/after"><Number>+15550100801</Number></Dial></Response>',
      '/second': second.route,
      '/busy': () => '<Response><Reject reason="busy"/></Response>',
      '/after': after.route,
    });
    cleanup.push(() => app.close());
    // No trunk: a number can only be reached on-net.
    const { sipPort, post } = await sipServer({ rtpPorts: [51400, 51598], allow: [{ address: CALLER, prefix: 32 }] });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100800', VoiceUrl: `${app.url}/first` });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100801', VoiceUrl: `${app.url}/second` });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100802', VoiceUrl: `${app.url}/first` });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100803', VoiceUrl: `${app.url}/busy` });

    const caller = await SipAgent.start({ listen: [{ transport: 'udp', host: CALLER, port: 0 }] });
    cleanup.push(() => caller.close());
    const rtp = await RtpPeer.open(CALLER);
    cleanup.push(() => rtp.close());
    const sdp = `v=0\r\no=- 1 1 IN IP4 ${CALLER}\r\ns=-\r\nc=IN IP4 ${CALLER}\r\nt=0 0\r\nm=audio ${rtp.port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
    const dial = (number: string) =>
      caller.invite(`sip:${number}@127.0.0.1:${sipPort}`, { from: '+15550100999', sdp }, new AbortController().signal);

    const call = await dial('+15550100800');
    if (call.outcome !== 'answered') throw new Error(`not answered: ${JSON.stringify(call)}`);
    expect((await second.next()).params).toMatchObject({ To: '+15550100801', Direction: 'inbound' });
    // From here the caller hears the second app (a ring tone before it answers lasts a moment at most).
    rtp.clear();
    const done = (await after.next()).params;
    expect(done).toMatchObject({ DialCallStatus: 'completed' });
    // The second number's app spoke, then hung up: the caller heard it through the link.
    expect(speechEnergy(Int16Array.from(rtp.heard)).activeMs).toBeGreaterThan(1000);
    if (!call.dialog.closed) await call.dialog.bye();

    const busy = await dial('+15550100802');
    expect(busy.outcome).toBe('answered');
    expect((await after.next()).params).toMatchObject({ DialCallStatus: 'busy' });
    if (busy.outcome === 'answered' && !busy.dialog.closed) await busy.dialog.bye();
  });
});
