/**
 * What a party on the simulated network heard and did, and how each entry reads as a line:
 * the entry's type, then its subject (quoted when it is text), then details in parentheses;
 * durations carry their unit.
 *
 * @example
 * formatEntry({ at: 0, type: 'heard-speech', text: 'Welcome', voice: 'alice', language: 'en-US' });
 * // 'heard-speech "Welcome" (voice alice, en-US)'
 */

export type TranscriptEntry =
  | {
      readonly at: number;
      readonly type: 'ringing' | 'answered' | 'busy' | 'failed' | 'rejected' | 'no-answer' | 'canceled';
    }
  | {
      readonly at: number;
      readonly type: 'heard-speech';
      readonly text: string;
      /** The runtime's voice and language (absent when a person, on-net or bridged, spoke). */
      readonly voice?: string;
      readonly language?: string;
    }
  | { readonly at: number; readonly type: 'heard-audio'; readonly url: string }
  /** What the party itself played (an app on the far end of an on-net call). */
  | { readonly at: number; readonly type: 'played'; readonly url: string }
  | { readonly at: number; readonly type: 'played-beep' }
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

/** Milliseconds as seconds with a unit, to a tenth: `3 s`, `3.2 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

const quoted = (text: string) => JSON.stringify(text);

/** One transcript entry as a line (without its time). */
export function formatEntry(entry: TranscriptInput): string {
  switch (entry.type) {
    case 'heard-speech':
      return entry.voice === undefined
        ? `heard-speech ${quoted(entry.text)}`
        : `heard-speech ${quoted(entry.text)} (voice ${entry.voice}, ${entry.language})`;
    case 'said':
      return `said ${quoted(entry.text)}`;
    case 'heard-audio':
    case 'played':
      return `${entry.type} ${entry.url}`;
    case 'heard-digits':
    case 'pressed':
      return `${entry.type} ${entry.digits}`;
    case 'recorded':
      return `recorded ${seconds(entry.durationMs)}`;
    case 'bridged':
    case 'unbridged':
      return `${entry.type} ${entry.with}`;
    case 'joined':
    case 'left':
    case 'muted':
    case 'unmuted':
    case 'held':
    case 'unheld':
      return `${entry.type} ${entry.room}`;
    default:
      return entry.type;
  }
}
