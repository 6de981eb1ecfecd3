/**
 * The device protocol, version 1: JSON messages between a client device and Patchbay's bridge,
 * the same over a WebSocket and over HTTP long-poll. Both sides validate every message with
 * these schemas.
 *
 * Delivery: everything the server sends after `welcome` carries a per-session `seq`. The device
 * acknowledges what it has handled (`ack`); on reconnect it says what it received last (`hello`
 * with `resume`) and the server sends again whatever came after, in order, until it expires. The
 * device drops any `seq` it has already seen, so the application never sees a message twice.
 * Requests carry an `id`; a request sent again after a reconnect with the same `id` is not
 * carried out twice, and its `result` arrives in the sequenced stream.
 *
 * @example
 * const parsed = parseClientMessage(text);
 * if (!parsed.ok) reply({ type: 'error', ...parsed.error });
 */
import * as z from 'zod';
import { DEVICE_ERRORS, type DeviceErrorName } from './errors.js';
import { checkWith, type Parsed, parseWith } from './parse.js';
import { callSid, id, LIMITS, params, sdp, sid, token } from './primitives.js';
import { roomCommand, roomEntry, roomSchedule, roomSid, roomSummary } from './rooms.js';

export type { Parsed } from './parse.js';
export { LIMITS } from './primitives.js';
export {
  type RoomCommand,
  type RoomEntry,
  type RoomMessage,
  type RoomSchedule,
  type RoomSummary,
  roomCommand,
  roomEntry,
  roomMessage,
  roomSchedule,
  roomSummary,
} from './rooms.js';

export const PROTOCOL_VERSION = 1;

/** A command's parameters or result values (docs/commands.md): at most 16, names up to 64 characters, values up to 512. */
export const commandValues = z
  .record(z.string().min(1).max(64), z.string().max(LIMITS.maxParamLength))
  .refine((value) => Object.keys(value).length <= 16, 'at most 16 values');

const identities = z.array(z.string().min(1).max(256)).min(1).max(LIMITS.maxSubscriptions);

// ---- device -> server ----

export const hello = z.strictObject({
  type: z.literal('hello'),
  v: z.literal(PROTOCOL_VERSION),
  token,
  /** Resume an earlier session: its id and the last `seq` the device received. */
  resume: z.strictObject({ session: id, received: z.number().int().min(0) }).optional(),
  /** Free-form description of the client, for logs. */
  agent: z.string().max(200).optional(),
});

const request = <K extends string, T extends z.ZodRawShape>(type: K, shape: T) =>
  z.strictObject({ type: z.literal(type), id, ...shape });

export const clientMessage = z.discriminatedUnion('type', [
  hello,
  z.strictObject({ type: z.literal('ack'), seq: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('ping') }),
  /** The device is going away for good: its session ends now rather than by heartbeat. */
  z.strictObject({ type: z.literal('bye') }),
  /** `webrtc`: invitations carry Patchbay's SDP offer, answered on `accept`. */
  request('register', { webrtc: z.boolean().optional() }),
  request('unregister', {}),
  request('token', { token }),
  /** Accept an invitation: the call token from the `invite`, and the answer to its `sdp`. */
  request('accept', { callToken: token, sdp: sdp.optional() }),
  request('reject', { callToken: token }),
  /** Place a call through the token's outgoing application; `sdp`: the device's WebRTC offer. */
  request('connect', { params: params.default({}), sdp: sdp.optional() }),
  request('digits', {
    callSid,
    digits: z
      .string()
      .regex(/^[0-9*#A-Dw]+$/)
      .max(LIMITS.maxDigits),
  }),
  request('mute', { callSid, muted: z.boolean() }),
  request('hangup', { callSid }),
  /**
   * The device's network changed: its new offer (an ICE restart) for an open call; the result
   * carries Patchbay's answer. The call goes on; refused past a few a minute (TooManyRequests).
   */
  request('renegotiate', { callSid, sdp }),
  /** Follow the presence of identities of the same account: `presence` now and on each change. */
  request('subscribe', { identities: identities }),
  request('unsubscribe', { identities: identities }),
  /**
   * Follow a room's commands and events (`room` messages): those after `after` (a room sequence
   * number) from its audit log first, then each as it happens.
   */
  request('room-subscribe', { room: roomSid, after: z.number().int().min(0).optional() }),
  request('room-unsubscribe', { room: roomSid }),
  /** A command on the room's call; its result carries `roomSeq`, the command's entry in the room's log. */
  request('room-command', { room: roomSid, command: roomCommand }),
  /** The rooms whose member the token's identity is (result `rooms`): no grant needed. */
  request('rooms', {}),
  /** A room's scheduled calls (result `schedules`): for any token that may follow the room. */
  request('room-schedules', { room: roomSid }),
  /**
   * Commands for this device (docs/commands.md) come over this session from now on: the device's
   * credential (`secret`, issued at registration), and the highest command number it processed.
   */
  request('commands-attach', { device: sid('DV'), secret: z.string().min(1).max(128), after: z.number().int().min(0) }),
  /** A command's result; the request's `result` (ok) is its acknowledgement: recorded, or recorded before. */
  request('command-result', {
    device: sid('DV'),
    command: sid('DC'),
    ok: z.boolean(),
    result: commandValues.optional(),
    error: z.string().max(LIMITS.maxParamLength).optional(),
  }),
]);

export type ClientMessage = z.infer<typeof clientMessage>;
export type Hello = z.infer<typeof hello>;
export type ClientRequest = Extract<ClientMessage, { id: string }>;
export type RequestType = ClientRequest['type'];

// ---- server -> device ----

const protocolError = z.strictObject({
  name: z.enum(Object.keys(DEVICE_ERRORS) as [DeviceErrorName, ...DeviceErrorName[]]),
  code: z.number().int(),
  message: z.string().max(2000),
});

/** A STUN or TURN server for the device's calls (TURN with time-limited credentials). */
export const iceServer = z.strictObject({
  urls: z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(8)]),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});

export const welcome = z.strictObject({
  type: z.literal('welcome'),
  v: z.literal(PROTOCOL_VERSION),
  session: id,
  /** Whether an earlier session was resumed (false: a new session; registrations start over). */
  resumed: z.boolean(),
  identity: z.string(),
  accountSid: sid('AC'),
  /** Whether this session is registered for incoming calls. */
  registered: z.boolean(),
  /** Send something (a `ping` will do) at least this often, or the session expires. */
  heartbeatMs: z.number().int().positive(),
  /** When the token expires, in ms since the epoch. */
  tokenExpiresAt: z.number().int(),
  /** The server carries device audio over WebRTC: `sdp` on register/invite/accept/connect. */
  webrtc: z.literal(true).optional(),
  /** STUN/TURN servers for the device's RTCPeerConnection (`patchbay serve --ice-server`, `--turn-secret`). */
  iceServers: z.array(iceServer).max(16).optional(),
});

/** Call states the server reports for a device's calls. */
export const callState = z.enum(['ringing', 'open', 'closed']);

/** What `notice` tells a device: a registration of its identity changed, or something waits for it. */
export const deviceNotice = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('registration'),
    registration: z.string().regex(/^DR[0-9a-f]{32}$/),
    status: z.enum(['pending', 'verified', 'completed', 'locked']),
    device: z
      .string()
      .regex(/^DV[0-9a-f]{32}$/)
      .optional(),
  }),
  /** The identity was added to a room (`rooms` lists it from now on). */
  z.strictObject({
    kind: z.literal('room-added'),
    room: roomSid,
    name: z.string().max(256),
    member: sid('MB'),
    role: z.enum(['organizer', 'member']),
  }),
  z.strictObject({
    kind: z.literal('wake'),
    device: z.string().regex(/^DV[0-9a-f]{32}$/),
    reason: z.string().max(64),
    data: z.record(z.string().max(64), z.string().max(512)).optional(),
  }),
]);
export type DeviceNotice = z.infer<typeof deviceNotice>;

// A plain union: the two `result` shapes share their discriminator value.
export const sequenced = z.union([
  z.strictObject({
    type: z.literal('result'),
    seq: z.number().int().positive(),
    id,
    ok: z.literal(true),
    callSid: callSid.optional(),
    /** After `token`: the new token's expiry. */
    tokenExpiresAt: z.number().int().optional(),
    /** After `connect` with an offer, or `renegotiate`: Patchbay's answer. */
    sdp: sdp.optional(),
    /** After `room-command`: the command's sequence number in the room's log. */
    roomSeq: z.number().int().positive().optional(),
    /** After `rooms`: the token's identity's rooms. */
    rooms: z.array(roomSummary).max(LIMITS.maxRoomsListed).optional(),
    /** After `room-schedules`: the room's scheduled calls. */
    schedules: z.array(roomSchedule).max(LIMITS.maxRoomSchedules).optional(),
  }),
  z.strictObject({
    type: z.literal('result'),
    seq: z.number().int().positive(),
    id,
    ok: z.literal(false),
    error: protocolError,
  }),
  z.strictObject({
    type: z.literal('invite'),
    seq: z.number().int().positive(),
    callSid,
    /** Sealed: proves the invitation when the device calls back to accept. */
    callToken: token,
    /** The call's parameters as the device sees them (CallSid, From, To, AccountSid, ApiVersion). */
    parameters: z.record(z.string(), z.string()),
    /** `<Parameter>` values from `<Client>`. */
    customParameters: z.record(z.string(), z.string()),
    expiresAt: z.number().int(),
    /** To a session registered with `webrtc`: Patchbay's offer, answered on `accept`. */
    sdp: sdp.optional(),
  }),
  z.strictObject({
    type: z.literal('cancel'),
    seq: z.number().int().positive(),
    callSid,
    reason: z.enum(['canceled', 'answered-elsewhere', 'rejected-elsewhere', 'no-answer', 'unregistered']),
  }),
  /** An identity this session follows came online, went offline, or changed its registrations. */
  z.strictObject({
    type: z.literal('presence'),
    seq: z.number().int().positive(),
    identity: z.string(),
    status: z.enum(['online', 'offline']),
    registrations: z.number().int().min(0),
    lastSeenAt: z.number().int(),
  }),
  /** The token expired: the session is unregistered until `token` brings a fresh one. */
  z.strictObject({ type: z.literal('expired'), seq: z.number().int().positive() }),
  z.strictObject({
    type: z.literal('call'),
    seq: z.number().int().positive(),
    callSid,
    state: callState,
  }),
  /** An entry of a followed room's log (a command, or an event of its call). */
  z.strictObject({ type: z.literal('room'), seq: z.number().int().positive(), room: roomSid, entry: roomEntry }),
  /** A device registration changed, or the device is asked to fetch what waits for it (docs/registration.md). */
  z.strictObject({ type: z.literal('notice'), seq: z.number().int().positive(), notice: deviceNotice }),
  /** A command for a device attached to this session (`commands-attach`): `number` is its per-device sequence number. */
  z.strictObject({
    type: z.literal('command'),
    seq: z.number().int().positive(),
    device: sid('DV'),
    sid: sid('DC'),
    number: z.number().int().positive(),
    action: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    params: commandValues,
  }),
]);

export const serverMessage = z.union([
  welcome,
  z.strictObject({ type: z.literal('pong') }),
  /** A connection-level failure (bad hello, malformed message); `fatal` closes the connection. */
  z.strictObject({ type: z.literal('error'), error: protocolError, fatal: z.boolean() }),
  sequenced,
]);

export type Welcome = z.infer<typeof welcome>;
export type Sequenced = z.infer<typeof sequenced>;
export type ServerMessage = z.infer<typeof serverMessage>;
/** A sequenced message before the session numbers it. */
export type Outgoing = Sequenced extends infer M ? (M extends Sequenced ? Omit<M, 'seq'> : never) : never;

/** Checks a device message that is already a value (its fields' own bounds apply, not the text size). */
export const checkClientMessage = (value: unknown): Parsed<ClientMessage> => checkWith(clientMessage, value);

/** Validates a message a device sent (size, JSON, schema). */
export const parseClientMessage = (text: string): Parsed<ClientMessage> => parseWith(clientMessage, text);

/** Validates a message the server sent. */
export const parseServerMessage = (text: string): Parsed<ServerMessage> => parseWith(serverMessage, text);
