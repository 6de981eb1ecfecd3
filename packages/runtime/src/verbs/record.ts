/**
 * `<Record>`: records the caller after an optional beep until silence (`timeout`), a key in
 * `finishOnKey`, `maxLength`, or a hang-up. The recording is stored; the action gets
 * RecordingUrl, RecordingSid, RecordingDuration and Digits (the key, or `hangup`), and is
 * requested even when the caller hung up. An empty recording goes on to the next verb.
 */
import type { RecordNode } from '@patchbay/markup';
import { type RecordingEvent, recordingCallbackParams, wants } from './recording-callback.js';
import { action, NEXT, type Outcome, type RecordingRecord, type VerbContext } from './types.js';

function recordingCallback(
  context: VerbContext,
  node: RecordNode,
  event: RecordingEvent,
  details: { recording?: RecordingRecord; startedAt: number },
): void {
  const settings = {
    url: node.attributes.recordingStatusCallback,
    method: node.attributes.recordingStatusCallbackMethod,
    events: node.attributes.recordingStatusCallbackEvent,
  };
  if (!wants(settings, event)) return;
  const params = recordingCallbackParams(event, {
    accountSid: String(context.params().AccountSid),
    callSid: context.call.sid,
    source: 'RecordVerb',
    channels: 1,
    ...details,
  });
  context.notify(context.resolve(settings.url), settings.method, params);
}

export async function record(node: RecordNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const options = node.attributes;
  if (options.transcribe)
    context.warn(13614, '<Record transcribe="true">: transcription is not available; recording without it');
  if (options.playBeep) await context.leg.beep(context.signal);
  const startedAt = context.clock.now();
  recordingCallback(context, node, 'in-progress', { startedAt });
  const result = await context.leg.record(
    {
      maxLengthMs: options.maxLength * 1000,
      silenceTimeoutMs: options.timeout * 1000,
      finishOnKey: options.finishOnKey,
      trimSilence: options.trim === 'trim-silence',
    },
    context.replaced,
  );
  if (result.durationMs === 0) {
    recordingCallback(context, node, 'absent', { startedAt });
    return NEXT;
  }
  const recording = context.saveRecording({
    audio: result.audio,
    durationMs: result.durationMs,
    startedAt,
    source: 'RecordVerb',
  });
  recordingCallback(context, node, 'completed', { recording, startedAt });
  const digits = result.endedBy === 'hangup' ? 'hangup' : result.key;
  return action(context, options, {
    RecordingUrl: recording.url,
    RecordingSid: recording.sid,
    RecordingDuration: String(recording.duration),
    ...(digits === undefined ? {} : { Digits: digits }),
  });
}
