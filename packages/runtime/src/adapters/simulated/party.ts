/**
 * A party on the simulated network: how it behaves when called and when asked for input, and
 * the transcript of everything it heard and did, for tests and the demo to read.
 */
import type { ScriptStep } from './script.js';
import { formatEntry, type TranscriptEntry, type TranscriptInput } from './transcript.js';

export type { TranscriptEntry, TranscriptInput } from './transcript.js';

/** One scripted input, consumed in order each time the runtime opens an input window. */
export type PartyInput =
  | { readonly digits: string; readonly afterMs?: number }
  | { readonly speech: string; readonly confidence?: number; readonly afterMs?: number }
  /** Says nothing and presses nothing (lets a Gather time out). */
  | { readonly silence: true }
  /** Hangs up instead of answering the prompt. */
  | { readonly hangup: true; readonly afterMs?: number };

/** An app a simulated far end runs when called, as an on-net callee would (see `callRouter`). */
export type FarEndApp = { readonly url: string; readonly method?: 'GET' | 'POST' } | { readonly twiml: string };

export interface PartyBehaviour {
  /** What happens when the party is called. @default 'answer' */
  readonly onCall?: 'answer' | 'busy' | 'no-answer' | 'fail' | 'reject';
  /** Ringing time before answering, or before busy/fail/reject. @default 0 */
  readonly ringMs?: number;
  /** Inputs for successive Gathers and Records (ignored when there is a `script`). */
  readonly inputs?: readonly PartyInput[];
  /** What the party does once answered, step by step (see script.ts). */
  readonly script?: readonly ScriptStep[];
  /** Hangs up this long after answering. */
  readonly hangupAfterMs?: number;
  /** When recorded with `inputs`, speaks this long before falling silent. @default 3000 */
  readonly speaksForMs?: number;
  /** Answers by running this app (a far end scripted through the Simulator; needs the runtime's routing). */
  readonly app?: FarEndApp;
}

export class Party {
  readonly transcript: TranscriptEntry[] = [];
  /** The caller IDs this party was called from, in order. */
  readonly calledFrom: string[] = [];
  private nextInput = 0;
  private readonly waiters = new Set<{
    match: (entry: TranscriptEntry) => boolean;
    resolve: (entry: TranscriptEntry) => void;
  }>();
  private followers: Set<(entry: TranscriptEntry) => void> | undefined;

  constructor(
    /** The party's address: a number, SIP URI or client identity. */
    readonly address: string,
    readonly behaviour: PartyBehaviour,
    private readonly now: () => number,
  ) {}

  note(entry: TranscriptInput): void {
    const noted = { ...entry, at: this.now() } as TranscriptEntry;
    this.transcript.push(noted);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(noted)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(noted);
    }
    if (this.followers) for (const follower of this.followers) follower(noted);
  }

  /** The first transcript entry (already noted, or to come) matching; for tests that await what a party hears. */
  heard(match: (entry: TranscriptEntry) => boolean): Promise<TranscriptEntry> {
    const seen = this.transcript.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  /** Calls `fn` with each entry from now on (a live transcript); returns the unsubscribe. */
  follow(fn: (entry: TranscriptEntry) => void): () => void {
    this.followers = (this.followers ?? new Set()).add(fn);
    return () => this.followers?.delete(fn);
  }

  /** The next scripted input, if any is left (never, for a party with a script). */
  takeInput(): PartyInput | undefined {
    if (this.behaviour.script) return undefined;
    const input = this.behaviour.inputs?.[this.nextInput];
    if (input) this.nextInput++;
    return input;
  }

  /** The transcript as short lines (`heard-speech "Welcome" (voice alice, en-US)`, `recorded 3.2 s`). */
  lines(): string[] {
    return this.transcript.map(formatEntry);
  }
}
