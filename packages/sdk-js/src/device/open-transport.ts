import { DeviceError } from '../protocol/errors.js';
import { openLongPoll } from './long-poll.js';
import { openWebSocket, type Transport, type TransportHandlers, type WebSocketConstructor } from './transport.js';

/**
 * The transport the options ask for: `auto` (default) tries a WebSocket and falls back to
 * long-poll; `websocket` fails with TransportError when there is no WebSocket implementation.
 */
export async function openTransport(
  options: {
    readonly server: string;
    readonly transport?: 'auto' | 'websocket' | 'long-poll';
    readonly WebSocket?: WebSocketConstructor | undefined;
    readonly fetch?: typeof fetch;
  },
  handlers: TransportHandlers,
): Promise<Transport> {
  const kind = options.transport ?? 'auto';
  const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (kind !== 'long-poll' && WebSocketImpl) {
    try {
      return await openWebSocket(options.server, WebSocketImpl, handlers);
    } catch (error) {
      if (kind === 'websocket') throw error;
    }
  } else if (kind === 'websocket') {
    throw new DeviceError('TransportError', 'no WebSocket implementation: pass options.WebSocket');
  }
  return openLongPoll(options.server, options.fetch ?? globalThis.fetch.bind(globalThis), handlers);
}
