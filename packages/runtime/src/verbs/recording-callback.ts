/**
 * The recording status callback shared by Record, Dial and Conference recordings: RecordingSid,
 * RecordingUrl, RecordingStatus, RecordingDuration, RecordingChannels, RecordingStartTime,
 * RecordingSource, ErrorCode, for the events the app asked for.
 */
import type { WebhookParams } from '@patchbay/sdk';
import { rfc2822 } from '../webhooks/callbacks.js';
import type { RecordingRecord } from './types.js';

export type RecordingEvent = 'in-progress' | 'completed' | 'absent';

export interface RecordingCallbackSettings {
  readonly url: string | undefined;
  readonly method: 'GET' | 'POST';
  readonly events: readonly RecordingEvent[];
}

export function recordingCallbackParams(
  event: RecordingEvent,
  details: {
    readonly accountSid: string;
    readonly callSid?: string;
    readonly conferenceSid?: string;
    readonly source: RecordingRecord['source'];
    readonly channels: 1 | 2;
    readonly startedAt: number;
    readonly recording?: RecordingRecord;
  },
): WebhookParams {
  const { recording } = details;
  return {
    AccountSid: details.accountSid,
    ...(details.callSid ? { CallSid: details.callSid } : {}),
    ...(details.conferenceSid ? { ConferenceSid: details.conferenceSid } : {}),
    RecordingStatus: event,
    RecordingSource: details.source,
    RecordingChannels: String(details.channels),
    RecordingStartTime: rfc2822(details.startedAt),
    ErrorCode: '0',
    ...(recording
      ? { RecordingSid: recording.sid, RecordingUrl: recording.url, RecordingDuration: String(recording.duration) }
      : {}),
  };
}

/** Whether the settings ask for `event`. */
export function wants(
  settings: RecordingCallbackSettings,
  event: RecordingEvent,
): settings is RecordingCallbackSettings & { url: string } {
  return settings.url !== undefined && settings.events.includes(event);
}
