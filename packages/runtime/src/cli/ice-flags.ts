/**
 * `patchbay serve`'s ICE settings for devices: the STUN/TURN servers handed out in the device
 * channel's welcome, and coturn's shared secret for time-limited TURN credentials (see
 * docs/webrtc.md). The secret may come from PATCHBAY_TURN_SECRET instead of the command line,
 * where other users of the machine could read it in the process list.
 */
import { checkIceUrl, MAX_ICE_URLS } from '../bridge/ice-servers.js';
import type { DeviceBridgeOptions } from '../bridge/types.js';
import { usage } from './errors.js';
import { checkInteger, type Flags, type Values } from './flags.js';

export const ICE_FLAGS = {
  'ice-server': {
    value: '<url>',
    multiple: true,
    description: `a STUN or TURN server devices use for call audio (stun:host:3478, turn:host:3478?transport=udp, turns:host:5349); at most ${MAX_ICE_URLS}`,
    check: checkIceUrl,
  },
  'turn-secret': {
    value: '<secret>',
    description:
      "coturn's static-auth-secret: TURN servers get time-limited credentials per device (or set PATCHBAY_TURN_SECRET)",
  },
  'turn-ttl': {
    value: '<seconds>',
    description: 'how long TURN credentials last (default 3600)',
    check: checkInteger(60, 86_400),
  },
} as const satisfies Flags;

/** The bridge's `ice` option from the flags (nothing when no server is given). */
export function iceOptions(
  flags: Values<typeof ICE_FLAGS>,
  env: Readonly<Record<string, string | undefined>>,
): { devices?: Pick<DeviceBridgeOptions, 'ice'> } {
  const urls = flags['ice-server'] ?? [];
  const turnSecret = flags['turn-secret'] ?? (env.PATCHBAY_TURN_SECRET || undefined);
  if (urls.length > MAX_ICE_URLS)
    throw usage('invalid-value', `--ice-server is given ${urls.length} times; at most ${MAX_ICE_URLS}`, 'serve');
  if (turnSecret !== undefined && !urls.some((url) => url.startsWith('turn')))
    throw usage('invalid-value', '--turn-secret needs a turn: or turns: --ice-server to use it', 'serve');
  if (urls.length === 0) return {};
  const ttl = flags['turn-ttl'];
  return { devices: { ice: { urls, turnSecret, ...(ttl ? { turnTtlS: Number(ttl) } : {}) } } };
}
