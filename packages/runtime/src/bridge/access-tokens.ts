/**
 * Verifying a device's access token: the header is an access token's, the signing API key
 * exists and belongs to the token's account, the account is active, the HMAC matches (jose
 * compares in constant time), and the token is within its validity window give or take a
 * small clock skew. Each failure has its own code, so a developer can tell an expired token from
 * a revoked key.
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import { decodeJwt, decodeProtectedHeader, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { AccountLimitOverrides } from '../limits/account-limits.js';
import { type RoomsAccess, roomsGrant } from './room-grant.js';

/** What the bridge needs to know about keys, accounts and applications. */
export interface DeviceDirectory {
  /** An API key by SID (undefined once deleted): its secret and its account. */
  key(sid: string): Promise<{ readonly secret: string; readonly accountSid: string } | undefined>;
  /**
   * An account by SID: whether it may use devices, the token that signs its webhooks, and during a
   * rotation the secondary token (legacy capability tokens are signed with either).
   */
  account(sid: string): Promise<
    | {
        readonly sid: string;
        readonly authToken: string;
        readonly secondaryAuthToken?: string | undefined;
        readonly active: boolean;
        /** The account's own limits (device sessions, concurrent calls), where it has them. */
        readonly limits?: AccountLimitOverrides | undefined;
      }
    | undefined
  >;
}

export interface VerifiedToken {
  readonly identity: string;
  readonly accountSid: string;
  readonly keySid: string;
  /** Unix ms. */
  readonly expiresAt: number;
  readonly incoming: boolean;
  readonly outgoing?: { readonly applicationSid: string; readonly params: Readonly<Record<string, string>> };
  /** The rooms grant: rooms the device may follow, and whether it may command them (bridge/room-grant.ts). */
  readonly rooms?: RoomsAccess;
  /** The account's auth token as of the verification: it signs the webhooks of calls the device places. */
  readonly authToken: string;
  readonly limits?: AccountLimitOverrides | undefined;
  /** The token itself, verified again whenever its key or account may have changed. */
  readonly jwt: string;
}

const ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const MAX_LIFETIME_S = 86_400;

interface VoiceGrantClaims {
  readonly incoming?: { readonly allow?: unknown };
  readonly outgoing?: { readonly application_sid?: unknown; readonly params?: unknown };
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, String(v)]));
}

export async function verifyAccessToken(
  token: string,
  directory: DeviceDirectory,
  options: { readonly now: number; readonly skewMs: number },
): Promise<VerifiedToken> {
  let payload: JWTPayload;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch (cause) {
    throw new DeviceError('AccessTokenInvalid', 'not a signed JWT', { cause });
  }
  if (header.cty === undefined && typeof payload.scope === 'string')
    return verifyCapabilityToken(token, payload, directory, options);
  if (header.cty !== 'twilio-fpa;v=1' || !ALGORITHMS.includes(String(header.alg)))
    throw new DeviceError('AccessTokenHeaderInvalid', 'expected an HS256/384/512 access token (cty twilio-fpa;v=1)');
  const { iss, sub } = payload;
  if (
    typeof iss !== 'string' ||
    !/^SK[0-9a-f]{32}$/.test(iss) ||
    typeof sub !== 'string' ||
    !/^AC[0-9a-f]{32}$/.test(sub)
  )
    throw new DeviceError('AccessTokenIssuerInvalid', 'iss must be an API key SID and sub an account SID');
  const key = await directory.key(iss);
  const account = await directory.account(sub);
  if (!key || key.accountSid !== sub)
    throw new DeviceError('AccessTokenIssuerInvalid', `no API key ${iss} in account ${sub}`);
  if (!account?.active) throw new DeviceError('AccessTokenIssuerInvalid', `account ${sub} is not active`);
  try {
    await jwtVerify(token, new TextEncoder().encode(key.secret), {
      algorithms: ALGORITHMS,
      clockTolerance: Math.ceil(options.skewMs / 1000),
      currentDate: new Date(options.now),
      requiredClaims: ['exp'],
    });
  } catch (cause) {
    throw signatureFailure(cause);
  }
  // The helper libraries always set iat; without it the 24-hour rule could not be checked.
  if (typeof payload.iat !== 'number')
    throw new DeviceError('AccessTokenInvalid', 'the token has no iat (issued at) claim');
  const exp = payload.exp as number;
  checkLifetime(exp, payload.iat, options);
  const grants = (payload.grants ?? {}) as { identity?: unknown; voice?: VoiceGrantClaims; rooms?: unknown };
  if (typeof grants.identity !== 'string' || grants.identity === '' || grants.identity.length > 256)
    throw new DeviceError('AccessTokenInvalid', 'the token has no identity');
  const voice = grants.voice ?? {};
  const applicationSid = voice.outgoing?.application_sid;
  const rooms = roomsGrant(grants.rooms);
  return {
    identity: grants.identity,
    accountSid: sub,
    keySid: iss,
    expiresAt: exp * 1000,
    incoming: voice.incoming?.allow === true,
    ...(typeof applicationSid === 'string'
      ? { outgoing: { applicationSid, params: stringRecord(voice.outgoing?.params) } }
      : {}),
    ...(rooms ? { rooms } : {}),
    authToken: account.authToken,
    limits: account.limits,
    jwt: token,
  };
}

/**
 * At most 24 hours from issue to expiry, and (so an iat set just before a far exp does not get
 * round it) at most 24 hours, give or take the clock skew, from now to expiry.
 */
function checkLifetime(
  exp: number,
  iat: number | undefined,
  options: { readonly now: number; readonly skewMs: number },
) {
  const left = exp - Math.floor(options.now / 1000);
  if ((iat !== undefined && exp - iat > MAX_LIFETIME_S) || left > MAX_LIFETIME_S + Math.ceil(options.skewMs / 1000))
    throw new DeviceError('ExpirationTimeExceedsMaxTimeAllowed', 'tokens may live at most 24 hours');
}

/** jose's failures as the device protocol's codes. */
function signatureFailure(cause: unknown): DeviceError {
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed)
    return new DeviceError('AccessTokenSignatureInvalid', 'the signature does not match', { cause });
  if (cause instanceof joseErrors.JWTExpired)
    return new DeviceError('AccessTokenExpired', 'the token has expired', { cause });
  if (cause instanceof joseErrors.JWTClaimValidationFailed && cause.claim === 'nbf')
    return new DeviceError('AccessTokenNotYetValid', 'the token is not valid yet', { cause });
  return new DeviceError('AccessTokenInvalid', cause instanceof Error ? cause.message : 'invalid token', { cause });
}

/**
 * Legacy capability tokens: `{ scope, iss: <account SID>, exp }` signed with the account's auth
 * token, the scope a space-separated list of `scope:client:incoming?clientName=alice` and
 * `scope:client:outgoing?appSid=AP...&clientName=alice&appParams=<urlencoded>`. Accepted so apps
 * still minting them keep working; the identity is the `clientName`.
 */
async function verifyCapabilityToken(
  token: string,
  payload: JWTPayload,
  directory: DeviceDirectory,
  options: { readonly now: number; readonly skewMs: number },
): Promise<VerifiedToken> {
  const iss = payload.iss;
  if (typeof iss !== 'string' || !/^AC[0-9a-f]{32}$/.test(iss))
    throw new DeviceError('AccessTokenIssuerInvalid', 'iss must be an account SID');
  const account = await directory.account(iss);
  if (!account?.active) throw new DeviceError('AccessTokenIssuerInvalid', `account ${iss} is not active`);
  let failure: DeviceError | undefined;
  for (const secret of [account.authToken, account.secondaryAuthToken]) {
    if (!secret) continue;
    try {
      await jwtVerify(token, new TextEncoder().encode(secret), {
        algorithms: ALGORITHMS,
        clockTolerance: Math.ceil(options.skewMs / 1000),
        currentDate: new Date(options.now),
        requiredClaims: ['exp'],
      });
      failure = undefined;
      break;
    } catch (cause) {
      failure = signatureFailure(cause);
      // Only a signature mismatch is worth trying the other token for.
      if (failure.errorName !== 'AccessTokenSignatureInvalid') break;
    }
  }
  if (failure) throw failure;
  // The helper library's capability tokens carry no iat: only the time left counts then.
  const exp = payload.exp as number;
  checkLifetime(exp, typeof payload.iat === 'number' ? payload.iat : undefined, options);
  let identity: string | undefined;
  let incoming = false;
  let outgoing: VerifiedToken['outgoing'];
  for (const scope of String(payload.scope).split(' ')) {
    const [name, query = ''] = scope.split('?');
    const args = new URLSearchParams(query);
    if (name === 'scope:client:incoming') {
      incoming = true;
      identity ??= args.get('clientName') ?? undefined;
    } else if (name === 'scope:client:outgoing') {
      const applicationSid = args.get('appSid');
      if (applicationSid)
        outgoing = { applicationSid, params: Object.fromEntries(new URLSearchParams(args.get('appParams') ?? '')) };
      identity ??= args.get('clientName') ?? undefined;
    }
  }
  if (!identity || identity.length > 256)
    throw new DeviceError('AccessTokenInvalid', 'the capability token names no clientName');
  return {
    identity,
    accountSid: iss,
    keySid: iss,
    expiresAt: exp * 1000,
    incoming,
    ...(outgoing ? { outgoing } : {}),
    authToken: account.authToken,
    limits: account.limits,
    jwt: token,
  };
}
