/**
 * The simulated telephone network: Patchbay's embedded media adapter. Numbers, SIP URIs and
 * client identities get behaviours; inbound calls are placed with `call()`; every party keeps a
 * transcript. Runs on any clock: a VirtualClock makes whole calls take no real time.
 *
 * @example
 * const network = new SimulatedNetwork({ clock });
 * network.addNumber('+15550100', { ringMs: 2000, inputs: [{ digits: '1' }] });
 * const caller = network.call({ from: '+15550199', to: '+15550001', inputs: [{ digits: '2' }] });
 * // ... later: caller.lines()
 */
import { EventEmitter } from 'eventemitter3';
import { type Clock, sleep, systemClock } from '../../clock/clock.js';
import type {
  AdapterEvents,
  AddressKind,
  Bridge,
  BridgeOptions,
  DeviceLeg,
  DeviceLegRequest,
  LinkedCall,
  MediaAdapter,
  MediaCapabilities,
  MediaLeg,
  Mixer,
  OriginateOutcome,
  OriginateRequest,
  TrunkLeg,
  TrunkLegRequest,
} from '../../media/types.js';
import { simulatedBridge } from './bridge.js';
import { SimulatedDeviceLeg } from './device-leg.js';
import { REALISTIC_TIMING, SimulatedLeg, type Timing } from './leg.js';
import { LinkedLeg, linkLegs } from './link.js';
import { simulatedMixer } from './mixer.js';
import { Party, type PartyBehaviour, type TranscriptEntry } from './party.js';
import { SimulatedTrunkLeg } from './trunk-leg.js';

export interface SimulatedNetworkOptions {
  /** @default systemClock */
  readonly clock?: Clock;
  /** How long simulated media takes. @default REALISTIC_TIMING */
  readonly timing?: Timing;
  /** Behaviour of numbers and SIP URIs nobody added. @default { onCall: 'answer' } */
  readonly unknown?: PartyBehaviour;
  /**
   * Parties whose call ended kept for `party()` and `parties` (the most recent; parties of live
   * legs are always kept). A long run holds this many transcripts, not every one. @default 100
   */
  readonly keepEnded?: number;
}

/** The far end an account scripted for a number, if any (see `useFarEnds`). */
export type FarEndLookup = (number: string, account: string) => Promise<PartyBehaviour | undefined>;

export class SimulatedNetwork implements MediaAdapter {
  readonly name = 'simulated';
  readonly capabilities: MediaCapabilities = {
    dtmf: true,
    speech: true,
    tts: true,
    play: true,
    record: true,
    conference: true,
    originate: ['number', 'sip', 'client'],
  };
  readonly events = new EventEmitter<AdapterEvents>();
  /** Who waits for a party at an address to exist (`heard`). */
  private readonly partyWaiters = new Set<{ readonly address: string; readonly resolve: (party: Party) => void }>();
  /** Parties in order of appearance: whether each one's leg is still live. */
  private readonly known = new Map<Party, boolean>();
  /** Kept parties whose call ended, in the order they ended. */
  private readonly ended: Party[] = [];
  private readonly keepEnded: number;
  readonly clock: Clock;
  private readonly timing: Timing;
  private readonly unknown: PartyBehaviour;
  private readonly directory = new Map<string, PartyBehaviour>();
  /** Far ends kept outside this process (the Simulator API's, in the store every node reads). */
  private farEnds: FarEndLookup | undefined;
  private readonly legs = new Set<SimulatedLeg>();
  private nextLeg = 1;

  constructor(options: SimulatedNetworkOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timing = options.timing ?? REALISTIC_TIMING;
    this.unknown = options.unknown ?? { onCall: 'answer' };
    this.keepEnded = options.keepEnded ?? 100;
  }

  /** Parties of live calls and of the most recent ended ones (`keepEnded`), in order of appearance. */
  get parties(): Party[] {
    return [...this.known.keys()];
  }

  /** A leg ended: it is let go, and its party joins the bounded tail of ended ones. */
  private release(leg: SimulatedLeg): void {
    this.legs.delete(leg);
    if (this.known.get(leg.party) !== true) return;
    this.known.set(leg.party, false);
    this.ended.push(leg.party);
    while (this.ended.length > this.keepEnded) this.known.delete(this.ended.shift() as Party);
  }

  /**
   * How `number` behaves when called: for every caller, or (with `account`) only for calls that
   * account places, ahead of the behaviour for everyone.
   */
  addNumber(number: string, behaviour: PartyBehaviour = {}, scope: { account?: string } = {}): void {
    this.directory.set(this.key('number', number, scope.account), behaviour);
  }

  /** Forgets what `addNumber` said of `number` (for `account`, when given); true if it had. */
  removeNumber(number: string, scope: { account?: string } = {}): boolean {
    return this.directory.delete(this.key('number', number, scope.account));
  }

  /** How `number` behaves for calls `account` places (its own script, else everyone's). */
  numberBehaviour(number: string, account?: string): PartyBehaviour | undefined {
    return (
      (account === undefined ? undefined : this.directory.get(this.key('number', number, account))) ??
      this.directory.get(this.key('number', number))
    );
  }

  /**
   * Where the far ends an account scripted are kept beyond this network (the Simulator API keeps
   * them in the store, so a call placed on any node of a cluster meets them): asked first for a
   * call an account places to a number, ahead of `addNumber`'s.
   */
  useFarEnds(lookup: FarEndLookup): void {
    this.farEnds = lookup;
  }

  /** `numberBehaviour`, the far ends of `useFarEnds` first. */
  async findNumber(number: string, account?: string): Promise<PartyBehaviour | undefined> {
    const kept = account === undefined ? undefined : await this.farEnds?.(number.trim(), account);
    return kept ?? this.numberBehaviour(number, account);
  }

  private key(kind: AddressKind, value: string, account?: string): string {
    const address = kind === 'sip' ? value.trim().split('?')[0] : value.trim();
    return `${account ?? '*'} ${kind}:${address}`;
  }

  addSip(uri: string, behaviour: PartyBehaviour = {}): void {
    this.directory.set(this.key('sip', uri), behaviour);
  }

  addClient(identity: string, behaviour: PartyBehaviour = {}): void {
    this.directory.set(this.key('client', identity), behaviour);
  }

  /** Places an inbound call to `to`, from a party behaving as `behaviour`. */
  call(call: { from: string; to: string } & PartyBehaviour): Party {
    const { from, to, ...behaviour } = call;
    const leg = this.newLeg(from, behaviour);
    this.events.emit('incoming', leg, { from, to });
    return leg.party;
  }

  /** The party hangs up its call (a simulated caller whose user gave up); false if it had ended. */
  hangUp(party: Party): boolean {
    for (const leg of this.legs) {
      if (leg.party !== party || !leg.active) continue;
      leg.remoteHangup();
      return true;
    }
    return false;
  }

  /** The latest party with this address. */
  party(address: string): Party | undefined {
    return this.parties.findLast((party) => party.address === address);
  }

  /**
   * The first entry matching `match` in the transcript of the party at `address`, waiting for
   * that party to exist if no call has reached it yet (`party(address)?.heard(...)` would not wait).
   */
  async heard(address: string, match: (entry: TranscriptEntry) => boolean): Promise<TranscriptEntry> {
    const party =
      this.party(address) ?? (await new Promise<Party>((resolve) => this.partyWaiters.add({ address, resolve })));
    return party.heard(match);
  }

  private newLeg<L extends SimulatedLeg = SimulatedLeg>(
    address: string,
    behaviour: PartyBehaviour,
    make: (id: string, party: Party) => L = (id, party) => new SimulatedLeg(id, party, this.clock, this.timing) as L,
  ): L {
    const party = new Party(address, behaviour, () => this.clock.now());
    this.known.set(party, true);
    for (const waiter of this.partyWaiters)
      if (waiter.address === address) {
        this.partyWaiters.delete(waiter);
        waiter.resolve(party);
      }
    const leg = make(`LEG${this.nextLeg++}`, party);
    this.legs.add(leg);
    leg.onEnded = () => this.release(leg);
    return leg;
  }

  private behaviourOf(kind: AddressKind, value: string, account?: string): PartyBehaviour {
    const found = kind === 'number' ? this.numberBehaviour(value, account) : this.directory.get(this.key(kind, value));
    // A client identity nobody registered does not answer.
    return found ?? (kind === 'client' ? { onCall: 'no-answer' } : this.unknown);
  }

  deviceLeg(request: DeviceLegRequest): DeviceLeg {
    return this.newLeg(
      `client:${request.identity}`,
      {},
      (id, party) => new SimulatedDeviceLeg(id, party, this.clock, this.timing, request),
    );
  }

  async originate(request: OriginateRequest, signal: AbortSignal, onRinging?: () => void): Promise<OriginateOutcome> {
    const kept = request.to.kind === 'number' ? await this.findNumber(request.to.value, request.account) : undefined;
    const behaviour = kept ?? this.behaviourOf(request.to.kind, request.to.value, request.account);
    const leg = this.newLeg(request.to.value, behaviour);
    const { party } = leg;
    party.calledFrom.push(request.from);
    // A far end that runs an app is reached through the runtime's on-net routing (link), not here.
    const onCall = behaviour.app ? 'fail' : (behaviour.onCall ?? 'answer');
    if (onCall !== 'fail') {
      party.note({ type: 'ringing' });
      onRinging?.();
    }
    const ringMs = onCall === 'no-answer' ? request.timeoutMs : Math.min(behaviour.ringMs ?? 0, request.timeoutMs);
    try {
      await sleep(this.clock, ringMs, signal);
    } catch {
      party.note({ type: 'canceled' });
      this.release(leg);
      return { outcome: 'canceled' };
    }
    if (onCall === 'answer' && (behaviour.ringMs ?? 0) <= request.timeoutMs) {
      party.note({ type: 'answered' });
      leg.connected();
      return { outcome: 'answered', leg };
    }
    this.release(leg);
    const outcome =
      onCall === 'answer' || onCall === 'no-answer'
        ? 'no-answer'
        : onCall === 'fail'
          ? 'failed'
          : onCall === 'busy'
            ? 'busy'
            : 'rejected';
    party.note({ type: outcome });
    return { outcome };
  }

  link(request: OriginateRequest, signal: AbortSignal, onRinging?: () => void): LinkedCall {
    const make = (id: string, party: Party) => new LinkedLeg(id, party, this.clock, this.timing);
    const caller = this.newLeg(request.to.value, {}, make);
    const callee = this.newLeg(request.from, {}, make);
    const outcome = linkLegs(caller, callee, request, this.clock, signal, onRinging);
    void outcome.then((result) => {
      if (result.outcome !== 'answered') this.release(caller);
    });
    return { callee, outcome };
  }

  bridge(a: MediaLeg, b: MediaLeg, options: BridgeOptions = {}): Bridge {
    return simulatedBridge(a as SimulatedLeg, b as SimulatedLeg, this.clock, options);
  }

  trunkLeg(request: TrunkLegRequest): TrunkLeg {
    const leg = this.newLeg(
      request.address,
      {},
      (id, party) => new SimulatedTrunkLeg(id, party, this.clock, this.timing),
    );
    leg.send = request.send;
    return leg;
  }

  createMixer(name: string): Mixer {
    return simulatedMixer(name, this.clock, this.timing);
  }

  async close(): Promise<void> {
    for (const leg of [...this.legs]) await leg.hangup();
    this.legs.clear();
  }
}
