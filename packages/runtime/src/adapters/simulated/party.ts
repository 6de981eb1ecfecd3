/**
 * A party on the simulated network: how it behaves when called and when asked for input, and
 * the transcript of everything it heard and did, for tests and the demo to read.
 */

/** One scripted input, consumed in order each time the runtime opens an input window. */
export type PartyInput =
  | { readonly digits: string; readonly afterMs?: number }
  | { readonly speech: string; readonly confidence?: number; readonly afterMs?: number }
  /** Says nothing and presses nothing (lets a Gather time out). */
  | { readonly silence: true }
  /** Hangs up instead of answering the prompt. */
  | { readonly hangup: true; readonly afterMs?: number };

export interface PartyBehaviour {
  /** What happens when the party is called. @default 'answer' */
  readonly onCall?: 'answer' | 'busy' | 'no-answer' | 'fail' | 'reject';
  /** Ringing time before answering, or before busy/fail/reject. @default 0 */
  readonly ringMs?: number;
  /** Inputs for successive Gathers and Records. */
  readonly inputs?: readonly PartyInput[];
  /** Hangs up this long after answering. */
  readonly hangupAfterMs?: number;
  /** When recorded, speaks this long before falling silent. @default 3000 */
  readonly speaksForMs?: number;
}

export type TranscriptEntry =
  | {
      readonly at: number;
      readonly type: 'ringing' | 'answered' | 'busy' | 'failed' | 'rejected' | 'no-answer' | 'canceled';
    }
  | {
      readonly at: number;
      readonly type: 'heard-speech';
      readonly text: string;
      readonly voice: string;
      readonly language: string;
    }
  | { readonly at: number; readonly type: 'heard-audio'; readonly url: string }
  | { readonly at: number; readonly type: 'heard-digits'; readonly digits: string }
  | { readonly at: number; readonly type: 'heard-beep' }
  | { readonly at: number; readonly type: 'pressed'; readonly digits: string }
  | { readonly at: number; readonly type: 'said'; readonly text: string }
  | { readonly at: number; readonly type: 'recorded'; readonly durationMs: number }
  | { readonly at: number; readonly type: 'bridged' | 'unbridged'; readonly with: string }
  | { readonly at: number; readonly type: 'joined' | 'left'; readonly room: string }
  | { readonly at: number; readonly type: 'muted' | 'unmuted' | 'held' | 'unheld'; readonly room: string }
  | { readonly at: number; readonly type: 'hung-up' | 'disconnected' }
  /** A device muted or unmuted its microphone. */
  | { readonly at: number; readonly type: 'mic-muted' | 'mic-unmuted' };

/** Distributive Omit, so each transcript variant keeps its own fields. */
export type TranscriptInput = TranscriptEntry extends infer E
  ? E extends TranscriptEntry
    ? Omit<E, 'at'>
    : never
  : never;

export class Party {
  readonly transcript: TranscriptEntry[] = [];
  /** The caller IDs this party was called from, in order. */
  readonly calledFrom: string[] = [];
  private nextInput = 0;
  private readonly waiters = new Set<{
    match: (entry: TranscriptEntry) => boolean;
    resolve: (entry: TranscriptEntry) => void;
  }>();

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
  }

  /** The first transcript entry (already noted, or to come) matching; for tests that await what a party hears. */
  heard(match: (entry: TranscriptEntry) => boolean): Promise<TranscriptEntry> {
    const seen = this.transcript.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  /** The next scripted input, if any is left. */
  takeInput(): PartyInput | undefined {
    const input = this.behaviour.inputs?.[this.nextInput];
    if (input) this.nextInput++;
    return input;
  }

  /** The transcript as short lines, for demos and failure messages. */
  lines(): string[] {
    return this.transcript.map((entry) => {
      const { at: _at, type, ...rest } = entry as TranscriptEntry & Record<string, unknown>;
      const detail = Object.values(rest).join(' ');
      return detail ? `${type} ${detail}` : type;
    });
  }
}
