/**
 * SIP signaling for @patchbay/media (RFC 3261, 3581, 6026, 7616): the agent the adapter drives,
 * dialogs, a registrar, and the message, URI and digest building blocks.
 *
 * Exports: the agent (`SipAgent`, calls both ways, OPTIONS, REGISTER) with its dialogs, incoming
 * calls and registrations; `Registrar`; time (`Timers`, `VirtualTimers`, RFC 3261 timer values);
 * messages, URIs and digest; typed errors (`SipError`, `SipParseError`).
 *
 * @example
 * import { SipAgent } from './sip/index.js';
 * const agent = await SipAgent.start({ listen: [{ transport: 'udp', host: '0.0.0.0', port: 5060 }] });
 */

export { SipAgent, type SipAgentCounters, type SipAgentEvents, type SipAgentOptions } from './agent.js';
export type { AuthDecision, AuthorizeFn } from './authorize.js';
export type { Dialog, DialogCloseReason, DialogEvents, OfferRefusal } from './dialog.js';
export { authorize as digestAuthorization, DigestServer, digestResponse } from './digest.js';
export { SipError, type SipErrorCode, type SipParseCode, SipParseError } from './errors.js';
export { SipHeaders } from './headers.js';
export { locateServers, MAX_SERVERS, orderSrv, type SipResolver, systemSipResolver } from './locate.js';
export {
  buildResponse,
  parseMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  serialize,
} from './message.js';
export { type Binding, Registrar, type RegistrarOptions } from './registrar.js';
export { type RegisterOptions, Registration } from './registration.js';
export { DEFAULT_TIMER_CONFIG, realTimers, type TimerConfig, type Timers, VirtualTimers } from './timers.js';
export type { BoundAddress, Destination, ListenSpec, Source, TransportName } from './transport.js';
export type { InviteOptions, InviteResult } from './uac.js';
export type { IncomingCall } from './uas.js';
export { formatNameAddr, formatUri, type NameAddr, parseNameAddr, parseUri, type SipUri } from './uri.js';
