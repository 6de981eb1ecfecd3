/**
 * Room events across nodes: each entry a node appends to a room's log is published on the bus,
 * and the other nodes' audits hear it, so a device following the room on any node gets it live
 * (the rooms control channel, rooms/call/control.ts). Subscribers skip entries by their
 * sequence number, and a follower that reconnects to another node replays what it missed from
 * the shared store: in order, never twice.
 *
 * @example
 * const stop = await shareRoomEvents(bus, audit);
 */
import type { RoomAudit, RoomEventRecord } from '../rooms/call/audit.js';
import type { Bus } from './bus.js';

const TOPIC = 'rooms.entry';

/** The room chat's cache of recent messages: a message entry heard here carries its message. */
export interface ChatCache {
  load(accountSid: string, sids: readonly string[]): Promise<void>;
}

export async function shareRoomEvents(
  bus: Bus,
  audit: RoomAudit,
  chat: ChatCache | undefined,
  onError?: (error: unknown) => void,
): Promise<() => void> {
  // Entries are heard one after the other, in the order they were published, even while a
  // message is loaded from the store.
  let turn = Promise.resolve();
  /** The entry being heard from another node (not published again). */
  let hearing: RoomEventRecord | undefined;
  const stopLocal = audit.onEntry((record) => {
    if (record === hearing) return;
    bus.publish(TOPIC, record).catch((error: unknown) => onError?.(error));
  });
  const stopRemote = await bus.subscribe(TOPIC, (body, from) => {
    if (from === bus.nodeId || !isEntry(body)) return;
    turn = turn
      .then(async () => {
        if (body.type === 'message' && body.messageSid) await chat?.load(body.accountSid, [body.messageSid]);
        hearing = body;
        try {
          audit.hear(body);
        } finally {
          hearing = undefined;
        }
      })
      .catch((error: unknown) => onError?.(error));
  });
  return () => {
    stopLocal();
    stopRemote();
  };
}

function isEntry(body: unknown): body is RoomEventRecord {
  const record = body as Partial<RoomEventRecord> | null;
  return (
    typeof record?.sid === 'string' &&
    typeof record.accountSid === 'string' &&
    typeof record.roomSid === 'string' &&
    typeof record.sequence === 'number'
  );
}
