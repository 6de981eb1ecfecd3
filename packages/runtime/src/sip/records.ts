/**
 * What the store keeps for SIP: domains (the hosted API's SIP Domains), the credential lists and
 * IP access control lists that guard them, the mappings between the two, and trunks to carriers
 * (the hosted voice v1 API's BYOC trunks, connection policies and their targets). The REST
 * resources write these records; the SIP directory (directory.ts) reads them for the media side.
 */
import type { StoredRecord } from '../store/types.js';

type Method = 'GET' | 'POST';

/** Where a domain's or a trunk's inbound calls go. An absent URL means none is set. */
export interface VoiceSettings {
  readonly voiceUrl?: string;
  readonly voiceMethod: Method;
  readonly voiceFallbackUrl?: string;
  readonly voiceFallbackMethod: Method;
  readonly statusCallbackUrl?: string;
  readonly statusCallbackMethod: Method;
}

export const DEFAULT_VOICE_METHODS = {
  voiceMethod: 'POST',
  voiceFallbackMethod: 'POST',
  statusCallbackMethod: 'POST',
} as const satisfies Partial<VoiceSettings>;

interface Named extends StoredRecord {
  readonly friendlyName: string;
  readonly updatedAt: number;
}

export interface SipDomainRecord extends Named, VoiceSettings {
  /** Lower case, unique on the server, ending in the server's domain suffix. */
  readonly domainName: string;
  readonly sipRegistration: boolean;
  readonly byocTrunkSid?: string;
}

/** Which authentication a mapping gives a domain: calls by credentials or by source address, registrations by credentials. */
export type SipMappingType = 'calls-credential-list' | 'calls-ip-acl' | 'registrations-credential-list';

/** A list mapped to a domain. Its SID is `<domain>:<type>:<list>`; the API shows the list's SID, as the hosted API does. */
export interface SipMappingRecord extends StoredRecord {
  readonly domainSid: string;
  readonly type: SipMappingType;
  readonly listSid: string;
  readonly updatedAt: number;
}

export type SipCredentialListRecord = Named;

export interface SipCredentialRecord extends StoredRecord {
  readonly credentialListSid: string;
  readonly username: string;
  /** The password, sealed by the server's SecretBox (secret-box.ts): never returned by the API. */
  readonly sealedPassword: string;
  readonly updatedAt: number;
}

export type SipIpAclRecord = Named;

export interface SipIpAddressRecord extends Named {
  readonly ipAccessControlListSid: string;
  readonly ipAddress: string;
  readonly cidrPrefixLength: number;
}

export interface ByocTrunkRecord extends Named, VoiceSettings {
  readonly cnamLookupEnabled: boolean;
  readonly connectionPolicySid?: string;
  readonly fromDomainSid?: string;
  /** Patchbay's addition: what to answer a carrier that challenges our INVITEs (write-only). */
  readonly authUsername?: string;
  readonly sealedAuthPassword?: string;
}

export type ConnectionPolicyRecord = Named;

export interface ConnectionPolicyTargetRecord extends Named {
  readonly connectionPolicySid: string;
  /** `sip:host[:port][;params]` as given. */
  readonly target: string;
  /** The target's host, lower case. */
  readonly host: string;
  /** The host's IPv4 address when the target was written (the host itself for an address), for matching sources. */
  readonly address?: string;
  readonly priority: number;
  readonly weight: number;
  readonly enabled: boolean;
}

/**
 * How many of each an account (or a list) may hold, refused past them with 59200: the hosted
 * service allows 1,000 IP access control lists of 100 addresses each; the rest follow suit.
 */
export const SIP_CAPS = {
  domains: 100,
  credentialLists: 1000,
  credentialsPerList: 1000,
  ipAcls: 1000,
  ipAddressesPerList: 100,
  mappingsPerDomain: 100,
  trunks: 100,
  connectionPolicies: 100,
  targetsPerPolicy: 100,
} as const;
