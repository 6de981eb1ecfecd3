/**
 * The signaling protocol of the hosted service's browser SDK (`@twilio/voice-sdk`), version 1.6,
 * as far as Patchbay speaks it: every frame is JSON `{ type, version: '1.6', payload }`, except
 * the heartbeat, a bare newline either side echoes. Each message the SDK sends is checked here
 * (size, JSON, the fields Patchbay reads) before anything acts on it; what it may not send gets a
 * typed DeviceError, never an exception inside the server.
 *
 * @example
 * const parsed = parseCompatMessage(text);
 * if (parsed.ok && parsed.message.type === 'listen') open(parsed.message.payload.token);
 */
import { DeviceError, LIMITS } from '@patchbay/sdk/protocol';
import * as z from 'zod';

export const COMPAT_VERSION = '1.6';
/** The heartbeat frame, in both directions. */
export const HEARTBEAT = '\n';
/** Largest frame the SDK may send: an SDP offer with every candidate fits well within it. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Largest SDP accepted from the SDK. */
const MAX_SDP = 32 * 1024;

const callsid = z.string().min(1).max(64);
const sdp = z.string().min(1).max(MAX_SDP);
const token = z.string().min(1).max(LIMITS.maxTokenLength);

const frame = <K extends string, P extends z.ZodType>(type: K, payload: P) =>
  z.object({ type: z.literal(type), version: z.string().max(16).optional(), payload });

/** What the SDK sends, with the fields Patchbay reads (others are allowed and ignored). */
export const compatMessage = z.discriminatedUnion('type', [
  frame('listen', z.object({ token })),
  frame('register', z.object({ media: z.object({ audio: z.boolean() }).optional() })),
  frame(
    'invite',
    z.object({
      callsid,
      sdp,
      reconnect: z.string().max(256).optional(),
      twilio: z.object({ params: z.string().max(LIMITS.maxMessageBytes).optional() }).optional(),
    }),
  ),
  frame('answer', z.object({ callsid, sdp })),
  frame('dtmf', z.object({ callsid, dtmf: z.string().min(1).max(LIMITS.maxDigits) })),
  frame('hangup', z.object({ callsid, message: z.string().max(1024).optional() })),
  frame('reject', z.object({ callsid })),
  frame('reinvite', z.object({ callsid, sdp })),
  frame('message', z.object({ callsid: callsid.optional(), voiceeventsid: z.string().max(64).optional() })),
]);

export type CompatMessage = z.infer<typeof compatMessage>;

export type ParsedCompat = { ok: true; message: CompatMessage } | { ok: false; error: DeviceError };

export function parseCompatMessage(text: string): ParsedCompat {
  if (Buffer.byteLength(text) > MAX_FRAME_BYTES)
    return { ok: false, error: new DeviceError('MalformedRequest', `message larger than ${MAX_FRAME_BYTES} bytes`) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: new DeviceError('MalformedRequest', 'message is not JSON') };
  }
  const result = compatMessage.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: new DeviceError('MalformedRequest', `${issue?.message ?? 'invalid message'}${where}`) };
}

/** A frame Patchbay sends. */
export function frameOf(type: string, payload: Record<string, unknown>): string {
  return JSON.stringify({ type, version: COMPAT_VERSION, payload });
}

/**
 * The code the SDK is told for a device error. The bridge's codes are the hosted service's; a
 * bad signature is the one the SDK knows by another number (31202, "JWT signature validation
 * failed"; the bridge's 31202 is about its own call tokens, which compat devices never see).
 */
export function hostedCode(error: DeviceError): number {
  return error.errorName === 'AccessTokenSignatureInvalid' ? 31202 : error.code;
}

/** The `{ code, message }` of an error the SDK is told. */
export function errorPayload(error: DeviceError): { code: number; message: string } {
  return { code: hostedCode(error), message: error.message.replace(/^\w+ \(\d+\): /, '') };
}

/** An `error` frame, for a call (`callsid`) or the connection. */
export function errorFrame(error: DeviceError, callsid?: string): string {
  return frameOf('error', { error: errorPayload(error), ...(callsid ? { callsid } : {}) });
}

/** `Params` of an invitation: the SDK reads `key=value&...`, decoding values only (`+` is a space). */
export function encodeParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** `twilio.params` of an outgoing invite: the query string the SDK built from `connect({ params })`. */
export function decodeParams(query: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query ?? '')) params[key] = value;
  return params;
}
