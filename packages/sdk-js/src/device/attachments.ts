/**
 * What a Device carries for the features on its channel besides calls: the rooms it holds
 * (`device.room(sid)`) and its command handlers (`device.commands(...)`). Each is followed or
 * attached again on every new session, and told what the server sends it. device.ts keeps only
 * the accessors.
 *
 * @example
 * const rooms = new DeviceRooms(request);
 * rooms.get('RM...'); // the same Room for the same SID
 */
import { type CommandLink, DeviceCommands, type DeviceCommandsOptions } from '../commands/commands.js';
import type { DeviceError } from '../protocol/errors.js';
import type { RoomEntry } from '../protocol/messages.js';
import type { RequestBody, RequestResult } from './requests.js';
import { Room, type RoomLink } from './room.js';

type Request = <T extends 'room-subscribe' | 'commands-attach'>(
  type: T,
  body: RequestBody<T>,
) => Promise<RequestResult>;

/** The rooms a device holds: followed again after a new session. */
export class DeviceRooms {
  private readonly rooms = new Map<string, Room>();
  private readonly link: RoomLink;

  constructor(request: Request) {
    this.link = {
      request: ((type: 'room-subscribe', body: RequestBody<'room-subscribe'>) =>
        request(type, body)) as RoomLink['request'],
      forget: (closed) => {
        if (this.rooms.get(closed.sid) === closed) this.rooms.delete(closed.sid);
      },
    };
  }

  /** The same object for the same SID. */
  get(sid: string): Room {
    let room = this.rooms.get(sid);
    if (!room) {
      room = new Room(this.link, sid);
      this.rooms.set(sid, room);
    }
    return room;
  }

  /** A `room` message: to the room it names, if held. */
  entry(sid: string, entry: RoomEntry): void {
    this.rooms.get(sid)?._entry(entry);
  }

  /** The device is destroyed: nobody is told anything more. */
  close(): void {
    for (const room of this.rooms.values()) room.removeAllListeners();
    this.rooms.clear();
  }

  /** A new session follows no room: each is followed again from the last entry it delivered. */
  resubscribe(onError: (error: DeviceError) => void): void {
    for (const room of this.rooms.values()) void room._resubscribe()?.catch(onError);
  }
}

/** The device's command handlers, once asked for: attached now and again on each new session. */
export class CommandsAttachment {
  private commands: DeviceCommands | undefined;
  private readonly link: CommandLink;

  constructor(request: Request) {
    this.link = {
      request: ((type: 'commands-attach', body: RequestBody<'commands-attach'>) =>
        request(type, body)) as CommandLink['request'],
    };
  }

  get(options: DeviceCommandsOptions): DeviceCommands {
    if (this.commands) return this.commands;
    const commands = new DeviceCommands(options);
    this.commands = commands;
    void commands.attach(this.link);
    return commands;
  }

  close(): void {
    this.commands?.close();
  }

  /** A new session: attached again (if asked for). */
  reattach(): void {
    if (this.commands) void this.commands.attach(this.link);
  }

  /** Whether there is something to attach. */
  get wanted(): boolean {
    return this.commands !== undefined;
  }

  /** A `command` message for this device's handlers. */
  receive(message: {
    device: string;
    sid: string;
    number: number;
    action: string;
    params: Record<string, string>;
  }): void {
    if (message.device !== this.commands?.deviceSid) return;
    this.commands.receive({ sid: message.sid, number: message.number, action: message.action, params: message.params });
  }
}
