/**
 * Email as the identifier: a one-use verification link mailed through a real SMTP server on
 * loopback; the device waiting on it (registered on the bridge) is told over its open channel
 * when the link is opened, and collects its credential once.
 */
import type { DeviceNotice } from '@patchbay/sdk/protocol';
import { afterEach, expect, it } from 'vitest';
import { deviceFor } from '../bridge/devices.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import { devicesHarnessPerTest } from './harness.test-support.js';
import { smtpMailer } from './mailer.js';
import { SmtpReceiver } from './smtp.test-support.js';

const start = devicesHarnessPerTest();
const receivers: SmtpReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function withSmtp() {
  const smtp = await SmtpReceiver.start();
  receivers.push(smtp);
  const harness = await start({
    api: { devices: { mailer: smtpMailer({ url: smtp.url, from: 'Patchbay <no-reply@patchbay.test>' }) } },
  });
  return { smtp, harness };
}

const JSON_PLEASE = { accept: 'application/json' };

/** What the page's Confirm button posts (as an API client asking for JSON, with `headers`). */
const confirm = (link: string, headers: Record<string, string> = {}) =>
  fetch(link.replace(/\?.*/, ''), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ Token: new URL(link).searchParams.get('Token') ?? '' }),
  });

/** The verification link in a mail (quoted-printable soft breaks undone). */
const linkIn = (raw: string) =>
  /(http:\/\/\S+\/Verify\?Token=[A-Za-z0-9_-]+)/.exec(raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='))?.[1] as string;

it('mails a one-use link; the waiting device is told over its channel and gets its credential', async () => {
  const { smtp, harness } = await withSmtp();
  const device = deviceFor(harness, harness.token('ann'));
  await device.register();
  const notices: DeviceNotice[] = [];
  device.on('notice', (notice) => notices.push(notice));
  const mailed = smtp.next('ann@example.com');
  // Polling slower than the test: it is the channel's notice that tells the device.
  const pending = await harness.registration('ann', 'ann-tablet', { pollMs: 60_000 }).byEmail('Ann@Example.com');
  const mail = await mailed;
  expect(mail.from).toBe('no-reply@patchbay.test');
  const link = linkIn(mail.raw);
  expect(link).toContain(`/patchbay/v1/DeviceRegistrations/${pending.sid}/Verify?Token=`);
  const verifying = pending.verified({ device });
  // Opening the link (as a mail scanner would) confirms nothing; the person confirms on the page.
  const opened = await fetch(link);
  expect(opened.status).toBe(200);
  expect(opened.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(opened.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
  const shown = await opened.text();
  expect(shown).toContain('The device <strong>ann-tablet</strong> asks to use <strong>ann@example.com</strong>');
  expect(shown).toContain('<form method="post">');
  // An API client asking for JSON gets the registration (still pending) instead.
  const asJson = await fetch(link, { headers: JSON_PLEASE });
  expect(await asJson.json()).toMatchObject({ sid: pending.sid, status: 'pending', email: 'ann@example.com' });
  expect((await harness.device('GET', `DeviceRegistrations/${pending.sid}`, 'ann')).json.status).toBe('pending');
  const confirmed = await confirm(link);
  expect(confirmed.status).toBe(200);
  expect(await confirmed.text()).toContain('<h1>Your address is verified</h1>');
  const registered = await verifying;
  expect(registered).toMatchObject({
    deviceId: 'ann-tablet',
    identity: 'ann',
    email: 'ann@example.com',
    phoneNumber: null,
  });
  expect(notices).toContainEqual({ kind: 'registration', registration: pending.sid, status: 'verified' });
  // The link works once; a forged token is not one this server sent: in words for a person, JSON for a client.
  const used = await fetch(link);
  expect(used.status).toBe(409);
  expect(await used.text()).toMatch(
    /<h1>This link was used already<\/h1>.*Error <a href="\/docs\/errors#91204">91204<\/a>/,
  );
  expect(await (await fetch(link, { headers: JSON_PLEASE })).json()).toMatchObject({ code: 91204 });
  expect(await (await confirm(link, JSON_PLEASE)).json()).toMatchObject({ code: 91204 });
  const forged = link.replace(/Token=.*/, 'Token=forged');
  expect(await (await fetch(forged, { headers: JSON_PLEASE })).json()).toMatchObject({ code: 91214, status: 404 });
  const shownForged = await fetch(forged);
  expect(shownForged.status).toBe(404);
  expect(await shownForged.text()).toContain('<h1>This link is not valid</h1>');
  // And the credential is collected once.
  const again = await harness.device('POST', `DeviceRegistrations/${pending.sid}/Complete`, 'ann', {
    DeviceId: 'ann-tablet',
  });
  expect(again.json).toMatchObject({ code: 91204 });
  device.destroy();
});

it('a link not opened yet gives no credential; a server without SMTP refuses email with 91213', async () => {
  const { smtp, harness } = await withSmtp();
  const mailed = smtp.next('bob@example.com');
  const pending = await harness.registration('bob', 'bob-1').byEmail('bob@example.com');
  await mailed;
  const early = await harness.device('POST', `DeviceRegistrations/${pending.sid}/Complete`, 'bob', {
    DeviceId: 'bob-1',
  });
  expect(early.json).toMatchObject({ code: 91216, status: 409 });
  const plain = await start();
  const refused = await plain.device('POST', 'DeviceRegistrations', 'bob', {
    Email: 'bob@example.com',
    DeviceId: 'bob-1',
  });
  expect(refused.json).toMatchObject({ code: 91213, status: 503 });
});

it('a link past its ten minutes is refused (virtual time)', async () => {
  const smtp = await SmtpReceiver.start();
  receivers.push(smtp);
  const clock = new VirtualClock(Date.now());
  const harness = await start({
    clock,
    api: { devices: { mailer: smtpMailer({ url: smtp.url, from: 'pb@patchbay.test' }) } },
  });
  const mailed = smtp.next('ann@example.com');
  // Time stands still while requests are in flight (see `still`): only the wait moves it.
  await clock.still(() => harness.registration('ann', 'ann-tablet').byEmail('ann@example.com'));
  const link = linkIn((await mailed).raw);
  await new Promise<void>((resolve) => clock.setTimer(resolve, 10 * 60_000 + 1));
  await clock.still(async () => {
    expect(await (await fetch(link, { headers: JSON_PLEASE })).json()).toMatchObject({ code: 91205, status: 410 });
    expect(await (await confirm(link, JSON_PLEASE)).json()).toMatchObject({ code: 91205 });
    const shown = await confirm(link);
    expect(shown.status).toBe(410);
    expect(await shown.text()).toContain('<h1>This link has expired</h1>');
  });
});
