/**
 * Codes of the device protocol (`DEVICE_ERRORS` in @patchbay/sdk/protocol): a `DeviceError`'s
 * `code` in the SDK, and the `error` of protocol messages.
 */
import type { ErrorTable } from './types.js';

export const DEVICE_ERROR_DOCS = {
  20101: {
    title: 'Access token invalid',
    meaning: 'The token is not a well-formed access token: not a JWT, no identity, or an unknown algorithm.',
    action: 'Mint tokens with `AccessToken` (@patchbay/sdk) or the helper library, with an identity and a voice grant.',
  },
  20102: {
    title: 'Access token header invalid',
    meaning: "The token's header is not an access token's (`cty` is not `twilio-fpa;v=1`).",
    action: 'Mint an access token, not a plain JWT.',
  },
  20103: {
    title: 'Access token issuer invalid',
    meaning: "The signing key is unknown, revoked, or not the token's account's, or the account is closed.",
    action: 'Sign with a live API key (`patchbay keys create`) of the account the token names.',
  },
  20104: {
    title: 'Access token expired',
    meaning: 'The token is past its `exp`.',
    action: 'Give the device a fresh token: listen for `tokenWillExpire` and call `updateToken`.',
  },
  20105: {
    title: 'Access token not yet valid',
    meaning: "The token's `nbf` is in the future.",
    action: "Check the minting server's clock.",
  },
  20106: {
    title: 'Access token grants invalid',
    meaning: 'The token lacks the grant the action needs: incoming calls, or an outgoing application.',
    action: 'Add a VoiceGrant with `incomingAllow` and/or `outgoingApplicationSid`.',
  },
  20107: {
    title: 'Access token signature invalid',
    meaning: "The token's signature does not match its API key's secret.",
    action: 'Sign with the secret shown when the key was created.',
  },
  20157: {
    title: 'Token lifetime too long',
    meaning: 'The token lives longer than 24 hours.',
    action: 'Mint tokens with a ttl of at most 86400 seconds and refresh them.',
  },
  21218: {
    title: 'Application not found',
    meaning: 'The account or the application the token names does not exist.',
    action: "Check the token's account SID and `outgoingApplicationSid`.",
  },
  31000: {
    title: 'General device error',
    meaning: 'An error with no more specific code.',
    action: 'Read the message; report it with the server log if it repeats.',
  },
  31005: {
    title: 'Connection error',
    meaning: 'The connection to the server failed or ended and could not be resumed.',
    action: 'Check the network; the device reconnects by itself and registers again.',
  },
  31008: {
    title: 'Call cancelled',
    meaning: 'The call ended before the device could act on it: answered elsewhere, or the caller hung up.',
    action: 'Nothing: the call is over.',
  },
  31009: {
    title: 'Transport error',
    meaning: 'No transport works: the WebSocket and the long-poll both failed.',
    action:
      'Check that the server URL is reachable from the device and that proxies allow WebSockets or long requests.',
  },
  31206: {
    title: 'Account limit exceeded',
    meaning: 'The account is at one of its limits: device sessions or concurrent calls.',
    action: "Retry later, or raise the account's limits (docs/security.md).",
  },
  31100: {
    title: 'Malformed request',
    meaning: 'A protocol message was not valid JSON, did not match its schema, or was too large.',
    action: 'Use the SDK, or follow @patchbay/sdk/protocol exactly.',
  },
  31202: {
    title: 'Call token invalid',
    meaning: 'The call token was tampered with, replayed, expired, or issued for another device.',
    action: 'Answer the call from the device that was rung, with the token it received.',
  },
  31301: {
    title: 'Registration error',
    meaning: 'The device is not registered, or its session was lost.',
    action: 'Call `register()` again (the SDK does after a reconnect).',
  },
  31401: {
    title: 'Microphone not allowed',
    meaning: 'The person or the browser did not allow the microphone (getUserMedia was refused).',
    action: "Ask the person to allow the microphone in the browser's site settings; pages must be https or localhost.",
  },
  31402: {
    title: 'Microphone unavailable',
    meaning: 'The microphone could not be opened: no such device, or another program holds it.',
    action: 'Choose another microphone (`device.audio.availableInputDevices`), or close the program using it.',
  },
  31404: {
    title: 'Call not found',
    meaning: "The call does not exist or is not this device's.",
    action: 'Act only on calls the device was given.',
  },
  31429: {
    title: 'Too many requests',
    meaning:
      'The device sent more than the server accepts: messages per second, pending requests, or ICE restarts of one call (5 a minute).',
    action: 'Slow down; the SDK paces itself.',
  },
  31480: {
    title: 'Temporarily unavailable',
    meaning: 'The server is shutting down or cannot take the request now.',
    action: 'Retry shortly; the device reconnects to the next server.',
  },
  53405: {
    title: 'Media connection failed',
    meaning:
      "The call's audio connection (ICE) was lost, usually because the device's network changed; the SDK restarts ICE (`renegotiate`) and the call emits `reconnecting` with this error.",
    action:
      'Nothing for the app to do: `reconnected` follows once audio flows again; check the network if it does not.',
  },
} as const satisfies ErrorTable;
