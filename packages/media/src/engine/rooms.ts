/**
 * Bridges and conference mixers on the main thread. A room lives on one worker (its home: the
 * first leg's worker, so legs opened `near` each other mix locally); a member on another worker
 * is joined as remote, and its worker forwards its frames to the home and plays what the home
 * sends back.
 *
 * @example
 * const bridge = engine.bridge(a, b, { record: 'dual' });
 * const { left, right } = (await bridge.close()) as DualRecording;
 */
import type { EngineLeg, Leg } from './leg.js';
import type { RoomRecording } from './messages.js';
import type { WorkerHandle } from './worker-handle.js';

export type DualRecording = { left: Int16Array; right: Int16Array };

export interface EngineBridge {
  /** Stops the bridge; returns its recording when one was asked for. */
  close(): Promise<Int16Array | DualRecording | undefined>;
}

export interface EngineMixer {
  join(leg: EngineLeg, options: { muted: boolean; coach?: EngineLeg }): void;
  leave(leg: EngineLeg): void;
  setMuted(leg: EngineLeg, muted: boolean): void;
  /** A held leg hears `music` (looped; silence when absent) and is not heard. */
  setHeld(leg: EngineLeg, held: boolean, music?: Int16Array): void;
  /** Plays to everyone not on hold; resolves when the last frame went out. */
  play(pcm: Int16Array, signal: AbortSignal): Promise<void>;
  startRecording(): void;
  /** The mix since `startRecording` (empty when it was not started). */
  stopRecording(): Promise<Int16Array>;
  close(): void;
}

let roomSequence = 0;

export class Room {
  readonly id = `room-${++roomSequence}`;
  readonly members = new Map<string, Leg>();
  home: WorkerHandle | undefined;
  closed = false;

  constructor(
    readonly pickHome: () => WorkerHandle,
    readonly onClose: (room: Room) => void,
  ) {}

  ensureHome(preferred?: WorkerHandle): WorkerHandle {
    if (!this.home) {
      this.home = preferred ?? this.pickHome();
      this.home.send({ t: 'roomCreate', room: this.id });
    }
    return this.home;
  }

  join(leg: Leg, muted: boolean, coachOf?: Leg): void {
    if (this.closed || leg.closed) return;
    const home = this.ensureHome(leg.worker);
    if (this.members.has(leg.id)) this.leave(leg);
    const remote = leg.worker === home ? undefined : leg.worker.index;
    home.send({
      t: 'roomJoin',
      room: this.id,
      member: leg.id,
      muted,
      ...(remote !== undefined ? { remote } : {}),
      ...(coachOf ? { coachOf: coachOf.id } : {}),
    });
    if (remote !== undefined) leg.worker.send({ t: 'uplink', leg: leg.id, room: this.id, home: home.index });
    this.members.set(leg.id, leg);
  }

  leave(leg: EngineLeg): void {
    const member = this.members.get(leg.id);
    if (!member || !this.home) return;
    this.members.delete(leg.id);
    this.home.send({ t: 'roomLeave', room: this.id, member: leg.id });
    if (member.worker !== this.home) member.worker.send({ t: 'unlink', leg: leg.id });
  }

  async close(): Promise<RoomRecording | undefined> {
    if (this.closed) return undefined;
    this.closed = true;
    this.onClose(this);
    for (const leg of [...this.members.values()]) this.leave(leg);
    const home = this.home;
    if (!home) return undefined;
    return home
      .request<RoomRecording | undefined>({ t: 'roomClose', id: home.nextId(), room: this.id })
      .catch(() => undefined);
  }
}

export class Bridge implements EngineBridge {
  constructor(readonly room: Room) {}

  async close(): Promise<Int16Array | DualRecording | undefined> {
    const recording = await this.room.close();
    if (!recording) return undefined;
    return 'mono' in recording ? recording.mono : { left: recording.left, right: recording.right };
  }
}

export class Mixer implements EngineMixer {
  constructor(readonly room: Room) {}

  join(leg: EngineLeg, options: { muted: boolean; coach?: EngineLeg }): void {
    this.room.join(leg as Leg, options.muted, options.coach as Leg | undefined);
  }

  leave(leg: EngineLeg): void {
    this.room.leave(leg);
  }

  setMuted(leg: EngineLeg, muted: boolean): void {
    this.room.home?.send({ t: 'roomMute', room: this.room.id, member: leg.id, muted });
  }

  setHeld(leg: EngineLeg, held: boolean, music?: Int16Array): void {
    const home = this.room.home;
    if (!home) return;
    const copy = music?.slice();
    home.send(
      { t: 'roomHold', room: this.room.id, member: leg.id, held, ...(copy ? { music: copy } : {}) },
      copy ? [copy.buffer] : [],
    );
  }

  async play(pcm: Int16Array, signal: AbortSignal): Promise<void> {
    const home = this.room.ensureHome();
    const copy = pcm.slice();
    await home.operation((op) => ({ t: 'roomPlay', op, room: this.room.id, pcm: copy }), signal, [copy.buffer]);
  }

  startRecording(): void {
    this.room.ensureHome().send({ t: 'roomRecord', room: this.room.id, mode: 'mono' });
  }

  async stopRecording(): Promise<Int16Array> {
    const home = this.room.home;
    if (!home) return new Int16Array(0);
    const r = await home.request<RoomRecording | undefined>({
      t: 'roomStopRecord',
      id: home.nextId(),
      room: this.room.id,
    });
    return r && 'mono' in r ? r.mono : new Int16Array(0);
  }

  close(): void {
    void this.room.close();
  }
}
