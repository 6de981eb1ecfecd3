/**
 * Every resource Patchbay serves answers as the hosted API's OpenAPI description says: each
 * operation below is driven through the official helper, and every answer (status, every
 * property, types, list items) is checked against the description (openapi.test-support.ts).
 * A new operation belongs in its area's list.
 */
import { describe, expect, it } from 'vitest';
import { roomWhen } from '../conference/when.test-support.js';
import type { RecordedRequest } from '../testing/app-server.js';
import { type ApiHarness, harnessPerTest } from './harness.test-support.js';
import { type CheckedClient, checkedClient, openApi } from './openapi.test-support.js';

const A = '/2010-04-01/Accounts/{AccountSid}';
const NUMBERS = ['+15550301001', '+15550301002', '+15550301003'] as const;
const [ALICE, BOB, CAROL] = NUMBERS;
const FROM = '+15550300000';
const spec = openApi();

const startHarness = harnessPerTest();

interface Context extends CheckedClient {
  readonly harness: ApiHarness;
  /** Resolves once the app's wait document has been fetched `count` times. */
  waiting(count: number): Promise<void>;
}

async function setup(): Promise<Context> {
  let waited = 0;
  const listeners: Array<() => void> = [];
  const harness = await startHarness({
    routes: {
      '/voice': () => '<Response><Sayy/><Record timeout="1" playBeep="false" action="/dequeued"/></Response>',
      '/hold': () => '<Response><Pause length="30"/></Response>',
      '/wait': (_: RecordedRequest) => {
        waited++;
        for (const listener of listeners.splice(0)) listener();
        return '<Response><Pause length="30"/></Response>';
      },
      '/dequeued': () => '<Response><Hangup/></Response>',
    },
    routeByNumber: false,
    setup: (network) => {
      for (const number of NUMBERS) network.addNumber(number, { ringMs: 5, speaksForMs: 1200 });
    },
  });
  const checked = checkedClient(harness.base, harness.account.sid, harness.account.authToken, spec);
  const waiting = async (count: number) => {
    while (waited < count) await new Promise<void>((resolve) => listeners.push(resolve));
  };
  return { ...checked, harness, waiting };
}

const AREAS: Array<[string, string[], (context: Context) => Promise<void>]> = [
  [
    'Accounts',
    [
      'POST /2010-04-01/Accounts.json',
      'GET /2010-04-01/Accounts.json',
      'GET /2010-04-01/Accounts/{Sid}.json',
      'POST /2010-04-01/Accounts/{Sid}.json',
    ],
    async ({ client }) => {
      const sub = await client.api.accounts.create({ friendlyName: 'sub' });
      await client.api.accounts.list();
      await client.api.accounts(sub.sid).fetch();
      await client.api.accounts(sub.sid).update({ friendlyName: 'renamed' });
    },
  ],
  [
    'Keys',
    [
      `POST ${A}/Keys.json`,
      `GET ${A}/Keys.json`,
      `GET ${A}/Keys/{Sid}.json`,
      `POST ${A}/Keys/{Sid}.json`,
      `DELETE ${A}/Keys/{Sid}.json`,
    ],
    async ({ client }) => {
      const key = await client.newKeys.create({ friendlyName: 'ci' });
      await client.keys.list();
      await client.keys(key.sid).fetch();
      await client.keys(key.sid).update({ friendlyName: 'renamed' });
      await client.keys(key.sid).remove();
    },
  ],
  [
    'Applications',
    [
      `POST ${A}/Applications.json`,
      `GET ${A}/Applications.json`,
      `GET ${A}/Applications/{Sid}.json`,
      `POST ${A}/Applications/{Sid}.json`,
      `DELETE ${A}/Applications/{Sid}.json`,
    ],
    async ({ client }) => {
      const app = await client.applications.create({ friendlyName: 'ivr', voiceUrl: 'https://app.example/voice' });
      await client.applications.list();
      await client.applications(app.sid).fetch();
      await client.applications(app.sid).update({ smsUrl: 'https://app.example/sms' });
      await client.applications(app.sid).remove();
    },
  ],
  [
    'IncomingPhoneNumbers',
    [
      `POST ${A}/IncomingPhoneNumbers.json`,
      `GET ${A}/IncomingPhoneNumbers.json`,
      `GET ${A}/IncomingPhoneNumbers/{Sid}.json`,
      `POST ${A}/IncomingPhoneNumbers/{Sid}.json`,
      `DELETE ${A}/IncomingPhoneNumbers/{Sid}.json`,
    ],
    async ({ client }) => {
      const number = await client.incomingPhoneNumbers.create({
        phoneNumber: '+15550309999',
        voiceUrl: 'https://app.example/voice',
      });
      await client.incomingPhoneNumbers.list();
      await client.incomingPhoneNumbers(number.sid).fetch();
      await client.incomingPhoneNumbers(number.sid).update({ friendlyName: 'support line' });
      await client.incomingPhoneNumbers(number.sid).remove();
    },
  ],
  [
    'Messages',
    [`POST ${A}/Messages.json`, `GET ${A}/Messages.json`, `GET ${A}/Messages/{Sid}.json`],
    async ({ client }) => {
      const message = await client.messages.create({ to: '+15550001234', from: FROM, body: 'hello' });
      await client.messages.list();
      await client.messages(message.sid).fetch();
    },
  ],
  [
    'Calls, their Notifications, Events and Recordings',
    [
      `POST ${A}/Calls.json`,
      `GET ${A}/Calls.json`,
      `GET ${A}/Calls/{Sid}.json`,
      `POST ${A}/Calls/{Sid}.json`,
      `DELETE ${A}/Calls/{Sid}.json`,
      `GET ${A}/Calls/{CallSid}/Notifications.json`,
      `GET ${A}/Calls/{CallSid}/Notifications/{Sid}.json`,
      `GET ${A}/Notifications.json`,
      `GET ${A}/Notifications/{Sid}.json`,
      `GET ${A}/Calls/{CallSid}/Events.json`,
      `GET ${A}/Recordings.json`,
      `GET ${A}/Recordings/{Sid}.json`,
      `DELETE ${A}/Recordings/{Sid}.json`,
      `GET ${A}/Calls/{CallSid}/Recordings.json`,
      `GET ${A}/Calls/{CallSid}/Recordings/{Sid}.json`,
      `DELETE ${A}/Calls/{CallSid}/Recordings/{Sid}.json`,
    ],
    async ({ client, harness }) => {
      const { app, runtime } = harness;
      const live = await client.calls.create({ to: BOB, from: FROM, url: `${app.url}/hold` });
      const call = await client.calls.create({ to: ALICE, from: FROM, url: `${app.url}/voice` });
      const other = await client.calls.create({ to: CAROL, from: FROM, url: `${app.url}/voice` });
      await runtime.calls.ended(call.sid);
      await runtime.calls.ended(other.sid);
      await client.calls.list();
      await client.calls(call.sid).fetch();
      await client
        .calls(`CA${'0'.repeat(32)}`)
        .fetch()
        .catch(() => undefined);
      await client.calls(live.sid).update({ status: 'completed' });
      const [notification] = await client.calls(call.sid).notifications.list();
      await client.calls(call.sid).notifications(String(notification?.sid)).fetch();
      await client.notifications.list();
      await client.notifications(String(notification?.sid)).fetch();
      await client.calls(call.sid).events.list();
      const [recording] = await client.recordings.list({ callSid: other.sid });
      await client.recordings(String(recording?.sid)).fetch();
      await client.recordings(String(recording?.sid)).remove();
      const [ofCall] = await client.calls(call.sid).recordings.list();
      await client.calls(call.sid).recordings(String(ofCall?.sid)).fetch();
      await client.calls(call.sid).recordings(String(ofCall?.sid)).remove();
      await client.calls(call.sid).remove();
    },
  ],
  [
    'Conferences and Participants',
    [
      `GET ${A}/Conferences.json`,
      `GET ${A}/Conferences/{Sid}.json`,
      `POST ${A}/Conferences/{Sid}.json`,
      `GET ${A}/Conferences/{ConferenceSid}/Participants.json`,
      `POST ${A}/Conferences/{ConferenceSid}/Participants.json`,
      `GET ${A}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`,
      `POST ${A}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`,
      `DELETE ${A}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`,
    ],
    async ({ client, harness }) => {
      const twiml = '<Response><Dial><Conference>standup</Conference></Dial></Response>';
      const two = roomWhen(harness.runtime.events, (room) => room.participants.length === 2);
      const alice = await client.calls.create({ to: ALICE, from: FROM, twiml });
      await client.calls.create({ to: BOB, from: FROM, twiml });
      const room = await two;
      await client.conferences.list();
      await client.conferences(room.sid).fetch();
      await client.conferences(room.sid).participants.list();
      await client.conferences(room.sid).participants(alice.sid).fetch();
      await client.conferences(room.sid).participants(alice.sid).update({ muted: true });
      const three = roomWhen(harness.runtime.events, (r) => r.participants.length === 3);
      const carol = await client.conferences(room.sid).participants.create({ from: FROM, to: CAROL });
      await three;
      await client.conferences(room.sid).participants(carol.callSid).remove();
      await client.conferences(room.sid).update({ status: 'completed' });
    },
  ],
  [
    'Queues and Members',
    [
      `POST ${A}/Queues.json`,
      `GET ${A}/Queues.json`,
      `GET ${A}/Queues/{Sid}.json`,
      `POST ${A}/Queues/{Sid}.json`,
      `DELETE ${A}/Queues/{Sid}.json`,
      `GET ${A}/Queues/{QueueSid}/Members.json`,
      `GET ${A}/Queues/{QueueSid}/Members/{CallSid}.json`,
      `POST ${A}/Queues/{QueueSid}/Members/{CallSid}.json`,
    ],
    async ({ client, harness, waiting }) => {
      const { app, runtime } = harness;
      const queue = await client.queues.create({ friendlyName: 'support' });
      await client.queues.list();
      await client.queues(queue.sid).fetch();
      await client.queues(queue.sid).update({ maxSize: 10 });
      const twiml = `<Response><Enqueue waitUrl="${app.url}/wait">support</Enqueue></Response>`;
      const caller = await client.calls.create({ to: ALICE, from: FROM, twiml });
      await waiting(1);
      await client.queues(queue.sid).members.list();
      await client.queues(queue.sid).members(caller.sid).fetch();
      await client
        .queues(queue.sid)
        .members('Front')
        .update({ url: `${app.url}/dequeued` });
      await runtime.calls.ended(caller.sid);
      await client.queues(queue.sid).remove();
    },
  ],
];

describe.each(AREAS)('%s', (_area, operations, run) => {
  it('answers every operation as the OpenAPI description says', async () => {
    const context = await setup();
    await run(context);
    expect(context.problems).toEqual([]);
    expect(operations.filter((operation) => !context.exercised.has(operation))).toEqual([]);
  }, 20_000);
});
