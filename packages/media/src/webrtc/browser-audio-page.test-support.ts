/**
 * The page of the SDK audio tests (bundled with esbuild, served to Chromium): a `Device` driven
 * through `window.patchbayAudio`, recording what the SDK's audio surface does: `volume` events,
 * quality warnings, the ringtone, `device.audio` choices. It watches the page's
 * RTCPeerConnections (to count descriptions and read the candidate pair in use) and `<audio>`
 * elements (to see which output each plays on).
 *
 * @example
 * await page.evaluate(() => window.patchbayAudio.start(token, server, { autoAccept: false }));
 * await page.waitForFunction(() => window.patchbayAudio.isRinging());
 */
import { type Call, type CallMediaOptions, Device } from '@patchbay/sdk/client';

interface Peer {
  getStats(): Promise<{ forEach(fn: (stat: Record<string, unknown>) => void): void }>;
  setLocalDescription(...args: unknown[]): Promise<void>;
}
interface Element {
  srcObject: unknown;
  sinkId?: string;
}
type Track = { getSettings(): { deviceId?: string }; readyState: string };

const scope = globalThis as unknown as {
  RTCPeerConnection: { new (...args: unknown[]): Peer; prototype: Peer };
  Audio: new (...args: unknown[]) => Element;
};

// Watch every peer connection and audio element the SDK makes.
const peers: Peer[] = [];
let descriptions = 0;
const NativePeer = scope.RTCPeerConnection;
scope.RTCPeerConnection = class extends NativePeer {
  constructor(...args: unknown[]) {
    super(...args);
    peers.push(this);
  }
} as typeof NativePeer;
const setLocal = NativePeer.prototype.setLocalDescription;
NativePeer.prototype.setLocalDescription = function (this: Peer, ...args: unknown[]) {
  descriptions++;
  return setLocal.apply(this, args);
};
const elements: Element[] = [];
const NativeAudio = scope.Audio;
scope.Audio = class extends NativeAudio {
  constructor(...args: unknown[]) {
    super(...args);
    elements.push(this);
  }
} as typeof NativeAudio;

let device: Device | undefined;
let call: Call | undefined;
const log: string[] = [];
const volumes: Array<{ input: number; output: number; at: number }> = [];
const warnings: string[] = [];
let closedAt = 0;

function watch(c: Call): void {
  call = c;
  c.on('accept', () => log.push('accept'));
  c.on('disconnect', () => {
    closedAt = performance.now();
    log.push('disconnect');
  });
  c.on('error', (e) => log.push(`error ${e.message}`));
  c.on('volume', (input, output) => {
    volumes.push({ input, output, at: performance.now() });
    if (volumes.length > 400) volumes.shift();
  });
  c.on('warning', (name, data) => warnings.push(`${name} ${data.name} ${data.threshold.name}`));
  c.on('warning-cleared', (name) => warnings.push(`cleared ${name}`));
}

/** The latest `volume` events (the last 20: about one second). */
const recent = () => volumes.slice(-20);

const api = {
  async start(
    token: string,
    server: string,
    options: { autoAccept?: boolean; media?: Partial<CallMediaOptions> } = {},
  ): Promise<void> {
    // a steady tone is what noise suppression removes: the fake microphone's goes out as it is
    const audio = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
    device = new Device(token, { server, media: { audio, ...options.media } });
    device.on('incoming', (c) => {
      watch(c);
      log.push('incoming');
      if (options.autoAccept !== false) void c.accept().catch((e: Error) => log.push(`accept failed ${e.message}`));
    });
    await device.register();
  },
  async dial(params: Record<string, string>): Promise<void> {
    if (!device) throw new Error('start first');
    watch(await device.connect({ params }));
  },
  accept: () => void call?.accept().catch((e: Error) => log.push(`accept failed ${e.message}`)),
  status: (): string => call?.status() ?? 'none',
  isRinging: (): boolean => device?.isRinging ?? false,
  log: () => log.slice(),
  warnings: () => warnings.slice(),
  /** How many `volume` events came in all, and after the call ended. */
  volumeCount: () => volumes.length,
  volumesAfterEnd: () => (closedAt === 0 ? 0 : volumes.filter((v) => v.at > closedAt).length),
  /** Whether the last second's `volume` events all had the microphone and the far end above `level`. */
  loud: (level: number): boolean => recent().length >= 10 && recent().every((v) => v.input > level && v.output > level),
  /** Microphones `device.audio` lists, and the one the call sends now. */
  inputs: () => [...(device?.audio.availableInputDevices.values() ?? [])].map((d) => d.deviceId),
  sending: (): string | undefined => {
    const track = (call?.getLocalStream() as { getAudioTracks(): Track[] } | undefined)?.getAudioTracks()[0];
    return track?.readyState === 'live' ? track.getSettings().deviceId : undefined;
  },
  setInput: (id: string) => device?.audio.setInputDevice(id),
  outputs: () => [...(device?.audio.availableOutputDevices.keys() ?? [])],
  setSpeaker: (id: string) => device?.audio.speakerDevices.set(id),
  /** The output the call's audio element plays on ('' the default). */
  callSink: (): string | undefined => elements.find((e) => e.srcObject)?.sinkId,
  /** setLocalDescription calls so far (a renegotiation would add some). */
  descriptions: () => descriptions,
  /** The type of the local candidate of the pair the call's audio uses ('host', 'relay', ...). */
  async candidateType(): Promise<string | undefined> {
    const stats: Array<Record<string, unknown>> = [];
    for (const peer of peers)
      (await peer.getStats()).forEach((stat) => {
        stats.push(stat);
      });
    // The transport names the pair in use; a pair's own `nominated` flag can lag behind it.
    const selected = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)?.selectedCandidatePairId;
    const pair =
      stats.find((s) => s.type === 'candidate-pair' && s.id === selected) ??
      stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
    return stats.find((s) => s.id === pair?.localCandidateId)?.candidateType as string | undefined;
  },
  hangup: () => call?.disconnect(),
};

(globalThis as unknown as { patchbayAudio: typeof api }).patchbayAudio = api;
export type AudioPageApi = typeof api;
