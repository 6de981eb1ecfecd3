/** A conference room on the engine's mixer: announcements rendered by `Prompts`, hold music built in. */
import type { MediaLeg, Mixer } from '@patchbay/runtime';
import type { EngineMixer } from '../engine/index.js';
import { holdMusic } from './hold-music.js';
import type { Prompts } from './prompts.js';
import type { SipLeg } from './sip-leg.js';

export class SipMixer implements Mixer {
  constructor(
    private readonly mixer: EngineMixer,
    private readonly prompts: Prompts,
  ) {}

  join(leg: MediaLeg, options: { muted: boolean; coaching?: MediaLeg }): void {
    const coach = options.coaching ? { coach: (options.coaching as SipLeg).media } : {};
    this.mixer.join((leg as SipLeg).media, { muted: options.muted, ...coach });
  }

  leave(leg: MediaLeg): void {
    this.mixer.leave((leg as SipLeg).media);
  }

  setMuted(leg: MediaLeg, muted: boolean): void {
    this.mixer.setMuted((leg as SipLeg).media, muted);
  }

  setHeld(leg: MediaLeg, held: boolean): void {
    this.mixer.setHeld((leg as SipLeg).media, held, holdMusic());
  }

  async announce(what: { url: string } | { text: string }, signal: AbortSignal): Promise<void> {
    const pcm =
      'url' in what
        ? await this.prompts.audio(what.url, signal)
        : await this.prompts.speech(what.text, { voice: 'alice', language: 'en-US' }, signal);
    await this.mixer.play(pcm, signal);
  }

  close(): void {
    this.mixer.close();
  }
}
