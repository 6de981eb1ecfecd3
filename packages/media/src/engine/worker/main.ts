/**
 * The media worker's entry: it owns the legs and rooms placed on it, runs their 20 ms frame clock
 * (receive every leg, mix every room, send every leg), answers the main thread's typed messages
 * and forwards frames to and from peer workers for rooms that span workers. Built as its own
 * entry (`dist/engine-worker.js`); see `../worker-script.ts` for how tests run it from source.
 *
 * @example
 * new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { index: 0, bindAddress, rtpTimeoutMs } });
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, PeerMessage, ToWorker, WorkerInit, WorkerStats } from '../messages.js';
import { currentThreadId } from '../priority.js';
import { FrameClock } from './clock.js';
import { FrameQueue } from './frames.js';
import { WorkerLeg } from './leg.js';
import { pipeLeg } from './pipe.js';
import { DigitsPlayback, PcmPlayback, TonePlayback } from './playback.js';
import { Recorder } from './recorder.js';
import { Room } from './room.js';

const init = workerData as WorkerInit;
const port = parentPort as NonNullable<typeof parentPort>;
const legs = new Map<string, WorkerLeg>();
const rooms = new Map<string, Room>();
const peers = new Map<number, MessagePort>();
const opLegs = new Map<number, WorkerLeg | Room>();
let lastElu = performance.eventLoopUtilization();

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  if (message.t === 'opDone') opLegs.delete(message.op);
  port.postMessage(message, transfer ?? []);
}

function reply(id: number, value?: unknown): void {
  post(value === undefined ? { t: 'reply', id, ok: true } : { t: 'reply', id, ok: true, value });
}

function fail(id: number, code: string, message: string): void {
  post({ t: 'reply', id, ok: false, code, message });
}

function toPeer(worker: number, message: PeerMessage): void {
  const peer = peers.get(worker);
  if (!peer) return;
  const copy = message.pcm.slice();
  peer.postMessage({ ...message, pcm: copy }, [copy.buffer]);
}

const forward = (worker: number, member: string, pcm: Int16Array) => toPeer(worker, { t: 'down', member, pcm });

function tick(nowMs: number): void {
  for (const leg of legs.values()) {
    leg.receive(nowMs);
    if (leg.uplink) toPeer(leg.uplink.home, { t: 'up', room: leg.uplink.room, member: leg.id, pcm: leg.inFrame });
  }
  for (const room of rooms.values()) room.tick(forward);
  for (const leg of legs.values()) leg.send(nowMs);
}

const clock = new FrameClock(tick, undefined, (frames) => {
  for (const leg of legs.values()) leg.skip(frames);
});

function onPeer(message: PeerMessage): void {
  if (message.t === 'up') rooms.get(message.room)?.up(message.member, message.pcm);
  else legs.get(message.member)?.downlink?.push(message.pcm);
}

function stats(id: number): void {
  const elu = performance.eventLoopUtilization(lastElu);
  lastElu = performance.eventLoopUtilization();
  const value: WorkerStats = {
    index: init.index,
    legs: legs.size,
    rooms: rooms.size,
    frames: clock.frames,
    lateFrames: clock.lateFrames + clock.skippedFrames,
    latenessP50Ms: clock.quantile(0.5),
    latenessP99Ms: clock.quantile(0.99),
    latenessMaxMs: clock.maxLatenessMs,
    utilization: elu.utilization,
  };
  clock.resetStats();
  reply(id, value);
}

function closeRoom(room: Room): void {
  rooms.delete(room.id);
  for (const op of room.close()) post({ t: 'opDone', op });
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.t) {
    case 'peer':
      peers.set(m.worker, m.port);
      m.port.on('message', onPeer);
      return;
    case 'openLeg':
      try {
        const leg = m.pipe
          ? pipeLeg(m.leg, m.pipe, init, post, performance.now())
          : await WorkerLeg.open(m.leg, init, m.port, post, performance.now());
        leg.sharedStats = new Float64Array(m.stats);
        legs.set(m.leg, leg);
        reply(m.id);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'port-in-use' : 'bind-failed';
        fail(m.id, code, (e as Error).message);
      }
      return;
    case 'configure':
      legs.get(m.leg)?.configure(m.media);
      return;
    case 'closeLeg':
      legs.get(m.leg)?.close();
      legs.delete(m.leg);
      for (const room of rooms.values()) room.leave(m.leg);
      reply(m.id);
      return;
    case 'play':
    case 'tone':
    case 'digits': {
      const leg = legs.get(m.leg);
      if (!leg) return post({ t: 'opDone', op: m.op });
      const op =
        m.t === 'play'
          ? new PcmPlayback(m.op, m.pcm)
          : m.t === 'tone'
            ? new TonePlayback(m.op, m.spec)
            : new DigitsPlayback(m.op, m.digits, leg.media?.telephoneEvent !== undefined);
      leg.ops.push(op);
      opLegs.set(m.op, leg);
      return;
    }
    case 'record': {
      const leg = legs.get(m.leg);
      if (!leg)
        return post({ t: 'opDone', op: m.op, result: { pcm: new Int16Array(0), durationMs: 0, endedBy: 'hangup' } });
      leg.recorder = new Recorder(m.op, m.options);
      opLegs.set(m.op, leg);
      return;
    }
    case 'cancel': {
      const owner = opLegs.get(m.op);
      opLegs.delete(m.op);
      owner?.cancel(m.op);
      return;
    }
    case 'workerStats':
      return stats(m.id);
    case 'uplink': {
      const leg = legs.get(m.leg);
      if (!leg) return;
      leg.uplink = { room: m.room, home: m.home };
      leg.downlink = new FrameQueue();
      return;
    }
    case 'unlink': {
      const leg = legs.get(m.leg);
      if (!leg) return;
      leg.uplink = undefined;
      leg.downlink = undefined;
      return;
    }
    case 'roomCreate':
      rooms.set(m.room, new Room(m.room, (op) => post({ t: 'opDone', op })));
      return;
    case 'roomJoin':
      rooms.get(m.room)?.join(m.member, m.remote === undefined ? legs.get(m.member) : undefined, m);
      return;
    case 'roomLeave':
      rooms.get(m.room)?.leave(m.member);
      return;
    case 'roomMute': {
      const member = rooms.get(m.room)?.members.get(m.member);
      if (member) member.muted = m.muted;
      return;
    }
    case 'roomHold': {
      const member = rooms.get(m.room)?.members.get(m.member);
      if (!member) return;
      member.held = m.held;
      member.music = m.held && m.music ? new PcmPlayback(-1, m.music, true) : undefined;
      return;
    }
    case 'roomPlay': {
      const room = rooms.get(m.room);
      if (!room) return post({ t: 'opDone', op: m.op });
      room.plays.push(new PcmPlayback(m.op, m.pcm));
      opLegs.set(m.op, room);
      return;
    }
    case 'roomRecord':
      rooms.get(m.room)?.record(m.mode);
      return;
    case 'roomStopRecord':
    case 'roomClose': {
      const room = rooms.get(m.room);
      const recording = room?.stopRecording();
      if (room && m.t === 'roomClose') closeRoom(room);
      const transfer = recording ? Object.values(recording).map((a: Int16Array) => a.buffer as ArrayBuffer) : [];
      post(
        recording ? { t: 'reply', id: m.id, ok: true, value: recording } : { t: 'reply', id: m.id, ok: true },
        transfer,
      );
      return;
    }
  }
}

port.on('message', (m: ToWorker) => {
  handle(m).catch((e: unknown) => {
    if ('id' in m) fail(m.id, 'worker-error', e instanceof Error ? e.message : String(e));
  });
});
clock.start();
const thread = currentThreadId();
post(thread === undefined ? { t: 'ready' } : { t: 'ready', thread });
