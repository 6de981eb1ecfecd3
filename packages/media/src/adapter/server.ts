/**
 * `patchbay serve --media sip`: the server's entry into this package. Turns the serve flags
 * (the runtime's `SipMediaOptions`) into a started `SipMediaAdapter`: SIP on the listen
 * addresses (TLS with the certificate given), RTP in the port range, trunks' addresses let in,
 * prompts rendered by espeak-ng when it is installed (a warning at start when it is not: `<Say>`
 * is then skipped with 13520 on the call, never silence without a reason).
 *
 * @example
 * const { startSipMedia } = await import('@patchbay/media');
 * const media = await startSipMedia(options.media, { directory, egress, warn });
 */

import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { SipMediaDeps, SipMediaOptions, StartedSipMedia } from '@patchbay/runtime';
import { AudioFetcher } from '../play/index.js';
import { locateServers, parseUri, type SipAgentOptions, systemSipResolver } from '../sip/index.js';
import { CachedTts, EspeakTts, type TextToSpeech } from '../tts/index.js';
import { SipMediaAdapter, type Trunk } from './adapter.js';
import { Prompts } from './prompts.js';
import { keepRegistrations } from './registrations.js';
import { splitPorts, type WebRtcMediaOptions } from './webrtc-options.js';

/** The engine behind `<Say>`, when one is installed; else a warning for the operator. */
async function speechEngine(warn: (message: string) => void): Promise<TextToSpeech | undefined> {
  const espeak = new EspeakTts();
  const check = await espeak.check();
  if (check.ok) return new CachedTts(espeak);
  warn(
    `no text-to-speech engine (${check.reason}): <Say> is skipped with warning 13520 on the call; install espeak-ng`,
  );
  return undefined;
}

/** The trunks' addresses (every server their DNS publishes, and the host's own), as sources that may call in without digest. */
async function trunkSources(trunks: readonly Trunk[]): Promise<string[]> {
  const blocks = new Set<string>();
  const resolver = systemSipResolver();
  for (const trunk of trunks) {
    const uri = parseUri(trunk.uri);
    const host = uri.host.replace(/^\[|\]$/g, '');
    const located = await locateServers(uri, resolver).catch(() => []);
    for (const server of located) blocks.add(server.host);
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
    for (const address of addresses) blocks.add(address);
  }
  return [...blocks];
}

export async function startSipMedia(options: SipMediaOptions, deps: SipMediaDeps): Promise<StartedSipMedia> {
  const listen: Array<SipAgentOptions['listen'][number]> = options.listen.flatMap((at) =>
    at.transports.map((transport) => ({ transport, host: at.host, port: at.port })),
  );
  if (options.tls) {
    const [cert, key] = await Promise.all([
      readFile(options.tls.certFile, 'utf8'),
      readFile(options.tls.keyFile, 'utf8'),
    ]);
    for (const at of options.tls.listen) listen.push({ transport: 'tls', host: at.host, port: at.port, cert, key });
  }
  const trunks: Trunk[] = options.trunks.map((trunk) => ({
    name: trunk.name,
    uri: trunk.uri,
    ...(trunk.credentials ? { credentials: trunk.credentials } : {}),
    ...(trunk.register ? { register: true } : {}),
  }));
  const allow = [
    ...options.allow.map(({ address, prefix }) => `${address}/${prefix}`),
    ...(await trunkSources(trunks)),
  ];
  const prompts = new Prompts({
    tts: await speechEngine(deps.warn),
    fetcher: new AudioFetcher({ egress: deps.egress }),
  });
  const adapter = await SipMediaAdapter.start({
    listen,
    ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
    rtpPorts: [options.rtpPorts.min, options.rtpPorts.max],
    allow,
    trunks,
    directory: deps.directory,
    prompts,
    ...(options.rtpTimeoutMs === undefined ? {} : { rtpTimeoutMs: options.rtpTimeoutMs }),
    ...(options.requestsPerSecondPerSource === undefined
      ? {}
      : { requestsPerSecondPerSource: options.requestsPerSecondPerSource }),
    webrtc: webRtcOptions(options.webrtc),
    warn: deps.warn,
  });
  await keepRegistrations(adapter.registrar, deps.registrations, deps.warn);
  const listening = adapter.agent.addresses.map((at) => `sip ${at.transport} ${at.host}:${at.port}`);
  const { priority } = adapter.engine;
  const ports = splitPorts([options.rtpPorts.min, options.rtpPorts.max], webRtcOptions(options.webrtc));
  listening.push(`rtp ${ports.rtp[0]}-${ports.rtp[1]} (audio threads ${priority.level})`);
  const webrtc = adapter.webrtc;
  if (ports.webrtc && webrtc) {
    const [lo, hi] = ports.webrtc;
    listening.push(`webrtc (devices, ${webrtc.name}) udp ${lo}-${hi}, candidates ${webrtc.address}`);
  }
  if (priority.reason && priority.level === 'normal') deps.warn(priority.reason);
  return { adapter, listening, close: () => adapter.close() };
}

/** The server's WebRTC settings as the adapter takes them. */
function webRtcOptions(webrtc: SipMediaOptions['webrtc']): WebRtcMediaOptions | false {
  if (webrtc === undefined) return {};
  if (webrtc === false) return false;
  return {
    ...(webrtc.ports ? { ports: [webrtc.ports.min, webrtc.ports.max] as const } : {}),
    ...(webrtc.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: webrtc.connectTimeoutMs }),
    ...(webrtc.iceServers ? { iceServers: webrtc.iceServers } : {}),
    ...(webrtc.driver ? { driver: webrtc.driver } : {}),
    ...(webrtc.address ? { publicAddress: webrtc.address } : {}),
  };
}
