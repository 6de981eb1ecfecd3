import type { WebSocketConstructor, WebSocketLike } from '@patchbay/sdk/client';
import { parseServerMessage } from '@patchbay/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import { deviceFor, newKey, next, RawDevice, tokenFor } from './devices.test-support.js';

const harnesses: ApiHarness[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const harness of harnesses.splice(0)) await harness.close();
});

const NUMBER = '+15550144000';

let pressed: (digits: string) => void = () => {};
let digits: Promise<string>;

async function setup() {
  digits = new Promise((resolve) => {
    pressed = resolve;
  });
  const harness = await startApiHarness({
    routes: {
      '/voice': () => '<Response><Dial action="/dialed" timeout="10"><Client>alice</Client></Dial></Response>',
      '/dialed': () => '<Response/>',
      '/outgoing': () =>
        '<Response><Gather numDigits="1" action="/pressed" timeout="5"><Say>Press a key</Say></Gather></Response>',
      '/pressed': (request) => {
        pressed(String(request.params.Digits));
        return '<Response><Hangup/></Response>';
      },
    },
  });
  harnesses.push(harness);
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  return { harness, key: await newKey(harness) };
}

/** A WebSocket that never gets through, as behind a proxy that refuses upgrades. */
class BlockedWebSocket implements WebSocketLike {
  readyState = 3;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor() {
    setTimeout(() => this.onclose?.({ code: 1006, reason: 'blocked' }), 5);
  }
  send(): void {}
  close(): void {}
}

describe('long-poll transport', () => {
  it('registers, rings, accepts, places calls, sends digits and hangs up over plain HTTP', async () => {
    const { harness, key } = await setup();
    const app = await harness.client.applications.create({ voiceUrl: `${harness.app.url}/outgoing` });
    const token = tokenFor(harness, key, 'alice', { incomingAllow: true, outgoingApplicationSid: app.sid });
    const alice = deviceFor(harness, token, { transport: 'long-poll' });
    cleanups.push(() => alice.destroy());
    await alice.register();
    expect(alice.transportKind).toBe('long-poll');
    const invited = next(alice, 'incoming');
    harness.network.call({ from: '+15550100020', to: NUMBER });
    const [call] = await invited;
    expect(call.parameters).toMatchObject({ From: '+15550100020', To: 'client:alice' });
    await call.accept();
    if (call.status() !== 'open') await next(call, 'accept');
    const disconnected = next(call, 'disconnect');
    call.disconnect();
    await disconnected;
    const parentSid = harness.runtime.calls.get(call.parameters.CallSid as string)?.parentCallSid as string;
    await harness.runtime.calls.ended(parentSid);
    expect(harness.app.requestsTo('/dialed')[0]?.params.DialCallStatus).toBe('completed');

    const placed = await alice.connect({ params: { To: '+15550177000' } });
    if (placed.status() !== 'open') await next(placed, 'accept');
    const heard = digits;
    await harness.network.heard('client:alice', (entry) => entry.type === 'heard-speech');
    placed.sendDigits('7');
    expect(await heard).toBe('7');
    expect((await next(placed, 'disconnect'))[0]).toBe(placed);
  });

  it('is what auto falls back to when WebSockets are blocked', async () => {
    const { harness, key } = await setup();
    const alice = deviceFor(harness, tokenFor(harness, key, 'alice'), {
      WebSocket: BlockedWebSocket as unknown as WebSocketConstructor,
    });
    cleanups.push(() => alice.destroy());
    await alice.register();
    expect(alice.transportKind).toBe('long-poll');
    expect(harness.runtime.devices?.presenceOf(harness.account.sid, 'alice')[0]?.registrations).toBe(1);
    // And a device restricted to WebSockets says why it cannot connect.
    const strict = deviceFor(harness, tokenFor(harness, key, 'alice'), {
      transport: 'websocket',
      WebSocket: BlockedWebSocket as unknown as WebSocketConstructor,
    });
    cleanups.push(() => strict.destroy());
    await expect(strict.register()).rejects.toMatchObject({ errorName: 'TransportError', code: 31009 });
  });

  it('answers bad requests with typed errors', async () => {
    const { harness, key } = await setup();
    const url = `${harness.base}/devices/v1/poll`;
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const notHello = await post(JSON.stringify({ type: 'ping' }));
    expect(notHello.status).toBe(400);
    expect(await notHello.json()).toMatchObject({
      messages: [{ type: 'error', fatal: true, error: { name: 'MalformedRequest' } }],
    });
    const badToken = await post(JSON.stringify({ type: 'hello', v: 1, token: 'nope' }));
    expect(badToken.status).toBe(401);
    expect(await badToken.json()).toMatchObject({ messages: [{ error: { name: 'AccessTokenInvalid', code: 20101 } }] });
    const unknown = await fetch(url, { headers: { 'x-patchbay-session': 'no-such-session' } });
    expect(unknown.status).toBe(404);
    const hello = await post(JSON.stringify({ type: 'hello', v: 1, token: tokenFor(harness, key, 'alice') }));
    const [welcome] = ((await hello.json()) as { messages: Array<{ session: string }> }).messages;
    const session = { 'x-patchbay-session': welcome?.session as string };
    const huge = await post(JSON.stringify({ messages: ['x'.repeat(70_000)] }), session);
    expect(huge.status).toBe(400);
    const mixed = await post(JSON.stringify({ messages: [{ type: 'ping' }, { type: 'nonsense' }] }), session);
    expect(await mixed.json()).toMatchObject({
      messages: [{ type: 'pong' }, { type: 'error', fatal: false, error: { name: 'MalformedRequest' } }],
    });
  });

  it('sends an invitation again, whole, to a poll that asks after it (one that arrived between two polls)', async () => {
    const { harness, key } = await setup();
    const url = `${harness.base}/devices/v1/poll`;
    const hello = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ type: 'hello', v: 1, token: tokenFor(harness, key, 'alice', { incomingAllow: true }) }),
    });
    const [welcome] = ((await hello.json()) as { messages: Array<{ session: string }> }).messages;
    const headers = { 'x-patchbay-session': welcome?.session as string };
    type Sent = { type: string; seq?: number };
    const poll = async (after: number): Promise<Sent[]> =>
      ((await (await fetch(`${url}?after=${after}`, { headers })).json()) as { messages: Sent[] }).messages;
    await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ type: 'register', id: 'r1' }] }),
    });
    harness.network.call({ from: '+15550100022', to: NUMBER });
    // No poll is waiting while the call rings: the invitation waits for the next one.
    let after = 0;
    let invite: Sent | undefined;
    while (!invite) {
      const messages = await poll(after);
      invite = messages.find((message) => message.type === 'invite');
      after = Math.max(after, ...messages.map((message) => message.seq ?? 0));
    }
    const seq = invite.seq ?? 0;
    // Asked for again (the answer was lost): the same message, which the SDK reads.
    const again = (await poll(seq - 1)).find((message) => message.seq === seq);
    expect(again).toEqual(invite);
    expect(again).toHaveProperty('expiresAt');
    expect(parseServerMessage(JSON.stringify(again)).ok).toBe(true);
  });

  it('accepts an invitation with one POST from a device that has no connection yet (woken by a push)', async () => {
    const { harness, key } = await setup();
    const { device } = await RawDevice.open(harness, tokenFor(harness, key, 'alice'));
    cleanups.push(() => device.close());
    await device.request({ type: 'register' });
    harness.network.call({ from: '+15550100021', to: NUMBER });
    const invite = await device.next((m) => m.type === 'invite');
    if (invite.type !== 'invite') throw new Error('expected an invite');
    const post = (body: unknown) =>
      fetch(`${harness.base}/devices/v1/answer`, { method: 'POST', body: JSON.stringify(body) });
    const bad = await post({ token: tokenFor(harness, key, 'alice'), callToken: invite.callToken, action: 'maybe' });
    expect(bad.status).toBe(400);
    const answered = await post({ token: tokenFor(harness, key, 'alice'), callToken: invite.callToken });
    expect(answered.status).toBe(200);
    const { messages } = (await answered.json()) as { messages: Array<Record<string, unknown>> };
    expect(messages[0]).toMatchObject({ type: 'welcome', identity: 'alice' });
    expect(messages).toContainEqual(expect.objectContaining({ type: 'result', ok: true, callSid: invite.callSid }));
    // The socket device that was ringing is told the call was answered elsewhere.
    expect(await device.next((m) => m.type === 'cancel')).toMatchObject({ reason: 'answered-elsewhere' });
    expect(harness.runtime.calls.get(invite.callSid)?.status).toBe('in-progress');
    // The new session follows the call when it resumes.
    const session = String(messages[0]?.session);
    const resumed = await RawDevice.open(harness, tokenFor(harness, key, 'alice'), { session, received: 0 });
    cleanups.push(() => resumed.device.close());
    expect(resumed.welcome).toMatchObject({ resumed: true });
    expect(await resumed.device.next((m) => m.type === 'call')).toMatchObject({
      state: 'open',
      callSid: invite.callSid,
    });
    const again = await post({ token: tokenFor(harness, key, 'alice'), callToken: invite.callToken });
    expect(again.status).toBe(409);
  });
});
