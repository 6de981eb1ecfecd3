/**
 * Recording a simulated leg. A party with scripted `inputs` speaks for `speaksForMs` (or until
 * its input's time), then falls silent; a live party (a script, an app on-net) is heard speaking
 * while its utterances last, and silence counts from the end of the last one. Either way a finish
 * key, the maximum length, a hang-up or the signal ends the recording.
 */
import type { RecordOptions, RecordResult } from '../../media/types.js';
import { silentWav } from '../../media/wav.js';
import type { SimulatedLeg } from './leg.js';

export function recordLeg(leg: SimulatedLeg, options: RecordOptions, signal: AbortSignal): Promise<RecordResult> {
  const { clock, party } = leg;
  const started = clock.now();
  const input = leg.live ? undefined : party.takeInput();
  const speaksFor = party.behaviour.speaksForMs ?? 3000;
  /** When the live party last stopped speaking. */
  let spokeUntil: number | undefined;
  return new Promise<RecordResult>((resolve, reject) => {
    const cancels: Array<() => void> = [];
    let cancelSilence = () => {};
    let stopHearing = () => {};
    const close = leg.openWindow();
    const stop = () => {
      for (const cancel of cancels) cancel();
      signal.removeEventListener('abort', onAbort);
      leg.events.off('hangup', onHangup);
      leg.events.off('dtmf', onKey);
      stopHearing();
      close();
    };
    const finish = (endedBy: RecordResult['endedBy'], key?: string) => {
      stop();
      const elapsed = clock.now() - started;
      const heardFor = leg.live ? Math.min(elapsed, (spokeUntil ?? started) - started) : Math.min(elapsed, speaksFor);
      const durationMs = endedBy === 'silence' && options.trimSilence ? heardFor : elapsed;
      party.note({ type: 'recorded', durationMs });
      resolve({ audio: silentWav(durationMs), durationMs, endedBy, ...(key === undefined ? {} : { key }) });
    };
    const onAbort = () => {
      stop();
      reject(signal.reason);
    };
    const onHangup = () => finish('hangup');
    // Keys that arrive as events (a script, a device, the far end of an on-net call) end it too.
    const onKey = (digit: string) => {
      if (options.finishOnKey.includes(digit)) finish('key', digit);
    };
    const silenceFrom = (at: number) => {
      cancelSilence();
      cancelSilence = leg.later(at - clock.now() + options.silenceTimeoutMs, () => finish('silence'));
    };
    const onSpeaking = (endsAt: number) => {
      spokeUntil = Math.max(spokeUntil ?? endsAt, endsAt);
      silenceFrom(spokeUntil);
    };
    leg.events.on('dtmf', onKey);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    leg.events.once('hangup', onHangup);
    cancels.push(leg.later(options.maxLengthMs, () => finish('max-length')));
    cancels.push(() => cancelSilence());
    if (leg.live) {
      stopHearing = leg.onSpeaking(onSpeaking);
      silenceFrom(started);
      return;
    }
    if (input && 'digits' in input) {
      cancels.push(
        leg.later(input.afterMs ?? speaksFor, () => {
          party.note({ type: 'pressed', digits: input.digits });
          const key = [...input.digits].find((digit) => options.finishOnKey.includes(digit));
          if (key !== undefined) finish('key', key);
        }),
      );
    } else if (input && 'hangup' in input) {
      cancels.push(leg.later(input.afterMs ?? speaksFor, () => leg.remoteHangup()));
    }
    if (!input || !('hangup' in input)) silenceFrom(started + speaksFor);
  });
}
