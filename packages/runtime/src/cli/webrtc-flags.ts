/**
 * `patchbay serve`'s WebRTC flags (device audio with `--media sip`): its UDP ports, its driver,
 * the address its candidates name behind NAT, or none at all. Each value is checked where the
 * flag is declared; what spans flags (WebRTC without `--media sip`, `--no-webrtc` with another
 * WebRTC flag, ports overlapping `--rtp-ports`) is checked by `withWebRtc`, a usage error (exit 2)
 * naming the flags.
 *
 * @example
 * const media = withWebRtc(mediaOptions(flags, env), flags);
 */
import { isIP } from 'node:net';
import type { MediaOptions } from '../sip/media-options.js';
import { usage } from './errors.js';
import type { Flags, Values } from './flags.js';
import { rtpPorts as ports } from './sip-flags.js';

export const WEBRTC_FLAGS = {
  'webrtc-ports': {
    value: '<lo>-<hi>',
    description: 'the UDP ports of device audio (WebRTC), one per call leg (default: the top quarter of --rtp-ports)',
    check: (value: string) => {
      const parsed = ports(value);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  },
  'webrtc-driver': {
    value: '<driver>',
    choices: ['node-datachannel', 'werift'],
    description: 'what terminates WebRTC: node-datachannel (default, native) or werift (pure TypeScript)',
  },
  'webrtc-address': {
    value: '<ip>',
    description:
      'the address put in WebRTC candidates, a public one behind 1:1 NAT (default: --public-address when it is an IP, else the listening address)',
    check: (value: string) => (isIP(value) ? undefined : `"${value}" is not an IPv4 or IPv6 address`),
  },
  'no-webrtc': { description: 'no device audio: WebRTC off, every --rtp-ports port for SIP' },
} as const satisfies Flags;

/** `media` with the WebRTC settings the flags give (each value checked already). */
export function withWebRtc(media: MediaOptions, values: Values<typeof WEBRTC_FLAGS>): MediaOptions {
  const given = (['webrtc-ports', 'webrtc-driver', 'webrtc-address'] as const).filter((n) => values[n] !== undefined);
  if (media.kind !== 'sip') {
    const first = given[0] ?? (values['no-webrtc'] ? 'no-webrtc' : undefined);
    if (first)
      throw usage('invalid-value', `--${first} is for --media sip (the simulated network has no WebRTC)`, 'serve');
    return media;
  }
  if (values['no-webrtc']) {
    if (given[0]) throw usage('invalid-value', `--no-webrtc and --${given[0]} contradict each other`, 'serve');
    return { ...media, webrtc: false };
  }
  if (given.length === 0) return media;
  const range = values['webrtc-ports'] ? (ports(values['webrtc-ports']) as { min: number; max: number }) : undefined;
  if (range && range.min <= media.rtpPorts.max && media.rtpPorts.min <= range.max) {
    throw usage(
      'invalid-value',
      `--webrtc-ports ${range.min}-${range.max} overlaps --rtp-ports ${media.rtpPorts.min}-${media.rtpPorts.max}: give each its own ports`,
      'serve',
    );
  }
  const driver = values['webrtc-driver'] as 'node-datachannel' | 'werift' | undefined;
  return {
    ...media,
    webrtc: {
      ...(range ? { ports: range } : {}),
      ...(driver ? { driver } : {}),
      ...(values['webrtc-address'] ? { address: values['webrtc-address'] } : {}),
    },
  };
}
