/**
 * Notices to an identity's sessions across nodes (docs/cluster.md "Devices across nodes"): what a
 * node tells every open session of an identity (`DeviceBridge.tell`: a room the member was added
 * to, a registration's new status) reaches the identity's sessions on every node, as on one node.
 * A node tells its own sessions at once and publishes the notice on `devices.tell`; the other
 * nodes tell theirs when they hear it. Only notices travel (`type: 'notice'`); a body that is not
 * one is dropped and reported.
 *
 * @example
 * const tells = new ClusterTells(bus, (accountSid, identity, message) => bridge.tellHere(accountSid, identity, message));
 * tells.publish(accountSid, 'ann', { type: 'notice', notice });
 */
import type { Outgoing } from '@patchbay/sdk/protocol';
import type { Bus, Unsubscribe } from './bus.js';

const TOPIC = 'devices.tell';

interface TellBody {
  readonly accountSid: string;
  readonly identity: string;
  readonly message: Outgoing;
}

function isTell(body: unknown): body is TellBody {
  const tell = body as Partial<TellBody> | null;
  return (
    typeof tell?.accountSid === 'string' &&
    typeof tell.identity === 'string' &&
    typeof tell.message === 'object' &&
    tell.message !== null &&
    tell.message.type === 'notice'
  );
}

export class ClusterTells {
  private stop: Unsubscribe | undefined;
  private closed = false;
  /** Settles once this node hears the topic. */
  readonly ready: Promise<void>;

  constructor(
    private readonly bus: Bus,
    local: (accountSid: string, identity: string, message: Outgoing) => void,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.ready = bus
      .subscribe(TOPIC, (body, from) => {
        if (from === bus.nodeId) return;
        if (!isTell(body)) {
          onError?.(new Error(`${TOPIC} from ${from}: not a notice, dropped`));
          return;
        }
        local(body.accountSid, body.identity, body.message);
      })
      .then((stop) => {
        if (this.closed) stop();
        else this.stop = stop;
      })
      .catch((error: unknown) => onError?.(error));
  }

  /** Tells the identity's sessions on the other nodes (a notice only). */
  publish(accountSid: string, identity: string, message: Outgoing): void {
    if (message.type !== 'notice') return;
    this.bus
      .publish(TOPIC, { accountSid, identity, message } satisfies TellBody)
      .catch((error: unknown) => this.onError?.(error));
  }

  close(): void {
    this.closed = true;
    this.stop?.();
    this.stop = undefined;
  }
}
