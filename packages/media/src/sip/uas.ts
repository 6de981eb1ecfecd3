/**
 * An incoming call as the application sees it (the UAS side of INVITE, RFC 3261 §13.3): already
 * authorized and answered 100 Trying by the agent; the application rings, answers or rejects it.
 * Answering starts the dialog and retransmits the 200 until the caller's ACK; a caller that never
 * ACKs gets a BYE after 64*T1 and `answer()` rejects.
 *
 * @example
 * agent.on('invite', async (call) => {
 *   call.ring();
 *   const dialog = await call.answer(localSdp);
 *   dialog.events.on('closed', (reason) => ...);
 * });
 */
import { EventEmitter } from 'eventemitter3';
import type { SipCore } from './core.js';
import { type Dialog, SipDialog } from './dialog.js';
import { SipError } from './errors.js';
import { buildResponse, cseqOf, type SipRequest } from './message.js';
import type { ServerTransaction } from './server-transaction.js';
import type { Source } from './transport.js';
import { type NameAddr, parseNameAddr, parseUri, type SipUri } from './uri.js';

export interface IncomingCall {
  readonly request: SipRequest;
  readonly source: Source;
  /** The digest user, when the agent challenged the INVITE. */
  readonly user?: string;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly requestUri: SipUri;
  /** The SDP offer, when the INVITE carried one. */
  readonly offer?: string;
  readonly events: EventEmitter<{ cancel: () => void }>;
  /** 180 Ringing, or 183 Session Progress with early-media SDP. */
  ring(earlySdp?: string): void;
  answer(sdp: string): Promise<Dialog>;
  reject(status: number, reason?: string): void;
}

export interface DialogRegistry {
  add(dialog: SipDialog): void;
  remove(dialog: SipDialog): void;
}

export class IncomingInvite implements IncomingCall {
  readonly events = new EventEmitter<{ cancel: () => void }>();
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly requestUri: SipUri;
  readonly offer?: string;
  readonly user?: string;
  private readonly toTag: string;
  private done = false;
  /** Called once when the call is answered, rejected or canceled. */
  onFinished: (() => void) | undefined;

  private get finished(): boolean {
    return this.done;
  }
  private set finished(value: boolean) {
    if (value && !this.done) {
      this.done = true;
      this.onFinished?.();
    }
  }

  constructor(
    private readonly core: SipCore,
    private readonly dialogs: DialogRegistry,
    readonly request: SipRequest,
    private readonly tx: ServerTransaction,
    user: string | undefined,
  ) {
    this.from = parseNameAddr(request.headers.get('from') ?? '', 'header From');
    this.to = parseNameAddr(request.headers.get('to') ?? '', 'header To');
    this.requestUri = parseUri(request.uri, 'request URI');
    if (request.body !== '') this.offer = request.body;
    if (user !== undefined) this.user = user;
    this.toTag = core.newTag();
  }

  get source(): Source {
    return this.tx.source;
  }

  ring(earlySdp?: string): void {
    if (this.finished) return;
    const res = buildResponse(this.request, earlySdp ? 183 : 180, undefined, this.toTag);
    res.headers.set('contact', this.core.contactHeader(this.source.transport));
    if (earlySdp) {
      res.headers.set('content-type', 'application/sdp');
      res.body = earlySdp;
    }
    this.tx.respond(res);
  }

  reject(status: number, reason?: string): void {
    if (this.finished) return;
    if (status < 300 || status > 699) throw new SipError('sip-rejected', `cannot reject with ${status}`, 'call.reject');
    this.finished = true;
    this.tx.respond(buildResponse(this.request, status, reason, this.toTag));
  }

  /** CANCEL arrived for this INVITE (§9.2): 487 if still unanswered. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.tx.respond(buildResponse(this.request, 487, undefined, this.toTag));
    this.events.emit('cancel');
  }

  async answer(sdp: string): Promise<Dialog> {
    if (this.finished) throw new SipError('sip-dialog', 'call already ended', 'call.answer');
    this.finished = true;
    const source = this.source;
    const res = buildResponse(this.request, 200, undefined, this.toTag);
    const rr = this.request.headers.getAll('record-route');
    if (rr.length > 0) res.headers.set('record-route', rr);
    res.headers.set('contact', this.core.contactHeader(source.transport));
    res.headers.set('allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO');
    res.headers.set('content-type', 'application/sdp');
    res.body = sdp;
    const contact = this.request.headers.get('contact');
    const dialog = new SipDialog(
      this.core,
      {
        callId: this.request.headers.get('call-id') ?? '',
        local: { ...this.to, params: { ...this.to.params, tag: this.toTag } },
        remote: this.from,
        remoteTarget: contact ? parseNameAddr(contact, 'header Contact').uri : parseUri(this.request.uri),
        routeSet: rr,
        localSeq: 0,
        remoteSeq: cseqOf(this.request).seq,
        transport: source.transport,
        dest: {
          transport: source.transport,
          host: source.address,
          port: source.port,
          ...(source.flowId ? { flowId: source.flowId } : {}),
        },
        localSdp: sdp,
        isUac: false,
      },
      (d) => this.dialogs.remove(d),
    );
    this.dialogs.add(dialog);
    try {
      await dialog.sendReliable2xx(this.tx, res);
    } catch (e) {
      await dialog.bye('timeout');
      throw e;
    }
    return dialog;
  }
}
