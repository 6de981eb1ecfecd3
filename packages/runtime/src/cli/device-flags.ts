/**
 * `patchbay serve`'s settings for devices bound to a number or email (docs/registration.md): the
 * SMTP server verification links go through, the VAPID subject of Web Push wake-ups, and how long
 * a registered number's devices ring in the app before the number itself.
 */
import type { RegistrationSettings } from '../devices/index.js';
import { checkInteger, type Flags, type Values } from './flags.js';

const checkSmtp = (value: string) =>
  /^smtps?:\/\/[^/\s]+\/?$/.test(value) ? undefined : 'must be smtp://[user:pass@]host[:port] or smtps://...';
const checkSubject = (value: string) =>
  /^(mailto:\S+@\S+|https:\/\/\S+)$/.test(value) ? undefined : 'must be a mailto: address or an https: URL';

export const DEVICE_FLAGS = {
  'smtp-url': {
    value: '<url>',
    description:
      'SMTP server for email verification links (smtp:// or smtps://, credentials in the URL); without it, devices register by phone only',
    check: checkSmtp,
  },
  'smtp-from': {
    value: '<address>',
    description: 'sender of verification emails (default no-reply@<public-url host>)',
  },
  'vapid-subject': {
    value: '<mailto-or-https>',
    description: 'contact push services see in Web Push wake-ups (default mailto:postmaster@localhost)',
    check: checkSubject,
  },
  'app-ring-seconds': {
    value: '<n>',
    description: "how long a registered number's devices ring in the app before the number itself (default 15)",
    check: checkInteger(1, 600),
  },
} as const satisfies Flags;

/** The server options the flags give (the parser has checked each value). */
export function deviceOptions(
  values: Values<typeof DEVICE_FLAGS>,
  publicUrl: string | undefined,
): { registration?: RegistrationSettings } {
  const smtpUrl = values['smtp-url'];
  const subject = values['vapid-subject'];
  const ring = values['app-ring-seconds'];
  const host = publicUrl ? new URL(publicUrl).hostname : 'localhost';
  const registration: RegistrationSettings = {
    ...(smtpUrl ? { smtp: { url: smtpUrl, from: values['smtp-from'] ?? `no-reply@${host}` } } : {}),
    ...(subject ? { vapidSubject: subject } : {}),
    ...(ring ? { appRingMs: Number(ring) * 1000 } : {}),
  };
  return Object.keys(registration).length > 0 ? { registration } : {};
}
