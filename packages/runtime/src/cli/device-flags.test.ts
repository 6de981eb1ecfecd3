/**
 * `patchbay serve`'s device registration flags: what they give the server, each mistake a usage
 * error naming the flag (exit 2), and, in a real `patchbay serve` process, an email registration
 * through the SMTP server `--smtp-url` names (a real SMTP receiver on loopback).
 */
import { AccessToken, Registration, VoiceGrant } from '@patchbay/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../devices/smtp.test-support.js';
import { deviceOptions } from './device-flags.js';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

const receivers: SmtpReceiver[] = [];
afterEach(async () => {
  await cleanUpProcesses();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

describe('the device options the flags give', () => {
  it('nothing without flags; the SMTP server, sender, VAPID subject and ring time with them', () => {
    expect(deviceOptions({}, undefined)).toEqual({});
    expect(
      deviceOptions(
        {
          'smtp-url': 'smtp://u:p@mail.example.com:587',
          'vapid-subject': 'mailto:ops@example.com',
          'app-ring-seconds': '20',
        },
        'https://pb.example.com',
      ),
    ).toEqual({
      registration: {
        smtp: { url: 'smtp://u:p@mail.example.com:587', from: 'no-reply@pb.example.com' },
        vapidSubject: 'mailto:ops@example.com',
        appRingMs: 20_000,
      },
    });
  });
});

it('patchbay serve refuses a bad --smtp-url or --vapid-subject, naming the flag (exit 2)', async () => {
  for (const [flag, value] of [
    ['--smtp-url', 'http://mail.example.com'],
    ['--vapid-subject', 'ops@example.com'],
    ['--app-ring-seconds', '0'],
  ] as const) {
    const data = await dataDirectory('patchbay-device-flags-');
    const { code, stderr } = await runPatchbay(['serve', '--port', '0', '--data', data, flag, value]);
    expect(code).toBe(2);
    expect(stderr).toContain(`patchbay: ${flag}`);
  }
});

it('a device registers by email through the SMTP server patchbay serve was given', async () => {
  const smtp = await SmtpReceiver.start();
  receivers.push(smtp);
  const data = await dataDirectory('patchbay-device-email-');
  const served = await servePatchbay(
    data,
    {},
    { args: ['--smtp-url', smtp.url, '--smtp-from', 'Patchbay <pb@example.com>'] },
  );
  const auth = `Basic ${Buffer.from(`${served.sid}:${served.token}`).toString('base64')}`;
  const created = await fetch(`${served.url}/2010-04-01/Accounts/${served.sid}/Keys.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ FriendlyName: 'devices' }),
  });
  const key = (await created.json()) as { sid: string; secret: string };
  const token = new AccessToken(served.sid, key.sid, key.secret, { identity: 'ann' })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();
  const mailed = smtp.next('ann@example.com');
  const registration = new Registration({ server: served.url, token, deviceId: 'ann-laptop', pollMs: 50 });
  const pending = await registration.byEmail('ann@example.com');
  const mail = await mailed;
  expect(mail.from).toBe('pb@example.com');
  const link = /(http:\/\/\S+\/Verify\?Token=[A-Za-z0-9_-]+)/.exec(
    mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='),
  )?.[1];
  expect((await fetch(link as string)).status).toBe(200);
  const linkToken = new URL(link as string).searchParams.get('Token') ?? '';
  const confirmed = await fetch((link as string).replace(/\?.*/, ''), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Token: linkToken }),
  });
  expect(confirmed.status).toBe(200);
  expect(await pending.verified()).toMatchObject({ deviceId: 'ann-laptop', email: 'ann@example.com', identity: 'ann' });
});
