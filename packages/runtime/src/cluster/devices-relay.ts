/**
 * A device's session reached through another node. Behind a balancer a device that reconnects
 * (a network blip, a new Wi-Fi) may land on a node that does not hold its session; before, that
 * node opened a new one, and the calls of the old session ended with it once its resume window
 * ran out. Now the node reached asks the live nodes which one holds the session and relays the
 * connection there: the hello, then every message both ways, in order, over the bus. The session
 * resumes where it lives (its calls, invitations, rooms and commands unchanged), as it would on
 * one node. If no live node holds it (its node died), a new session opens where the device is.
 *
 * A long-poll device's hello is relayed the same way (its link answers the hello's POST, then is
 * lost); its polls are relayed one by one (devices-poll-relay.ts).
 *
 * @example
 * const relay = new SessionRelay(bus, { open, receive, lost, holds }, onError);
 * const reached = await relay.reach(hello, link); // undefined: open the session here
 */
import { randomBytes } from 'node:crypto';
import { readTokenClaims } from '@patchbay/sdk';
import {
  type ClientMessage,
  DeviceError,
  type Hello,
  type ProtocolError,
  parseClientMessage,
} from '@patchbay/sdk/protocol';
import { z } from 'zod';
import type { DeviceSession, Link } from '../bridge/session.js';
import type { Bus, NodeDown, NodeId, Unsubscribe } from './bus.js';
import { holderAmong, parseBody } from './devices-wire.js';

const METHODS = {
  /** Reached node → every other node: do you hold this session? */
  holds: 'devices.relay.holds',
  /** Reached node → holder: a device's hello, resuming the session there. */
  open: 'devices.relay.open',
  /** Reached node → holder: a message from the device. */
  message: 'devices.relay.message',
  /** Reached node → holder: the device's connection ended. */
  lost: 'devices.relay.lost',
  /** Holder → reached node: a message for the device. */
  deliver: 'devices.relay.deliver',
  /** Holder → reached node: close the device's connection. */
  close: 'devices.relay.close',
} as const;

const TIMEOUT_MS = 3000;
const id = z.string().min(1).max(64);
const holdsBody = z.object({ session: id, accountSid: z.string().max(64), identity: z.string().max(256) });
const openBody = z.object({ link: id, hello: z.looseObject({ type: z.literal('hello') }) });
const messageBody = z.object({ link: id, message: z.looseObject({ type: z.string() }) });
const linkBody = z.object({ link: id });
const closeBody = z.object({ link: id, code: z.number().int(), reason: z.string().max(123) });
const openReply = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.object({ name: z.string(), code: z.number(), message: z.string() }) }),
]);

/** What the relay asks of the device bridge on the node holding a session. */
export interface RelayedBridge {
  open(hello: Hello, link: Link): Promise<DeviceSession>;
  receive(session: DeviceSession, message: ClientMessage, link: Link): void;
  lost(session: DeviceSession, link: Link): void;
  /**
   * Whether this node holds the session (open, or waiting for its device to resume), of this
   * account and identity: one of someone else's is not resumed, and opens where the device is.
   */
  holds(claimed: { session: string; accountSid: string; identity: string }): boolean;
}

/** A connection here whose session lives on another node. */
export interface ReachedSession {
  /** A message from the device. */
  receive(message: unknown): void;
  /** The device's connection ended. */
  lost(): void;
}

/** On the holder: a connection relayed from another node. */
interface Held {
  readonly from: NodeId;
  readonly link: Link;
  session?: DeviceSession;
  gone?: boolean;
}

export class SessionRelay {
  /** Holder side: relayed connections, by `<node> <link>`. */
  private readonly held = new Map<string, Held>();
  /** Reached side: this node's connections relayed elsewhere, by link id. */
  private readonly reached = new Map<string, { readonly node: NodeId; readonly link: Link }>();
  private readonly stops: Unsubscribe[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly bridge: RelayedBridge,
    private readonly onError?: (error: unknown) => void,
  ) {
    const serve = <T>(method: string, schema: z.ZodType<T>, handler: (body: T, from: NodeId) => unknown) =>
      this.stops.push(bus.serve(method, (body, from) => handler(parseBody(schema, body, method, from), from)));
    serve(METHODS.holds, holdsBody, (body) => ({ holds: bridge.holds(body) }));
    serve(METHODS.open, openBody, (body, from) => this.opened(body, from));
    serve(METHODS.message, messageBody, ({ link, message }, from) => this.fromDevice(`${from} ${link}`, message));
    serve(METHODS.lost, linkBody, ({ link }, from) => this.gone(`${from} ${link}`));
    serve(METHODS.deliver, messageBody, ({ link, message }) => {
      this.reached.get(link)?.link.send(message as Parameters<Link['send']>[0]);
      return {};
    });
    serve(METHODS.close, closeBody, ({ link, code, reason }) => {
      const reached = this.reached.get(link);
      this.reached.delete(link);
      reached?.link.close(code, reason);
      return {};
    });
    const onDown = ({ node }: NodeDown) => this.nodeDown(node);
    bus.on('node-down', onDown);
    this.stops.push(() => bus.off('node-down', onDown));
  }

  // ---- the node the device reached ----

  /**
   * Relays `link` to the node holding the session the hello resumes; undefined when this node
   * should open it itself (no session to resume, or no live node holds it). Rejects with the
   * holder's typed error when it refuses the hello (a bad token, say).
   */
  async reach(hello: Hello, link: Link): Promise<ReachedSession | undefined> {
    const session = hello.resume?.session;
    // Unverified here: the holder verifies the token when it opens the session.
    const claims = readTokenClaims(hello.token);
    if (!session || !claims?.accountSid || claims.identity === undefined || !this.bus.connected) return undefined;
    const node = await this.holder({ session, accountSid: claims.accountSid, identity: claims.identity });
    if (!node) return undefined;
    const linkId = randomBytes(12).toString('base64url');
    this.reached.set(linkId, { node, link });
    const reply = await this.bus
      .request(node, METHODS.open, { link: linkId, hello }, { timeoutMs: TIMEOUT_MS })
      .then((answer) => parseBody(openReply, answer, `reply to ${METHODS.open}`, node))
      .catch((error: unknown) => {
        this.onError?.(error);
        return undefined;
      });
    if (!reply?.ok) {
      this.reached.delete(linkId);
      if (reply) throw DeviceError.fromProtocol(reply.error as ProtocolError);
      return undefined;
    }
    return {
      receive: (message) => this.send(node, METHODS.message, { link: linkId, message }),
      lost: () => {
        if (this.reached.delete(linkId)) this.send(node, METHODS.lost, { link: linkId });
      },
    };
  }

  /** The live node holding `session`, if one does. */
  private async holder(claimed: z.infer<typeof holdsBody>): Promise<NodeId | undefined> {
    return (await holderAmong(this.bus, METHODS.holds, claimed, TIMEOUT_MS)).node;
  }

  // ---- the node holding the session ----

  private async opened(body: z.infer<typeof openBody>, from: NodeId): Promise<z.infer<typeof openReply>> {
    const key = `${from} ${body.link}`;
    const parsed = parseClientMessage(JSON.stringify(body.hello));
    if (!parsed.ok || parsed.message.type !== 'hello')
      return { ok: false, error: new DeviceError('MalformedRequest', 'the first message must be hello').toProtocol() };
    const held: Held = {
      from,
      link: {
        send: (message) => {
          if (!held.gone) this.send(from, METHODS.deliver, { link: body.link, message });
        },
        close: (code, reason) => {
          if (held.gone) return;
          this.send(from, METHODS.close, { link: body.link, code, reason: reason.slice(0, 123) });
          this.gone(key);
        },
      },
    };
    this.held.set(key, held);
    try {
      held.session = await this.bridge.open(parsed.message, held.link);
    } catch (error) {
      this.held.delete(key);
      const refused = error instanceof DeviceError ? error : new DeviceError('GeneralError', String(error));
      return { ok: false, error: refused.toProtocol() };
    }
    // The device went away while its hello was checked.
    if (held.gone) this.bridge.lost(held.session, held.link);
    return { ok: true };
  }

  private fromDevice(key: string, raw: unknown): object {
    const held = this.held.get(key);
    if (!held?.session) return {};
    const parsed = parseClientMessage(JSON.stringify(raw));
    if (parsed.ok) this.bridge.receive(held.session, parsed.message, held.link);
    else held.link.send({ type: 'error', fatal: false, error: parsed.error });
    return {};
  }

  private gone(key: string): object {
    const held = this.held.get(key);
    if (!held) return {};
    this.held.delete(key);
    held.gone = true;
    if (held.session) this.bridge.lost(held.session, held.link);
    return {};
  }

  private nodeDown(node: NodeId): void {
    // Devices relayed through the dead node: their sessions wait here for them to come back.
    for (const [key, held] of this.held) if (held.from === node) this.gone(key);
    // Sessions that lived on the dead node: their devices reconnect and open new ones.
    for (const [linkId, reached] of this.reached)
      if (reached.node === node) {
        this.reached.delete(linkId);
        reached.link.close(1012, 'the node holding the session went down');
      }
  }

  /** Tells `node` something in order with what came before, not waiting for its answer. */
  private send(node: NodeId, method: string, body: unknown): void {
    this.bus.request(node, method, body, { timeoutMs: TIMEOUT_MS }).catch((error: unknown) => this.onError?.(error));
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const [key] of this.held) this.gone(key);
    for (const { link } of this.reached.values()) link.close(1012, 'server restarting');
    this.reached.clear();
  }
}
