/**
 * Device commands on the device channel (docs/commands.md): which sessions carry each device's
 * commands (a session attaches a device with its credential, `commands-attach`), the `command`
 * messages pushed to them in the session's sequenced stream (so acked, resumed and redelivered
 * like any other), and the results devices send back (`command-result`), handed to the command
 * service attached by the API.
 */
import { DeviceError, type Outgoing } from '@patchbay/sdk/protocol';
import type { DeviceSession } from './session.js';

export type CommandMessage = Extract<Outgoing, { type: 'command' }>;

/** Commands of devices connected to other nodes of a cluster (cluster/devices-ring.ts). */
export interface CommandRelay {
  /** This node carries a device's commands (a session attached it), or carries them no more. */
  carries(device: string, carrying: boolean): void;
  /** Sends the messages through a node whose connected session carries the device: true when one did. */
  sendElsewhere(device: string, messages: readonly CommandMessage[]): Promise<boolean>;
}

/** What the command service does for the channel. */
export interface CommandHandler {
  /** Checks the credential (a DeviceError `CommandAuthenticationFailed` when it does not verify); the open commands after `after`. */
  attach(accountSid: string, device: string, secret: string, after: number): Promise<CommandMessage[]>;
  result(
    accountSid: string,
    device: string,
    command: string,
    outcome: { ok: boolean; result?: Readonly<Record<string, string>>; error?: string },
  ): Promise<void>;
}

/** Devices one session may carry. */
const DEVICES_PER_SESSION = 8;

export class CommandChannel {
  #handler: CommandHandler | undefined;
  readonly #byDevice = new Map<string, Set<DeviceSession>>();
  readonly #bySession = new Map<DeviceSession, Set<string>>();

  constructor(
    private readonly push: (session: DeviceSession, message: Outgoing) => void,
    /** On a cluster, the relay to other nodes. @default none: a single node */
    private readonly relay: () => CommandRelay | undefined = () => undefined,
  ) {}

  /** The command service runs on this server; returns the detach. */
  attachHandler(handler: CommandHandler): () => void {
    this.#handler = handler;
    return () => {
      if (this.#handler === handler) this.#handler = undefined;
    };
  }

  #handled(): CommandHandler {
    if (!this.#handler) throw new DeviceError('TemporarilyUnavailable', 'commands do not run on this server');
    return this.#handler;
  }

  async attach(session: DeviceSession, device: string, secret: string, after: number): Promise<void> {
    const devices = this.#bySession.get(session) ?? new Set<string>();
    if (!devices.has(device) && devices.size >= DEVICES_PER_SESSION)
      throw new DeviceError(
        'TooManyRequests',
        `a session carries the commands of at most ${DEVICES_PER_SESSION} devices`,
      );
    const pending = await this.#handled().attach(session.accountSid, device, secret, after);
    devices.add(device);
    this.#bySession.set(session, devices);
    const sessions = this.#byDevice.get(device) ?? new Set<DeviceSession>();
    sessions.add(session);
    this.#byDevice.set(device, sessions);
    if (sessions.size === 1) this.relay()?.carries(device, true);
    for (const message of pending) this.push(session, message);
  }

  async result(
    session: DeviceSession,
    device: string,
    command: string,
    outcome: Parameters<CommandHandler['result']>[3],
  ): Promise<void> {
    if (!this.#bySession.get(session)?.has(device))
      throw new DeviceError(
        'CommandAuthenticationFailed',
        `device ${device} is not attached to this session (commands-attach)`,
      );
    await this.#handled().result(session.accountSid, device, command, outcome);
  }

  /** Whether a connected session of this node carries the device's commands (one waiting to resume is not enough: the device is woken). */
  attached(device: string): boolean {
    for (const session of this.#byDevice.get(device) ?? []) if (session.link) return true;
    return false;
  }

  /** Pushes a command to the device's sessions: false when none carries it. */
  send(message: CommandMessage): boolean {
    const sessions = this.#byDevice.get(message.device);
    for (const session of sessions ?? []) this.push(session, message);
    return (sessions?.size ?? 0) > 0;
  }

  /** Sends through another node of the cluster whose connected session carries the device: true when one did. */
  sendElsewhere(device: string, messages: readonly CommandMessage[]): Promise<boolean> {
    return this.relay()?.sendElsewhere(device, messages) ?? Promise.resolve(false);
  }

  /** The session is ending: it carries no device. */
  dropAll(session: DeviceSession): void {
    for (const device of this.#bySession.get(session) ?? []) {
      const sessions = this.#byDevice.get(device);
      sessions?.delete(session);
      if (sessions?.size === 0) {
        this.#byDevice.delete(device);
        this.relay()?.carries(device, false);
      }
    }
    this.#bySession.delete(session);
  }
}
