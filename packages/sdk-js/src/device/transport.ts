/**
 * How a device reaches the bridge. Both transports carry the same protocol messages: a WebSocket
 * (one connection, both directions), or HTTP long-poll for networks that block WebSockets (the
 * device POSTs what it sends and keeps one GET open for what it receives). Neither needs the
 * device to accept connections, so NAT, firewalls and HTTP proxies are no obstacle.
 */
import type { ClientMessage, ServerMessage } from '../protocol/messages.js';
import { parseServerMessage } from '../protocol/messages.js';

export interface TransportHandlers {
  message(message: ServerMessage): void;
  /** The connection ended (or could not be made); `code` as a WebSocket close code. */
  closed(code: number, reason: string): void;
  /** The server sent something that is not a valid protocol message. */
  malformed(reason: string): void;
}

export interface Transport {
  readonly kind: 'websocket' | 'long-poll';
  send(message: ClientMessage): void;
  close(): void;
}

/** The subset of the standard WebSocket that devices use (browsers' and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Paths of the bridge's endpoints, relative to the server URL. */
export const DEVICE_PATHS = {
  websocket: '/devices/v1/ws',
  longPoll: '/devices/v1/poll',
} as const;

/** Opens a WebSocket; resolves once it is open, rejects if it cannot open. */
export function openWebSocket(
  server: string,
  WebSocketImpl: WebSocketConstructor,
  handlers: TransportHandlers,
): Promise<Transport> {
  const url = new URL(DEVICE_PATHS.websocket, server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise((resolve, reject) => {
    const socket = new WebSocketImpl(url.toString());
    let open = false;
    const transport: Transport = {
      kind: 'websocket',
      send(message) {
        if (socket.readyState === 1) socket.send(JSON.stringify(message));
      },
      close() {
        socket.onclose = null;
        socket.onmessage = null;
        socket.close(1000, 'closed by the device');
      },
    };
    socket.onopen = () => {
      open = true;
      resolve(transport);
    };
    socket.onerror = () => {
      // Followed by close; nothing to add.
    };
    socket.onclose = (event) => {
      if (!open) reject(new Error(`WebSocket to ${url.host} failed (${event.code})`));
      else handlers.closed(event.code, event.reason);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return handlers.malformed('binary message');
      const parsed = parseServerMessage(event.data);
      if (parsed.ok) handlers.message(parsed.message);
      else handlers.malformed(parsed.error.message);
    };
  });
}
