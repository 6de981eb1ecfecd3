/**
 * The page of the Chromium tests (bundled with esbuild, served to the browser): an SDK `Device`
 * driven from the test through `window.patchbay`, and an AnalyserNode on the call's remote audio
 * that says which frequency the page hears loudest. The microphone is Chromium's fake device
 * playing a tone file, so what the far end hears is known too.
 *
 * @example
 * await page.evaluate(() => window.patchbay.start(token, server));
 * await page.waitForFunction((hz) => window.patchbay.hears(hz), 600);
 */
import { type Call, Device } from '@patchbay/sdk/client';

interface Analyser {
  readonly frequencyBinCount: number;
  fftSize: number;
  getFloatFrequencyData(out: Float32Array): void;
}
interface AudioCtx {
  readonly sampleRate: number;
  createMediaStreamSource(stream: unknown): { connect(node: Analyser): void };
  createAnalyser(): Analyser;
  resume(): Promise<void>;
}

interface Peer {
  restartIce(): void;
  readonly remoteDescription: { sdp: string } | null;
}
/** Every peer connection the SDK makes, so a test can force an ICE restart (`pc.restartIce()`). */
const peers: Peer[] = [];
const Native = (globalThis as unknown as { RTCPeerConnection: new (...args: unknown[]) => Peer }).RTCPeerConnection;
(globalThis as unknown as { RTCPeerConnection: unknown }).RTCPeerConnection = class extends Native {
  constructor(...args: unknown[]) {
    super(...args);
    peers.push(this);
  }
};

let device: Device | undefined;
let call: Call | undefined;
/** Whether an incoming call is accepted at once (else it rings until `accept()` or `reject()`). */
let autoAccept = true;
let analyser: { node: Analyser; ctx: AudioCtx; stream: unknown } | undefined;
const log: string[] = [];

function watch(c: Call): void {
  call = c;
  analyser = undefined;
  c.on('accept', () => log.push('accept'));
  c.on('disconnect', () => log.push('disconnect'));
  c.on('cancel', () => log.push('cancel'));
  c.on('error', (e) => log.push(`error ${e.message}`));
  c.on('reconnecting', (e) => log.push(`reconnecting ${e.errorName}`));
  c.on('reconnected', () => log.push('reconnected'));
}

/** The loudest frequency (200-3800 Hz) the page hears now, and its level in dB. */
function loudest(): { hz: number; db: number } | undefined {
  // The hosted browser SDK's name for it, which pages written for that SDK use.
  const stream = call?.getRemoteStream();
  if (!stream) return undefined;
  if (!analyser || analyser.stream !== stream) {
    const Ctx = (globalThis as unknown as { AudioContext: new () => AudioCtx }).AudioContext;
    const ctx = new Ctx();
    void ctx.resume();
    const node = ctx.createAnalyser();
    node.fftSize = 4096;
    ctx.createMediaStreamSource(stream).connect(node);
    analyser = { node, ctx, stream };
  }
  const bins = new Float32Array(analyser.node.frequencyBinCount);
  analyser.node.getFloatFrequencyData(bins);
  const hzPerBin = analyser.ctx.sampleRate / analyser.node.fftSize;
  let best = { hz: 0, db: -Infinity };
  for (let i = Math.ceil(200 / hzPerBin); i < Math.min(bins.length, 3800 / hzPerBin); i++) {
    const db = bins[i] ?? -Infinity;
    if (db > best.db) best = { hz: i * hzPerBin, db };
  }
  return best;
}

const api = {
  async start(token: string, server: string): Promise<void> {
    // a steady tone is what noise suppression removes: the fake microphone's goes out as it is
    const audio = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
    device = new Device(token, { server, media: { audio } });
    device.on('incoming', (c) => {
      watch(c);
      log.push('incoming');
      if (autoAccept) void c.accept().catch((e: Error) => log.push(`accept failed ${e.message}`));
    });
    await device.register();
  },
  async dial(params: Record<string, string>): Promise<void> {
    if (!device) throw new Error('start first');
    watch(await device.connect({ params }));
  },
  setAutoAccept: (on: boolean) => {
    autoAccept = on;
  },
  reject: () => call?.reject(),
  status: (): string => call?.status() ?? 'none',
  /** Live audio tracks of the microphone stream the call sends (`getLocalStream()`). */
  localTracks(): number {
    const stream = call?.getLocalStream() as { getAudioTracks(): Array<{ readyState: string }> } | undefined;
    return stream?.getAudioTracks().filter((track) => track.readyState === 'live').length ?? 0;
  },
  /** Whether the loudest thing heard is `hz` (within 40 Hz) and clearly above silence. */
  hears(hz: number): boolean {
    const l = loudest();
    return l !== undefined && Math.abs(l.hz - hz) < 40 && l.db > -75;
  },
  loudest,
  /** Whether every one of `hzs` is heard at once: each within 20 dB of the loudest, clearly above silence. */
  hearsAll(hzs: number[]): boolean {
    const l = loudest();
    if (!l || !analyser || l.db < -75) return false;
    const bins = new Float32Array(analyser.node.frequencyBinCount);
    analyser.node.getFloatFrequencyData(bins);
    const hzPerBin = analyser.ctx.sampleRate / analyser.node.fftSize;
    return hzs.every((hz) => {
      const i = Math.round(hz / hzPerBin);
      const db = Math.max(bins[i - 1] ?? -Infinity, bins[i] ?? -Infinity, bins[i + 1] ?? -Infinity);
      return db > l.db - 20;
    });
  },
  mute: (muted: boolean) => call?.mute(muted),
  digits: (digits: string) => call?.sendDigits(digits),
  hangup: () => call?.disconnect(),
  /** Forces an ICE restart on the call's peer connection, as a network change would. */
  restartIce: () => peers.at(-1)?.restartIce(),
  /** The ICE username fragment of Patchbay's current description. */
  remoteUfrag: () => /a=ice-ufrag:(\S+)/.exec(peers.at(-1)?.remoteDescription?.sdp ?? '')?.[1],
  log: () => log.slice(),
};

(globalThis as unknown as { patchbay: typeof api }).patchbay = api;
export type PageApi = typeof api;
