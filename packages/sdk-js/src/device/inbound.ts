/**
 * What a Device does with what its connection receives: a welcome (a session resumed, or a new
 * one whose registration, follows, rooms and commands are restored) and each sequenced message
 * (invitations, cancels, call states, presence, room entries, notices, commands, expiry).
 */
import type { EventEmitter } from 'eventemitter3';
import { DeviceError } from '../protocol/errors.js';
import type { Sequenced, Welcome } from '../protocol/messages.js';
import type { CommandsAttachment, DeviceRooms } from './attachments.js';
import { Call, type CallLink } from './call.js';
import type { CallTable } from './calls.js';
import type { Connection } from './connection.js';
import type { DeviceMedia } from './device-media.js';
import type { DeviceEvents, DeviceState } from './device-types.js';
import type { Following } from './following.js';

/** The parts of a Device its inbound messages act on. */
export interface Inbound {
  readonly connection: Connection;
  readonly table: CallTable;
  readonly link: CallLink;
  readonly media: DeviceMedia;
  readonly following: Following;
  readonly rooms: DeviceRooms;
  readonly commands: CommandsAttachment;
  /** Whether the application asked to be registered (restored on a new session). */
  wantsRegistration(): boolean;
  register(): Promise<unknown>;
  setState(state: DeviceState): void;
  emit: EventEmitter<DeviceEvents>['emit'];
}

export function onWelcome(device: Inbound, welcome: Welcome, resumed: boolean): void {
  const { connection, table } = device;
  if (resumed) {
    for (const call of table.calls) call._connection(true);
    return;
  }
  // A new session: the old one's calls and invitations are gone.
  const lost = new DeviceError('ConnectionError', 'the session was lost; its calls ended');
  for (const call of table.all) call._lost(lost);
  table.clearEarly();
  if (device.wantsRegistration() && !welcome.registered && !connection.hasPending('register'))
    void device.register().then(
      () => device.setState('registered'),
      (error: DeviceError) => device.emit('error', error),
    );
  if (!connection.hasPending('subscribe'))
    void device.following.resubscribe()?.catch((error: DeviceError) => device.emit('error', error));
  // A new session follows no room: each is followed again from the last entry it delivered.
  if (!connection.hasPending('room-subscribe')) device.rooms.resubscribe((error) => device.emit('error', error));
  if (device.commands.wanted && !connection.hasPending('commands-attach')) device.commands.reattach();
}

export function onMessage(device: Inbound, message: Exclude<Sequenced, { type: 'result' }>): void {
  const { table } = device;
  switch (message.type) {
    case 'invite': {
      if (message.expiresAt <= device.connection.clock.now()) return;
      const call = new Call(
        device.link,
        'INCOMING',
        message.parameters,
        new Map(Object.entries(message.customParameters)),
        message.callToken,
        message.sdp,
      );
      table.invited(message.callSid, call);
      device.media.ring(call, table.busy);
      device.emit('incoming', call);
      return;
    }
    case 'cancel':
      table.invitation(message.callSid)?._cancel(message.reason);
      return;
    case 'call':
      table.state(message.callSid, message.state);
      return;
    case 'presence': {
      const { type: _type, seq: _seq, ...presence } = message;
      if (device.following.update(presence)) device.emit('presence', presence);
      return;
    }
    case 'room':
      device.rooms.entry(message.room, message.entry);
      return;
    case 'notice':
      device.emit('notice', message.notice);
      return;
    case 'command':
      device.commands.receive(message);
      return;
    case 'expired':
      device.setState('unregistered');
      device.emit('error', new DeviceError('AccessTokenExpired', 'the token expired; call updateToken()'));
      return;
  }
}
