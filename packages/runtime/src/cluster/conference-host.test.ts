import { describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { VirtualClock } from '../clock/virtual.js';
import { ConferenceRegistry } from '../conference/registry.js';
import type { RtpTrunk } from '../media/types.js';
import type { RecordingRecord } from '../verbs/types.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { ConferenceHost } from './conference-host.js';
import type { JoinBody } from './conference-wire.js';

const ACCOUNT = { sid: `AC${'d'.repeat(32)}`, authToken: 'token' };

/** A host whose media opens RTP trunk ends only when the test lets it. */
async function host() {
  const clock = new VirtualClock();
  const bus = new InProcessBus({ nodeId: 'node-p', hub: new BusHub(clock) });
  await bus.start();
  const network = new SimulatedNetwork({ clock });
  let open: () => void = () => undefined;
  const hungUp: string[] = [];
  const openTrunk = async (request: { address: string }): Promise<RtpTrunk> => {
    await new Promise<void>((resolve) => {
      open = resolve;
    });
    const leg = network.trunkLeg({ address: request.address, send: () => undefined });
    const hangup = leg.hangup.bind(leg);
    leg.hangup = () => {
      hungUp.push(request.address);
      return hangup();
    };
    return { address: '10.0.0.1', port: 40_000, leg, connect: () => undefined, remoteHangup: () => leg.remoteHangup() };
  };
  const media = Object.assign(Object.create(network) as SimulatedNetwork, { openTrunk, trunkLeg: undefined });
  const registry = new ConferenceRegistry({
    clock,
    media,
    send: () => undefined,
    saveRecording: () => ({}) as RecordingRecord,
    onChange: () => undefined,
  });
  const conferences = new ConferenceHost({ bus, clock, media, registry, ttlMs: 3000, tell: () => undefined });
  return { conferences, registry, hungUp, open: () => open(), close: () => bus.close() };
}

const join = (seat: string): JoinBody => ({
  account: ACCOUNT,
  name: 'standup',
  settings: { maxParticipants: 250, record: false, statusCallbackMethod: 'POST', statusCallbackEvents: [] },
  callSid: 'CA1',
  seat,
  options: { muted: false, beep: false, startConferenceOnEnter: true, endConferenceOnExit: false },
  rtp: { address: '10.0.0.2', port: 40_002 },
});

describe('ConferenceHost with RTP trunks', () => {
  it('seats a caller once its trunk end is open, answering with the end', async () => {
    const h = await host();
    const answer = h.conferences.join(join('node-b/1'), 'node-b');
    h.open();
    expect(await answer).toMatchObject({ waiting: true, rtp: { address: '10.0.0.1', port: 40_000 } });
    expect(h.registry.list()[0]?.participants).toHaveLength(1);
    await h.close();
  });

  it('does not seat a caller whose node said it left while its trunk end was opening', async () => {
    const h = await host();
    const answer = h.conferences.join(join('node-b/1'), 'node-b');
    h.conferences.leave({ callSid: 'CA1', seat: 'node-b/1' }, 'hangup');
    h.open();
    await expect(answer).rejects.toMatchObject({ code: 'conference-placement-failed' });
    expect(h.registry.list()).toEqual([]);
    expect(h.hungUp).toEqual(['trunk:node-b/CA1']);
    // A later seat of the same call is seated as usual.
    const again = h.conferences.join(join('node-b/2'), 'node-b');
    h.open();
    expect(await again).toMatchObject({ waiting: true });
    await h.close();
  });
});
