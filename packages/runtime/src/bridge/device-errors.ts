/**
 * How a failure reaches a device: as a typed DeviceError, in the protocol's error message, on
 * every transport (WebSocket, long-poll, the one-POST answer, the hosted SDK's signaling).
 *
 * @example
 * link.send(errorMessage(asDeviceError(error), true));
 */
import { DeviceError, type ServerMessage } from '@patchbay/sdk/protocol';

/** The error message a device is sent (fatal: the connection closes after it). */
export function errorMessage(error: DeviceError, fatal: boolean): ServerMessage {
  return { type: 'error', fatal, error: error.toProtocol() };
}

/** Any failure as a DeviceError (a GeneralError with its message when it is not one). */
export function asDeviceError(error: unknown): DeviceError {
  return error instanceof DeviceError
    ? error
    : new DeviceError('GeneralError', error instanceof Error ? error.message : String(error));
}
