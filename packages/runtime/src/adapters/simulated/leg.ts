/**
 * A leg on the simulated network: what the runtime plays to it lands in its party's transcript,
 * and what the party does (scripted inputs, a script's steps, a device's keys) comes back as DTMF
 * and speech events, on the network's clock. Media flows between legs: what a party does is
 * heard by the parties its leg is bridged or mixed with (`connect`).
 */
import { EventEmitter } from 'eventemitter3';
import { type Clock, sleep } from '../../clock/clock.js';
import type { InputOptions, LegEvents, MediaLeg, RecordOptions, RecordResult } from '../../media/types.js';
import { keyTimes, lengthOf, type Media, words } from './media.js';
import type { Party } from './party.js';
import { recordLeg } from './record.js';
import { runScript } from './script-run.js';
import type { Timing } from './timing.js';

export { INSTANT_TIMING, REALISTIC_TIMING, type Timing } from './timing.js';

const NOTHING = () => undefined;

/** Where a party's media goes: another leg's party, or a room's. `seen` stops media going round. */
export type Outlet = (media: Media, seen: Set<SimulatedLeg>, from: SimulatedLeg) => void;

export class SimulatedLeg implements MediaLeg {
  readonly events = new EventEmitter<LegEvents>();
  private ended = false;
  private readonly cancels = new Set<() => void>();
  /** Input windows open now (listen, record). */
  private windows = 0;
  // Made when first needed: a simulated network may hold many thousand legs.
  private recognizers: NonNullable<InputOptions['speech']>[] | undefined;
  /** Media playing to the party now. */
  private playing = 0;
  private outlets: Outlet[] | undefined;
  /** What the party is saying or playing now, and until when: a bridge made meanwhile still carries it. */
  private performing: { readonly media: Media; readonly until: number } | undefined;
  private watchers: Set<() => void> | undefined;
  private speakers: Set<(endsAt: number) => void> | undefined;

  constructor(
    readonly id: string,
    readonly party: Party,
    readonly clock: Clock,
    readonly timing: Timing,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  /** Whether what the party does is driven live (a script, an app) rather than by `inputs`. */
  get live(): boolean {
    return this.party.behaviour.script !== undefined;
  }

  /** Runs `fn` after `ms` unless the leg ends first; returns the cancel function. */
  later(ms: number, fn: () => void): () => void {
    const cancel = this.clock.setTimer(() => {
      this.cancels.delete(cancel);
      if (!this.ended) fn();
    }, ms);
    this.cancels.add(cancel);
    return () => {
      cancel();
      this.cancels.delete(cancel);
    };
  }

  private changed(): void {
    if (this.watchers) for (const watcher of [...this.watchers]) watcher();
  }

  /** The party answered (dialed legs) or the runtime answered (inbound legs). */
  connected(): void {
    const after = this.party.behaviour.hangupAfterMs;
    if (after !== undefined) this.later(after, () => this.remoteHangup());
    const script = this.party.behaviour.script;
    if (script) {
      runScript(script, {
        heard: () => this.windows > 0 || this.outlets !== undefined,
        quiet: () => this.playing === 0,
        watch: (fn) => {
          this.watchers = (this.watchers ?? new Set()).add(fn);
          return () => this.watchers?.delete(fn);
        },
        later: (ms, fn) => void this.later(ms, fn),
        press: (digits) => this.perform({ kind: 'digits', digits }),
        say: (text, confidence) =>
          this.perform({ kind: 'speech', text, ...(confidence === undefined ? {} : { confidence }) }),
        hangup: () => this.remoteHangup(),
      });
    }
  }

  async answer(): Promise<void> {
    if (this.ended) return;
    this.party.note({ type: 'answered' });
    this.connected();
  }

  async reject(reason: 'busy' | 'rejected' | 'not-found'): Promise<void> {
    if (this.ended) return;
    this.party.note({ type: reason === 'busy' ? 'busy' : 'rejected' });
    this.end();
  }

  async hangup(): Promise<void> {
    if (this.ended) return;
    this.party.note({ type: 'disconnected' });
    this.end();
  }

  /** The party hangs up. */
  remoteHangup(): void {
    if (this.ended) return;
    this.party.note({ type: 'hung-up' });
    this.end();
    this.events.emit('hangup');
  }

  /** Told once when the leg ends, however it ends (the network lets go of it then). */
  onEnded: (() => void) | undefined;

  protected end(): void {
    if (!this.ended) this.onEnded?.();
    this.ended = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.watchers = undefined;
  }

  /** Tells `fn` each time the party speaks, with the time its utterance ends; returns the unsubscribe. */
  onSpeaking(fn: (endsAt: number) => void): () => void {
    this.speakers = (this.speakers ?? new Set()).add(fn);
    return () => this.speakers?.delete(fn);
  }

  /** Joins this party's media to `outlet` (a bridge, a room) until `disconnect`. */
  connect(outlet: Outlet): void {
    this.outlets = [...(this.outlets ?? []), outlet];
    const now = this.performing;
    if (now && now.until >= this.clock.now()) outlet(now.media, new Set([this]), this);
    this.changed();
  }

  disconnect(outlet: Outlet): void {
    if (!this.outlets?.includes(outlet)) return;
    const left = this.outlets.filter((other) => other !== outlet);
    this.outlets = left.length > 0 ? left : undefined;
    this.changed();
  }

  /**
   * The party hears `media`: noted in its transcript, playing for as long as it lasts (or until
   * `done` is called). Returns its length and `done`.
   */
  hear(media: Media, seen?: Set<SimulatedLeg>): { ms: number; done: () => void } {
    const ms = lengthOf(media, this.timing);
    if (this.ended || seen?.has(this)) return { ms, done: NOTHING };
    if (media.kind === 'speech') this.party.note({ type: 'heard-speech', text: media.text, ...media.voice });
    else if (media.kind === 'audio') this.party.note({ type: 'heard-audio', url: media.url });
    else if (media.kind === 'digits') this.party.note({ type: 'heard-digits', digits: media.digits });
    else this.party.note({ type: 'heard-beep' });
    this.relay(media, seen ?? new Set(), this);
    // Instant media never keeps the party busy.
    if (ms <= 0) return { ms, done: NOTHING };
    this.playing++;
    let over = false;
    const done = () => {
      if (over) return;
      over = true;
      this.playing--;
      this.changed();
    };
    this.later(ms, done);
    this.changed();
    return { ms, done };
  }

  /**
   * What the party hears goes on past it: nowhere for a person; to the other side for an on-net
   * leg. `seen` holds the legs the media went through (`self` is to be added), so it never goes round.
   */
  protected relay(_media: Media, _seen: Set<SimulatedLeg>, _self: SimulatedLeg): void {}

  /**
   * The party does `media` (keys, speech, audio): noted, reported as DTMF and speech events to
   * the runtime, and heard by the parties this leg is connected to. Returns how long it takes.
   * `cancels` collects the pending key events (an input window that closes drops them).
   */
  perform(media: Media, seen?: Set<SimulatedLeg>, cancels?: Array<() => void>): number {
    const ms = lengthOf(media, this.timing);
    if (this.ended || seen?.has(this)) return ms;
    if (media.kind === 'speech' || media.kind === 'audio') this.performing = { media, until: this.clock.now() + ms };
    if (media.kind === 'digits') {
      this.party.note({ type: 'pressed', digits: media.digits });
      for (const [key, at] of keyTimes(media.digits, this.timing).keys) {
        const cancel = this.later(at, () => this.events.emit('dtmf', key));
        cancels?.push(cancel);
      }
    } else if (media.kind === 'speech') {
      this.party.note({ type: 'said', text: media.text });
      this.utter(media.text, media.confidence ?? 0.9);
    } else if (media.kind === 'audio') this.party.note({ type: 'played', url: media.url });
    else this.party.note({ type: 'played-beep' });
    if (this.outlets) {
      const path = (seen ?? new Set<SimulatedLeg>()).add(this);
      for (const outlet of this.outlets) outlet(media, path, this);
    }
    return ms;
  }

  /** An utterance: recognized when speech input is on (start, partials, result), and heard by recordings. */
  private utter(text: string, confidence: number): void {
    const spoken = text.split(/\s+/).filter(Boolean);
    const endsAt = this.clock.now() + words(text) * this.timing.msPerWord;
    for (const listener of this.speakers ?? []) listener(endsAt);
    const recognizer = this.recognizers?.at(-1);
    if (!recognizer) return;
    this.events.emit('speechStart');
    if (recognizer.partialResults) {
      spoken.forEach((_, index) => {
        const heard = { stable: spoken.slice(0, index).join(' '), unstable: spoken[index] ?? '' };
        this.later((index + 1) * this.timing.msPerWord - 1, () => this.events.emit('speechPartial', heard));
      });
    }
    this.later(spoken.length * this.timing.msPerWord, () =>
      this.events.emit('speech', { transcript: text, confidence }),
    );
  }

  private async playTo(media: Media, signal: AbortSignal): Promise<void> {
    const { ms, done } = this.hear(media);
    try {
      await sleep(this.clock, ms, signal);
    } finally {
      done();
    }
  }

  say(text: string, voice: { voice: string; language: string }, signal: AbortSignal): Promise<void> {
    return this.playTo({ kind: 'speech', text, voice }, signal);
  }

  play(url: string, signal: AbortSignal): Promise<void> {
    return this.playTo({ kind: 'audio', url }, signal);
  }

  sendDigits(digits: string, signal: AbortSignal): Promise<void> {
    return this.playTo({ kind: 'digits', digits }, signal);
  }

  beep(signal: AbortSignal): Promise<void> {
    return this.playTo({ kind: 'beep' }, signal);
  }

  /** Opens an input window until the returned function is called. */
  openWindow(speech?: InputOptions['speech']): () => void {
    this.windows++;
    if (speech) this.recognizers = [...(this.recognizers ?? []), speech];
    this.changed();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.windows--;
      if (speech) this.recognizers = this.recognizers?.filter((open) => open !== speech);
      this.changed();
    };
  }

  listen(options: InputOptions): () => void {
    const close = this.openWindow(options.speech);
    const input = this.party.takeInput();
    const cancels: Array<() => void> = [];
    if (input && !('silence' in input)) {
      const delay = input.afterMs ?? this.timing.inputDelayMs;
      if ('hangup' in input) cancels.push(this.later(delay, () => this.remoteHangup()));
      else if ('digits' in input)
        cancels.push(
          this.later(delay, () => this.perform({ kind: 'digits', digits: input.digits }, undefined, cancels)),
        );
      else {
        const speech = { kind: 'speech', text: input.speech, confidence: input.confidence ?? 0.9 } as const;
        cancels.push(this.later(delay, () => this.perform(speech)));
      }
    }
    return () => {
      for (const cancel of cancels) cancel();
      close();
    };
  }

  record(options: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
    return recordLeg(this, options, signal);
  }
}
