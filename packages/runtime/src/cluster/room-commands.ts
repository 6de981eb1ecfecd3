/**
 * Room commands across nodes (the rooms control channel, rooms/call/control.ts): a room's call
 * runs on one node, which lists itself on the bus for the room while it does; a device
 * connected to another node commands that call (add, remove, mute, end, join, leave it, and
 * leave the room, which takes the member out of it first) through the node running it, and gets the same answer (its sequence number in the room's log) or the
 * same typed error as a device connected there. Everything else (start, chat, profile, follow)
 * runs where the device is, on the shared store.
 *
 * @example
 * const relayed = clusterRoomControl(roomControl(deps, audit), { bus, engine, clock });
 * bridge.rooms.attach(relayed.control);
 */
import { DeviceError, type ProtocolError, type RoomCommand } from '@patchbay/sdk/protocol';
import type { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { RoomControl, RoomHolder } from '../rooms/call/control.js';
import type { RoomCallEvents } from '../rooms/call/events.js';
import type { Bus } from './bus.js';
import { ClusterPresence } from './devices-presence.js';
import { parseBody } from './devices-wire.js';

const METHOD = 'rooms.command';
const TIMEOUT_MS = 5000;
/** Commands acting on the room's running call (leaving the room takes the member out of it first). */
const CALL_COMMANDS: ReadonlySet<RoomCommand['type']> = new Set([
  'add',
  'remove',
  'mute',
  'unmute',
  'end',
  'join-call',
  'leave-call',
  'leave-room',
] as RoomCommand['type'][]);

const callSet = (roomSid: string) => `room-call:${roomSid}`;

const commandBody = z.object({
  holder: z.object({ accountSid: z.string().min(1), identity: z.string().min(1), rooms: z.unknown().optional() }),
  roomSid: z.string().min(1).max(64),
  command: z.looseObject({ type: z.string() }),
});
const reply = z.union([
  z.object({ ok: z.literal(true), sequence: z.number() }),
  z.object({ ok: z.literal(false), error: z.object({ name: z.string(), code: z.number(), message: z.string() }) }),
]);

export interface RoomEngine {
  live(roomSid: string): unknown;
  readonly events: Pick<EventEmitter<RoomCallEvents>, 'on' | 'off'>;
}

export function clusterRoomControl(
  local: RoomControl,
  parts: {
    bus: Bus;
    engine: RoomEngine;
    clock: Clock;
    ttlMs?: number;
    onError?: ((error: unknown) => void) | undefined;
    /** Where a new call of a room starts (room-call-placement.ts): a start is run on that node. */
    placement?: { placeStart(roomSid: string): Promise<string> } | undefined;
  },
): { control: RoomControl; close(): Promise<void> } {
  const { bus, engine } = parts;
  const presence = new ClusterPresence(bus, parts.clock, {
    ...(parts.ttlMs ? { ttlMs: parts.ttlMs } : {}),
    ...(parts.onError ? { onError: parts.onError } : {}),
  });
  const onEvent: RoomCallEvents['event'] = (event) => {
    if (event.type === 'call-started') presence.hold(callSet(event.call.room.sid), true);
    else if (event.type === 'call-ended') presence.hold(callSet(event.call.room.sid), false);
  };
  engine.events.on('event', onEvent);
  const stopServing = bus.serve(METHOD, async (body, from) => {
    const { holder, roomSid, command } = parseBody(commandBody, body, METHOD, from);
    try {
      return { ok: true, sequence: await local.command(holder as RoomHolder, roomSid, command as RoomCommand) };
    } catch (error) {
      if (error instanceof DeviceError) return { ok: false, error: error.toProtocol() };
      throw error;
    }
  });

  async function elsewhere(roomSid: string): Promise<string | undefined> {
    if (engine.live(roomSid)) return undefined;
    const nodes = await presence.holders(callSet(roomSid)).catch((error: unknown) => {
      parts.onError?.(error);
      return [];
    });
    return nodes[0];
  }

  const control: RoomControl = {
    subscribe: (holder, roomSid, after, push) => local.subscribe(holder, roomSid, after, push),
    rooms: (holder) => local.rooms(holder),
    schedules: (holder, roomSid) => local.schedules(holder, roomSid),
    async command(holder, roomSid, command) {
      const node =
        command.type === 'start' && parts.placement
          ? await parts.placement.placeStart(roomSid)
          : CALL_COMMANDS.has(command.type)
            ? await elsewhere(roomSid)
            : undefined;
      if (!node || node === bus.nodeId) return local.command(holder, roomSid, command);
      const answer = await bus
        .request(node, METHOD, { holder, roomSid, command }, { timeoutMs: TIMEOUT_MS })
        .then((body) => parseBody(reply, body, `reply to ${METHOD}`, node))
        .catch((error: unknown) => {
          parts.onError?.(error);
          throw new DeviceError('TemporarilyUnavailable', `the node running room ${roomSid}'s call did not answer`);
        });
      if (!answer.ok) throw DeviceError.fromProtocol(answer.error as ProtocolError);
      return answer.sequence;
    },
  };
  return {
    control,
    async close() {
      engine.events.off('event', onEvent);
      stopServing();
      await presence.close();
    },
  };
}
