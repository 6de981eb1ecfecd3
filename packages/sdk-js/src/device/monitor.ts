/**
 * Watches a call's audio while it is open: `volume` every 50 ms (volume.ts) and quality warnings
 * from a `getStats()` sample every second (quality.ts decides, stats.ts reads). `stop()` clears
 * both timers and closes the audio context.
 *
 * @example
 * const stop = monitorCall(media, { volume, warning, cleared, muted: () => call.isMuted() });
 */
import type { CallMedia } from './media.js';
import { assess, initialQuality, WARNING_DATA, type WarningData, type WarningName } from './quality.js';
import { totalsOf } from './stats.js';
import { VolumeMeter } from './volume.js';

export interface MonitorHandlers {
  volume(input: number, output: number): void;
  warning(name: WarningName, data: WarningData): void;
  cleared(name: WarningName): void;
  muted(): boolean;
}

/** Statistics are read this often (the hosted SDK's sample interval). */
const SAMPLE_MS = 1000;

export function monitorCall(media: CallMedia, handlers: MonitorHandlers): () => void {
  let levels = { input: [] as number[], output: [] as number[] };
  const meter = new VolumeMeter((input, output) => {
    levels.input.push(input);
    levels.output.push(output);
    handlers.volume(input, output);
  });
  meter.setInput(media.localStream);
  if (media.remoteStream) meter.setOutput(media.remoteStream);
  media.onRemoteStream = (stream) => meter.setOutput(stream);
  media.onInputChanged = (stream) => meter.setInput(stream);
  let state = initialQuality(Date.now());
  let stopped = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    media
      .getStats()
      .then((report) => {
        if (stopped) return;
        const second = levels;
        levels = { input: [], output: [] };
        const next = assess(state, totalsOf(report), second, handlers.muted(), Date.now());
        state = next.state;
        for (const name of next.raised) handlers.warning(name, WARNING_DATA[name]);
        for (const name of next.cleared) handlers.cleared(name);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, SAMPLE_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    meter.stop();
    media.onRemoteStream = undefined;
    media.onInputChanged = undefined;
  };
}
