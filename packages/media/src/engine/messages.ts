/**
 * The worker boundary, both ways, in one place: what the main thread asks a media worker
 * (`ToWorker`), what a worker answers or reports (`FromWorker`), and the frames workers forward to
 * each other when legs bridged or mixed together live on different workers (`PeerMessage`).
 * PCM crosses as Int16Array whose buffers are transferred, never copied twice.
 *
 * @example
 * worker.postMessage({ t: 'play', op: 7, leg: 'leg-1', pcm } satisfies ToWorker, [pcm.buffer]);
 */
import type { MessagePort } from 'node:worker_threads';
import type { NegotiatedMedia } from '../sdp/types.js';
import type { ToneSpec } from './dsp/tone.js';

/**
 * What an external leg's receiver sees as every packet's source, and the `remote` its
 * `NegotiatedMedia` must carry: fixed, so symmetric latching holds.
 */
export const PIPE_SOURCE = { address: '0.0.0.1', port: 9 } as const;

export interface WorkerInit {
  readonly index: number;
  readonly bindAddress: string;
  readonly rtpTimeoutMs: number;
  readonly rtcpIntervalMs: number;
}

export interface RecordRequest {
  readonly maxLengthMs: number;
  readonly silenceTimeoutMs: number;
  readonly finishOnKey: string;
  readonly trimSilence: boolean;
}

export interface RecordResult {
  readonly pcm: Int16Array;
  readonly durationMs: number;
  readonly endedBy: 'silence' | 'key' | 'max-length' | 'hangup';
  readonly key?: string;
}

export interface LegStats {
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly lost: number;
  readonly jitterMs: number;
  /** Datagrams dropped: malformed, oversize, from an unlatched source, or of an unknown payload type. */
  readonly dropped: number;
  /** Packets that came after their playout time, duplicates, and frames dropped to keep the delay bounded. */
  readonly late: number;
  /** What the far end last reported about our stream in RTCP, if it did. */
  readonly remoteReport?: { readonly fractionLost: number; readonly cumulativeLost: number; readonly jitter: number };
}

export interface WorkerStats {
  readonly index: number;
  readonly legs: number;
  readonly rooms: number;
  readonly frames: number;
  /** Frames processed more than one frame period after their time (caught up by timestamp). */
  readonly lateFrames: number;
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
  /** Share of wall time the worker's event loop was busy since the last stats call (0..1). */
  readonly utilization: number;
}

export type RoomRecording = { readonly mono: Int16Array } | { readonly left: Int16Array; readonly right: Int16Array };

export type ToWorker =
  | { readonly t: 'peer'; readonly worker: number; readonly port: MessagePort }
  | {
      readonly t: 'openLeg';
      readonly id: number;
      readonly leg: string;
      readonly port: number;
      readonly stats: SharedArrayBuffer;
      /**
       * An external leg: RTP comes and goes through this port (plain RTP packets as Uint8Array,
       * both ways) instead of UDP sockets the worker binds; a WebRTC transport decrypts and
       * encrypts on the other end. `port` is then 0.
       */
      readonly pipe?: MessagePort;
    }
  | { readonly t: 'configure'; readonly leg: string; readonly media: NegotiatedMedia }
  | { readonly t: 'closeLeg'; readonly id: number; readonly leg: string }
  | { readonly t: 'play'; readonly op: number; readonly leg: string; readonly pcm: Int16Array }
  | { readonly t: 'tone'; readonly op: number; readonly leg: string; readonly spec: ToneSpec }
  | { readonly t: 'digits'; readonly op: number; readonly leg: string; readonly digits: string }
  | { readonly t: 'record'; readonly op: number; readonly leg: string; readonly options: RecordRequest }
  | { readonly t: 'cancel'; readonly op: number }
  | { readonly t: 'workerStats'; readonly id: number }
  | { readonly t: 'uplink'; readonly leg: string; readonly room: string; readonly home: number }
  | { readonly t: 'unlink'; readonly leg: string }
  | { readonly t: 'roomCreate'; readonly room: string }
  | {
      readonly t: 'roomJoin';
      readonly room: string;
      readonly member: string;
      /** The worker the leg lives on when it is not this one. */
      readonly remote?: number;
      readonly muted: boolean;
      /** This member is a coach: heard only by that member. */
      readonly coachOf?: string;
    }
  | { readonly t: 'roomLeave'; readonly room: string; readonly member: string }
  | { readonly t: 'roomMute'; readonly room: string; readonly member: string; readonly muted: boolean }
  | {
      readonly t: 'roomHold';
      readonly room: string;
      readonly member: string;
      readonly held: boolean;
      readonly music?: Int16Array;
    }
  | { readonly t: 'roomPlay'; readonly op: number; readonly room: string; readonly pcm: Int16Array }
  | { readonly t: 'roomRecord'; readonly room: string; readonly mode: 'mono' | 'dual' }
  | { readonly t: 'roomStopRecord'; readonly id: number; readonly room: string }
  | { readonly t: 'roomClose'; readonly id: number; readonly room: string };

export type LegEventMessage =
  | {
      readonly t: 'event';
      readonly leg: string;
      readonly event: 'dtmf';
      readonly digit: string;
      readonly source: 'rfc4733' | 'inband';
    }
  | { readonly t: 'event'; readonly leg: string; readonly event: 'voiceStart' | 'voiceEnd' | 'rtpTimeout' };

export type FromWorker =
  /** The worker started; `thread` is its Linux thread id (for its scheduling priority), where known. */
  | { readonly t: 'ready'; readonly thread?: number }
  | { readonly t: 'reply'; readonly id: number; readonly ok: true; readonly value?: unknown }
  | { readonly t: 'reply'; readonly id: number; readonly ok: false; readonly code: string; readonly message: string }
  | { readonly t: 'opDone'; readonly op: number; readonly result?: RecordResult }
  | LegEventMessage;

export type PeerMessage =
  | { readonly t: 'up'; readonly room: string; readonly member: string; readonly pcm: Int16Array }
  | { readonly t: 'down'; readonly member: string; readonly pcm: Int16Array };
