/**
 * Placing a call (the UAC side of INVITE, RFC 3261 §13.2): builds the INVITE, reports 180/183,
 * answers one digest challenge, ACKs the 2xx and returns the dialog. Aborting the signal cancels
 * (§9.1: the CANCEL waits for a provisional response) and resolves `{ outcome: 'canceled' }` at
 * once; a 2xx that races the CANCEL is ACKed and hung up.
 *
 * @example
 * const result = await placeCall(core, dialogs, 'sip:bob@127.0.0.2', { from: '+15551230000', sdp }, signal);
 * if (result.outcome === 'answered') await result.dialog.bye();
 */
import type { SipCore } from './core.js';
import { type Dialog, SipDialog } from './dialog.js';
import { authorize } from './digest.js';
import { SipError } from './errors.js';
import { SipHeaders } from './headers.js';
import { cseqOf, type SipRequest, type SipResponse } from './message.js';
import type { Destination, TransportName } from './transport.js';
import type { DialogRegistry } from './uas.js';
import { formatNameAddr, formatUri, type NameAddr, parseNameAddr, parseUri, type SipUri, toUri } from './uri.js';

export interface InviteOptions {
  /** A sip: URI or a user part (an E.164 number) on our own host. */
  from: string;
  displayName?: string;
  sdp: string;
  headers?: Record<string, string>;
  /** Answers one 401/407 challenge. */
  credentials?: { username: string; password: string };
  /** Outbound proxy or trunk: the request goes there, the Request-URI stays the target. */
  proxy?: string;
  transport?: TransportName;
  /**
   * Send here instead of resolving the target: a registered phone's `Binding.source` (its NAT
   * address, or the TCP/TLS connection it registered over). In-dialog requests follow it too.
   */
  destination?: Destination;
  /** Called at the target's first response of any kind (100 Trying too): it is alive. */
  heard?: () => void;
}

export type InviteResult =
  | { outcome: 'answered'; dialog: Dialog; sdp: string }
  | { outcome: 'failed'; status: number; reason: string }
  | { outcome: 'canceled' };

/** Headers a URI's `?name=value` part or the caller may not set: the agent owns them. */
const RESERVED = new Set([
  'via',
  'from',
  'to',
  'call-id',
  'cseq',
  'max-forwards',
  'contact',
  'content-length',
  'record-route',
  'route',
  'content-type',
]);

export function destinationOf(uri: SipUri, transport?: TransportName): Destination {
  const t =
    transport ??
    (uri.params.transport?.toLowerCase() as TransportName | undefined) ??
    (uri.scheme === 'sips' ? 'tls' : 'udp');
  if (t !== 'udp' && t !== 'tcp' && t !== 'tls') throw new SipError('sip-bad-target', `transport ${t}`, 'invite');
  return { transport: t, host: uri.host.replace(/^\[|\]$/g, ''), port: uri.port ?? (t === 'tls' ? 5061 : 5060) };
}

export function placeCall(
  core: SipCore,
  dialogs: DialogRegistry,
  target: string,
  options: InviteOptions,
  signal: AbortSignal,
  onProvisional?: (status: number, sdp?: string) => void,
): Promise<InviteResult> {
  const proxyUri = options.proxy ? parseUri(options.proxy, 'proxy') : undefined;
  const targetUri = toUri(target, proxyUri?.host ?? core.host('udp'));
  const dest = options.destination ?? destinationOf(proxyUri ?? targetUri, options.transport);
  const extra: Record<string, string> = { ...targetUri.headers, ...options.headers };
  const requestUri = formatUri({ ...targetUri, headers: {} });
  const fromUri = toUri(options.from, core.host(dest.transport));
  const local: NameAddr = { uri: fromUri, params: { tag: core.newTag() } };
  if (options.displayName !== undefined) local.displayName = options.displayName;
  const callId = core.newCallId();
  let seq = 1;

  const build = (auth?: { header: string; value: string }): SipRequest => {
    const h = new SipHeaders();
    h.set('via', core.via(dest.transport));
    h.set('max-forwards', '70');
    h.set('from', formatNameAddr(local));
    h.set('to', `<${requestUri}>`);
    h.set('call-id', callId);
    h.set('cseq', `${seq} INVITE`);
    h.set('contact', core.contactHeader(dest.transport));
    h.set('allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO');
    for (const [name, value] of Object.entries(extra)) if (!RESERVED.has(name.toLowerCase())) h.set(name, value);
    if (auth) h.set(auth.header, auth.value);
    h.set('content-type', 'application/sdp');
    return { kind: 'request', method: 'INVITE', uri: requestUri, headers: h, body: options.sdp };
  };

  return new Promise<InviteResult>((resolve) => {
    let current = build();
    let provisional = false;
    let canceled = false;
    let cancelSent = false;
    let retried = false;
    let done = false;
    const finish = (r: InviteResult) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const sendCancel = () => {
      if (cancelSent) return;
      cancelSent = true;
      const h = new SipHeaders();
      h.set('via', current.headers.get('via') ?? '');
      h.set('max-forwards', '70');
      for (const name of ['from', 'to', 'call-id']) h.set(name, current.headers.get(name) ?? '');
      h.set('cseq', `${cseqOf(current).seq} CANCEL`);
      core.sendRequest({ kind: 'request', method: 'CANCEL', uri: current.uri, headers: h, body: '' }, dest, {
        onResponse: () => {},
        onTimeout: () => {},
      });
    };
    const onAbort = () => {
      canceled = true;
      if (provisional) sendCancel();
      finish({ outcome: 'canceled' });
    };

    const onResponse = (res: SipResponse) => {
      options.heard?.();
      if (res.status < 200) {
        if (res.status > 100) provisional = true;
        if (canceled) return sendCancel();
        if (res.status > 100) onProvisional?.(res.status, res.body === '' ? undefined : res.body);
        return;
      }
      if (res.status < 300) return established(res);
      if ((res.status === 401 || res.status === 407) && options.credentials && !retried && !canceled) {
        retried = true;
        const challenges = res.headers.getAll(res.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
        const value = authorize(challenges, options.credentials, 'INVITE', requestUri);
        if (value) {
          seq++;
          current = build({ header: res.status === 401 ? 'authorization' : 'proxy-authorization', value });
          provisional = false;
          core.sendRequest(current, dest, { onResponse, onTimeout, onTransportError });
          return;
        }
      }
      finish(canceled ? { outcome: 'canceled' } : { outcome: 'failed', status: res.status, reason: res.reason });
    };
    const onTransportError = () =>
      finish(canceled ? { outcome: 'canceled' } : { outcome: 'failed', status: 503, reason: 'Service Unavailable' });
    const onTimeout = () =>
      finish(canceled ? { outcome: 'canceled' } : { outcome: 'failed', status: 408, reason: 'Request Timeout' });

    /** One dialog per To tag: a forking proxy may deliver 2xx from several phones (§13.2.2.4). */
    const forks = new Map<string, SipDialog>();
    const established = (res: SipResponse) => {
      let remote: NameAddr;
      let remoteTarget: SipUri;
      try {
        remote = parseNameAddr(res.headers.get('to') ?? '', 'header To');
        remoteTarget = parseNameAddr(res.headers.get('contact') ?? '', 'header Contact').uri;
      } catch {
        remote = { uri: targetUri, params: { tag: '' } };
        remoteTarget = targetUri;
      }
      const tag = remote.params.tag ?? '';
      const known = forks.get(tag);
      if (known) return known.ack(cseqOf(current).seq); // 2xx retransmission
      const dialog = new SipDialog(
        core,
        {
          callId,
          local,
          remote,
          remoteTarget,
          routeSet: res.headers.getAll('record-route').reverse(),
          localSeq: cseqOf(current).seq,
          remoteSeq: undefined,
          transport: dest.transport,
          dest: proxyUri || options.destination ? dest : destinationOf(remoteTarget, dest.transport),
          localSdp: options.sdp,
          isUac: true,
        },
        (d) => dialogs.remove(d),
      );
      forks.set(tag, dialog);
      dialogs.add(dialog);
      dialog.ack(cseqOf(current).seq);
      if (canceled || done) {
        // Canceled meanwhile, or a second fork answered: acknowledge and hang up.
        void dialog.bye();
        return finish({ outcome: 'canceled' });
      }
      finish({ outcome: 'answered', dialog, sdp: res.body });
    };

    if (signal.aborted) return finish({ outcome: 'canceled' });
    signal.addEventListener('abort', onAbort, { once: true });
    core.sendRequest(current, dest, { onResponse, onTimeout, onTransportError });
  });
}
