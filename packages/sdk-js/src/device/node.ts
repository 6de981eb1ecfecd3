/**
 * The Node flavour of `Device`: Node 20 has no global WebSocket, so the `ws` package stands in
 * unless another implementation is passed.
 */
import { WebSocket as NodeWebSocket } from 'ws';
import { Device as BaseDevice, type DeviceOptions } from './device.js';
import type { WebSocketConstructor } from './transport.js';

export class Device extends BaseDevice {
  constructor(token: string, options: DeviceOptions) {
    const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    super(token, {
      ...options,
      WebSocket: options.WebSocket ?? global ?? (NodeWebSocket as unknown as WebSocketConstructor),
    });
  }
}
