/**
 * The device's sounds, with the hosted browser SDK's names: `incoming` rings (looped) while an
 * invitation waits, `outgoing` plays once when a placed call starts, `disconnect` when a call
 * ends, `dtmf0`-`dtmf9`, `dtmfs` (*) and `dtmfh` (#) for keys sent. By default they are the files
 * Patchbay serves at `<server>/sdk/sounds/<name>.wav`; the `sounds` option points any of them
 * elsewhere. The ringtone and the other two are loaded when the device is created, so an
 * incoming call rings at once. In Node (no `Audio`) nothing plays.
 *
 * @example
 * const sounds = new Sounds('https://pbx.example.com', { incoming: '/my-ring.mp3' }, audio);
 * sounds.play('incoming');  // until sounds.stop('incoming')
 */
import type { AudioHelper } from './audio.js';
import { browser, type MediaElement } from './dom.js';

const KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 's', 'h'] as const;

export type SoundName = 'incoming' | 'outgoing' | 'disconnect' | `dtmf${(typeof KEYS)[number]}`;

/** Every sound's name. */
export const SOUND_NAMES: readonly SoundName[] = [
  'incoming',
  'outgoing',
  'disconnect',
  ...KEYS.map((k) => `dtmf${k}` as const),
];

/** Loaded with the device (the others when first played). */
const EAGER: readonly SoundName[] = ['incoming', 'outgoing', 'disconnect'];

/** The sound of a key sent with `sendDigits` (`*` is `dtmfs`, `#` is `dtmfh`). */
export function soundOfKey(key: string): SoundName | undefined {
  const name = key === '*' ? 's' : key === '#' ? 'h' : key;
  return (KEYS as readonly string[]).includes(name) ? (`dtmf${name}` as SoundName) : undefined;
}

export class Sounds {
  private readonly elements = new Map<SoundName, MediaElement>();
  private readonly releases: Array<() => void> = [];
  private readonly base: string;

  constructor(
    server: string,
    private readonly urls: Readonly<Partial<Record<SoundName, string>>>,
    private readonly audio: AudioHelper,
  ) {
    this.base = `${server.replace(/\/+$/, '')}/sdk/sounds/`;
    for (const name of EAGER) this.element(name);
  }

  /** Plays a sound (the ringtone loops until stopped); a browser that blocks autoplay stays silent. */
  play(name: SoundName): void {
    if (!this.audio._soundEnabled(name)) return;
    const element = this.element(name);
    if (!element) return;
    element.loop = name === 'incoming';
    element.currentTime = 0;
    void element.play().catch(() => undefined);
  }

  stop(name: SoundName): void {
    const element = this.elements.get(name);
    if (element && !element.paused) element.pause();
  }

  /** Whether a sound is playing now. */
  isPlaying(name: SoundName): boolean {
    const element = this.elements.get(name);
    return element !== undefined && !element.paused;
  }

  destroy(): void {
    for (const element of this.elements.values()) element.pause();
    for (const release of this.releases.splice(0)) release();
    this.elements.clear();
  }

  private element(name: SoundName): MediaElement | undefined {
    const existing = this.elements.get(name);
    if (existing) return existing;
    const Audio = browser().Audio;
    if (!Audio) return undefined;
    const element = new Audio();
    element.preload = 'auto';
    element.src = this.urls[name] ?? `${this.base}${name}.wav`;
    element.load?.();
    const outputs = name === 'incoming' ? this.audio.ringtoneDevices : this.audio.speakerDevices;
    this.releases.push(outputs._attach(element));
    this.elements.set(name, element);
    return element;
  }
}
