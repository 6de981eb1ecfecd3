/**
 * Access tokens for client devices: a JWT signed with an API key's secret that names an
 * identity and what it may do (receive calls, place calls through an application). Same format
 * and same surface as the widely used helper library, so tokens minted by either work with
 * Patchbay and apps can switch by changing an import.
 *
 * Signing is synchronous (`toJwt()`), as apps expect: HMAC over the two encoded parts with
 * node:crypto. (jose, which the runtime uses to verify, only signs asynchronously.)
 *
 * @example
 * const token = new AccessToken(accountSid, keySid, keySecret, { identity: 'alice', ttl: 3600 });
 * token.addGrant(new VoiceGrant({ incomingAllow: true, outgoingApplicationSid: 'AP...' }));
 * res.json({ token: token.toJwt() });
 */
import { createHmac } from 'node:crypto';
import { base64url } from './jwt.js';

/** Longest lifetime Patchbay accepts (24 hours), in seconds. */
export const MAX_TOKEN_TTL_S = 86_400;

export interface VoiceGrantOptions {
  /** Let the identity receive calls (`<Dial><Client>`). */
  readonly incomingAllow?: boolean;
  /** The application whose VoiceUrl runs when the device places a call. */
  readonly outgoingApplicationSid?: string;
  /** Parameters sent to that application with every call the device places. */
  readonly outgoingApplicationParams?: Readonly<Record<string, string>>;
  readonly pushCredentialSid?: string;
  readonly endpointId?: string;
}

/** What a token lets its identity do with calls. */
export class VoiceGrant {
  readonly key = 'voice';
  constructor(readonly options: VoiceGrantOptions = {}) {}

  toPayload(): Record<string, unknown> {
    const { incomingAllow, outgoingApplicationSid, outgoingApplicationParams, pushCredentialSid, endpointId } =
      this.options;
    const payload: Record<string, unknown> = {};
    if (incomingAllow === true) payload.incoming = { allow: true };
    if (outgoingApplicationSid) {
      payload.outgoing = {
        application_sid: outgoingApplicationSid,
        ...(outgoingApplicationParams ? { params: outgoingApplicationParams } : {}),
      };
    }
    if (pushCredentialSid) payload.push_credential_sid = pushCredentialSid;
    if (endpointId) payload.endpoint_id = endpointId;
    return payload;
  }
}

/** A grant a token carries (VoiceGrant, RoomsGrant): its key in `grants` and its claims. */
export interface Grant {
  readonly key: string;
  toPayload(): Record<string, unknown>;
}

export interface AccessTokenOptions {
  /** Who the device is: `<Dial><Client>alice</Client>` rings every device registered as `alice`. */
  readonly identity: string;
  /** Lifetime in seconds. @default 3600 */
  readonly ttl?: number;
  /** Not valid before this time (unix seconds). */
  readonly nbf?: number;
  /** Issued-at override (unix seconds), for tests. @default now */
  readonly iat?: number;
}

export type TokenAlgorithm = 'HS256' | 'HS384' | 'HS512';

const HASH: Record<TokenAlgorithm, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export class AccessToken {
  private readonly grants: Grant[] = [];
  readonly identity: string;
  readonly ttl: number;

  constructor(
    readonly accountSid: string,
    readonly keySid: string,
    private readonly secret: string,
    private readonly options: AccessTokenOptions,
  ) {
    if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw new TypeError('accountSid must be an AC SID');
    if (!/^SK[0-9a-fA-F]{32}$/.test(keySid)) throw new TypeError('keySid must be an SK SID (an API key)');
    if (!secret) throw new TypeError('secret is required (the API key secret)');
    if (!options?.identity) throw new TypeError('identity is required');
    this.identity = options.identity;
    this.ttl = options.ttl ?? 3600;
    if (!Number.isInteger(this.ttl) || this.ttl <= 0 || this.ttl > MAX_TOKEN_TTL_S)
      throw new RangeError(`ttl must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_S}`);
  }

  addGrant(grant: Grant): this {
    this.grants.push(grant);
    return this;
  }

  /** The signed token. */
  toJwt(algorithm: TokenAlgorithm = 'HS256'): string {
    if (!(algorithm in HASH)) throw new TypeError(`algorithm must be one of ${Object.keys(HASH).join(', ')}`);
    const iat = this.options.iat ?? Math.floor(Date.now() / 1000);
    const grants: Record<string, unknown> = { identity: this.identity };
    for (const grant of this.grants) grants[grant.key] = grant.toPayload();
    const payload = {
      jti: `${this.keySid}-${iat}`,
      grants,
      iat,
      exp: iat + this.ttl,
      ...(this.options.nbf === undefined ? {} : { nbf: this.options.nbf }),
      iss: this.keySid,
      sub: this.accountSid,
    };
    const header = { alg: algorithm, typ: 'JWT', cty: 'twilio-fpa;v=1' };
    const signing = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = createHmac(HASH[algorithm], this.secret).update(signing).digest('base64url');
    return `${signing}.${signature}`;
  }
}
