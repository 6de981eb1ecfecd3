/**
 * `<Record>`: records the caller after an optional beep until silence (`timeout`), a key in
 * `finishOnKey`, `maxLength`, or a hang-up. The recording is stored; the action gets
 * RecordingUrl, RecordingSid, RecordingDuration and Digits (the key, or `hangup`), and is
 * requested even when the caller hung up. An empty recording goes on to the next verb.
 */
import type { RecordNode } from '@patchbay/markup';
import { rfc2822 } from '../webhooks/callbacks.js';
import { action, NEXT, type Outcome, type RecordingRecord, type VerbContext } from './types.js';

type RecordingEvent = 'in-progress' | 'completed' | 'absent';

function recordingCallback(
  context: VerbContext,
  node: RecordNode,
  event: RecordingEvent,
  details: { recording?: RecordingRecord; startedAt: number },
): void {
  const { recordingStatusCallback, recordingStatusCallbackMethod, recordingStatusCallbackEvent } = node.attributes;
  if (!recordingStatusCallback || !recordingStatusCallbackEvent.includes(event)) return;
  const { recording } = details;
  context.notify(context.resolve(recordingStatusCallback), recordingStatusCallbackMethod, {
    AccountSid: String(context.params().AccountSid),
    CallSid: context.call.sid,
    RecordingStatus: event,
    RecordingSource: 'RecordVerb',
    RecordingChannels: '1',
    RecordingStartTime: rfc2822(details.startedAt),
    ErrorCode: '0',
    ...(recording
      ? { RecordingSid: recording.sid, RecordingUrl: recording.url, RecordingDuration: String(recording.duration) }
      : {}),
  });
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
