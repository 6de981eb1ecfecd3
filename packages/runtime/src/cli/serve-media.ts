/**
 * The media a server runs on: the simulated network (the default, for the quick start and app
 * tests), or real SIP and RTP (`--media sip`) from @patchbay/media, loaded only when asked for so
 * the runtime stays media-agnostic and installs without it.
 *
 * @example
 * const media = await startMedia(options, { directory, egress, warn: (m) => log.warn(m) });
 * createRuntime({ media: media.adapter, ... });
 */
import { REALISTIC_TIMING } from '../adapters/simulated/leg.js';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { MediaAdapter } from '../media/types.js';
import type { SipDirectory } from '../sip/directory.js';
import type { SipMediaOptions } from '../sip/media-options.js';
import type { SipRegistrationStore } from '../sip/registrations.js';
import { StartupError } from '../startup-error.js';
import type { Egress } from '../webhooks/egress.js';
import type { ServeOptions } from './serve.js';

/** What the SIP media needs from the server. */
export interface SipMediaDeps {
  readonly directory: SipDirectory;
  /** Where SIP phones' registrations are kept across restarts (absent: in memory only). */
  readonly registrations?: SipRegistrationStore;
  /** The server's policy for what Play may fetch. */
  readonly egress: Egress;
  /** A problem the operator should see: at start (no speech engine, ...) or while running (a trunk refusing our REGISTER). */
  warn(message: string): void;
}

/** What @patchbay/media's server entry gives back. */
export interface StartedSipMedia {
  readonly adapter: MediaAdapter;
  /** Where SIP listens and RTP flows, for the start-up log. */
  readonly listening: readonly string[];
  close(): Promise<void>;
}

/** @patchbay/media's entry, as the server uses it. */
export interface SipMediaModule {
  startSipMedia(options: SipMediaOptions, deps: SipMediaDeps): Promise<StartedSipMedia>;
}

export interface ServerMedia {
  readonly adapter: MediaAdapter;
  /** The simulated network, when the server runs on it (the Simulator API is served only then). */
  readonly network: SimulatedNetwork | undefined;
  readonly listening: readonly string[];
  close(): Promise<void>;
}

/** The package name, in a variable: the runtime does not depend on it (it depends on the runtime). */
const MEDIA_PACKAGE = '@patchbay/media';

export async function startMedia(options: ServeOptions, deps: SipMediaDeps): Promise<ServerMedia> {
  if (options.media?.kind !== 'sip') {
    const network = new SimulatedNetwork({
      ...(options.clock ? { clock: options.clock } : {}),
      timing: options.timing ?? REALISTIC_TIMING,
      // Nothing in the server reads an ended call's transcript (the Simulator's answer holds its own).
      keepEnded: options.keepParties ?? 10,
    });
    return { adapter: network, network, listening: [], close: () => network.close() };
  }
  let module: SipMediaModule;
  try {
    module = options.sipMedia ?? ((await import(MEDIA_PACKAGE)) as SipMediaModule);
  } catch (error) {
    throw new StartupError(
      'media-unavailable',
      'real SIP media needs the @patchbay/media package, which is not installed',
      'install it beside @patchbay/runtime (npm install @patchbay/media), or start without --media sip',
      { cause: error },
    );
  }
  const started = await module.startSipMedia(options.media, deps).catch((error: unknown) => {
    // The socket's errno, on the error or (wrapped by the SIP agent) on its cause.
    const codes = [(error as NodeJS.ErrnoException).code, (error as { cause?: NodeJS.ErrnoException }).cause?.code];
    const code = codes.find((each) => each?.startsWith('E'));
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        'sip-port-in-use',
        'another program uses the SIP port',
        'stop it, or give --sip-listen another port',
        {
          cause: error,
        },
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new StartupError(
        'address-unavailable',
        'SIP cannot listen on the address given',
        'give --sip-listen an address of this machine (ports below 1024 need privileges)',
        { cause: error },
      );
    }
    throw error;
  });
  return { adapter: started.adapter, network: undefined, listening: started.listening, close: () => started.close() };
}
