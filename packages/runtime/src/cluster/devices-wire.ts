/**
 * What nodes tell each other about devices (cluster/devices-ring.ts): the bus methods and their
 * bodies, checked on arrival. A body that does not parse is refused with `device-relay-invalid`
 * (91340) and changes nothing.
 */
import { z } from 'zod';
import { PatchbayError } from '../errors.js';
import type { Bus, NodeId } from './bus.js';

const text = z.string().min(1).max(4096);
/** An SDP offer or answer (a device's offers are refused over 12 KiB before they get here). */
const sdp = z
  .string()
  .min(1)
  .max(16 * 1024);
const strings = z.record(z.string().max(256), z.string().max(4096));
const cancelReason = z.enum(['canceled', 'answered-elsewhere', 'rejected-elsewhere', 'no-answer', 'unregistered']);

/** The bus methods of devices across nodes (served by every node with a device bridge). */
export const METHODS = {
  /** Caller's node → device's node: ring the identities' devices there. */
  invite: 'devices.invite',
  /** Caller's node → device's node: the call rings no more. */
  cancel: 'devices.cancel',
  /** Device's node → caller's node: Patchbay's WebRTC offer for a device there (the leg is made on the caller's node). */
  offer: 'devices.offer',
  /** Device's node → caller's node: a device accepted or rejected. */
  answer: 'devices.answer',
  /** Device's node → caller's node: devices that were invited ring no more. */
  withdrawn: 'devices.withdrawn',
  /** Device's node → caller's node: devices that registered since (woken for the call) ring it too. */
  joined: 'devices.joined',
  /** Device's node → caller's node: the device pressed keys, muted, hung up. */
  control: 'devices.control',
  /** Caller's node → device's node: the device's leg ended. */
  closed: 'devices.closed',
  /** Any node → the node carrying a device's commands: send them to the device. */
  commands: 'devices.commands',
} as const;

export const inviteBody = z.object({
  callSid: text,
  accountSid: text,
  callTokens: strings,
  parameters: strings,
  customParameters: strings,
  expiresAt: z.number(),
  joinable: z.boolean().optional(),
});

export const cancelBody = z.object({ callSid: text, reason: cancelReason, except: text.optional() });

export const offerBody = z.object({
  callSid: text,
  session: text,
  accountSid: text,
  identity: text,
  /** The session is the hosted browser SDK's: the offer carries the server's candidates (it never trickles). */
  candidatesInOffer: z.boolean().optional(),
});

/** No SDP: no offer (the caller's node has no WebRTC, or the call rings no more); the device is invited without. */
export const offerReply = z.object({ sdp: sdp.optional() });

export const answerBody = z.object({
  session: text,
  accountSid: text,
  identity: text,
  callToken: text,
  how: z.enum(['accept', 'reject']),
  /** Accepting an offer: the device's answer. */
  sdp: sdp.optional(),
});

/** The caller's node's answer: the call, or the device's error (CallCancelled, CallTokenInvalid...). */
export const answerReply = z.union([
  z.object({ ok: z.literal(true), callSid: text }),
  z.object({ ok: z.literal(false), error: z.object({ name: z.string(), code: z.number(), message: z.string() }) }),
]);

export const withdrawnBody = z.object({ callSid: text, count: z.number().int().positive() });

export const controlBody = z.object({
  callSid: text,
  session: text,
  action: z.discriminatedUnion('type', [
    z.object({ type: z.literal('digits'), digits: z.string().max(256) }),
    z.object({ type: z.literal('mute'), muted: z.boolean() }),
    z.object({ type: z.literal('hangup') }),
    z.object({ type: z.literal('renegotiate'), sdp }),
  ]),
});

/** The caller's node's answer to a control: whether it holds the leg, and for a renegotiation its SDP or the media's error. */
export const controlReply = z.object({
  found: z.boolean(),
  sdp: sdp.optional(),
  error: z.object({ code: z.string().max(64).optional(), message: z.string().max(1000) }).optional(),
});

export const closedBody = z.object({ callSid: text, session: text });

/** Command messages (bridge/command-channel.ts) for one device, as the command service made them. */
export const commandsBody = z.object({
  device: text,
  messages: z
    .array(z.looseObject({ type: z.literal('command'), device: text, sid: text, number: z.number().int() }))
    .min(1)
    .max(1000),
});

/** Parses a body from another node; a bad one is refused (91340) and acts on nothing. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, method: string, from: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new PatchbayError(
    'device-relay-invalid',
    `${method} from node ${from}: ${parsed.error.issues[0]?.path.join('.') || 'body'} ${parsed.error.issues[0]?.message ?? 'is not valid'}`,
  );
}

/**
 * The live node other than this one that answers `method` with `{ holds: true }`, as soon as one
 * does (every other node is asked at once); `everyone` says whether, when none did, every node
 * answered (one that failed or did not answer in `timeoutMs` may hold it after all).
 */
export async function holderAmong(
  bus: Pick<Bus, 'nodes' | 'nodeId' | 'request'>,
  method: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ readonly node?: NodeId; readonly everyone: boolean }> {
  let nodes: Awaited<ReturnType<Bus['nodes']>>;
  try {
    nodes = await bus.nodes();
  } catch {
    return { everyone: false };
  }
  const others = nodes.filter((node) => node.id !== bus.nodeId);
  return new Promise((resolve) => {
    let waiting = others.length;
    let everyone = true;
    if (waiting === 0) resolve({ everyone });
    for (const node of others)
      bus
        .request<{ holds?: unknown }>(node.id, method, body, { timeoutMs })
        .then(
          (answer) => {
            if (answer.holds === true) resolve({ node: node.id, everyone });
          },
          () => {
            everyone = false;
          },
        )
        .finally(() => {
          if (--waiting === 0) resolve({ everyone });
        });
  });
}
