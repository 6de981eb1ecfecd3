/**
 * The official Voice JS SDK, unmodified, at two pinned versions, in Chromium against Patchbay
 * over TLS (`chunderw`, `publishEvents: false`, `sounds` on Patchbay). The calls run on the
 * simulated network: the SDK's SDP is answered by simulatedCompatMedia, so its calls open but
 * carry no audio.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompatRig,
  NUMBER,
  openBrowser,
  SDK_VERSIONS,
  type SdkPage,
  sdkPage,
  startRelay,
  startRig,
} from './compat.test-support.js';

const DIAL = (params = '') =>
  `<Response><Dial action="/dialed" timeout="10"><Client><Identity>alice</Identity>${params}</Client></Dial></Response>`;

let browser: Browser;
let closeBrowser: () => Promise<void>;
beforeAll(async () => {
  ({ browser, close: closeBrowser } = await openBrowser());
});
afterAll(async () => closeBrowser());

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(version: (typeof SDK_VERSIONS)[number], incoming = DIAL(), ttl = 3600, relayed = false) {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-compat-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const rig: CompatRig = await startRig(dir, {
    '/incoming': () => incoming,
    '/dialed': () => '<Response><Hangup/></Response>',
    '/screen': () =>
      '<Response><Gather numDigits="2" action="/gathered" timeout="10"><Say>Enter the code</Say></Gather></Response>',
    '/gathered': () => '<Response><Say>Thanks</Say></Response>',
    '/outgoing': () => '<Response><Say>Hello from the application</Say><Pause length="30"/></Response>',
  });
  cleanups.push(() => rig.close());
  const relay = await startRelay(rig.chunderw);
  cleanups.push(() => relay.close());
  const sdk: SdkPage & { close(): Promise<void> } = await sdkPage(
    browser,
    version,
    rig,
    rig.token('alice', ttl),
    relayed ? relay.address : rig.chunderw,
  );
  cleanups.push(async () => {
    if (process.env.DEBUG_COMPAT) console.log(JSON.stringify(await sdk.page.evaluate('events')));
    await sdk.close();
  });
  return { rig, sdk, relay };
}

type Js = (script: string) => Promise<unknown>;
const run =
  (sdk: SdkPage): Js =>
  (script) =>
    sdk.page.evaluate(script);

for (const version of SDK_VERSIONS) {
  // A browser and a server per test, on two cores shared with the rest of the suite.
  describe(`@twilio/voice-sdk (${version})`, { timeout: 30_000 }, () => {
    it('registers, and an incoming call from <Dial><Client> brings its custom parameters', async () => {
      const { rig, sdk } = await setup(
        version,
        DIAL('<Parameter name="ticket" value="T-42"/><Parameter name="note" value="a b&amp;c=d"/>'),
      );
      await run(sdk)('device.register()');
      await sdk.event('registered');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      const [, parameters, custom] = await sdk.event('incoming');
      expect(parameters).toMatchObject({
        From: '+15550100001',
        To: 'client:alice',
        AccountSid: rig.server.account.sid,
      });
      expect((parameters as { CallSid: string }).CallSid).toMatch(/^CA[0-9a-f]{32}$/);
      expect(custom).toEqual({ ticket: 'T-42', note: 'a b&c=d' });
      // The ringtone came from Patchbay (the sounds option), not the hosted service's CDN.
      const loaded = await run(sdk)(
        "performance.getEntriesByType('resource').filter((e) => e.name.includes('/sdk/sounds/incoming.wav')).map((e) => e.responseStatus)",
      );
      expect(loaded).toContain(200);
      expect(sdk.errors).toEqual([]);
    });

    it('accepts: the Dial is answered, digits reach a Gather, and the device hanging up completes the Dial', async () => {
      const { rig, sdk } = await setup(
        version,
        '<Response><Dial action="/dialed" timeout="10"><Client url="/screen"><Identity>alice</Identity></Client></Dial></Response>',
      );
      await run(sdk)('device.register()');
      await sdk.event('registered');
      const gathered = rig.hit('/gathered');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      const [, parameters] = await sdk.event('incoming');
      const callSid = (parameters as { CallSid: string }).CallSid;
      await run(sdk)('call.accept()');
      await sdk.event('call:accept');
      expect(rig.server.runtime.calls.get(callSid)?.to).toBe('client:alice');
      // Keys pressed once the prompt is heard, as a person would (the Gather is listening then).
      await rig.server.network?.heard('client:alice', (entry) => entry.type === 'heard-speech');
      await run(sdk)("call.sendDigits('42')");
      expect((await gathered).params.Digits).toBe('42');

      const dialed = rig.hit('/dialed');
      await run(sdk)('call.disconnect()');
      expect((await dialed).params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: callSid });
      expect(sdk.errors).toEqual([]);
    });

    it("rejecting makes the caller's Dial busy", async () => {
      const { rig, sdk } = await setup(version);
      await run(sdk)('device.register()');
      await sdk.event('registered');
      const dialed = rig.hit('/dialed');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      await sdk.event('incoming');
      await run(sdk)('call.reject()');
      expect((await dialed).params.DialCallStatus).toBe('busy');
    });

    it('a REST call to client:alice?ticket=... rings the device with its custom parameters; canceling it cancels the invitation', async () => {
      const { rig, sdk } = await setup(version);
      await run(sdk)('device.register()');
      await sdk.event('registered');
      const call = await rig.client.calls.create({
        to: 'client:alice?ticket=T-7&note=a%20b',
        from: '+15550100009',
        url: `${rig.app.url}/outgoing`,
      });
      const [, parameters, custom] = await sdk.event('incoming');
      expect(parameters).toMatchObject({ CallSid: call.sid, From: '+15550100009', To: 'client:alice' });
      expect(custom).toEqual({ ticket: 'T-7', note: 'a b' });
      await rig.client.calls(call.sid).update({ status: 'canceled' });
      await sdk.event('call:cancel');
      expect((await rig.server.runtime.calls.ended(call.sid)).status).toBe('canceled');
    });

    it('the caller hanging up cancels the invitation', async () => {
      const { rig, sdk } = await setup(version);
      await run(sdk)('device.register()');
      await sdk.event('registered');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      const [, parameters] = await sdk.event('incoming');
      const child = rig.server.runtime.calls.get((parameters as { CallSid: string }).CallSid);
      await rig.client.calls(child?.parentCallSid as string).update({ status: 'completed' });
      await sdk.event('call:cancel');
      expect(await sdk.count('call:disconnect')).toBe(0);
    });

    it("connect({ params }) runs the application's VoiceUrl with them; the server hanging up disconnects", async () => {
      const { rig, sdk } = await setup(version);
      const outgoing = rig.hit('/outgoing');
      await run(sdk)("dial({ To: '+15550100400', Mood: 'très bien & more' })");
      const { params } = await outgoing;
      expect(params).toMatchObject({
        To: '+15550100400',
        Mood: 'très bien & more',
        From: 'client:alice',
        Direction: 'inbound',
        AccountSid: rig.server.account.sid,
      });
      await sdk.event('call:accept');
      const callSid = params.CallSid as string;
      expect(await run(sdk)('call.parameters.CallSid')).toBe(callSid);
      await rig.client.calls(callSid).update({ status: 'completed' });
      await sdk.event('call:disconnect');
      expect(sdk.errors).toEqual([]);
    });

    it('an expired token unregisters the device (20104); updateToken registers it again', async () => {
      // A token that lives 4 s: registered at once, expired soon after (the bridge checks every heartbeat/2).
      const { rig, sdk } = await setup(version, DIAL(), 4);
      await run(sdk)('device.register()');
      await sdk.event('registered');
      expect((await sdk.event('error'))[1]).toBe(20104);
      await sdk.event('unregistered');
      await sdk.page.evaluate(
        (token) => (globalThis as unknown as { device: { updateToken(t: string): void } }).device.updateToken(token),
        rig.token('alice'),
      );
      await sdk.event('registered', 1);
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      await sdk.event('incoming');
    });

    it('a call in progress survives the connection dropping: the SDK reconnects, registers again, and the call goes on', async () => {
      const { rig, sdk, relay } = await setup(version, DIAL(), 3600, true);
      await run(sdk)('device.register()');
      await sdk.event('registered');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      const [, parameters] = await sdk.event('incoming');
      const callSid = (parameters as { CallSid: string }).CallSid;
      await run(sdk)('call.accept()');
      await sdk.event('call:accept');

      relay.cut();
      await sdk.event('call:reconnecting');
      await sdk.event('call:reconnected');
      await sdk.event('registered', 1);
      expect(rig.server.runtime.calls.get(callSid)?.status).toBe('in-progress');
      // The caller hangs up: the device hears it on its new connection.
      const parent = rig.server.runtime.calls.get(callSid)?.parentCallSid as string;
      await rig.client.calls(parent).update({ status: 'completed' });
      await sdk.event('call:disconnect');
      expect((await rig.server.runtime.calls.ended(callSid)).status).toBe('completed');
    });

    it('unregister stops invitations: the Dial is not answered', async () => {
      const { rig, sdk } = await setup(version);
      await run(sdk)('device.register()');
      await sdk.event('registered');
      await run(sdk)('device.unregister()');
      await sdk.event('unregistered');
      const dialed = rig.hit('/dialed');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      expect((await dialed).params.DialCallStatus).toBe('no-answer');
      expect(await sdk.count('incoming')).toBe(0);
    });
  });
}
