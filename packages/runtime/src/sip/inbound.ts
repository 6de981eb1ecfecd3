/**
 * Inbound calls to a SIP domain, in the style of api/routing.ts: a call to
 * `sip:alice@acme.sip.patchbay.local` runs the domain's VoiceUrl (with its fallback and status
 * callback) in the domain's account, and the app gets the hosted service's SIP parameters
 * beside the usual ones: `SipDomain`, `SipDomainSid`, `SipCallId`, `SipSourceIp`, `SipUsername`
 * (when a credential admitted the call) and `SipHeader_X-<name>` for each custom `X-` header.
 * Whether the INVITE may come in at all (digest or IP list) is the media side's to check first,
 * with the SipDirectory.
 *
 * @example
 * const route = sipDomainRouter(store, directory);
 * const routed = await route({ requestUri: 'sip:alice@acme.sip.patchbay.local', from: 'sip:bob@10.0.0.5',
 *   callId: 'a84b4c76e66710', sourceIp: '10.0.0.5', headers: [['X-Ticket', '42']] });
 * // routed.url is the domain's VoiceUrl; routed.params.SipDomain === 'acme.sip.patchbay.local'
 */

import { type AccountRecord, callAccount } from '../api/auth.js';
import { numberRouter } from '../api/routing.js';
import type { CallRouter } from '../calls/on-net.js';
import type { SipCallInfo } from '../media/types.js';
import type { InboundApp, Routed } from '../runtime-types.js';
import type { Store } from '../store/types.js';
import type { SipDirectory, SipDomainRoute } from './directory.js';
import type { VoiceSettings } from './records.js';

/** What the media side knows of an INVITE to a domain. */
/** The INVITE as the media adapter reports it. */
export type SipInvite = SipCallInfo;

/** A routed call to a domain, with the SIP parameters its first request carries beside the standard ones. */
export type SipRouted = Routed & { readonly params: Readonly<Record<string, string>> };

/** Custom headers passed on to the app, and their length: bounded, as any input. */
export const MAX_SIP_HEADER_PARAMS = 20;
export const MAX_SIP_HEADER_VALUE = 256;

/** The host of a `sip:`/`sips:` URI, lower case, or undefined. */
export function sipUriHost(uri: string): string | undefined {
  const match = /^sips?:(?:[^@;?]*@)?(\[[^\]]+\]|[^:;?>]+)/i.exec(uri.trim().replace(/^<|>$/g, ''));
  return match?.[1]?.toLowerCase();
}

/** The hosted service's SIP parameters for a call to `domain`. */
export function sipDomainParams(invite: SipInvite, domain: SipDomainRoute): Record<string, string> {
  const params: Record<string, string> = {
    To: invite.requestUri,
    From: invite.from,
    SipDomain: domain.domainName,
    SipDomainSid: domain.domainSid,
    SipCallId: invite.callId,
    SipSourceIp: invite.sourceIp,
    ...(invite.username ? { SipUsername: invite.username } : {}),
  };
  let passed = 0;
  for (const [name, value] of invite.headers) {
    if (!/^x-[A-Za-z0-9-]+$/i.test(name) || passed >= MAX_SIP_HEADER_PARAMS) continue;
    params[`SipHeader_${name}`] = value.slice(0, MAX_SIP_HEADER_VALUE);
    passed++;
  }
  return params;
}

/** Routes an INVITE whose Request-URI host is a domain of an active account with a VoiceUrl; undefined otherwise. */
export function sipDomainRouter(
  store: Store,
  directory: SipDirectory,
): (invite: SipInvite) => Promise<SipRouted | undefined> {
  return async (invite) => {
    const host = sipUriHost(invite.requestUri);
    const domain = host === undefined ? undefined : await directory.domainByName(host);
    if (!domain?.voice.voiceUrl) return undefined;
    const account = await store.find<AccountRecord>('account', domain.accountSid);
    if (account?.status !== 'active') return undefined;
    return {
      ...inboundAppOf(domain.voice, domain.voice.voiceUrl),
      account: callAccount(account),
      params: sipDomainParams(invite, domain),
    };
  };
}

/** The app a domain's or a trunk's voice settings run (`url`: their VoiceUrl, checked present by the caller). */
export function inboundAppOf(voice: VoiceSettings, url: string): InboundApp {
  return {
    url,
    method: voice.voiceMethod,
    ...(voice.voiceFallbackUrl
      ? { fallbackUrl: voice.voiceFallbackUrl, fallbackMethod: voice.voiceFallbackMethod }
      : {}),
    ...(voice.statusCallbackUrl
      ? { statusCallback: voice.statusCallbackUrl, statusCallbackMethod: voice.statusCallbackMethod }
      : {}),
  };
}

/**
 * Inbound routing on SIP media: a call to one of our SIP domains runs the domain's VoiceUrl; any
 * other by the number it is for (the Request-URI's user part); a number nobody here holds, from
 * an account's BYOC trunk, runs that trunk's VoiceUrl; anything else is refused.
 */
export function sipCallRouter(store: Store, directory: SipDirectory): CallRouter {
  const domains = sipDomainRouter(store, directory);
  const numbers = numberRouter(store);
  return async (call) => {
    if (!call.sip) return numbers(call);
    const sip = call.sip;
    const routed = (await domains(sip)) ?? (await numbers(call));
    if (routed) return routed;
    const trunk = await directory.trunkForSource(sip.sourceIp);
    if (!trunk?.voice.voiceUrl) return undefined;
    const account = await store.find<AccountRecord>('account', trunk.accountSid);
    if (account?.status !== 'active') return undefined;
    return { ...inboundAppOf(trunk.voice, trunk.voice.voiceUrl), account: callAccount(account) };
  };
}
