/**
 * `MediaEngine`: the main thread's entry to the media plane. It starts one worker per core (each
 * with its own 20 ms frame clock), connects every pair of workers with a MessageChannel for rooms
 * that span them, hands out RTP ports (even, RTCP on +1) from the configured range, and places
 * legs on the least loaded worker, or `near` another leg so a bridge stays inside one worker.
 *
 * @example
 * const engine = await MediaEngine.start({ bindAddress: '127.0.0.1', rtpPorts: [40000, 40999] });
 * const a = await engine.openLeg(); const b = await engine.openLeg({ near: a });
 * const bridge = engine.bridge(a, b);
 * await engine.close();
 */
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { EngineError } from './errors.js';
import { type EngineLeg, Leg } from './leg.js';
import { newLegStatsBuffer } from './leg-stats.js';
import type { LegEventMessage, WorkerStats } from './messages.js';
import { PipeEnd } from './pipe-end.js';
import { type PriorityOutcome, raiseAudioPriority } from './priority.js';
import { Bridge, type EngineBridge, type EngineMixer, Mixer, Room } from './rooms.js';
import { WorkerHandle } from './worker-handle.js';
import { resolveWorkerScript } from './worker-script.js';

export interface MediaEngineOptions {
  /** Address the RTP sockets bind to. */
  readonly bindAddress: string;
  /** Address advertised in SDP (`leg.localAddress`) when behind NAT. @default bindAddress */
  readonly publicAddress?: string;
  /** Inclusive port range; legs take an even port and the odd one above it. */
  readonly rtpPorts: readonly [number, number];
  /** @default os.availableParallelism() */
  readonly workers?: number;
  /** Emit `rtpTimeout` on a leg that receives nothing for this long; 0 disables. @default 0 */
  readonly rtpTimeoutMs?: number;
  /** Between RTCP reports of a leg (RFC 3550 suggests 5 s at these rates). @default 5000 */
  readonly rtcpIntervalMs?: number;
  /** The worker's JavaScript, overriding the built or bundled-from-source one. */
  readonly workerScript?: URL;
  /**
   * `auto` runs the workers' frame clocks real-time (or at high priority) where the process is
   * allowed, so the control plane cannot make audio late (see `priority.ts`); `normal` leaves
   * them as the rest of the process. @default 'auto'
   */
  readonly priority?: 'auto' | 'normal';
}

export interface EngineStats {
  readonly legs: number;
  readonly rooms: number;
  readonly portsInUse: number;
  readonly portsFree: number;
  readonly workers: readonly WorkerStats[];
}

const MAX_WORKERS = 64;

export class MediaEngine {
  readonly #rooms = new Set<Room>();
  readonly #ports = new Set<number>();
  readonly #first: number;
  readonly #last: number;
  #nextPort: number;
  #legSequence = 0;
  #closed = false;

  private constructor(
    readonly options: MediaEngineOptions,
    readonly workers: readonly WorkerHandle[],
    readonly legs: Map<string, Leg>,
    /** The scheduling priority the workers' frame clocks run at, and why not higher. */
    readonly priority: PriorityOutcome,
  ) {
    this.#first = options.rtpPorts[0] + (options.rtpPorts[0] % 2);
    this.#last = options.rtpPorts[1];
    this.#nextPort = this.#first;
  }

  static async start(options: MediaEngineOptions): Promise<MediaEngine> {
    const [lo, hi] = options.rtpPorts;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1024 || hi > 65535 || hi - lo < 1) {
      throw new EngineError('invalid-options', `bad RTP port range ${lo}-${hi}`, 'MediaEngine.start');
    }
    const count = Math.min(MAX_WORKERS, Math.max(1, options.workers ?? availableParallelism()));
    const script = options.workerScript ?? (await resolveWorkerScript());
    const legs = new Map<string, Leg>();
    const onEvent = (e: LegEventMessage) => {
      const leg = legs.get(e.leg);
      if (!leg) return;
      if (e.event === 'dtmf') leg.events.emit('dtmf', e.digit, e.source);
      else leg.events.emit(e.event);
    };
    const init = {
      bindAddress: options.bindAddress,
      rtpTimeoutMs: options.rtpTimeoutMs ?? 0,
      rtcpIntervalMs: options.rtcpIntervalMs ?? 5000,
    };
    // A worker that dies takes its sockets with it: its legs report rtpTimeout (the media is
    // gone, so the call should end) and are closed, which frees their ports.
    const onDeath = (handle: WorkerHandle) => {
      for (const leg of [...legs.values()]) {
        if (leg.worker !== handle) continue;
        leg.events.emit('rtpTimeout');
        void leg.close();
      }
    };
    const workers = await Promise.all(
      Array.from({ length: count }, (_, index) => WorkerHandle.start(script, { ...init, index }, onEvent, onDeath)),
    );
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        const { port1, port2 } = new MessageChannel();
        (workers[i] as WorkerHandle).send({ t: 'peer', worker: j, port: port1 }, [port1]);
        (workers[j] as WorkerHandle).send({ t: 'peer', worker: i, port: port2 }, [port2]);
      }
    }
    const priority =
      options.priority === 'normal'
        ? { level: 'normal' as const }
        : await raiseAudioPriority(workers.map((w) => w.thread));
    return new MediaEngine(options, workers, legs, priority);
  }

  #leastLoaded(): WorkerHandle {
    let best: WorkerHandle | undefined;
    for (const w of this.workers) if (w.alive && (!best || w.legs < best.legs)) best = w;
    if (!best) throw new EngineError('worker-failed', 'no media worker is running', 'MediaEngine');
    return best;
  }

  #takePort(): number | undefined {
    const slots = Math.floor((this.#last - this.#first + 1) / 2);
    for (let i = 0; i < slots; i++) {
      const port = this.#nextPort;
      this.#nextPort = port + 2 > this.#last - 1 ? this.#first : port + 2;
      if (!this.#ports.has(port)) {
        this.#ports.add(port);
        return port;
      }
    }
    return undefined;
  }

  /**
   * Opens a leg on an even port of the range (RTCP on the next); `near` puts it on that leg's
   * worker. An `external` leg binds no port: its RTP goes through `leg.pipe` to a transport
   * (WebRTC) that carries it, and it joins bridges, mixers and operations like any other leg.
   */
  async openLeg(options: { near?: EngineLeg; external?: boolean } = {}): Promise<EngineLeg> {
    if (this.#closed) throw new EngineError('engine-closed', 'the media engine is closed', 'openLeg');
    const near = options.near ? this.legs.get(options.near.id) : undefined;
    const worker = near?.worker.alive ? near.worker : this.#leastLoaded();
    if (options.external) return this.#openExternal(worker);
    for (let attempt = 0; attempt < 32; attempt++) {
      const port = this.#takePort();
      if (port === undefined) break;
      const id = `leg-${++this.#legSequence}`;
      const shared = newLegStatsBuffer();
      try {
        await worker.request({ t: 'openLeg', id: worker.nextId(), leg: id, port, stats: shared });
      } catch (e) {
        this.#ports.delete(port);
        if (e instanceof EngineError && e.code === 'bind-failed' && e.cause === 'port-in-use') continue;
        throw e;
      }
      worker.legs++;
      const leg = new Leg(
        id,
        this.options.publicAddress ?? this.options.bindAddress,
        port,
        worker,
        (l) => this.#release(l, port),
        shared,
      );
      this.legs.set(id, leg);
      return leg;
    }
    throw new EngineError('ports-exhausted', `no free RTP port pair in ${this.#first}-${this.#last}`, 'openLeg');
  }

  async #openExternal(worker: WorkerHandle): Promise<EngineLeg> {
    const id = `leg-${++this.#legSequence}`;
    const shared = newLegStatsBuffer();
    const { port1, port2 } = new MessageChannel();
    try {
      await worker.request({ t: 'openLeg', id: worker.nextId(), leg: id, port: 0, stats: shared, pipe: port2 }, [
        port2,
      ]);
    } catch (e) {
      port1.close();
      throw e;
    }
    worker.legs++;
    const pipe = new PipeEnd(port1);
    const leg = new Leg(
      id,
      this.options.publicAddress ?? this.options.bindAddress,
      0,
      worker,
      (l) => {
        pipe.close();
        this.#release(l, 0);
      },
      shared,
      pipe,
    );
    this.legs.set(id, leg);
    return leg;
  }

  #release(leg: Leg, port: number): void {
    if (!this.legs.delete(leg.id)) return;
    if (port > 0) this.#ports.delete(port);
    leg.worker.legs--;
    for (const room of this.#rooms) room.leave(leg);
  }

  #room(): Room {
    const room = new Room(
      () => this.#leastLoaded(),
      (r) => this.#rooms.delete(r),
    );
    this.#rooms.add(room);
    return room;
  }

  /** Each leg hears the other; `record` keeps the mix (mono) or each side (dual: left = a, right = b). */
  bridge(a: EngineLeg, b: EngineLeg, options: { record?: 'mono' | 'dual' } = {}): EngineBridge {
    const room = this.#room();
    const legA = this.legs.get(a.id);
    const legB = this.legs.get(b.id);
    if (!legA || !legB) throw new EngineError('leg-closed', 'cannot bridge a closed leg', 'bridge');
    room.join(legA, false);
    room.join(legB, false);
    if (options.record) room.home?.send({ t: 'roomRecord', room: room.id, mode: options.record });
    return new Bridge(room);
  }

  /** A conference: mix-minus with clipping, mute, hold with music, coach, plays, recording. */
  createMixer(): EngineMixer {
    return new Mixer(this.#room());
  }

  async stats(): Promise<EngineStats> {
    const workers = await Promise.all(
      this.workers.map((w) => w.request<WorkerStats>({ t: 'workerStats', id: w.nextId() })),
    );
    const slots = Math.floor((this.#last - this.#first + 1) / 2);
    return {
      legs: this.legs.size,
      rooms: this.#rooms.size,
      portsInUse: this.#ports.size,
      portsFree: slots - this.#ports.size,
      workers,
    };
  }

  /** Closes every leg and room, frees every port and stops the workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#rooms].map((r) => r.close()));
    await Promise.all([...this.legs.values()].map((l) => l.close()));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
