/**
 * What every driver's session shares: the `connected` promise bounded by the connect timeout,
 * the RTP and close listeners, and closing once. A driver calls `opened()` when SRTP can flow,
 * `failed()` when its stack gives up, `ended()` when the device goes away, and emits each
 * decrypted packet with `deliver()`. Outgoing packets get the session's SSRC (the one its SDP
 * declares), written in place: the engine's packets are fresh copies.
 *
 * @example
 * class MySession extends SessionBase { ... this.opened(); this.deliver(rtp); }
 */
import { WebRtcError } from './errors.js';

export abstract class SessionBase {
  readonly connected: Promise<void>;
  readonly ssrc = (Math.random() * 0xffffffff) >>> 0;
  #resolve!: () => void;
  #reject!: (e: WebRtcError) => void;
  #settled = false;
  #open = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #rtp: ((rtp: Uint8Array) => void)[] = [];
  #close: (() => void)[] = [];

  constructor(
    readonly id: string,
    timeoutMs: number,
  ) {
    this.connected = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.connected.catch(() => {});
    this.#timer = setTimeout(
      () => this.failed(new WebRtcError('ice-timeout', `ICE and DTLS did not complete in ${timeoutMs} ms`, id)),
      timeoutMs,
    );
    this.#timer.unref?.();
  }

  get isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  protected opened(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#open = true;
    clearTimeout(this.#timer);
    this.#resolve();
  }

  protected failed(error: WebRtcError): void {
    if (!this.#settled) {
      this.#settled = true;
      clearTimeout(this.#timer);
      this.#reject(error);
    }
    this.close();
  }

  /** The device went away after connecting. */
  protected ended(): void {
    this.close();
  }

  protected deliver(rtp: Uint8Array): void {
    if (this.#closed) return;
    for (const l of this.#rtp) l(rtp);
  }

  protected stamp(rtp: Uint8Array): void {
    if (rtp.byteLength < 12) return;
    rtp[8] = this.ssrc >>> 24;
    rtp[9] = (this.ssrc >>> 16) & 0xff;
    rtp[10] = (this.ssrc >>> 8) & 0xff;
    rtp[11] = this.ssrc & 0xff;
  }

  onRtp(listener: (rtp: Uint8Array) => void): void {
    this.#rtp.push(listener);
  }

  onClose(listener: () => void): void {
    if (this.#closed) queueMicrotask(listener);
    else this.#close.push(listener);
  }

  /** Frees the driver's resources; called once. */
  protected abstract release(): void;

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(new WebRtcError('session-closed', 'the session closed before it connected', this.id));
    }
    try {
      this.release();
    } catch {}
    this.#rtp = [];
    for (const l of this.#close.splice(0)) l();
  }
}
