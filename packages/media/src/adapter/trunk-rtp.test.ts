/**
 * A conference across two nodes with real media: two runtimes in this process, joined by an
 * in-process bus, each with its own SIP media (its own engine on its own 127.0.14.x), and a
 * baresip phone calling each node. The room goes to the node with fewer calls; the other
 * node's caller reaches it over RTP between the two engines, never as frames on the bus. Each
 * phone sends its own tone and hears the other's (not its own), keys sent in-band cross both
 * ways, a hang-up on either side ends everything on both nodes, and RTP that stops arriving
 * ends the trunk at the RTP timeout. A queue across the two nodes bridges its caller and an agent
 * the same way.
 */
import {
  type Bus,
  BusHub,
  createRuntime,
  InProcessBus,
  type RtpEndpoint,
  type Runtime,
  systemClock,
} from '@patchbay/runtime';
import { type AppServer, type RecordedRequest, startAppServer } from '@patchbay/runtime/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AudioFetcher } from '../play/index.js';
import { detectDtmf, hearsTone } from '../testing/audio-analysis.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { SipMediaAdapter } from './adapter.js';
import { Prompts } from './prompts.js';
import { eventually, nextHeard } from './scenarios.test-support.js';
import type { SipLeg } from './sip-leg.js';
import { checkEndpoint } from './trunk-rtp.js';

const LINE = '+15550100100';
const ACCOUNT_SID = `AC${'e'.repeat(32)}`;
const ALICE = { address: '127.0.14.11', tone: 500 };
const BOB = { address: '127.0.14.12', tone: 900 };
/** Short, so the test of RTP that stops arriving is quick; the phones send all the time. */
const RTP_TIMEOUT_MS = 1500;

interface Node {
  readonly bus: Bus;
  readonly media: SipMediaAdapter;
  readonly runtime: Runtime;
  /** Where a phone calls the app's line on this node. */
  readonly lineUri: string;
  /** The bus methods this node sent requests with. */
  readonly sent: string[];
  /** The trunk ends this node opened, each with the endpoint it was pointed at. */
  readonly trunks: Array<{ readonly leg: SipLeg; remote?: RtpEndpoint }>;
}

/** What the line does: a conference, or a queue Alice waits in and Bob answers. */
let line: 'conference' | 'queue' = 'conference';

const routes = {
  // Bob's leaving ends the room; Alice goes on with the next verb when it ends.
  '/voice': (request: RecordedRequest) => {
    const isBob = String(request.params.From).includes(BOB.address);
    if (line === 'queue')
      return isBob
        ? '<Response><Dial><Queue>support</Queue></Dial></Response>'
        : '<Response><Enqueue waitUrl="/wait">support</Enqueue><Redirect>/after</Redirect></Response>';
    return `<Response><Dial><Conference beep="false" endConferenceOnExit="${isBob}">standup</Conference></Dial><Redirect>/after</Redirect></Response>`;
  },
  '/wait': () => '<Response><Pause length="30"/></Response>',
  '/after': () => '<Response><Hangup/></Response>',
};

let app: AppServer;
let a: Node;
let b: Node;
let alice: Phone;
let bob: Phone;
const stops: Array<() => Promise<unknown>> = [];

async function startNode(hub: BusHub, id: string, address: string, rtpPorts: [number, number]): Promise<Node> {
  const bus = new InProcessBus({ nodeId: id, hub, leaseMs: 3000, heartbeatMs: 500 });
  const sent: string[] = [];
  const request = bus.request.bind(bus);
  bus.request = (node, method, body, options) => {
    sent.push(method);
    return request(node, method, body, options);
  };
  await bus.start();
  stops.push(() => bus.close());
  const media = await SipMediaAdapter.start({
    listen: [{ transport: 'udp', host: address, port: 0 }],
    rtpPorts,
    allow: ['127.0.14.0/24'],
    prompts: new Prompts({ fetcher: new AudioFetcher() }),
    workers: 1,
    rtpTimeoutMs: RTP_TIMEOUT_MS,
  });
  stops.push(() => media.close());
  const trunks: Node['trunks'] = [];
  const openTrunk = media.openTrunk.bind(media);
  media.openTrunk = async (request) => {
    const trunk = await openTrunk(request);
    const seen: Node['trunks'][number] = { leg: trunk.leg as SipLeg };
    trunks.push(seen);
    return {
      ...trunk,
      connect: (remote) => {
        seen.remote = remote;
        trunk.connect(remote);
      },
    };
  };
  const runtime = createRuntime({
    media,
    bus,
    // One account on both nodes, as their shared store would have it.
    accountSid: ACCOUNT_SID,
    incoming: ({ to }) => (to === LINE ? { url: `${app.url}/voice` } : undefined),
  });
  stops.push(() => runtime.close());
  await runtime.conferenceCluster?.ready;
  return {
    bus,
    media,
    runtime,
    lineUri: `sip:${LINE}@${address}:${media.agent.addresses[0]?.port}`,
    sent,
    trunks,
  };
}

/** Alice calls node A and waits in the room, which goes to node B (A has her call); Bob calls B. */
async function meet(): Promise<void> {
  await alice.dial(a.lineUri);
  await alice.waitFor('established', 10_000);
  await eventually('the room on node B with Alice in it', () =>
    b.runtime.conferences.list({ friendlyName: 'standup', status: 'init' })[0]?.participants.length === 1
      ? true
      : undefined,
  );
  await bob.dial(b.lineUri);
  await bob.waitFor('established', 10_000);
  await eventually(
    'the room started',
    () => b.runtime.conferences.list({ friendlyName: 'standup', status: 'in-progress' })[0],
  );
}

/** Which of the two tones each phone hears over the next second (after what was already buffered). */
async function whoHears(): Promise<number[][]> {
  const settleMs = 300;
  const heard = await Promise.all(
    [alice, bob].map(async (p) => (await nextHeard(p, 1000 + settleMs)).subarray(settleMs * 8)),
  );
  return heard.map((pcm) => [ALICE.tone, BOB.tone].filter((tone) => hearsTone(pcm, tone)));
}

/** Every engine leg of both nodes is closed (callers, trunk ends). */
const allClosed = () =>
  eventually('no engine legs left', () =>
    a.media.engine.legs.size + b.media.engine.legs.size === 0 ? true : undefined,
  );

describe('a conference across two nodes with SIP media', () => {
  beforeAll(async () => {
    app = await startAppServer(routes);
    stops.push(() => app.close());
    const hub = new BusHub(systemClock);
    a = await startNode(hub, 'node-a', '127.0.14.1', [54000, 54098]);
    b = await startNode(hub, 'node-b', '127.0.14.2', [54100, 54198]);
    [alice, bob] = await Promise.all([startPhone(ALICE), startPhone(BOB)]);
    stops.push(
      () => alice.close(),
      () => bob.close(),
    );
  }, 30_000);

  afterAll(async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  }, 30_000);

  // A test that failed mid-call leaves no call behind for the next one to trip over.
  afterEach(async () => {
    if (a.media.engine.legs.size + b.media.engine.legs.size === 0) return;
    await Promise.all([alice.hangup(), bob.hangup()].map((hangup) => hangup.catch(() => undefined)));
    await allClosed();
  }, 20_000);

  it("carries each caller's audio and keys to the other over RTP between the engines; the caller's hang-up ends its side cleanly", async () => {
    await meet();
    expect(a.runtime.conferences.list()).toEqual([]);
    expect(await whoHears()).toEqual([[BOB.tone], [ALICE.tone]]);

    const bobFrom = (await bob.heard()).length;
    await alice.sendDigits('147', { inband: true });
    await eventually("Bob hears Alice's keys", async () =>
      detectDtmf((await bob.heard()).subarray(bobFrom)) === '147' ? true : undefined,
    );
    const aliceFrom = (await alice.heard()).length;
    await bob.sendDigits('9#', { inband: true });
    await eventually("Alice hears Bob's keys", async () =>
      detectDtmf((await alice.heard()).subarray(aliceFrom)) === '9#' ? true : undefined,
    );
    // The bus carried the join and nothing of the audio.
    expect(a.sent).toContain('conference.join');
    expect([...a.sent, ...b.sent]).not.toContain('conference.frame');

    await alice.hangup();
    await eventually('Alice out of the room', () =>
      b.runtime.conferences.list({ friendlyName: 'standup', status: 'in-progress' })[0]?.participants.length === 1
        ? true
        : undefined,
    );
    // Node A holds nothing of the call any more, and node B only Bob's leg: its end of the trunk
    // closes once node A's has.
    await eventually("node A without engine legs, node B with only Bob's", () =>
      a.media.engine.legs.size === 0 && b.media.engine.legs.size === 1 ? true : undefined,
    );
    expect(hearsTone(await nextHeard(bob, 600), ALICE.tone)).toBe(false);

    await bob.hangup();
    await allClosed();
    expect(b.runtime.conferences.list({ friendlyName: 'standup' })[0]).toMatchObject({ status: 'completed' });
  });

  it("the room's side ending it takes the other node's caller out: its call goes on with the next verb", async () => {
    await meet();
    const afterBefore = app.requestsTo('/after').length;

    await bob.hangup();
    await alice.waitFor('closed', 10_000);
    const after = app.requestsTo('/after').slice(afterBefore);
    expect(after.map((request) => String(request.params.From))).toEqual([expect.stringContaining(ALICE.address)]);
    await allClosed();
  });
  it('RTP that stops arriving between the nodes (a firewall dropping it) ends the trunk at the RTP timeout: the caller goes on, the room without it', async () => {
    await meet();
    const afterBefore = app.requestsTo('/after').length;
    // Node B's end of Alice's trunk stops sending (and, inactive, never times out itself): node A's
    // end hears nothing from then on, and only node A's RTP timeout can end the trunk.
    const end = b.trunks.at(-1);
    if (!end?.remote) throw new Error('node B opened no trunk end');
    end.leg.media.configure({
      remote: end.remote,
      payloadType: 0,
      telephoneEvent: 101,
      ptime: 20,
      direction: 'inactive',
    });

    await alice.waitFor('closed', RTP_TIMEOUT_MS + 10_000);
    const after = app.requestsTo('/after').slice(afterBefore);
    expect(after.map((request) => String(request.params.From))).toEqual([expect.stringContaining(ALICE.address)]);
    await eventually('Alice out of the room', () =>
      b.runtime.conferences.list({ friendlyName: 'standup', status: 'in-progress' })[0]?.participants.length === 1
        ? true
        : undefined,
    );
    await bob.hangup();
    await allClosed();
  });

  it("bridges a queue's caller on one node and the agent who dequeues it on the other over RTP between the engines", async () => {
    line = 'queue';
    try {
      const sentBefore = [a.sent.length, b.sent.length];
      await alice.dial(a.lineUri);
      await alice.waitFor('established', 10_000);
      await eventually('Alice waiting in the queue', async () =>
        (await a.runtime.queueCluster?.listAll(ACCOUNT_SID))?.some((queue) => queue.currentSize === 1)
          ? true
          : undefined,
      );
      await bob.dial(b.lineUri);
      await bob.waitFor('established', 10_000);
      await eventually('Alice and Bob bridged', async () =>
        (await whoHears()).join('|') === `${BOB.tone}|${ALICE.tone}` ? true : undefined,
      );
      // The agent's node took her from hers, and no audio crossed the bus.
      const sent = [...a.sent.slice(sentBefore[0]), ...b.sent.slice(sentBefore[1])];
      expect(sent).toContain('queue.take');
      expect(sent).not.toContain('queue.frame');

      await alice.hangup();
      await bob.waitFor('closed', 10_000);
      await allClosed();
    } finally {
      line = 'conference';
    }
  });
});

describe('checkEndpoint (where a trunk end sends or is reached)', () => {
  it('takes an IP address and a UDP port', () => {
    expect(checkEndpoint({ address: '10.0.0.2', port: 40_002 }, 'connect')).toEqual({
      address: '10.0.0.2',
      port: 40_002,
    });
  });

  it('refuses what another node cannot reach, with a typed error', () => {
    for (const bad of [
      { address: '0.0.0.0', port: 40_000 },
      { address: '::', port: 40_000 },
      { address: 'node-b.internal', port: 40_000 },
      { address: '10.0.0.2', port: 0 },
      { address: '10.0.0.2', port: 70_000 },
    ])
      expect(() => checkEndpoint(bad, 'openTrunk')).toThrow(
        expect.objectContaining({ code: 'trunk-address-invalid', where: 'openTrunk' }),
      );
  });
});
