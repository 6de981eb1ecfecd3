/**
 * Codes of device registration and wake-up (`/patchbay/v1/Devices`, `/patchbay/v1/DeviceRegistrations`,
 * docs/registration.md): Patchbay's own feature, so its own range (91200-91229).
 */
import type { ErrorTable } from './types.js';

export const REGISTRATION_ERRORS = {
  91200: {
    title: 'No registration number',
    meaning:
      'The account has no registration number, the number devices text to register and codes come from. Answered 409.',
    action:
      'Set one: `POST /patchbay/v1/DeviceSettings` with `RegistrationNumber` (a number of the account that nothing else uses).',
  },
  91201: {
    title: 'The number cannot be the registration number',
    meaning:
      '`RegistrationNumber` is not a number of the account, or something already uses it (a voice or SMS URL, an application, a room). Answered 409.',
    action: 'Name a number of the account with no URLs, application or room, or free one first.',
  },
  91202: {
    title: 'Invalid registration request',
    meaning:
      'A parameter of the registration does not parse: the `DeviceId` (1 to 64 characters of letters, digits and `._:-`), the `PhoneNumber` (E.164), the `Email`, or the `WakeUp` address (a Web Push subscription with an https endpoint and its `p256dh` and `auth` keys). The message names it.',
    action: 'Fix the parameter named in the message.',
  },
  91203: {
    title: 'Registration signature invalid',
    meaning:
      'The signature does not verify: it was not made by this server for this account, or the number, device or wake-up address posted with it is not what was signed. Compared in constant time.',
    action:
      'Post exactly the number, device id and wake-up address the signature was made for, with the signature as it came by SMS.',
  },
  91204: {
    title: 'Already used',
    meaning: 'The signature, code or link has completed a registration already: each is usable once. Answered 409.',
    action: 'Start a new registration.',
  },
  91205: {
    title: 'Expired',
    meaning: 'The signature, code or link is older than its lifetime (10 minutes). Answered 410.',
    action: 'Start a new registration.',
  },
  91206: {
    title: 'Issued to another device',
    meaning: 'The signature or code was issued for another device id than the one presenting it.',
    action: 'Register the device with its own signature or code.',
  },
  91207: {
    title: 'Issued for another number or address',
    meaning: 'The signature or code was issued for another phone number or email address than the one posted.',
    action: 'Post the number or address the signature or code went to.',
  },
  91208: {
    title: 'Wrong code',
    meaning:
      'The code does not match (compared in constant time). Each wrong code counts; the fifth locks the registration.',
    action: 'Enter the code from the latest SMS.',
  },
  91209: {
    title: 'Too many attempts',
    meaning: 'Five wrong codes were entered: the registration is locked, even for the right code. Answered 429.',
    action: 'Start a new registration (a new code is sent).',
  },
  91210: {
    title: 'Too many registrations for this number or address',
    meaning:
      'At most 5 codes, signatures or links go to one number or address in an hour, so nobody can be texted or mailed without end. Answered 429 with Retry-After.',
    action: 'Wait, then start again with the latest code.',
  },
  91211: {
    title: 'Device limit reached',
    meaning:
      'An account holds at most 10,000 devices, and a number or address at most 10 (a device registering again replaces its own record). Answered 409.',
    action: 'Delete devices that are no longer used (`DELETE /patchbay/v1/Devices/{Sid}`).',
  },
  91212: {
    title: 'Access token required',
    meaning:
      "The device endpoints take the device's access token (`Authorization: Bearer <token>`, the token the device registers with); it is missing, or does not verify (the message says why). Answered 401.",
    action: 'Send the access token your server minted for the device.',
  },
  91213: {
    title: 'Email not configured',
    meaning:
      'The server has no SMTP server to send verification links with (`patchbay serve --smtp-url`). Answered 503.',
    action: 'Ask the operator to configure one, or register by phone number.',
  },
  91214: {
    title: 'Verification link invalid',
    meaning: 'The link is not one this server sent: no such registration, or its token does not match. Answered 404.',
    action: 'Open the latest link from the email, whole.',
  },
  91215: {
    title: 'The device could not be woken',
    meaning:
      'Every way of waking the device failed: it has no open channel, its push service refused the message (the message says how), and it has no number to text. Answered 502.',
    action: 'The device must open the app (or register again with a fresh push subscription).',
  },
  91216: {
    title: 'Email address not verified yet',
    meaning:
      'The device asked for its credential before the link in the email was opened. Answered 409; the device is told over its open channel when it is (a `notice` of kind `registration`, status `verified`).',
    action: 'Open the link in the email, then ask again (the SDK waits for the notice, or polls).',
  },
} as const satisfies ErrorTable;
