/**
 * The server's SIP settings the REST API needs: the suffix every SIP domain name ends in, and
 * the box that seals SIP passwords. The hosted API requires `*.sip.twilio.com`; a self-hosted
 * server owns its own DNS, so the suffix is the operator's (`--sip-domain-suffix`): point a
 * wildcard DNS record for it at the server, and phones reach `<name>.<suffix>`.
 */
import { SecretBox } from './secret-box.js';

/** The suffix domain names end in when the operator chose none. */
export const DEFAULT_SIP_DOMAIN_SUFFIX = 'sip.patchbay.local';

export interface SipApiSettings {
  /** Lower case, without a leading dot. @default DEFAULT_SIP_DOMAIN_SUFFIX */
  readonly domainSuffix: string;
  /** @default a random key for this process */
  readonly secrets: SecretBox;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** What is wrong with a domain suffix (or a domain name), or undefined: DNS labels of letters, digits and '-'. */
export function hostnameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253) return 'must be 1 to 253 characters';
  const bad = name.split('.').find((label) => !LABEL.test(label));
  return bad === undefined ? undefined : `"${bad}" is not a DNS label (letters, digits and '-', not first nor last)`;
}

export function sipApiSettings(given: Partial<SipApiSettings> = {}): SipApiSettings {
  return {
    domainSuffix: (given.domainSuffix ?? DEFAULT_SIP_DOMAIN_SUFFIX).toLowerCase().replace(/^\./, ''),
    secrets: given.secrets ?? new SecretBox(),
  };
}
