/**
 * The voice and messaging settings numbers and applications share (VoiceUrl, SmsUrl, ...): their
 * flags and the REST form they make. An empty value (`--voice-url ''`) clears a URL.
 */
import type { Form } from '../client.js';
import { checkUrl, type Flag } from '../flags.js';

/** A URL flag; '' clears the URL. */
export const url = (description: string): Flag & { value: string } => ({
  value: '<url>',
  description,
  check: (value) => (value === '' ? undefined : checkUrl(value)),
});
/** A GET/POST flag. */
export const method = (description: string): Flag & { value: string } => ({
  value: '<method>',
  description,
  choices: ['GET', 'POST'],
});

export const SETTINGS_FLAGS = {
  'voice-url': url('where calls go: the app that answers them'),
  'voice-method': method('how VoiceUrl is requested (default POST)'),
  'voice-fallback-url': url('requested when VoiceUrl fails'),
  'status-callback': url('where call status changes are sent'),
  'sms-url': url('where messages go'),
  'sms-method': method('how SmsUrl is requested (default POST)'),
  'friendly-name': { value: '<name>', description: 'a name for it' },
} as const satisfies Record<string, Flag>;

type SettingsValues = { readonly [K in keyof typeof SETTINGS_FLAGS]?: string | undefined };

/** The REST parameters for the settings given. */
export function settingsForm(flags: SettingsValues): Form {
  return {
    VoiceUrl: flags['voice-url'],
    VoiceMethod: flags['voice-method'],
    VoiceFallbackUrl: flags['voice-fallback-url'],
    StatusCallback: flags['status-callback'],
    SmsUrl: flags['sms-url'],
    SmsMethod: flags['sms-method'],
    FriendlyName: flags['friendly-name'],
  };
}

/** Whether any setting was given (an update with none has nothing to do). */
export function anySetting(form: Form): boolean {
  return Object.values(form).some((value) => value !== undefined);
}
