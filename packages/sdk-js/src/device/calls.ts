/**
 * The calls a device knows: invitations waiting for an answer, calls in progress, and call
 * states that arrived before `connect` learned its call's SID (the same batch), applied once it
 * does.
 *
 * @example
 * const calls = new CallTable();
 * calls.invited(sid, call);          // an invitation
 * calls.state(sid, 'open');           // the server says it is open
 */
import type { Call } from './call.js';

type State = 'ringing' | 'open' | 'closed';

export class CallTable {
  private readonly active = new Map<string, Call>();
  private readonly invitations = new Map<string, Call>();
  private readonly early = new Map<string, State>();

  /** Calls in progress (not invitations). */
  get calls(): Call[] {
    return [...this.active.values()];
  }

  /** Calls in progress and invitations. */
  get all(): Call[] {
    return [...this.active.values(), ...this.invitations.values()];
  }

  get busy(): boolean {
    return this.active.size > 0;
  }

  /** An invitation: in progress once accepted. */
  invited(callSid: string, call: Call): void {
    this.invitations.set(callSid, call);
    call.once('accept', () => {
      this.invitations.delete(callSid);
      this.active.set(callSid, call);
    });
  }

  /** A placed call got its SID: states that came first are applied now. */
  placed(callSid: string, call: Call): void {
    this.active.set(callSid, call);
    const state = this.early.get(callSid);
    if (!state) return;
    this.early.delete(callSid);
    if (state !== 'ringing') call._state('ringing');
    call._state(state);
  }

  state(callSid: string, state: State): void {
    const call = this.active.get(callSid) ?? this.invitations.get(callSid);
    if (call) call._state(state);
    else this.early.set(callSid, state);
  }

  invitation(callSid: string): Call | undefined {
    return this.invitations.get(callSid);
  }

  forget(callSid: string): void {
    this.active.delete(callSid);
    this.invitations.delete(callSid);
  }

  /** A new session: states of the old one mean nothing now. */
  clearEarly(): void {
    this.early.clear();
  }
}
