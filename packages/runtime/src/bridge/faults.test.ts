import type { ServerMessage } from '@patchbay/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import type { Route } from '../testing/app-server.js';
import { deviceFor, type Key, newKey, next, RawDevice, tokenFor, until } from './devices.test-support.js';
import { RATE } from './session.js';

const harnesses: ApiHarness[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const harness of harnesses.splice(0)) await harness.close();
});

const NUMBER = '+15550143000';
const DIAL = (timeout = 10) =>
  `<Response><Dial action="/dialed" timeout="${timeout}"><Client>alice</Client></Dial></Response>`;

async function setup(
  options: { routes?: Record<string, Route>; devices?: { heartbeatMs?: number; resumeMs?: number } } = {},
) {
  const harness = await startApiHarness({
    routes: { '/voice': () => DIAL(), '/dialed': () => '<Response/>', ...options.routes },
    ...(options.devices ? { devices: options.devices } : {}),
  });
  harnesses.push(harness);
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  return { harness, key: await newKey(harness) };
}

async function raw(harness: ApiHarness, key: Key, identity = 'alice') {
  const { device, welcome } = await RawDevice.open(harness, tokenFor(harness, key, identity));
  cleanups.push(() => device.close());
  if (welcome.type !== 'welcome') throw new Error(`refused: ${JSON.stringify(welcome)}`);
  expect(await device.request({ type: 'register' })).toMatchObject({ ok: true });
  return { device, session: welcome.session };
}

const invited = (message: ServerMessage) => message.type === 'invite';
const seqOf = (message: ServerMessage) => ('seq' in message ? message.seq : 0);

describe('delivery across reconnects', () => {
  it('sends again what the device has not acknowledged, in order, and stops once it has', async () => {
    const { harness, key } = await setup();
    const { device, session } = await raw(harness, key);
    const lastSeen = Math.max(...device.received.map(seqOf));
    device.close();
    harness.network.call({ from: '+15550100010', to: NUMBER });
    const ringing = await until(
      harness.runtime.events,
      'call.status',
      (call) => call.to === 'client:alice' && call.status === 'ringing',
    );
    expect(ringing[0].direction).toBe('outbound-dial');

    const back = await RawDevice.open(harness, tokenFor(harness, key, 'alice'), { session, received: lastSeen });
    cleanups.push(() => back.device.close());
    expect(back.welcome).toMatchObject({ type: 'welcome', resumed: true, session, registered: true });
    const invite = await back.device.next(invited);
    expect(seqOf(invite)).toBe(lastSeen + 1);
    back.device.close();

    // Not acknowledged: the same invitation, same seq, on the next connection.
    const again = await RawDevice.open(harness, tokenFor(harness, key, 'alice'), { session, received: lastSeen });
    cleanups.push(() => again.device.close());
    const repeated = await again.device.next(invited);
    expect(repeated).toEqual(invite);
    again.device.send({ type: 'ack', seq: seqOf(invite) });
    again.device.close();

    const acked = await RawDevice.open(harness, tokenFor(harness, key, 'alice'), { session, received: lastSeen });
    cleanups.push(() => acked.device.close());
    acked.device.send({ type: 'ping' });
    await acked.device.next((m) => m.type === 'pong');
    expect(acked.device.received.filter(invited)).toEqual([]);
    if (invite.type !== 'invite') throw new Error('expected an invite');
    expect(await acked.device.request({ type: 'accept', callToken: invite.callToken })).toMatchObject({ ok: true });
    expect(await acked.device.next((m) => m.type === 'call')).toMatchObject({ state: 'open', callSid: invite.callSid });
  });

  it('SDK devices resume by themselves: no invitation twice, and open calls reconnect', async () => {
    const { harness, key } = await setup();
    const alice = deviceFor(harness, tokenFor(harness, key, 'alice'));
    cleanups.push(() => alice.destroy());
    await alice.register();
    const incoming: unknown[] = [];
    alice.on('incoming', (call) => incoming.push(call));
    const first = next(alice, 'incoming');
    harness.network.call({ from: '+15550100011', to: NUMBER });
    const [call] = await first;
    const bridge = harness.runtime.devices;
    // The server drops the connection while the call rings.
    bridge?.session(alice.sessionId as string)?.link?.close(4000, 'test drop');
    await call.accept();
    expect(incoming).toHaveLength(1);
    if (call.status() !== 'open') await next(call, 'accept');

    const reconnecting = next(call, 'reconnecting');
    const reconnected = next(call, 'reconnected');
    bridge?.session(alice.sessionId as string)?.link?.close(4000, 'test drop');
    const [error] = await reconnecting;
    expect(error.errorName).toBe('ConnectionError');
    await reconnected;
    expect(call.status()).toBe('open');
    call.sendDigits('1');
    const disconnected = next(call, 'disconnect');
    call.disconnect();
    await disconnected;
    expect(incoming).toHaveLength(1);
  });
});

describe('call tokens', () => {
  it("rejects tampered, replayed and other accounts' call tokens, and reports them", async () => {
    const { harness, key } = await setup();
    const refused: string[] = [];
    harness.runtime.devices?.events.on('refused', (event) => refused.push(event.error.message));
    const { device } = await raw(harness, key);
    // Same identity in another account.
    const tenant = await harness.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const tenantKey = await harness.clientFor(tenant.sid, tenant.authToken).newKeys.create();
    const intruder = await RawDevice.open(
      harness,
      tokenFor(harness, { sid: tenantKey.sid, secret: tenantKey.secret }, 'alice', undefined, {
        accountSid: tenant.sid,
      }),
    );
    cleanups.push(() => intruder.device.close());

    harness.network.call({ from: '+15550100012', to: NUMBER });
    const invite = await device.next(invited);
    if (invite.type !== 'invite') throw new Error('expected an invite');
    const bytes = Buffer.from(invite.callToken.slice(3), 'base64url');
    bytes[20] = (bytes[20] as number) ^ 1;
    const tampered = await device.request({ type: 'accept', callToken: `v1.${bytes.toString('base64url')}` });
    expect(tampered).toMatchObject({ ok: false, error: { name: 'CallTokenInvalid', code: 31202 } });
    const foreign = await intruder.device.request({ type: 'accept', callToken: invite.callToken });
    expect(foreign).toMatchObject({ ok: false, error: { name: 'CallTokenInvalid' } });
    // Neither burnt the token: the invited device still accepts.
    expect(await device.request({ type: 'accept', callToken: invite.callToken })).toMatchObject({ ok: true });
    const replay = await device.request({ type: 'accept', callToken: invite.callToken });
    expect(replay).toMatchObject({
      ok: false,
      error: { name: 'CallTokenInvalid', message: expect.stringMatching(/already used/) },
    });
    expect(refused).toHaveLength(3);
  });
});

describe('malformed and oversize messages', () => {
  it('answers each with a typed error, keeps the connection where it can, and the server carries on', async () => {
    const { harness, key } = await setup();
    const { device } = await raw(harness, key);
    const errorAfter = (count: number) => device.next((m) => m.type === 'error', count);
    let seen = device.received.length;
    device.send('not json');
    expect(await errorAfter(seen)).toMatchObject({ fatal: false, error: { name: 'MalformedRequest', code: 31100 } });
    seen = device.received.length;
    device.send({ type: 'register' });
    expect(await errorAfter(seen)).toMatchObject({ error: { message: expect.stringMatching(/at id/) } });
    seen = device.received.length;
    device.send({ type: 'digits', id: 'd1', callSid: `CA${'0'.repeat(32)}`, digits: 'call me' });
    expect(await errorAfter(seen)).toMatchObject({ error: { name: 'MalformedRequest' } });
    seen = device.received.length;
    device.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(20_000) }));
    expect(await errorAfter(seen)).toMatchObject({ error: { message: expect.stringMatching(/larger than/) } });
    seen = device.received.length;
    device.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await errorAfter(seen)).toMatchObject({ error: { message: expect.stringMatching(/binary/) } });
    device.send({ type: 'ping' });
    await device.next((m) => m.type === 'pong');

    device.send('x'.repeat(70_000));
    expect((await device.closed).code).toBe(1009);

    const early = await RawDevice.connect(harness);
    cleanups.push(() => early.close());
    early.send({ type: 'register', id: 'r1' });
    expect(await early.next((m) => m.type === 'error')).toMatchObject({
      fatal: true,
      error: { name: 'MalformedRequest' },
    });
    expect((await early.closed).code).toBe(4400);

    // Unaffected: another device registers and gets calls.
    const alice = deviceFor(harness, tokenFor(harness, key, 'alice'));
    cleanups.push(() => alice.destroy());
    await alice.register();
    const call = next(alice, 'incoming');
    harness.network.call({ from: '+15550100013', to: NUMBER });
    expect((await call)[0].parameters.From).toBe('+15550100013');
  });
});

describe('devices that send too fast', () => {
  it('get TooManyRequests past a burst and keep their connection', async () => {
    const { harness, key } = await setup();
    const { device } = await raw(harness, key);
    const before = device.received.length;
    const started = performance.now();
    for (let i = 0; i < 150; i++) device.send({ type: 'ping' });
    device.send({ type: 'unregister', id: 'late' });
    const late = await device.next((m) => m.type === 'result' && m.id === 'late', before);
    const received = device.received.slice(before);
    const pongs = received.filter((m) => m.type === 'pong').length;
    const limited = received.filter((m) => m.type === 'error');
    // The burst, and what the bucket refilled (one every 20 ms) while the machine worked through them.
    const refilled = Math.ceil(((performance.now() - started) / 1000) * RATE.perSecond);
    expect(pongs).toBeLessThanOrEqual(RATE.burst + refilled);
    expect(pongs).toBeLessThan(150);
    expect(pongs + limited.length).toBe(150);
    for (const error of limited)
      expect(error).toMatchObject({ fatal: false, error: { name: 'TooManyRequests', code: 31429 } });
    // A request past the limit is answered TooManyRequests under its own id (unless the bucket had
    // refilled by the time it came: a gap of 20 ms after the last message let through).
    if (!(late.type === 'result' && late.ok)) {
      expect(late).toMatchObject({ ok: false, error: { name: 'TooManyRequests', code: 31429 } });
    } else expect(refilled).toBeGreaterThan(0);
    expect(device.socket.readyState).toBe(device.socket.OPEN);
  });
});

describe('devices that vanish', () => {
  it('expire by heartbeat; calls fall to the other registrations, or to no-answer', async () => {
    const { harness, key } = await setup({ devices: { heartbeatMs: 100, resumeMs: 200 } });
    const bridge = harness.runtime.devices as NonNullable<typeof harness.runtime.devices>;
    const good = deviceFor(harness, tokenFor(harness, key, 'alice'));
    cleanups.push(() => good.destroy());
    await good.register();
    // Registered, then silent: no pings, no close.
    await raw(harness, key);
    expect(bridge.presenceOf(harness.account.sid, 'alice')[0]?.registrations).toBe(2);
    await until(bridge.events, 'presence', (record) => record.registrations === 1);
    const invitation = next(good, 'incoming');
    harness.network.call({ from: '+15550100014', to: NUMBER });
    const [call] = await invitation;
    await call.accept();
    call.disconnect();

    good.destroy();
    await until(bridge.events, 'presence', (record) => record.status === 'offline');
    // A silent device that is invited and never answers: no-answer as soon as it expires, not at the Dial timeout.
    await raw(harness, key);
    const started = Date.now();
    const created = until(harness.runtime.events, 'call.created', (record) => record.direction === 'inbound');
    harness.network.call({ from: '+15550100015', to: NUMBER });
    const ended = await harness.runtime.calls.ended((await created)[0].sid);
    expect(ended.status).toBe('completed');
    expect(harness.app.requestsTo('/dialed').at(-1)?.params.DialCallStatus).toBe('no-answer');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
