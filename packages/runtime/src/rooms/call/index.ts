/**
 * Room calls on a runtime: the engine, the rooms app mounted at its reserved origin, and what
 * the REST resources (and the control channel to come) need to run commands.
 *
 * @example
 * const calls = roomCalls({ runtime, store, serial });
 * await runCommand(calls.deps, room, account, { type: 'start', members: 'all' });
 * calls.close();
 */
import { TERMINAL } from '../../calls/call.js';
import type { Bus, NodeDown } from '../../cluster/bus.js';
import { DIAL_IN, type DialInBody, RoomCallPlacement } from '../../cluster/room-call-placement.js';
import type { Runtime } from '../../runtime.js';
import type { Store } from '../../store/types.js';
import { RoomChat } from '../chat/chat.js';
import type { RoomRecord } from '../records.js';
import type { Serial } from '../serial.js';
import { eventFields, RoomAudit } from './audit.js';
import type { CommandDeps } from './commands.js';
import { dialIn } from './dial-in.js';
import { RoomCalls } from './engine.js';
import { postRecovered, type RoomEvent } from './events.js';
import { roomsApp } from './local-app.js';
import { type RoomCallRecord, RoomCallStore } from './persist.js';
import { roomUpdates } from './room-updates.js';
import { ROOMS_ORIGIN } from './urls.js';

export function roomCalls(parts: {
  runtime: Runtime;
  store: Store;
  serial: Serial;
  onError?: ((error: unknown) => void) | undefined;
  /** In a cluster: each room's call runs on one node (cluster/room-call-placement.ts). */
  bus?: Bus | undefined;
}): {
  deps: CommandDeps;
  audit: RoomAudit;
  close(): void;
} {
  const engine = new RoomCalls(parts.runtime);
  const audit = new RoomAudit(parts.store, () => parts.runtime.clock.now(), undefined, parts.bus);
  const updates = roomUpdates({ audit, callbacks: parts.runtime.callbacks });
  const history = new RoomCallStore(parts.store, parts.runtime.clock, parts.onError, parts.bus?.nodeId);
  const chat = new RoomChat({ ...parts, audit });
  const cluster =
    parts.bus &&
    new RoomCallPlacement({
      bus: parts.bus,
      clock: parts.runtime.clock,
      engine,
      liveCalls: () => parts.runtime.calls.list().filter((call) => !TERMINAL.has(call.status)).length,
      stored: () => history.flush(),
    });
  const deps: CommandDeps = { ...parts, engine, audit, chat, updates, history, ...(cluster ? { cluster } : {}) };
  // A caller who dialed the room's number on another node, while this node runs the room's call.
  const stopDialIn = parts.bus?.serve(DIAL_IN, async (body) => {
    const { accountSid, roomSid, params } = body as DialInBody;
    const room = await parts.store.get<RoomRecord>('room', accountSid, roomSid);
    if (!room) throw new Error(`no room ${roomSid} in account ${accountSid}`);
    return dialIn(deps, room, params);
  });
  const posted = (record: RoomCallRecord) =>
    postRecovered({ store: parts.store, callbacks: parts.runtime.callbacks }, record);
  // What a dead node left, when the bus names this node to take it over: its room calls are over
  // (as after a restart), its chat messages half relayed are finished.
  const takeOver = ({ node, claimed }: NodeDown) => {
    if (!claimed) return;
    history.takeOver(node, audit, posted).catch((error: unknown) => parts.onError?.(error));
    chat.relay.takeOver(node).catch((error: unknown) => parts.onError?.(error));
  };
  parts.bus?.on('node-down', takeOver);
  // Every event in the room's log: a failed write is the runtime's error, never the call's.
  const enter = (event: RoomEvent) => {
    const entries = [eventFields(event)];
    // The call starts with its roster (no event per person): each one's first state follows it.
    if (event.type === 'call-started')
      for (const entry of event.call.entries.values())
        entries.push(eventFields({ type: 'member-updated', call: event.call, entry }));
    for (const fields of entries)
      void audit.append(event.call.room, fields).catch((error: unknown) => parts.onError?.(error));
  };
  engine.events.on('event', enter);
  // Each call stored as it changes; those the server was running when it stopped are over.
  const keep = (event: RoomEvent) => history.changed(event.call);
  engine.events.on('event', keep);
  history.recover(audit, (sid) => engine.has(sid), posted).catch((error: unknown) => parts.onError?.(error));
  const unmount = parts.runtime.localApps.mount(ROOMS_ORIGIN, roomsApp(deps));
  return {
    deps,
    audit,
    close() {
      stopDialIn?.();
      parts.bus?.off('node-down', takeOver);
      cluster?.close();
      unmount();
      engine.events.off('event', enter);
      engine.events.off('event', keep);
      engine.close();
    },
  };
}
