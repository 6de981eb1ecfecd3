import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from '@patchbay/runtime/testing';
import { describe, expect, it } from 'vitest';
import { RtpPeer } from '../engine/test-peer.js';
import { selfSignedCertificate } from '../sip/certificate.test-support.js';
import { SipAgent } from '../sip/index.js';
import { speechEnergy } from '../testing/audio-analysis.js';
import { freePort } from '../testing/processes.js';
import { awaited, cleanup, sipServer } from './server.test-support.js';

const CALLER = '127.0.0.133';

/** A certificate for the server's and the caller's addresses, removed after the test. */
async function certificate() {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-sip-tls-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return selfSignedCertificate(dir, ['127.0.0.1', CALLER]);
}

describe('SIP over TLS (--sip-tls-listen, --sip-tls-cert, --sip-tls-key)', () => {
  it('a caller that verifies the certificate places a call over TLS that runs an app and hears its speech', async () => {
    const { certFile, keyFile, cert, key } = await certificate();
    const answered = awaited('<Response><Say>You are connected over TLS.</Say><Hangup/></Response>');
    const app = await startAppServer({ '/voice': answered.route });
    cleanup.push(() => app.close());
    const tlsPort = await freePort('127.0.0.1');
    const { post } = await sipServer({
      rtpPorts: [51000, 51198],
      allow: [{ address: CALLER, prefix: 32 }],
      tls: { listen: [{ host: '127.0.0.1', port: tlsPort }], certFile, keyFile },
    });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550100601', VoiceUrl: `${app.url}/voice` });

    // A caller that trusts only the system's authorities refuses the self-signed certificate.
    const wary = await SipAgent.start({ listen: [{ transport: 'tls', host: CALLER, port: 0, cert, key }] });
    cleanup.push(() => wary.close());
    const refused = await wary.invite(
      `sip:+15550100601@127.0.0.1:${tlsPort};transport=tls`,
      { from: '+15550100999', sdp: 'v=0\r\n' },
      new AbortController().signal,
    );
    expect(refused).toMatchObject({ outcome: 'failed', status: 503 });
    expect(app.requestsTo('/voice')).toEqual([]);

    // The caller trusts this certificate (a private CA): the call goes through.
    const caller = await SipAgent.start({
      listen: [{ transport: 'tls', host: CALLER, port: 0, cert, key }],
      tlsCa: cert,
    });
    cleanup.push(() => caller.close());
    const rtp = await RtpPeer.open(CALLER);
    cleanup.push(async () => rtp.close());
    const sdp = `v=0\r\no=- 1 1 IN IP4 ${CALLER}\r\ns=-\r\nc=IN IP4 ${CALLER}\r\nt=0 0\r\nm=audio ${rtp.port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
    const call = await caller.invite(
      `sip:+15550100601@127.0.0.1:${tlsPort};transport=tls`,
      { from: '+15550100999', sdp },
      new AbortController().signal,
    );
    if (call.outcome !== 'answered') throw new Error(`not answered: ${JSON.stringify(call)}`);
    expect((await answered.next()).params).toMatchObject({ To: '+15550100601', Direction: 'inbound' });
    await new Promise<void>((resolve) => call.dialog.events.once('closed', () => resolve()));
    expect(speechEnergy(Int16Array.from(rtp.heard)).activeMs).toBeGreaterThan(500);
  });
});
