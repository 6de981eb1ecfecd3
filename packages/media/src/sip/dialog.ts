/**
 * SIP dialogs (RFC 3261 §12–§15): the state two user agents share after a 2xx to INVITE. Builds
 * in-dialog requests (CSeq, route set, remote target), answers the peer's BYE, re-INVITE (glare →
 * 491), UPDATE and INFO, and retransmits our 2xx to an INVITE until its ACK arrives. Session
 * refreshes without SDP are answered with the current session.
 *
 * @example
 * dialog.events.on('reinvite', (offer, respond) => respond(makeAnswer(offer)));
 * const answer = await dialog.reinvite(holdOffer);
 * await dialog.bye();
 */
import { EventEmitter } from 'eventemitter3';
import { AckWait } from './ack-wait.js';
import type { SipCore } from './core.js';
import type { Dialog, DialogCloseReason, DialogEvents, OfferRefusal } from './dialog-api.js';
import { SipError } from './errors.js';
import { SipHeaders } from './headers.js';
import { buildResponse, cseqOf, type SipRequest, type SipResponse } from './message.js';
import type { ServerTransaction } from './server-transaction.js';
import type { Destination, TransportName } from './transport.js';
import { formatNameAddr, formatUri, type NameAddr, parseNameAddr, type SipUri } from './uri.js';

export type { Dialog, DialogCloseReason, DialogEvents, OfferRefusal } from './dialog-api.js';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, REGISTER';

export interface DialogInit {
  callId: string;
  local: NameAddr;
  remote: NameAddr;
  remoteTarget: SipUri;
  /** Route header values in the order requests carry them. */
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  transport: TransportName;
  /** Where in-dialog requests go when the route set is empty (the flow/source for NAT'd phones). */
  dest: Destination;
  localSdp: string;
  isUac: boolean;
}

const tagOf = (na: NameAddr) => na.params.tag ?? '';

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

export class SipDialog implements Dialog {
  readonly id: string;
  readonly events = new EventEmitter<DialogEvents>();
  closed = false;
  remoteTarget: SipUri;
  localSdp: string;
  private localSeq: number;
  private remoteSeq: number | undefined;
  private outgoingInvite = false;
  /** Settles when the peer's re-INVITE we are answering has its ACK (or gave up). */
  private incomingInvite: Promise<void> | undefined;
  private lastAck: { seq: number; request: SipRequest } | undefined;
  private readonly acks: AckWait;

  constructor(
    private readonly core: SipCore,
    readonly init: DialogInit,
    private readonly onClosed: (dialog: SipDialog) => void,
  ) {
    this.id = dialogId(init.callId, tagOf(init.local), tagOf(init.remote));
    this.remoteTarget = init.remoteTarget;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.localSdp = init.localSdp;
    this.acks = new AckWait(core);
  }

  get local(): NameAddr {
    return this.init.local;
  }
  get remote(): NameAddr {
    return this.init.remote;
  }

  private destination(): Destination {
    const first = this.init.routeSet[0];
    if (first === undefined) return this.init.dest;
    const uri = parseNameAddr(first).uri;
    const transport = (uri.params.transport?.toLowerCase() as TransportName | undefined) ?? this.init.transport;
    return { transport, host: uri.host, port: uri.port ?? (transport === 'tls' ? 5061 : 5060) };
  }

  /** A new in-dialog request (§12.2.1.1). */
  request(method: string, body = '', contentType = 'application/sdp'): SipRequest {
    const h = new SipHeaders();
    h.set('via', this.core.via(this.destination().transport));
    h.set('max-forwards', '70');
    h.set('from', formatNameAddr(this.init.local));
    h.set('to', formatNameAddr(this.init.remote));
    h.set('call-id', this.init.callId);
    if (method !== 'ACK') this.localSeq++;
    h.set('cseq', `${this.localSeq} ${method}`);
    if (this.init.routeSet.length > 0) h.set('route', this.init.routeSet);
    if (method === 'INVITE' || method === 'UPDATE') h.set('contact', this.core.contactHeader(this.init.transport));
    if (body !== '') h.set('content-type', contentType);
    return { kind: 'request', method, uri: formatUri(this.remoteTarget), headers: h, body };
  }

  /** Sends the ACK for a 2xx to our INVITE with CSeq `seq`; resent when the 2xx is retransmitted. */
  ack(seq: number): void {
    if (this.lastAck?.seq !== seq) {
      const ack = this.request('ACK');
      ack.headers.set('cseq', `${seq} ACK`);
      this.lastAck = { seq, request: ack };
    }
    this.core.sendStateless(this.lastAck.request, this.destination());
  }

  /** Sends a non-INVITE or INVITE in the dialog and resolves with its final response (408 on timeout). */
  send(request: SipRequest): Promise<SipResponse> {
    return new Promise((resolve) => {
      this.core.sendRequest(request, this.destination(), {
        onResponse: (r) => {
          if (r.status >= 200) resolve(r);
          if (r.status >= 200 && r.status < 300 && request.method === 'INVITE') this.ack(cseqOf(request).seq);
        },
        onTimeout: () => resolve(buildResponse(request, 408)),
      });
    });
  }

  async bye(reason: DialogCloseReason = 'bye'): Promise<void> {
    if (this.closed) return;
    const bye = this.request('BYE');
    this.close(reason);
    await this.send(bye);
  }

  async reinvite(sdp: string, retried = false): Promise<string> {
    if (this.closed) throw new SipError('sip-closed', 'dialog closed', 'dialog.reinvite');
    if (this.outgoingInvite) throw new SipError('sip-glare', 're-INVITE already pending', 'dialog.reinvite');
    // §14.1: no new INVITE while the peer's is still open; wait for its ACK.
    while (this.incomingInvite) await this.incomingInvite;
    if (this.closed) throw new SipError('sip-closed', 'dialog closed', 'dialog.reinvite');
    this.outgoingInvite = true;
    let res: SipResponse;
    try {
      res = await this.send(this.request('INVITE', sdp));
    } finally {
      this.outgoingInvite = false;
    }
    if (res.status >= 200 && res.status < 300) {
      this.localSdp = sdp;
      this.updateTarget(res.headers.get('contact'));
      return res.body;
    }
    if (res.status === 491 && !retried) {
      // §14.1: the Call-ID owner waits 2.1–4 s, the other side 0–2 s, then tries again.
      const wait = this.init.isUac ? 2100 + Math.random() * 1900 : Math.random() * 2000;
      await new Promise<void>((resolve) => this.core.timers.setTimer(resolve, wait));
      return this.reinvite(sdp, true);
    }
    if (res.status === 481 || res.status === 408) this.close('error');
    throw new SipError('sip-rejected', `re-INVITE answered ${res.status}`, 'dialog.reinvite', { status: res.status });
  }

  private updateTarget(contact: string | undefined): void {
    if (!contact) return;
    try {
      this.remoteTarget = parseNameAddr(contact).uri;
    } catch {
      // keep the old target
    }
  }

  /** A request whose tags name this dialog (§12.2.2). */
  handleRequest(req: SipRequest, tx: ServerTransaction): void {
    const { seq } = cseqOf(req);
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq && req.method !== 'CANCEL') {
      tx.respond(buildResponse(req, 500, 'CSeq Out of Order'));
      return;
    }
    this.remoteSeq = seq;
    const ok = () => buildResponse(req, 200);
    switch (req.method) {
      case 'BYE':
        tx.respond(ok());
        this.events.emit('bye');
        this.close('remote-bye');
        return;
      case 'INVITE':
        this.handleReinvite(req, tx);
        return;
      case 'UPDATE': {
        if (req.body === '') {
          tx.respond(ok()); // session refresh
          return;
        }
        this.answerOffer(req, tx, req.body, (sdp) => {
          const res = ok();
          res.headers.set('contact', this.core.contactHeader(this.init.transport));
          res.headers.set('content-type', 'application/sdp');
          res.body = sdp;
          tx.respond(res);
        });
        return;
      }
      case 'INFO':
        tx.respond(ok());
        this.events.emit('info', req.headers.get('content-type') ?? '', req.body);
        return;
      case 'OPTIONS': {
        const res = ok();
        res.headers.set('allow', ALLOW);
        tx.respond(res);
        return;
      }
      default: {
        const res = buildResponse(req, 405);
        res.headers.set('allow', ALLOW);
        tx.respond(res);
      }
    }
  }

  /** Asks the listener for an answer to `offer`; `send` sends it, a refusal is answered 488 here. */
  private answerOffer(
    req: SipRequest,
    tx: ServerTransaction,
    offer: string | undefined,
    send: (sdp: string) => void,
    done: () => void = () => undefined,
  ): void {
    let answered = false;
    const respond = (answer: string | OfferRefusal) => {
      if (answered) return;
      answered = true;
      if (typeof answer === 'string') {
        this.localSdp = answer;
        send(answer);
        return;
      }
      const res = buildResponse(req, 488);
      res.headers.set('warning', `${answer.warning} patchbay "${answer.reason.replace(/["\\\r\n]/g, ' ')}"`);
      tx.respond(res);
      done();
    };
    if (this.events.listenerCount('reinvite') > 0) this.events.emit('reinvite', offer, respond);
    else respond(this.localSdp);
  }

  private handleReinvite(req: SipRequest, tx: ServerTransaction): void {
    if (this.outgoingInvite) {
      tx.respond(buildResponse(req, 491));
      return;
    }
    if (this.incomingInvite) {
      const res = buildResponse(req, 500);
      res.headers.set('retry-after', String(1 + Math.floor(Math.random() * 10)));
      tx.respond(res);
      return;
    }
    let settle: () => void = () => {};
    this.incomingInvite = new Promise<void>((resolve) => {
      settle = () => {
        this.incomingInvite = undefined;
        resolve();
      };
    });
    this.updateTarget(req.headers.get('contact'));
    const offer = req.body === '' ? undefined : req.body;
    const send = (sdp: string) => {
      const res = buildResponse(req, 200);
      res.headers.set('contact', this.core.contactHeader(this.init.transport));
      res.headers.set('content-type', 'application/sdp');
      res.body = sdp;
      this.sendReliable2xx(tx, res)
        .catch(() => this.bye('timeout'))
        .finally(settle);
    };
    this.answerOffer(req, tx, offer, send, settle);
  }

  /** Sends a 2xx to INVITE and retransmits it until its ACK (see `AckWait`). */
  sendReliable2xx(tx: ServerTransaction, response: SipResponse): Promise<void> {
    return this.acks.send(tx, response);
  }

  handleAck(req: SipRequest): void {
    this.acks.acked(cseqOf(req).seq);
  }

  close(reason: DialogCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.acks.closeAll();
    this.onClosed(this);
    this.events.emit('closed', reason);
  }
}
