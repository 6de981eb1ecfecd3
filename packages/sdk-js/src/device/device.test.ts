import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceError } from '../protocol/errors.js';
import type { ClientMessage, ServerMessage } from '../protocol/messages.js';
import { AccessToken, VoiceGrant } from '../tokens/access-token.js';
import { FakeAudio, fakeBrowser } from './audio.test-support.js';
import type { Call } from './call.js';
import { Device, type DeviceClock } from './device.js';
import type { WebSocketConstructor, WebSocketLike } from './transport.js';

const START = 1_800_000_000_000;
const ACCOUNT = `AC${'a'.repeat(32)}`;
const CALL = `CA${'1'.repeat(32)}`;

/** Timers that run only when the test advances time. */
class ManualClock implements DeviceClock {
  time = START;
  readonly delays: number[] = [];
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.time;
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.time + ms, fn, live: true };
    this.timers.push(timer);
    this.delays.push(ms);
    return () => {
      timer.live = false;
    };
  }
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = until;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A scripted server behind a fake WebSocket. */
class FakeSocket implements WebSocketLike {
  static sockets: FakeSocket[] = [];
  static refuse = false;
  static answer: (socket: FakeSocket, message: ClientMessage) => void = () => {};
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: ClientMessage[] = [];
  constructor(readonly url: string) {
    FakeSocket.sockets.push(this);
    queueMicrotask(() => {
      if (FakeSocket.refuse) {
        this.readyState = 3;
        this.onclose?.({ code: 1006, reason: 'refused' });
        return;
      }
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(data: string): void {
    const message = JSON.parse(data) as ClientMessage;
    this.sent.push(message);
    FakeSocket.answer(this, message);
  }
  close(): void {
    this.readyState = 3;
  }
  deliver(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: 'dropped' });
  }
}

function welcome(resumed: boolean): ServerMessage {
  return {
    type: 'welcome',
    v: 1,
    session: 'session-1',
    resumed,
    identity: 'alice',
    accountSid: ACCOUNT,
    registered: resumed,
    heartbeatMs: 10_000,
    tokenExpiresAt: START + 3_600_000,
  };
}

const token = () =>
  new AccessToken(ACCOUNT, `SK${'b'.repeat(32)}`, 'secret', { identity: 'alice', iat: START / 1000 })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();

const invite = (seq: number): ServerMessage => ({
  type: 'invite',
  seq,
  callSid: CALL,
  callToken: 'v1.sealed',
  parameters: { CallSid: CALL, From: '+15550100' },
  customParameters: {},
  expiresAt: START + 60_000,
});

const devices: Device[] = [];
afterEach(() => {
  for (const device of devices.splice(0)) device.destroy();
  FakeSocket.sockets = [];
  FakeSocket.refuse = false;
  vi.unstubAllGlobals();
});

function device(clock: ManualClock) {
  const created = new Device(token(), {
    server: 'http://patchbay.test',
    transport: 'websocket',
    WebSocket: FakeSocket as unknown as WebSocketConstructor,
    clock,
  });
  devices.push(created);
  return created;
}

describe('Device', () => {
  it('reconnects with exponential backoff and jitter, resumes, and delivers nothing twice', async () => {
    const clock = new ManualClock();
    let seq = 0;
    FakeSocket.answer = (socket, message) => {
      if (message.type === 'hello') socket.deliver(welcome(message.resume !== undefined));
      if (message.type === 'register') socket.deliver({ type: 'result', seq: ++seq, id: message.id, ok: true });
    };
    const alice = device(clock);
    await alice.register();
    const incoming: Call[] = [];
    alice.on('incoming', (call) => incoming.push(call));
    FakeSocket.sockets[0]?.deliver(invite(++seq));
    expect(incoming).toHaveLength(1);

    FakeSocket.refuse = true;
    FakeSocket.sockets[0]?.drop();
    const reconnectDelays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = clock.delays.length;
      // The reconnect timer is the last one set after the failure.
      const delay = clock.delays.at(-1) as number;
      reconnectDelays.push(delay);
      await clock.advance(delay);
      await settle();
      expect(clock.delays.length).toBeGreaterThan(before);
    }
    // Full jitter: each delay lies between half and all of 250 ms doubling, capped at 15 s.
    reconnectDelays.forEach((delay, attempt) => {
      const ceiling = Math.min(15_000, 250 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });

    FakeSocket.refuse = false;
    await clock.advance(clock.delays.at(-1) as number);
    const resumedSocket = FakeSocket.sockets.at(-1) as FakeSocket;
    expect(resumedSocket.sent[0]).toMatchObject({ type: 'hello', resume: { session: 'session-1', received: 2 } });
    // The server sends the invitation again (unacknowledged on its side): the app sees it once.
    resumedSocket.deliver(invite(2));
    expect(incoming).toHaveLength(1);
    expect(alice.state).toBe('registered');
  });

  it('pings every heartbeat, and calls a server that went silent lost after 2.5 beats, then reconnects', async () => {
    const clock = new ManualClock();
    let answering = true;
    FakeSocket.answer = (socket, message) => {
      if (message.type === 'hello') socket.deliver(welcome(message.resume !== undefined));
      if (message.type === 'register') socket.deliver({ type: 'result', seq: 1, id: message.id, ok: true });
      if (message.type === 'ping' && answering) socket.deliver({ type: 'pong' });
    };
    const alice = device(clock);
    await alice.register();
    const first = FakeSocket.sockets[0];
    await clock.advance(60_000);
    // Answered pings keep the connection: six beats, six pings, one socket.
    expect(first?.sent.filter((message) => message.type === 'ping')).toHaveLength(6);
    expect(FakeSocket.sockets).toHaveLength(1);
    // The server stops answering (a half-open socket): lost after 2.5 beats, and a new socket.
    answering = false;
    await clock.advance(20_000);
    expect(FakeSocket.sockets).toHaveLength(1);
    await clock.advance(20_000);
    expect(FakeSocket.sockets.length).toBeGreaterThan(1);
    expect(FakeSocket.sockets.at(-1)?.sent[0]).toMatchObject({ type: 'hello', resume: { session: 'session-1' } });
  });

  it('never hangs: an unanswered request rejects after requestTimeoutMs, an expired token at once', async () => {
    const clock = new ManualClock();
    FakeSocket.answer = (socket, message) => {
      if (message.type === 'hello') socket.deliver(welcome(false));
    };
    const alice = device(clock);
    const registering = alice.register();
    const settled = registering.catch((error: unknown) => error);
    await settle();
    await clock.advance(10_000);
    expect(await settled).toMatchObject({ errorName: 'ConnectionError', code: 31005 });

    clock.time = START + 3_600_000;
    await expect(alice.connect()).rejects.toMatchObject({ errorName: 'AccessTokenExpired', code: 20104 });
  });

  it('warns before the token expires, by the injected clock', async () => {
    const clock = new ManualClock();
    const alice = device(clock);
    let warned = 0;
    alice.on('tokenWillExpire', () => warned++);
    await clock.advance(3_600_000 - 10_001);
    expect(warned).toBe(0);
    await clock.advance(1);
    expect(warned).toBe(1);
  });

  it('sends a request the server refused for pace again, under a new id, as the budget refills', async () => {
    const clock = new ManualClock();
    let seq = 0;
    let refusals = 2;
    const slowDown = new DeviceError('TooManyRequests', 'more messages than a device may send; slow down');
    FakeSocket.answer = (socket, message) => {
      if (message.type === 'hello') socket.deliver(welcome(false));
      if (message.type === 'connect')
        socket.deliver({ type: 'result', seq: ++seq, id: message.id, ok: true, callSid: CALL });
      if (message.type === 'hangup')
        socket.deliver(
          refusals-- > 0
            ? { type: 'result', seq: ++seq, id: message.id, ok: false, error: slowDown.toProtocol() }
            : { type: 'result', seq: ++seq, id: message.id, ok: true },
        );
    };
    const alice = device(clock);
    const call = await alice.connect();
    call.disconnect();
    await settle();
    const hangups = () => FakeSocket.sockets[0]?.sent.filter((message) => message.type === 'hangup') ?? [];
    expect(hangups()).toHaveLength(1);
    await clock.advance(249);
    expect(hangups()).toHaveLength(1);
    await clock.advance(1);
    expect(hangups()).toHaveLength(2);
    await clock.advance(500);
    expect(hangups()).toHaveLength(3);
    // Each try is a new request (the server carries out an id once, and refused this one).
    expect(new Set(hangups().map((message) => ('id' in message ? message.id : '')))).toHaveProperty('size', 3);
    // Accepted: nothing more is sent.
    await clock.advance(10_000);
    expect(hangups()).toHaveLength(3);
  });

  it('rings while an invitation waits: the ringtone stops when it is rejected or withdrawn', async () => {
    fakeBrowser();
    const clock = new ManualClock();
    let seq = 0;
    FakeSocket.answer = (socket, message) => {
      if (message.type === 'hello') socket.deliver(welcome(false));
      if (message.type === 'register' || message.type === 'reject')
        socket.deliver({ type: 'result', seq: ++seq, id: message.id, ok: true });
    };
    const alice = device(clock);
    await alice.register();
    const ringtone = FakeAudio.all.find((a) => a.src === 'http://patchbay.test/sdk/sounds/incoming.wav');
    expect(ringtone?.preload).toBe('auto');
    const incoming: Call[] = [];
    alice.on('incoming', (call) => incoming.push(call));
    FakeSocket.sockets[0]?.deliver(invite(++seq));
    expect(alice.isRinging).toBe(true);
    expect(ringtone?.loop).toBe(true);
    await incoming[0]?.reject();
    expect(alice.isRinging).toBe(false);
    FakeSocket.sockets[0]?.deliver({ ...invite(++seq), callSid: `CA${'2'.repeat(32)}` } as ServerMessage);
    expect(alice.isRinging).toBe(true);
    FakeSocket.sockets[0]?.deliver({ type: 'cancel', seq: ++seq, callSid: `CA${'2'.repeat(32)}`, reason: 'canceled' });
    expect(alice.isRinging).toBe(false);
  });
});
