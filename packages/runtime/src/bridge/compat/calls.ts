/**
 * What compat mode remembers of one bridge session, beyond the bridge's own state: the SDK's
 * calls (the SDK's temporary id of a call it places, the call token of an invitation, the SDP
 * Patchbay gave), the requests in flight, and the last message of the session's stream handled
 * (so a resumed session's replay is not acted on twice). It lives as long as the session does.
 */
import type { DeviceError, Sequenced } from '@patchbay/sdk/protocol';
import type { DeviceSession } from '../session.js';

export interface CompatCall {
  /** The CallSid; for a call the SDK places, empty until the bridge names it. */
  callSid: string;
  readonly direction: 'incoming' | 'outgoing';
  /** The SDK's temporary id of a call it places. */
  readonly tempSid?: string;
  /** The invitation's call token (incoming). */
  readonly callToken?: string;
  /** The SDP Patchbay offered (incoming) or answered (outgoing). */
  localSdp?: Promise<string>;
  /** The device accepted (incoming) or the call was placed (outgoing): hanging up ends a leg. */
  live: boolean;
  /** The SDK hung up before the bridge named the call: it is hung up once answered. */
  hangupWanted?: boolean;
  /** Frames for this call go out in order, each after the SDP it needs. */
  chain: Promise<void>;
}

export type RequestResult = { ok: true; callSid?: string; sdp?: string } | { ok: false; error: DeviceError };

/** Calls the bridge named before the result that tells which SDK call they are (kept per call, bounded). */
const MAX_EARLY = 8;

export class CompatState {
  lastSeq = 0;
  /**
   * The server carries audio over WebRTC (its welcome said so): the SDK's SDP goes to the
   * bridge's WebRTC legs (`sdp` on register, invite, accept, connect and the result), not to
   * the connection's `CompatMedia`.
   */
  webrtc = false;
  private nextId = 0;
  private readonly calls = new Map<string, CompatCall>();
  readonly requests = new Map<string, (result: RequestResult) => void>();
  private readonly early = new Map<string, Sequenced[]>();

  requestId(): string {
    return `compat-${++this.nextId}`;
  }

  /** A call by its CallSid or the SDK's temporary id. */
  call(sid: string): CompatCall | undefined {
    return this.calls.get(sid);
  }

  add(call: CompatCall): void {
    if (call.callSid) this.calls.set(call.callSid, call);
    if (call.tempSid) this.calls.set(call.tempSid, call);
  }

  /** The bridge named the call the SDK placed; what it said of it before is handed back. */
  named(call: CompatCall, callSid: string): Sequenced[] {
    call.callSid = callSid;
    this.calls.set(callSid, call);
    const early = this.early.get(callSid) ?? [];
    this.early.delete(callSid);
    return early;
  }

  /** Keeps a message about a call not known yet (placed, its result on the way). */
  hold(callSid: string, message: Sequenced): void {
    const held = this.early.get(callSid) ?? [];
    if (held.length < MAX_EARLY && this.early.size < MAX_EARLY) held.push(message);
    this.early.set(callSid, held);
  }

  remove(call: CompatCall): void {
    if (call.callSid) this.calls.delete(call.callSid);
    if (call.tempSid) this.calls.delete(call.tempSid);
  }

  /** Every call, once each. */
  all(): CompatCall[] {
    return [...new Set(this.calls.values())];
  }
}

/** The bridge's register request for a session (with WebRTC when the server carries it). */
export function registration(state: CompatState): { type: 'register'; webrtc?: true } {
  return state.webrtc ? { type: 'register', webrtc: true } : { type: 'register' };
}

const states = new WeakMap<DeviceSession, CompatState>();

/** The compat state of a session (made on first use; gone with the session). */
export function stateOf(session: DeviceSession): CompatState {
  let state = states.get(session);
  if (!state) {
    state = new CompatState();
    states.set(session, state);
  }
  return state;
}
