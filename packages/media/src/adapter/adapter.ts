/**
 * The runtime's `MediaAdapter` over real SIP and RTP: `patchbay serve --media sip`. INVITEs that
 * `Access` lets in become inbound legs (`incoming`); `originate` places INVITEs where `routesOf`
 * says (a registered phone, a SIP URI, a trunk's targets in turn: originate.ts), passing a far
 * end's early media to the waiting caller; `link` keeps on-net calls inside (link.ts); bridges
 * and conferences are the engine's; `openTrunk` carries a conference caller to another node's
 * engine over RTP (trunk-rtp.ts). Every call carries real audio: prompts are rendered
 * (`Prompts`) and played by the engine. Trunks that need it are kept registered (trunks.ts).
 *
 * @example
 * const media = await SipMediaAdapter.start({ listen: [{ transport: 'udp', host: '127.0.0.1', port: 5060 }],
 *   rtpPorts: [10000, 20000], allow: ['127.0.0.0/8'], prompts });
 * createRuntime({ media, ... });
 */
import { randomUUID } from 'node:crypto';
import type {
  AdapterEvents,
  Bridge,
  BridgeOptions,
  DeviceLeg,
  DeviceLegRequest,
  LinkedCall,
  MediaAdapter,
  MediaCapabilities,
  MediaLeg,
  Mixer,
  OriginateOutcome,
  OriginateRequest,
  RtpTrunk,
  SipDirectory,
} from '@patchbay/runtime';
import { EventEmitter } from 'eventemitter3';
import { encodeWav } from '../audio/index.js';
import { MediaEngine } from '../engine/index.js';
import { formatUri, type IncomingCall, Registrar, SipAgent, type SipAgentOptions, type SipUri } from '../sip/index.js';
import type { WebRtcTransport } from '../webrtc/index.js';
import { Access } from './access.js';
import { DeviceMediaLeg } from './device-leg.js';
import { linkLegs } from './link.js';
import { SipMixer } from './mixer.js';
import { DEFAULT_TARGET_SILENCE_MS, type Outbound, originate } from './originate.js';
import type { Prompts } from './prompts.js';
import { answerable } from './reinvite.js';
import { SipLeg } from './sip-leg.js';
import { openRtpTrunk } from './trunk-rtp.js';
import { registerTrunks, type Trunk } from './trunks.js';
import { splitPorts, type WebRtcMediaOptions, webRtcTransport } from './webrtc-options.js';

export type { Trunk };

export interface SipMediaOptions {
  readonly listen: SipAgentOptions['listen'];
  /** The address written into SDP and SIP headers when the server is behind NAT. @default the listen address */
  readonly publicAddress?: string | undefined;
  /** RTP ports (even ones, each with the next for RTCP). */
  readonly rtpPorts: readonly [number, number];
  /** Sources whose INVITEs need no digest (CIDR blocks). */
  readonly allow: readonly string[];
  readonly trunks?: readonly Trunk[];
  readonly directory?: SipDirectory | undefined;
  readonly prompts: Prompts;
  /** Media worker threads. @default one per core */
  readonly workers?: number;
  /** Problems the operator should see while the server runs (a trunk refusing our REGISTER). */
  readonly warn?: ((message: string) => void) | undefined;
  /**
   * A call whose far end sends no RTP for this long is hung up (a trunk or phone that vanished
   * without a BYE); 0 turns it off. @default 30000
   */
  readonly rtpTimeoutMs?: number;
  /**
   * SIP requests one source address may send per second; past it 503 with Retry-After, past
   * twice it silently dropped (scanner floods). 0 turns it off. @default 50
   */
  readonly requestsPerSecondPerSource?: number;
  /**
   * WebRTC for client devices (webrtc-options.ts): its own UDP port range, STUN/TURN servers,
   * the driver; `false` turns it off. @default on, with the top quarter of `rtpPorts`
   */
  readonly webrtc?: WebRtcMediaOptions | false;
  /**
   * A trunk target that sends no response at all (not even 100 Trying) for this long is given up
   * for the call's next target; the last target is waited for until the ring timeout. @default 5000
   */
  readonly targetSilenceMs?: number;
}

/** See `SipMediaOptions.rtpTimeoutMs`. */
export const DEFAULT_RTP_TIMEOUT_MS = 30_000;
/** See `SipMediaOptions.requestsPerSecondPerSource`: well above a phone's or a small trunk's rate. */
export const DEFAULT_REQUESTS_PER_SECOND_PER_SOURCE = 50;

/** The E.164 number a SIP URI's user part holds (`+15550100100`, or digits a trunk sends without the plus). */
function numberOf(uri: SipUri): string | undefined {
  const user = uri.user ?? '';
  if (!/^\+?[1-9][0-9]{6,14}$/.test(user)) return undefined;
  return user.startsWith('+') ? user : `+${user}`;
}

export class SipMediaAdapter implements MediaAdapter {
  readonly name = 'sip';
  readonly events = new EventEmitter<AdapterEvents>();
  readonly capabilities: MediaCapabilities;
  private readonly legs = new Set<SipLeg>();
  private readonly access: Access;
  private readonly outbound: Outbound;

  private constructor(
    readonly agent: SipAgent,
    readonly engine: MediaEngine,
    readonly registrar: Registrar,
    private readonly options: SipMediaOptions,
    readonly webrtc: WebRtcTransport | undefined,
  ) {
    this.access = new Access({ allow: options.allow, directory: options.directory });
    this.capabilities = {
      webrtc: webrtc !== undefined,
      dtmf: true,
      speech: false,
      tts: options.prompts.speaks,
      play: true,
      record: true,
      conference: true,
      originate: ['number', 'sip'],
    };
    this.outbound = {
      agent,
      engine,
      prompts: options.prompts,
      where: { directory: options.directory, registrar, trunks: options.trunks ?? [] },
      targetSilenceMs: options.targetSilenceMs ?? DEFAULT_TARGET_SILENCE_MS,
      advertised: (local) => this.advertised(local),
      track: (leg) => this.track(leg),
    };
    // Whatever goes wrong with one INVITE is that call's failure, never the server's.
    agent.on('invite', (call) => void this.incoming(call).catch(() => call.reject(500)));
  }

  static async start(options: SipMediaOptions): Promise<SipMediaAdapter> {
    // RTP binds where SIP listens first (all interfaces when that is 0.0.0.0).
    const bindAddress = options.listen[0]?.host ?? '127.0.0.1';
    const ports = splitPorts(options.rtpPorts, options.webrtc);
    const engine = await MediaEngine.start({
      bindAddress,
      ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
      rtpPorts: ports.rtp,
      rtpTimeoutMs: options.rtpTimeoutMs ?? DEFAULT_RTP_TIMEOUT_MS,
      ...(options.workers ? { workers: options.workers } : {}),
    });
    let access: Access | undefined;
    try {
      const registrar = new Registrar();
      const agent = await SipAgent.start({
        listen: options.listen,
        registrar,
        ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
        authorize: (request, source) => (access as Access).decide(request, source.address),
        requestsPerSecondPerSource: options.requestsPerSecondPerSource ?? DEFAULT_REQUESTS_PER_SECOND_PER_SOURCE,
      });
      const webrtc = webRtcTransport(options.webrtc, bindAddress, ports.webrtc, options.publicAddress);
      const adapter = new SipMediaAdapter(agent, engine, registrar, options, webrtc);
      access = adapter.access;
      registerTrunks(agent, options.trunks ?? [], options.warn ?? (() => undefined));
      return adapter;
    } catch (error) {
      await engine.close();
      throw error;
    }
  }

  /** An authorized INVITE: negotiate its media and hand the leg to the runtime. */
  private async incoming(call: IncomingCall): Promise<void> {
    if (call.offer === undefined) {
      call.reject(488, 'An SDP offer is required');
      return;
    }
    const media = await this.engine.openLeg().catch(() => undefined);
    if (!media) {
      call.reject(503, 'No media ports free');
      return;
    }
    const answer = answerable(call.offer, { address: this.advertised(media.localAddress), port: media.localPort });
    if ('reject' in answer) {
      call.reject(488, answer.reason);
      await media.close();
      return;
    }
    media.configure(answer.media);
    call.ring();
    const leg = this.track(
      new SipLeg(randomUUID(), media, this.options.prompts, { incoming: call, answerSdp: answer.sdp }),
    );
    const requestUri = formatUri(call.requestUri);
    const from = formatUri(call.from.uri);
    this.events.emit('incoming', leg, {
      to: numberOf(call.requestUri) ?? requestUri,
      from: numberOf(call.from.uri) ?? from,
      sip: {
        requestUri,
        from,
        callId: call.request.headers.get('call-id') ?? '',
        sourceIp: call.source.address,
        headers: call.request.headers.entries(),
        ...(call.user ? { username: call.user } : {}),
      },
    });
  }

  originate(request: OriginateRequest, signal: AbortSignal, onRinging?: () => void): Promise<OriginateOutcome> {
    return originate(this.outbound, request, signal, onRinging);
  }

  /** A client device's leg: WebRTC audio when the request carries SDP (device-leg.ts). */
  deviceLeg(request: DeviceLegRequest): DeviceLeg {
    const perMinute = this.options.webrtc ? this.options.webrtc.renegotiationsPerMinute : undefined;
    const leg = new DeviceMediaLeg(
      this.engine,
      this.webrtc,
      this.options.prompts,
      request,
      perMinute === undefined ? undefined : { max: perMinute },
    );
    this.track(leg);
    return leg;
  }

  /** An on-net call: two engine legs back to back (link.ts). */
  link(request: OriginateRequest, signal: AbortSignal, onRinging?: () => void): LinkedCall {
    const host = this.options.listen[0]?.host ?? '127.0.0.1';
    const loopback = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    return linkLegs(this.engine, this.options.prompts, loopback, request, signal, onRinging, (leg) => this.track(leg));
  }

  /** One end of an RTP trunk to another node's engine, at this node's advertised address (trunk-rtp.ts). */
  openTrunk(_request: { readonly address: string }): Promise<RtpTrunk> {
    return openRtpTrunk(
      this.engine,
      this.options.prompts,
      (local) => this.advertised(local),
      (leg) => this.track(leg),
    );
  }

  bridge(a: MediaLeg, b: MediaLeg, options: BridgeOptions = {}): Bridge {
    const connection = this.engine.bridge(
      (a as SipLeg).media,
      (b as SipLeg).media,
      options.record ? { record: options.record } : {},
    );
    return {
      async close() {
        const recorded = await connection.close();
        if (!recorded) return undefined;
        const channels = recorded instanceof Int16Array ? [recorded] : [recorded.left, recorded.right];
        return {
          audio: encodeWav(channels, 8000),
          durationMs: Math.round(((channels[0]?.length ?? 0) / 8000) * 1000),
          endedBy: 'hangup' as const,
        };
      },
    };
  }

  createMixer(_name: string): Mixer {
    return new SipMixer(this.engine.createMixer(), this.options.prompts);
  }

  async close(): Promise<void> {
    await Promise.all([...this.legs].map((leg) => leg.hangup()));
    await this.agent.close();
    await this.webrtc?.close();
    await this.engine.close();
  }

  private track(leg: SipLeg): SipLeg {
    this.legs.add(leg);
    leg.events.once('hangup', () => this.legs.delete(leg));
    return leg;
  }

  private advertised(local: string): string {
    return this.options.publicAddress ?? local;
  }
}
