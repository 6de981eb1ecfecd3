/**
 * attachSession's replacement rules with stand-in sessions (the real ones: restart.test.ts): who
 * carries the leg while a renegotiated session connects, and when the leg ends.
 */
import { describe, expect, it } from 'vitest';
import type { EngineLeg } from '../engine/index.js';
import { attachSession } from './device-leg.js';
import { WebRtcError } from './errors.js';
import type { WebRtcSession } from './transport.js';

class FakeSession implements WebRtcSession {
  readonly localSdp = 'v=0';
  readonly telephoneEvent = 101;
  readonly connected: Promise<void>;
  connect!: () => void;
  fail!: (e: unknown) => void;
  readonly sent: Uint8Array[] = [];
  closed = false;
  #rtp: ((rtp: Uint8Array) => void)[] = [];
  #close: (() => void)[] = [];
  constructor(readonly id: string) {
    this.connected = new Promise((resolve, reject) => {
      this.connect = resolve;
      this.fail = reject;
    });
    this.connected.catch(() => undefined);
  }
  async complete() {}
  send(rtp: Uint8Array) {
    this.sent.push(rtp);
  }
  onRtp(l: (rtp: Uint8Array) => void) {
    this.#rtp.push(l);
  }
  onClose(l: () => void) {
    this.#close.push(l);
  }
  hear(rtp: Uint8Array) {
    if (this.closed) return; // as SessionBase: nothing is delivered once closed
    for (const l of this.#rtp) l(rtp);
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.fail(new WebRtcError('session-closed', 'closed', this.id));
    for (const l of this.#close) l();
  }
}

function fakeLeg() {
  const received: Uint8Array[] = [];
  let send: (rtp: Uint8Array) => void = () => undefined;
  const state = { closed: false };
  const leg = {
    id: 'leg',
    pipe: { receive: (p: Uint8Array) => received.push(p), onSend: (l: (p: Uint8Array) => void) => (send = l) },
    configure: () => undefined,
    close: async () => {
      state.closed = true;
    },
  } as unknown as EngineLeg;
  return { leg, received, send: (p: Uint8Array) => send(p), state };
}

const packet = (n: number) => new Uint8Array([0x80, 0, 0, n, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]);

describe('attachSession replacing its session', () => {
  it('hears and sends on the old session until the new one connects, then only on the new one', async () => {
    const { leg, received, send, state } = fakeLeg();
    const [a, b] = [new FakeSession('a'), new FakeSession('b')];
    const attached = attachSession(a, leg);
    const replaced = attached.replace(b);
    b.hear(packet(1)); // not yet connected: not heard
    a.hear(packet(2));
    send(packet(3));
    b.connect();
    await replaced;
    a.hear(packet(4)); // closed now, and no longer carrying
    b.hear(packet(5));
    send(packet(6));
    expect(received.map((p) => p[3])).toEqual([2, 5]);
    expect(a.sent.map((p) => p[3])).toEqual([3]);
    expect(b.sent.map((p) => p[3])).toEqual([6]);
    expect(a.closed).toBe(true);
    expect(state.closed).toBe(false);
  });

  it('when the old session dies while the new one connects, the leg waits for it', async () => {
    const { leg, state } = fakeLeg();
    const [a, b] = [new FakeSession('a'), new FakeSession('b')];
    const attached = attachSession(a, leg);
    const replaced = attached.replace(b);
    a.close(); // the old network is gone
    await Promise.resolve();
    expect(state.closed).toBe(false);
    b.connect();
    await replaced;
    expect(attached.session).toBe(b);
    expect(state.closed).toBe(false);
    b.close();
    expect(state.closed).toBe(true);
  });

  it('when the old session died and the new one fails too, the leg ends', async () => {
    let ended = 0;
    const { leg, state } = fakeLeg();
    const [a, b] = [new FakeSession('a'), new FakeSession('b')];
    const attached = attachSession(a, leg, () => ended++);
    const replaced = attached.replace(b);
    a.close();
    b.fail(new WebRtcError('ice-timeout', 'no', 'b'));
    await expect(replaced).rejects.toMatchObject({ code: 'ice-timeout' });
    expect(state.closed).toBe(true);
    expect(ended).toBe(1);
  });

  it('with dropCurrent the old session closes at once: the leg waits for the new one, or ends if it fails', async () => {
    const { leg, received, send, state } = fakeLeg();
    const [a, b] = [new FakeSession('a'), new FakeSession('b')];
    const attached = attachSession(a, leg);
    const replaced = attached.replace(b, { dropCurrent: true });
    expect(a.closed).toBe(true);
    a.hear(packet(1));
    send(packet(2)); // nobody carries the leg yet: dropped
    expect(state.closed).toBe(false);
    b.connect();
    await replaced;
    b.hear(packet(3));
    send(packet(4));
    expect(received.map((p) => p[3])).toEqual([3]);
    expect(b.sent.map((p) => p[3])).toEqual([4]);

    let ended = 0;
    const other = fakeLeg();
    const [c, d] = [new FakeSession('c'), new FakeSession('d')];
    const dropped = attachSession(c, other.leg, () => ended++).replace(d, { dropCurrent: true });
    d.fail(new WebRtcError('ice-timeout', 'no', 'd'));
    await expect(dropped).rejects.toMatchObject({ code: 'ice-timeout' });
    expect(other.state.closed).toBe(true);
    expect(ended).toBe(1);
  });

  it('a newer restart drops an older one still connecting', async () => {
    const { leg } = fakeLeg();
    const [a, b, c] = [new FakeSession('a'), new FakeSession('b'), new FakeSession('c')];
    const attached = attachSession(a, leg);
    const first = attached.replace(b);
    const second = attached.replace(c);
    await expect(first).rejects.toMatchObject({ code: 'session-closed' });
    expect(b.closed).toBe(true);
    c.connect();
    await second;
    expect(attached.session).toBe(c);
    attached.close();
    expect(c.closed).toBe(true);
  });
});
