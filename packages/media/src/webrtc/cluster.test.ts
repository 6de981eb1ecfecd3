/**
 * A browser device on one node of a cluster answers a phone call that arrives on another, with
 * real audio (docs/cluster.md, "WebRTC devices"): two `patchbay serve --media sip --store
 * postgres://... --bus redis://...` nodes in this process (`startServer`, as the CLI runs it) on
 * one PostgreSQL database and one redis-server; Chromium runs the SDK's `Device` registered on
 * node A; a baresip phone calls node B, whose app dials the device. The device's audio goes to
 * node B, where the call and its leg are: each side hears the other's tone, node A's media makes
 * no WebRTC session at all, and a hang-up on either side ends the call for the other.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@patchbay/runtime';
import { presenceSet, startAppServer, startPostgres, startRedis } from '@patchbay/runtime/testing';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipMediaAdapter } from '../adapter/adapter.js';
import { type Cleanup, eventually, nextHeard, restClient, SUPPORT_LINE } from '../adapter/scenarios.test-support.js';
import * as media from '../index.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { freePort } from '../testing/processes.js';
import { BROWSER_HZ, browserPage, nothingLeft, pageWaits } from './browser-harness.test-support.js';
import type { PageApi } from './browser-page.test-support.js';

declare global {
  var patchbay: PageApi;
}

const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const AUTH_TOKEN = 'a'.repeat(32);
const NODES = [
  { id: 'node-a', host: '127.0.71.1', rtpPorts: { min: 55000, max: 55199 } },
  { id: 'node-b', host: '127.0.71.2', rtpPorts: { min: 55200, max: 55399 } },
] as const;
const PHONE = { address: '127.0.71.20', tone: 600 };

/** Everything started for the file, stopped after its tests, newest first. */
const steps: Array<() => Promise<unknown>> = [];
const cleanup: Cleanup = (step) => void steps.push(step);
afterAll(async () => {
  for (const step of steps.splice(0).reverse()) await step().catch(() => undefined);
}, 60_000);

let a: RunningServer;
let b: RunningServer;
let page: Page;
let caller: Phone;
let lineUri: string;

/** A `--media sip` node of the cluster: its own SIP address and RTP range, the shared store and bus. */
async function node(at: (typeof NODES)[number], store: string, bus: string): Promise<RunningServer> {
  const data = await mkdtemp(join(tmpdir(), `patchbay-${at.id}-`));
  cleanup(() => rm(data, { recursive: true, force: true }));
  const server = await startServer({
    port: 0,
    data,
    store,
    secretKey: new Uint8Array(32).fill(5),
    bus,
    nodeId: at.id,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    drainMs: 1000,
    media: {
      kind: 'sip',
      listen: [{ host: at.host, port: await freePort(at.host), transports: ['udp'] }],
      rtpPorts: at.rtpPorts,
      allow: [{ address: PHONE.address, prefix: 32 }],
      trunks: [],
    },
    sipMedia: media,
  });
  cleanup(() => server.close());
  return server;
}

beforeAll(async () => {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  cleanup(() => postgres.stop());
  cleanup(() => redis.close());
  const store = await postgres.database();
  // One after the other: the first node makes the store's tables.
  a = await node(NODES[0], store, redis.url);
  b = await node(NODES[1], store, redis.url);

  const app = await startAppServer({
    '/voice': () => '<Response><Dial timeout="20"><Client>alice</Client></Dial></Response>',
  });
  cleanup(() => app.close());
  // Any node answers REST for the account: the number is made on A, the key on B.
  await restClient(a).post('IncomingPhoneNumbers.json', { PhoneNumber: SUPPORT_LINE, VoiceUrl: `${app.url}/voice` });
  const key = (await restClient(b).post('Keys.json', { FriendlyName: 'browser' })) as { sid: string; secret: string };
  const token = new AccessToken(ACCOUNT_SID, key.sid, key.secret, { identity: 'alice', ttl: 600 })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();

  // Alice's browser registers with node A (its page accepts every call).
  page = await browserPage(cleanup, { entry: new URL('./browser-page.test-support.ts', import.meta.url) });
  await page.evaluate(([t, s]) => globalThis.patchbay.start(t as string, s as string), [token, a.url]);
  await eventually("node B to list Alice's devices on node A", async () => {
    const holders = await b.cluster?.bus.members(presenceSet(ACCOUNT_SID, 'alice'));
    return holders?.join() === 'node-a' ? true : undefined;
  });

  caller = await startPhone({ address: PHONE.address, tone: PHONE.tone });
  cleanup(() => caller.close());
  const sip = (b.media as SipMediaAdapter).agent.addresses[0];
  lineUri = `sip:${SUPPORT_LINE}@${NODES[1].host}:${sip?.port}`;
}, 120_000);

/** Waits for `check` in the page; says what the page saw if not. */
const waits = (what: string, check: (arg: number) => boolean, arg = 0) =>
  pageWaits(page, what, check, arg, () => ({
    status: globalThis.patchbay.status(),
    log: globalThis.patchbay.log(),
    loudest: globalThis.patchbay.loudest(),
  }));

/** The phone calls node B; the browser on node A answers; each hears the other's tone. */
async function callAndHear(): Promise<string> {
  await caller.dial(lineUri);
  await caller.waitFor('established', 30_000);
  await waits('the call to open', () => globalThis.patchbay.status() === 'open');
  await hearEachOther();
  // The call, and the device's leg with its WebRTC session, are on node B; node A only signals.
  const [call] = b.runtime.calls.list().filter((c) => c.status === 'in-progress' && c.direction === 'inbound');
  expect(call, 'the inbound call on node B').toBeDefined();
  expect((b.media as SipMediaAdapter).webrtc?.sessions).toBe(1);
  expect((a.media as SipMediaAdapter).webrtc?.sessions).toBe(0);
  return call?.sid as string;
}

/** The browser hears the phone's tone and the phone the browser's. */
async function hearEachOther(): Promise<void> {
  await waits(`the browser to hear the phone's ${PHONE.tone} Hz`, (hz) => globalThis.patchbay.hears(hz), PHONE.tone);
  await eventually(
    `the phone to hear the browser's ${BROWSER_HZ} Hz`,
    async () => (hearsTone(await nextHeard(caller, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined),
    30_000,
  );
}

describe('a browser device on node A answers a phone calling node B, with real audio', () => {
  it('each hears the other; the browser hangs up and the phone hears the call end', async () => {
    const sid = await callAndHear();
    await page.evaluate(() => globalThis.patchbay.hangup());
    await caller.waitFor('closed', 10_000);
    await expect.poll(async () => (await restClient(a).get(`Calls/${sid}.json`)).status).toBe('completed');
    await nothingLeft(b.media as SipMediaAdapter);
  });

  it("the browser's ICE restart is answered by node B's leg, the audio goes on; the phone hangs up and the browser sees the end", async () => {
    const sid = await callAndHear();
    const before = await page.evaluate(() => globalThis.patchbay.remoteUfrag());
    await page.evaluate(() => globalThis.patchbay.restartIce());
    await waits('the restart to finish', () => globalThis.patchbay.log().includes('reconnected'));
    expect(await page.evaluate(() => globalThis.patchbay.remoteUfrag())).not.toBe(before);
    await eventually('the old session on node B to go', () =>
      (b.media as SipMediaAdapter).webrtc?.sessions === 1 ? true : undefined,
    );
    expect((a.media as SipMediaAdapter).webrtc?.sessions).toBe(0);
    await hearEachOther();
    await caller.hangup();
    await waits('the call to close', () => globalThis.patchbay.status() === 'closed');
    expect(await page.evaluate(() => globalThis.patchbay.log())).not.toContainEqual(expect.stringMatching(/error/));
    await expect.poll(async () => (await restClient(b).get(`Calls/${sid}.json`)).status).toBe('completed');
    await nothingLeft(b.media as SipMediaAdapter);
  });
});
