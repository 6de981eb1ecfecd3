/**
 * A bridge or conference inside one worker: mix-minus over its members with clipping. Members
 * are local legs (their frames read in place) or legs on other workers (frames forwarded both
 * ways through `FrameQueue`s). Muted members are not heard; held members are not heard and hear
 * their hold music (or silence); a coach is heard only by the member it coaches; room-wide plays
 * (announce, enter/exit beeps) reach everyone not on hold; the mix can be recorded (mono), or for
 * two members each side separately (dual).
 *
 * @example
 * room.join('leg-1', leg); room.join('leg-2', undefined, { remote: 1 });
 * room.tick(forward); // once per frame, after every leg's receive()
 */
import { FRAME_SAMPLES } from '../dsp/goertzel.js';
import { addClip, addInto, mixMinus } from '../dsp/mix.js';
import type { RoomRecording } from '../messages.js';
import { FrameQueue, PcmChunks } from './frames.js';
import type { WorkerLeg } from './leg.js';
import type { PcmPlayback } from './playback.js';

/** A room recording is bounded: four hours. */
const MAX_ROOM_RECORD_SAMPLES = 4 * 3600 * 8000;

export interface Member {
  readonly id: string;
  readonly leg: WorkerLeg | undefined;
  readonly remote: number | undefined;
  readonly uplink: FrameQueue | undefined;
  readonly remoteIn: Int16Array;
  readonly out: Int16Array;
  muted: boolean;
  held: boolean;
  music: PcmPlayback | undefined;
  coachOf: string | undefined;
}

export type Forward = (worker: number, member: string, pcm: Int16Array) => void;

export class Room {
  readonly members = new Map<string, Member>();
  readonly plays: PcmPlayback[] = [];
  readonly #acc = new Int32Array(FRAME_SAMPLES);
  readonly #playFrame = new Int16Array(FRAME_SAMPLES);
  readonly #mix = new Int16Array(FRAME_SAMPLES);
  #recording: { mono: PcmChunks } | { left: PcmChunks; right: PcmChunks } | undefined;

  constructor(
    readonly id: string,
    readonly onPlayDone: (op: number) => void,
  ) {}

  join(
    id: string,
    leg: WorkerLeg | undefined,
    options: { remote?: number | undefined; muted: boolean; coachOf?: string | undefined },
  ): void {
    const member: Member = {
      id,
      leg,
      remote: options.remote,
      uplink: options.remote !== undefined ? new FrameQueue() : undefined,
      remoteIn: new Int16Array(FRAME_SAMPLES),
      out: new Int16Array(FRAME_SAMPLES),
      muted: options.muted,
      held: false,
      music: undefined,
      coachOf: options.coachOf,
    };
    this.members.set(id, member);
    if (leg) leg.connection = member.out;
  }

  leave(id: string): void {
    const m = this.members.get(id);
    if (!m) return;
    this.members.delete(id);
    if (m.leg && m.leg.connection === m.out) m.leg.connection = undefined;
  }

  /** A frame from a member on another worker. */
  up(member: string, pcm: Int16Array): void {
    this.members.get(member)?.uplink?.push(pcm);
  }

  record(mode: 'mono' | 'dual'): void {
    this.#recording =
      mode === 'mono'
        ? { mono: new PcmChunks(MAX_ROOM_RECORD_SAMPLES) }
        : { left: new PcmChunks(MAX_ROOM_RECORD_SAMPLES), right: new PcmChunks(MAX_ROOM_RECORD_SAMPLES) };
  }

  stopRecording(): RoomRecording | undefined {
    const r = this.#recording;
    this.#recording = undefined;
    if (!r) return undefined;
    return 'mono' in r ? { mono: r.mono.toPcm() } : { left: r.left.toPcm(), right: r.right.toPcm() };
  }

  #input(m: Member): Int16Array {
    if (m.leg) return m.leg.inFrame;
    m.uplink?.pop(m.remoteIn);
    return m.remoteIn;
  }

  tick(forward: Forward): void {
    const acc = this.#acc;
    acc.fill(0);
    const members = this.members;
    for (const m of members.values()) {
      const input = this.#input(m);
      if (!m.muted && !m.held && m.coachOf === undefined) addInto(acc, input);
    }
    const play = this.plays[0];
    if (play) {
      play.fill(this.#playFrame);
      addInto(acc, this.#playFrame);
      if (play.finished) {
        this.plays.shift();
        this.onPlayDone(play.op);
      }
    }
    for (const m of members.values()) {
      if (m.held) {
        if (m.music) m.music.fill(m.out);
        else m.out.fill(0);
      } else {
        const own = !m.muted && m.coachOf === undefined ? (m.leg ? m.leg.inFrame : m.remoteIn) : undefined;
        mixMinus(acc, own, m.out);
        for (const c of members.values()) {
          if (c.coachOf === m.id && !c.muted && !c.held) addClip(m.out, c.leg ? c.leg.inFrame : c.remoteIn, m.out);
        }
      }
      if (m.remote !== undefined) forward(m.remote, m.id, m.out);
    }
    const rec = this.#recording;
    if (rec) {
      if ('mono' in rec) {
        mixMinus(acc, undefined, this.#mix);
        rec.mono.append(this.#mix);
      } else {
        const [a, b] = members.values();
        rec.left.append(a ? (a.leg ? a.leg.inFrame : a.remoteIn) : this.#mix.fill(0));
        rec.right.append(b ? (b.leg ? b.leg.inFrame : b.remoteIn) : this.#mix.fill(0));
      }
    }
  }

  /** Drops a room play the main thread gave up on. */
  cancel(op: number): void {
    const i = this.plays.findIndex((p) => p.op === op);
    if (i >= 0) this.plays.splice(i, 1);
  }

  /** Detaches local legs; returns pending room plays so they can be reported done. */
  close(): number[] {
    for (const id of [...this.members.keys()]) this.leave(id);
    return this.plays.splice(0).map((p) => p.op);
  }
}
