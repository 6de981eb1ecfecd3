/**
 * The browser APIs the SDK's audio uses, declared narrowly so the SDK builds without the DOM
 * library (and runs in Node, where none of them exist). Every use is feature-checked through
 * `browser()`, never assumed.
 *
 * @example
 * const devices = browser().navigator?.mediaDevices;
 * if (devices?.enumerateDevices) console.log(await devices.enumerateDevices());
 */

export interface Track {
  enabled: boolean;
  readonly kind?: string;
  readonly readyState?: string;
  stop(): void;
  clone?(): Track;
}

export interface Stream {
  getAudioTracks(): Track[];
  getTracks(): Track[];
  addTrack?(track: Track): void;
  removeTrack?(track: Track): void;
}

/** A microphone or speaker as the browser lists it (a `MediaDeviceInfo`). */
export interface AudioDeviceInfo {
  readonly deviceId: string;
  readonly groupId: string;
  readonly kind: string;
  readonly label: string;
}

export interface MediaDevices {
  getUserMedia?(constraints: { audio: unknown }): Promise<Stream>;
  enumerateDevices?(): Promise<AudioDeviceInfo[]>;
  addEventListener?(type: 'devicechange', listener: () => void): void;
  removeEventListener?(type: 'devicechange', listener: () => void): void;
}

/** An `<audio>` element: what plays the far end and the ringtones. */
export interface MediaElement {
  srcObject: Stream | null;
  src: string;
  autoplay: boolean;
  loop: boolean;
  preload: string;
  currentTime: number;
  readonly paused: boolean;
  play(): Promise<void>;
  pause(): void;
  load?(): void;
  setSinkId?(sinkId: string): Promise<void>;
}

export interface Analyser {
  fftSize: number;
  getFloatTimeDomainData(out: Float32Array): void;
}

export interface AudioContextLike {
  createMediaStreamSource(stream: Stream): { connect(node: Analyser): void; disconnect(): void };
  createAnalyser(): Analyser;
  resume?(): Promise<void>;
  close(): Promise<void>;
}

export interface StatsReport {
  forEach(fn: (stat: Record<string, unknown>) => void): void;
}

export interface Browser {
  navigator?: { mediaDevices?: MediaDevices };
  Audio?: new (src?: string) => MediaElement;
  MediaStream?: new (tracks: Track[]) => Stream;
  AudioContext?: new () => AudioContextLike;
  HTMLMediaElement?: { prototype: object };
}

/** The global scope, seen through the narrow types above. */
export function browser(): Browser {
  return globalThis as Browser;
}
