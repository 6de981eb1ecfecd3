/**
 * One connection of the hosted SDK to `/signal`, translated onto the device bridge: the SDK's
 * `listen` opens (or, with a new token, refreshes) a bridge session, `register` registers it,
 * `invite` places a call through the token's application, `answer`/`reject` answer an
 * invitation, `dtmf` and `hangup` act on a call; what the bridge says back (invitations, cancels,
 * call states, results, errors) becomes the SDK's `connected`, `ready`, `offline`, `invite`,
 * `cancel`, `ringing`, `answer`, `hangup` and `error`. The bridge sees a device like any other:
 * its rate, size and registration limits, heartbeats and resume window apply unchanged.
 *
 * A call survives a lost connection: Patchbay gives each call a reconnect token (the session's
 * id); the SDK sends it back in an `invite` once it has reconnected, and the connection takes the
 * earlier session back (the bridge's resume) with whatever happened meanwhile.
 */
import { type ClientMessage, checkClientMessage, DeviceError, type ServerMessage } from '@patchbay/sdk/protocol';
import type { DeviceBridge } from '../bridge.js';
import { asDeviceError } from '../device-errors.js';
import type { DeviceSession, Link } from '../session.js';
import { accept, hangup, place, reinvite, reject } from './actions.js';
import { type CompatCall, type CompatState, type RequestResult, registration, stateOf } from './calls.js';
import type { CompatMedia } from './media.js';
import { type CompatMessage, errorFrame, frameOf } from './messages.js';
import { translate } from './translate.js';

export type Payload<K extends CompatMessage['type']> = Extract<CompatMessage, { type: K }>['payload'];

/** The socket under a connection. */
export interface CompatSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** A session as this connection holds it: the bridge's session, its compat state, and its link. */
export interface Attached {
  readonly session: DeviceSession;
  readonly state: CompatState;
  readonly link: Link;
}

export class CompatConnection {
  private current: Attached | undefined;

  constructor(
    private readonly bridge: DeviceBridge,
    readonly media: CompatMedia,
    readonly socket: CompatSocket,
  ) {}

  get attached(): Attached | undefined {
    return this.current;
  }

  /** Sends a frame to the SDK. */
  send(type: string, payload: Record<string, unknown>): void {
    this.socket.send(frameOf(type, payload));
  }

  /** The SDK echoed a heartbeat: the session is alive. */
  heartbeat(): void {
    if (this.current) this.bridge.receive(this.current.session, { type: 'ping' }, this.current.link);
  }

  /** The socket closed: the session waits for the device to come back (the bridge's resume window). */
  lost(): void {
    if (this.current) this.bridge.lost(this.current.session, this.current.link);
  }

  async handle(message: CompatMessage): Promise<void> {
    if (message.type === 'listen') return this.listen(message.payload.token);
    const attached = this.current;
    if (!attached) {
      this.socket.send(errorFrame(new DeviceError('RegistrationError', 'send listen with a valid token first')));
      return;
    }
    switch (message.type) {
      case 'register':
        if (message.payload.media?.audio === false)
          return this.request(attached, { type: 'unregister' }, (result) =>
            result.ok ? this.send('offline', {}) : this.socket.send(errorFrame(result.error)),
          );
        return this.request(attached, registration(attached.state), (result) =>
          result.ok ? this.send('ready', {}) : this.socket.send(errorFrame(result.error)),
        );
      case 'invite':
        return message.payload.reconnect === undefined
          ? place(this, attached, message.payload)
          : this.reconnect(attached, message.payload.callsid, message.payload.reconnect);
      case 'answer':
        return accept(this, attached, message.payload);
      case 'reject':
        return reject(this, attached, message.payload.callsid);
      case 'dtmf': {
        const call = attached.state.call(message.payload.callsid);
        if (!call?.live) return this.notFound(message.payload.callsid);
        const digits = message.payload.dtmf.replace(/[^0-9*#A-Dw]/g, '');
        // After the accept (queued behind its SDP) has reached the bridge.
        if (digits)
          void this.after(call, () =>
            this.request(attached, { type: 'digits', callSid: call.callSid, digits }, this.onFailure(call)),
          );
        return;
      }
      case 'hangup':
        return hangup(this, attached, message.payload.callsid);
      case 'reinvite':
        return reinvite(this, attached, message.payload);
      case 'message':
        // User-defined call messages need the hosted service's event stream: not offered.
        this.socket.send(
          frameOf('error', {
            error: { code: 31000, message: 'call messages are not supported by Patchbay' },
            ...message.payload,
          }),
        );
    }
  }

  /** A frame sent after the call's earlier ones (each may wait for SDP). */
  after(call: CompatCall, step: () => Promise<void> | void): Promise<void> {
    call.chain = call.chain.then(step).catch((error: unknown) => {
      this.socket.send(errorFrame(asDeviceError(error), call.callSid || call.tempSid));
    });
    return call.chain;
  }

  notFound(callsid: string): void {
    this.socket.send(errorFrame(new DeviceError('NotFound', `no call ${callsid} on this device`), callsid));
  }

  private onFailure(call: CompatCall): (result: RequestResult) => void {
    return (result) => {
      if (!result.ok) this.socket.send(errorFrame(result.error, call.callSid));
    };
  }

  /** Sends a bridge request for `attached`'s session; `onResult` gets its result. */
  request(
    attached: Attached,
    request: DistributiveOmit<Extract<ClientMessage, { id: string }>, 'id'>,
    onResult: (result: RequestResult) => void,
  ): void {
    const id = attached.state.requestId();
    const checked = checkClientMessage({ ...request, id });
    if (!checked.ok) {
      onResult({ ok: false, error: DeviceError.fromProtocol(checked.error) });
      return;
    }
    attached.state.requests.set(id, onResult);
    this.bridge.receive(attached.session, checked.message, attached.link);
  }

  private async listen(token: string): Promise<void> {
    const attached = this.current;
    if (attached) {
      // A new token for the same identity (updateToken): the session goes on with it.
      return this.request(attached, { type: 'token', token }, (result) => {
        if (result.ok) this.connected(attached.session);
        else this.socket.send(errorFrame(result.error));
      });
    }
    const opened = await this.open({ type: 'hello', v: 1, token, agent: 'hosted browser SDK' });
    if (opened) this.connected(opened.session);
  }

  /** Opens a bridge session (or resumes one) on this connection; undefined when refused (the SDK was told). */
  private async open(hello: Extract<ClientMessage, { type: 'hello' }>): Promise<Attached | undefined> {
    const link = this.linkFor();
    try {
      const session = await this.bridge.open(hello, link);
      const attached = { session, state: stateOf(session), link };
      this.current = attached;
      return attached;
    } catch (error) {
      this.socket.send(errorFrame(asDeviceError(error)));
      return undefined;
    }
  }

  private connected(session: DeviceSession): void {
    const ttl = Math.max(0, Math.floor((session.token.expiresAt - Date.now()) / 1000));
    this.send('connected', {
      region: 'patchbay',
      edge: 'patchbay',
      home: 'patchbay',
      token: { identity: session.identity, ttl },
    });
  }

  /**
   * The link the bridge speaks to one session through (its welcome names the session): what it
   * sends is translated for the SDK while that session is this connection's own, or being
   * resumed; a session handed over on reconnect says goodbye without reaching the SDK, and
   * closing its link does not close the connection.
   */
  private linkFor(): Link {
    let session: DeviceSession | undefined;
    const ours = () => !this.current || this.current.link === link || this.pending === link;
    const link: Link = {
      send: (message: ServerMessage) => {
        if (message.type === 'welcome') {
          session = this.bridge.session(message.session);
          if (session && message.webrtc) {
            stateOf(session).webrtc = true;
            // The SDK answers without candidates and never trickles: the offers must carry ours.
            session.candidatesInOffer = true;
          }
          return;
        }
        if (message.type === 'pong' || !ours()) return;
        if (message.type === 'error') return this.socket.send(errorFrame(DeviceError.fromProtocol(message.error)));
        if (!session) return;
        const state = stateOf(session);
        if (message.seq <= state.lastSeq) return;
        state.lastSeq = message.seq;
        session.ack(message.seq);
        translate(this, { session, state, link }, message);
      },
      close: (code, reason) => {
        if (ours()) this.socket.close(code, reason);
      },
    };
    return link;
  }

  /** The link of a session being resumed, before `open` returns (the bridge replays its messages at once). */
  private pending: Link | undefined;

  /**
   * The SDK came back on a new connection and names a call's reconnect token (the session it
   * was on). The session this connection opened gives way to that one, if it is still waiting
   * for its device; the SDK gets its call's SDP again (and what happened meanwhile), or a hang-up.
   */
  private async reconnect(attached: Attached, callsid: string, token: string): Promise<void> {
    const earlier = this.bridge.session(token);
    const target = earlier ? await this.takeOver(attached, earlier, callsid) : attached;
    const call = target.state.call(callsid);
    if (!call?.callSid || !call.localSdp || !target.session.calls.has(call.callSid)) {
      this.send('hangup', { callsid, error: { code: 31005, message: 'the call could not be resumed' } });
      return;
    }
    const sdp = call.localSdp;
    await this.after(call, async () =>
      this.send('answer', { callsid: call.callSid, sdp: await sdp, reconnect: token }),
    );
  }

  /**
   * The session of the same identity, waiting for its device, that was invited to `callsid`: an
   * invitation still ringing when the connection dropped, answered after the SDK came back.
   */
  async adopt(attached: Attached, callsid: string): Promise<Attached | undefined> {
    const { accountSid, identity } = attached.session;
    const earlier = this.bridge.presence
      .sessions(accountSid, identity)
      .find((session) => !session.link && stateOf(session).call(callsid)?.direction === 'incoming');
    return earlier ? this.takeOver(attached, earlier, callsid) : undefined;
  }

  /**
   * Takes `earlier` (a session of the same account and identity) onto this connection, in place
   * of the one it opened, which ends; the taken session keeps (or takes) the registration. When
   * it cannot be resumed the SDK is told and the connection keeps its own.
   */
  private async takeOver(attached: Attached, earlier: DeviceSession, callsid: string): Promise<Attached> {
    const { session } = attached;
    if (earlier === session || earlier.accountSid !== session.accountSid || earlier.identity !== session.identity)
      return attached;
    const link = this.linkFor();
    this.pending = link;
    try {
      const resume = { session: earlier.id, received: stateOf(earlier).lastSeq };
      const back = await this.bridge.open({ type: 'hello', v: 1, token: session.token.jwt, resume }, link);
      const resumed = { session: back, state: stateOf(back), link };
      const wasRegistered = session.registered;
      this.current = resumed;
      this.bridge.receive(session, { type: 'bye' }, attached.link);
      if (wasRegistered && !back.registered) this.request(resumed, registration(resumed.state), () => {});
      return resumed;
    } catch (error) {
      this.socket.send(errorFrame(asDeviceError(error), callsid));
      return attached;
    } finally {
      this.pending = undefined;
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
