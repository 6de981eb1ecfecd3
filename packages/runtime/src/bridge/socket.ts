/**
 * A device's WebSocket at `/devices/v1/ws` (endpoints.ts upgrades to it): the first message must
 * be a hello, within HELLO_TIMEOUT_MS; it opens or resumes the device's session here, or, on a
 * cluster, reaches the session where another node holds it (cluster/devices-relay.ts). Every
 * later message goes to that session. A malformed message gets a typed error and the socket stays
 * open; a bad or refused hello, or a message before it, closes the socket with a typed error.
 *
 * @example
 * wss.handleUpgrade(req, socket, head, (ws) => serveSocket(bridge, ws));
 */
import { DeviceError, parseClientMessage } from '@patchbay/sdk/protocol';
import type { WebSocket } from 'ws';
import type { ReachedSession } from '../cluster/devices-relay.js';
import type { DeviceBridge } from './bridge.js';
import { asDeviceError, errorMessage } from './device-errors.js';
import type { DeviceSession, Link } from './session.js';

/** A connection must say hello within this long. @default 10000 */
const HELLO_TIMEOUT_MS = 10_000;

/** A device's WebSocket: its hello opens (or resumes, or reaches on another node) its session; its messages go there. */
export function serveSocket(bridge: DeviceBridge, socket: WebSocket): void {
  let session: DeviceSession | undefined;
  /** On a cluster: the session lives on another node, which this connection is relayed to. */
  let reached: ReachedSession | undefined;
  let opening = false;
  const link: Link = {
    send: (message) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    close: (code, reason) => socket.close(code, reason),
  };
  const helloTimer = setTimeout(() => {
    if (!session) socket.close(4002, 'no hello');
  }, HELLO_TIMEOUT_MS);
  helloTimer.unref?.();
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      link.send(errorMessage(new DeviceError('MalformedRequest', 'binary frames are not part of the protocol'), false));
      return;
    }
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) {
      link.send({ type: 'error', fatal: !session && !opening, error: parsed.error });
      if (!session && !opening) socket.close(4400, 'malformed hello');
      return;
    }
    const message = parsed.message;
    if (session) {
      bridge.receive(session, message, link);
      return;
    }
    if (reached) {
      reached.receive(message);
      return;
    }
    if (message.type !== 'hello' || opening) {
      const error = new DeviceError('MalformedRequest', 'the first message must be hello');
      link.send(errorMessage(error, true));
      socket.close(4400, 'expected hello');
      return;
    }
    opening = true;
    bridge.openAnywhere(message, link).then(
      (opened) => {
        clearTimeout(helloTimer);
        const open = socket.readyState === socket.OPEN;
        if ('reached' in opened) {
          reached = opened.reached;
          if (!open) reached.lost();
          return;
        }
        session = opened.session;
        if (!open) bridge.lost(session, link);
      },
      (error: unknown) => {
        link.send(errorMessage(asDeviceError(error), true));
        socket.close(4401, 'hello refused');
      },
    );
  });
  socket.on('close', () => {
    clearTimeout(helloTimer);
    if (session) bridge.lost(session, link);
    reached?.lost();
  });
  socket.on('error', () => {
    // Oversize frames and protocol violations: ws closes the socket; 'close' follows.
  });
}
