/**
 * The organizer console, bundled for the browser from `@patchbay/sdk/client`: the REST client
 * (`client.rooms`, through the console's server) for rooms, members and schedules, and the
 * device channel's `Room` for the live part (the call's events, and its commands: start, add,
 * mute, unmute, remove, end; the chat's messages and `send`). Each panel lives in its own module; this one wires them.
 */
import { RestError, type Room, type RoomInstance } from '@patchbay/sdk/client';
import { LiveCall } from './call.js';
import { ChatPanel } from './chat.js';
import { announce, byId, fillAvatar, showProblem } from './dom.js';
import { followChanges } from './follow.js';
import { MembersPanel } from './members.js';
import { RoomsPanel } from './rooms.js';
import { SchedulesPanel } from './schedules.js';
import { type Session, signIn } from './session.js';
import { SettingsPanel } from './settings.js';

type LinkState = 'starting' | 'connecting' | 'live' | 'reconnecting' | 'offline';
const LINK_WORDS: Record<LinkState, string> = {
  starting: 'Starting…',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

function link(state: LinkState): void {
  byId('link').dataset.state = state;
  byId('link-state').textContent = LINK_WORDS[state];
}

/** The live pill follows the device's connection (it reconnects by itself, with no event). */
function watchLink(session: Session): void {
  setInterval(() => {
    if (!navigator.onLine) link('offline');
    else if (session.device.transportKind === undefined) link(opened ? 'reconnecting' : 'connecting');
    else if (opened) link('live');
  }, 250);
}

let opened: Room | undefined;

async function main(): Promise<void> {
  byId('alert-close').onclick = () => showProblem(undefined);
  const session = await signIn();
  const { client, device, organizer } = session;
  byId('organizer').textContent = `${organizer.firstName} ${organizer.lastName}`;
  // What the live channel reports (a room that could not be followed again after a reconnect...).
  device.on('error', showProblem);
  watchLink(session);

  let current: RoomInstance | undefined;
  const call = new LiveCall(
    (sid) => members.nameOf(sid),
    (live) => {
      members.live = live;
      members.render();
      if (!current) return;
      void rooms.reload(current.sid).then((room) => {
        if (!room || current?.sid !== room.sid) return;
        current = room;
        header(room);
      });
    },
    () => (current ? client.rooms.call(current.sid).get().catch(noCall) : Promise.resolve(undefined)),
  );
  // A call goes over the live channel; one that rings someone on another of their numbers goes
  // over REST (`RingPhone=MB...:work`), which the channel's commands do not carry.
  const calls = () => client.rooms.call(required().sid);
  const members = new MembersPanel(session, {
    start: (chosen, organizerPhone, ringPhone) =>
      Object.keys(ringPhone).length > 0
        ? calls().start({ members: chosen, organizerPhone, ringPhone })
        : required().start({ members: chosen, organizerPhone }),
    add: (chosen, ringPhone) =>
      Object.keys(ringPhone).length > 0 ? calls().add(chosen, ringPhone) : required().add(chosen),
  });
  const schedules = new SchedulesPanel(session, () => ({
    members: [...members.selected],
    organizerPhone: byId<HTMLInputElement>('phone-first').checked,
  }));
  const chat = new ChatPanel(session, members);
  members.onChange = () => chat.selectionChanged();
  const rooms = new RoomsPanel(session, (room) => void open(room));
  const settings = new SettingsPanel(session, {
    current: () => current,
    saved: (room) => {
      current = room;
      rooms.replace(room);
      header(room);
    },
    deleted: async (room) => {
      rooms.drop(room.sid);
      await leave();
      const next = rooms.rooms[0];
      if (next) await open(next);
      else {
        byId('room-none').hidden = false;
        byId('room-open').hidden = true;
        byId('side').hidden = true;
        byId('new-room').focus();
      }
    },
  });
  const required = (): Room => {
    if (!opened) throw new Error('no room is open');
    return opened;
  };

  function header(room: RoomInstance): void {
    fillAvatar(byId('room-avatar-img'), room.friendlyName, room.avatarUrl);
    byId('room-name-title').textContent = room.friendlyName;
    byId('room-number').textContent = room.phoneNumber;
    byId('room-live').hidden = !room.callInProgress;
    document.title = `${room.friendlyName} – Patchbay Rooms`;
  }

  /** Stops following the room open now. */
  async function leave(): Promise<void> {
    const previous = opened;
    opened = undefined;
    current = undefined;
    call.close();
    await previous?.close().catch(() => undefined);
  }

  async function open(room: RoomInstance): Promise<void> {
    if (opened?.sid === room.sid) return;
    await leave();
    settings.reset();
    current = room;
    rooms.selected = room.sid;
    rooms.render();
    header(room);
    // Busy while the room's members, schedules and call are read (tests wait for it too).
    byId('room').setAttribute('aria-busy', 'true');
    byId('room-none').hidden = true;
    byId('room-open').hidden = false;
    byId('side').hidden = false;
    try {
      const control = device.room(room.sid);
      opened = control;
      // Changed elsewhere (renamed, members added, removed or changed): shown without a reload.
      followChanges(
        control,
        {
          settings: async () => {
            if (opened !== control) return;
            const fresh = await rooms.reload(room.sid);
            if (!fresh || opened !== control) return;
            current = fresh;
            header(fresh);
          },
          members: async () => {
            if (opened === control) await members.load(current ?? room);
          },
        },
        showProblem,
      );
      await Promise.all([members.load(room), schedules.load(room.sid)]);
      // The chat listens from before subscribing, and reads its history meanwhile.
      await chat.load(room.sid, control, () => control.subscribe());
      call.follow(control, await client.rooms.call(room.sid).get().catch(noCall));
      link('live');
      showProblem(undefined);
    } catch (error) {
      showProblem(error);
    }
    byId('room').setAttribute('aria-busy', 'false');
    byId('room').focus();
    announce(`${room.friendlyName} open. Its number is ${room.phoneNumber}.`);
  }

  await rooms.load();
  const first = rooms.rooms[0];
  if (first) await open(first);
  else link('connecting');
}

/** A room that never had a call answers 91110: no roster to show. */
function noCall(error: unknown): undefined {
  if (error instanceof RestError && error.code === 91110) return undefined;
  throw error;
}

link('starting');
main().catch(showProblem);
