/**
 * Compat mode's endpoints on the server's port: the WebSocket at `/signal` that the hosted
 * service's unmodified browser SDK connects to (`wss://<chunderw>/signal`, so the server must
 * serve TLS), and the SDK's sounds at `/sdk/sounds/<name>.wav` (see sounds.ts).
 *
 * The server sends a heartbeat (a bare newline) every `heartbeatMs` of the bridge, at most 10 s
 * (the SDK reconnects after 15 s of silence); the SDK echoes it, and a device that stops echoing
 * is dropped by the bridge's own heartbeat check. A connection must `listen` within 10 s. Frames
 * are checked for size and shape before anything acts on them, and handled one at a time.
 *
 * @example
 * const signal = compatEndpoints(runtime.devices, { media: simulatedCompatMedia() });
 * server.on('upgrade', (req, socket, head) => signal.upgrade(req, socket, head) || socket.destroy());
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DeviceError } from '@patchbay/sdk/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { requestUrl } from '../../api/http.js';
import type { DeviceBridge } from '../bridge.js';
import { asDeviceError } from '../device-errors.js';
import { CompatConnection } from './connection.js';
import type { CompatMedia } from './media.js';
import { errorFrame, HEARTBEAT, MAX_FRAME_BYTES, parseCompatMessage } from './messages.js';
import { serveSound } from './sounds.js';

export const COMPAT_PATHS = {
  signal: '/signal',
  /** `/sdk/sounds/<name>.wav`: the sounds the SDK's `sounds` option can point at. */
  sounds: '/sdk/sounds/',
} as const;

/** A connection must `listen` this soon. */
const LISTEN_TIMEOUT_MS = 10_000;
/** The SDK reconnects after 15 s without a frame: heartbeats come at least this often. */
const MAX_HEARTBEAT_MS = 10_000;
/** Frames waiting their turn on one connection (the SDK sends a few at a time; past the bridge's burst of 100 they are refused anyway). */
const MAX_QUEUED = 256;

export interface CompatOptions {
  /** Answers the SDP questions of compat calls. */
  readonly media: CompatMedia;
}

export interface CompatEndpoints {
  /** Handles `/signal` upgrades; false for other paths. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Serves the SDK's sounds; false for other paths. */
  request(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

export function compatEndpoints(bridge: DeviceBridge, options: CompatOptions): CompatEndpoints {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const heartbeatMs = Math.min(bridge.heartbeatMs, MAX_HEARTBEAT_MS);

  function onSocket(socket: WebSocket): void {
    const connection = new CompatConnection(bridge, options.media, {
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text);
      },
      close: (code, reason) => socket.close(code, reason),
    });
    let queued = 0;
    let turn = Promise.resolve();
    const heartbeat = setInterval(() => connection.socket.send(HEARTBEAT), heartbeatMs);
    const listenTimer = setTimeout(() => {
      if (!connection.attached) socket.close(4002, 'no listen');
    }, LISTEN_TIMEOUT_MS);
    heartbeat.unref?.();
    listenTimer.unref?.();

    socket.on('message', (data, isBinary) => {
      const text = data.toString();
      if (!isBinary && text === HEARTBEAT) return connection.heartbeat();
      const parsed = isBinary
        ? {
            ok: false as const,
            error: new DeviceError('MalformedRequest', 'binary frames are not part of the protocol'),
          }
        : parseCompatMessage(text);
      if (!parsed.ok) return connection.socket.send(errorFrame(parsed.error));
      if (++queued > MAX_QUEUED) {
        socket.close(1008, 'too many messages at once');
        return;
      }
      turn = turn
        .then(() => connection.handle(parsed.message))
        .catch((error: unknown) => connection.socket.send(errorFrame(asDeviceError(error))))
        .finally(() => {
          queued--;
        });
    });
    socket.on('close', () => {
      clearInterval(heartbeat);
      clearTimeout(listenTimer);
      // After what is queued: a listen still opening must not leave its session attached.
      void turn.then(() => connection.lost());
    });
    socket.on('error', () => {
      // Oversize frames and protocol violations: ws closes the socket; 'close' follows.
    });
  }

  return {
    upgrade(req, socket, head) {
      if (requestUrl(req)?.pathname !== COMPAT_PATHS.signal) return false;
      wss.handleUpgrade(req, socket, head, onSocket);
      return true;
    },
    request(req, res) {
      const path = requestUrl(req)?.pathname;
      if (!path?.startsWith(COMPAT_PATHS.sounds)) return false;
      serveSound(req, res, path.slice(COMPAT_PATHS.sounds.length));
      return true;
    },
    close() {
      for (const client of wss.clients) client.close(1012, 'server restarting');
      wss.close();
    },
  };
}
