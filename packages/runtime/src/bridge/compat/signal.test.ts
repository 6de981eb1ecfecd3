/**
 * `/signal` at the frame level, with a raw WebSocket speaking the hosted SDK's protocol: what the
 * SDK would never send (bad tokens, garbage, floods, silence), and a call that survives a lost
 * connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServeOptions } from '../../cli/serve.js';
import { type CompatRig, startRig } from './compat.test-support.js';

type Frame = { type: string; payload: Record<string, unknown> } | { type: 'heartbeat'; payload: Record<string, never> };

/** A client speaking the SDK's signaling by hand. */
class RawSdk {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: Array<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];

  private constructor(
    readonly socket: WebSocket,
    echo: boolean,
  ) {
    socket.on('message', (data) => {
      const text = String(data);
      const frame: Frame = text === '\n' ? { type: 'heartbeat', payload: {} } : JSON.parse(text);
      if (frame.type === 'heartbeat' && echo) socket.send('\n');
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (!waiter.match(frame)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async connect(rig: CompatRig, echo = true): Promise<RawSdk> {
    const socket = new WebSocket(`wss://${rig.chunderw}/signal`, { ca: rig.ca });
    const sdk = new RawSdk(socket, echo);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return sdk;
  }

  send(type: string, payload: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ type, version: '1.6', payload }));
  }

  /** The next frame of `type` (one already received after `after` frames counts). */
  next(type: string, after = 0): Promise<Frame> {
    const seen = this.frames.slice(after).find((frame) => frame.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match: (frame) => frame.type === type, resolve }));
  }

  async listen(token: string): Promise<Frame> {
    const at = this.frames.length;
    this.send('listen', { token, browserinfo: {}, reconnectTimeout: 0 });
    return Promise.race([this.next('connected', at), this.next('error', at)]);
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<ServeOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-signal-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const rig = await startRig(
    dir,
    { '/outgoing': () => '<Response><Say>Hello</Say><Pause length="30"/></Response>' },
    options,
  );
  cleanups.push(() => rig.close());
  const open = async (echo = true) => {
    const sdk = await RawSdk.connect(rig, echo);
    cleanups.push(async () => sdk.socket.terminate());
    return sdk;
  };
  /** A connection that listened with `token` and registered. */
  const registered = async (token: string) => {
    const sdk = await open();
    await sdk.listen(token);
    sdk.send('register', { media: { audio: true } });
    await sdk.next('ready');
    return sdk;
  };
  /** A REST call to client:alice, running /outgoing once answered. */
  const ring = () =>
    rig.client.calls.create({ to: 'client:alice', from: '+15550100009', url: `${rig.app.url}/outgoing` });
  return { rig, open, registered, ring };
}

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n';

describe('/signal', () => {
  it("answers listen with connected (identity, the token's time left), register with ready", async () => {
    const { rig, open } = await setup();
    const sdk = await open();
    const connected = await sdk.listen(rig.token('alice', 600));
    expect(connected).toMatchObject({ type: 'connected', payload: { token: { identity: 'alice' } } });
    expect((connected.payload as { token: { ttl: number } }).token.ttl).toBeGreaterThan(590);
    sdk.send('register', { media: { audio: true } });
    await sdk.next('ready');
    expect(rig.server.runtime.devices?.presenceOf(rig.server.account.sid, 'alice')[0]).toMatchObject({
      status: 'online',
    });
  });

  it('refuses bad tokens with the codes the SDK knows, and the connection stays for a good one', async () => {
    const { rig, open } = await setup();
    const sdk = await open();
    const codeOf = (frame: Frame) => (frame.payload as { error?: { code: number } }).error?.code;
    expect(codeOf(await sdk.listen('not a token'))).toBe(20101);
    expect(codeOf(await sdk.listen(rig.token('alice', 600, 'not the secret')))).toBe(31202);
    sdk.send('register', { media: { audio: true } });
    expect(codeOf(await sdk.next('error', sdk.frames.length))).toBe(31301);
    expect((await sdk.listen(rig.token('alice'))).type).toBe('connected');
  });

  it('answers garbage with 31100 and keeps the connection; a frame over 64 KiB closes it', async () => {
    const { rig, open } = await setup();
    const sdk = await open();
    await sdk.listen(rig.token('alice'));
    const errors = sdk.frames.length;
    sdk.socket.send('{"type":');
    sdk.send('dtmf', { callsid: 'CA1' });
    const [first, second] = [await sdk.next('error', errors), await sdk.next('error', errors + 1)];
    expect([first.payload.error, second.payload.error]).toMatchObject([{ code: 31100 }, { code: 31100 }]);
    sdk.send('invite', { callsid: 'TJS1', sdp: 'x'.repeat(70_000) });
    expect((await sdk.closed).code).toBe(1009);
  });

  it("holds a flood to the bridge's rate: past the burst, requests get 31429", async () => {
    const { rig, open } = await setup();
    const sdk = await open();
    await sdk.listen(rig.token('alice'));
    for (let i = 0; i < 150; i++) sdk.send('register', { media: { audio: true } });
    const error = await sdk.next('error');
    expect(error.payload).toMatchObject({ error: { code: 31429 } });
    expect(sdk.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('sends a heartbeat every heartbeatMs; a client that stops echoing it is dropped', async () => {
    const { rig, open } = await setup({ devices: { heartbeatMs: 200 } });
    const echoing = await open(true);
    const silent = await open(false);
    await Promise.all([echoing.listen(rig.token('alice')), silent.listen(rig.token('bob'))]);
    expect((await silent.closed).code).toBe(4000);
    const beats = echoing.frames.filter((frame) => frame.type === 'heartbeat').length;
    expect(beats).toBeGreaterThanOrEqual(2);
    expect(echoing.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('a call survives a lost connection: the SDK reconnects with its token and hears what happened meanwhile', async () => {
    const { rig, open, registered, ring } = await setup();
    const token = rig.token('alice');
    const first = await registered(token);
    const call = await ring();
    const invite = await first.next('invite');
    expect(invite.payload).toMatchObject({ callsid: call.sid, parameters: { CallSid: call.sid } });
    const reconnect = invite.payload.reconnect as string;
    // The call's document is fetched once the device answered.
    const answered = rig.hit('/outgoing');
    first.send('answer', { callsid: call.sid, sdp: SDP });
    await answered;

    first.socket.terminate();
    const second = await open();
    await second.listen(token);
    second.send('invite', { callsid: call.sid, sdp: SDP, reconnect, twilio: {} });
    const answer = await second.next('answer');
    expect(answer.payload).toMatchObject({ callsid: call.sid, reconnect });
    expect(answer.payload.sdp).toMatch(/^v=0/);

    await rig.client.calls(call.sid).update({ status: 'completed' });
    expect((await second.next('hangup')).payload).toMatchObject({ callsid: call.sid });
  });

  it('an invitation answered or rejected on another device is canceled on this one', async () => {
    const { rig, registered, ring } = await setup();
    const [laptop, phone] = [await registered(rig.token('alice')), await registered(rig.token('alice'))];
    const answered = await ring();
    await Promise.all([laptop.next('invite'), phone.next('invite')]);
    laptop.send('answer', { callsid: answered.sid, sdp: SDP });
    expect((await phone.next('cancel')).payload).toEqual({ callsid: answered.sid });

    const [laptopSeen, phoneSeen] = [laptop.frames.length, phone.frames.length];
    const rejected = await ring();
    await Promise.all([laptop.next('invite', laptopSeen), phone.next('invite', phoneSeen)]);
    phone.send('reject', { callsid: rejected.sid });
    expect((await laptop.next('cancel', laptopSeen)).payload).toEqual({ callsid: rejected.sid });
    expect((await rig.server.runtime.calls.ended(rejected.sid)).status).toBe('busy');
  });

  it('a call the SDK hangs up before Patchbay named it still ends', async () => {
    const { rig, open } = await setup();
    const sdk = await open();
    await sdk.listen(rig.token('alice'));
    const temp = 'TJSce0f6b5a-4c1e-4a52-8a2e-9d4c0a1b2c3d';
    sdk.send('invite', { callsid: temp, sdp: SDP, twilio: { params: 'To=%2B15550100400' } });
    sdk.send('hangup', { callsid: temp });
    const callSid = (await sdk.next('hangup')).payload.callsid as string;
    expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);
    // Hung up as it is answered: canceled or completed, depending on which the runtime saw first.
    expect(['canceled', 'completed']).toContain((await rig.server.runtime.calls.ended(callSid)).status);
  });

  it('an invitation that was ringing when the connection dropped can be answered after the SDK came back', async () => {
    const { rig, registered, ring } = await setup();
    const token = rig.token('alice');
    const first = await registered(token);
    const call = await ring();
    await first.next('invite');
    first.socket.terminate();

    const second = await registered(token);
    const answered = rig.hit('/outgoing');
    second.send('answer', { callsid: call.sid, sdp: SDP });
    await answered;
    await rig.client.calls(call.sid).update({ status: 'completed' });
    expect((await second.next('hangup')).payload).toEqual({ callsid: call.sid });
    // One registration: the session the second connection opened gave way to the one it took over.
    expect(rig.server.runtime.devices?.presenceOf(rig.server.account.sid, 'alice')[0]?.registrations).toBe(1);
  });

  it('a reconnect naming no call it can resume gets a hangup with 31005', async () => {
    const { rig, open } = await setup();
    const sdk = await open();
    await sdk.listen(rig.token('alice'));
    sdk.send('invite', { callsid: 'CA00000000000000000000000000000000', sdp: SDP, reconnect: 'nothing', twilio: {} });
    expect((await sdk.next('hangup')).payload).toMatchObject({ error: { code: 31005 } });
  });
});
