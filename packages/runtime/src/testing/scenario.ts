/**
 * A whole test scenario in one call: an app server on loopback, the simulated network on a
 * virtual clock, and a runtime routing the number `+15550001000` to the app's `/voice`.
 *
 * @example
 * await using s = await scenario({ '/voice': () => '<Response><Say>Hi</Say></Response>' });
 * const call = await s.inbound({ inputs: [{ digits: '1' }] });
 */

import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { Party, PartyBehaviour } from '../adapters/simulated/party.js';
import type { CallRecord } from '../calls/call.js';
import { VirtualClock } from '../clock/virtual.js';
import { createRuntime, type InboundApp, type Runtime, type RuntimeOptions } from '../runtime.js';
import { type AppServer, type Route, startAppServer } from './app-server.js';

export const APP_NUMBER = '+15550001000';
export const CALLER = '+15550002000';
export const AUTH_TOKEN = 'scenario-auth-token';

export interface Scenario extends AsyncDisposable {
  readonly app: AppServer;
  readonly network: SimulatedNetwork;
  readonly clock: VirtualClock;
  readonly runtime: Runtime;
  /** Calls the app's number; resolves with the call's final record and the caller's party. */
  inbound(behaviour?: PartyBehaviour & { from?: string }): Promise<{ call: CallRecord; caller: Party }>;
  /** Calls the app's number from `from` without waiting; returns the call's SID. */
  ringIn(from: string, behaviour?: PartyBehaviour): string;
}

export async function scenario(
  routes: Record<string, Route>,
  options: {
    /** The called number's app settings (a function gets the app server's URL). */
    inbound?: Partial<InboundApp> | ((appUrl: string) => Partial<InboundApp>);
    runtime?: Partial<RuntimeOptions>;
  } = {},
): Promise<Scenario> {
  const app = await startAppServer(routes);
  const inboundApp = typeof options.inbound === 'function' ? options.inbound(app.url) : options.inbound;
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ clock });
  const runtime = createRuntime({
    media: network,
    clock,
    authToken: AUTH_TOKEN,
    incoming: ({ to }) => (to === APP_NUMBER ? { url: `${app.url}/voice`, ...inboundApp } : undefined),
    // The app's number is on this server: a call to it from the app reaches the app.
    onNet: true,
    callbacks: { backoffMs: 10 },
    ...options.runtime,
  });
  const ringIn = ringer(runtime, network);
  return {
    app,
    network,
    clock,
    runtime,
    ringIn,
    async inbound(behaviour = {}) {
      const { from = CALLER, ...rest } = behaviour;
      const sid = ringIn(from, rest);
      const caller = network.party(from) as Party;
      const call = await runtime.calls.ended(sid);
      await runtime.callbacks.drain();
      return { call, caller };
    },
    async [Symbol.asyncDispose]() {
      await runtime.close();
      await network.close();
      await app.close();
    },
  };
}

/** Calls the app's number on `network` from `from` without waiting; returns the call's SID. */
export function ringer(runtime: Runtime, network: SimulatedNetwork) {
  return (from: string, behaviour: PartyBehaviour = {}): string => {
    let sid: string | undefined;
    const onCreated = (call: CallRecord) => {
      sid ??= call.sid;
    };
    runtime.events.on('call.created', onCreated);
    network.call({ from, to: APP_NUMBER, ...behaviour });
    runtime.events.off('call.created', onCreated);
    if (!sid) throw new Error('the call was not routed');
    return sid;
  };
}
