/**
 * Applying the application's policy to an incoming INVITE, REGISTER or OPTIONS: allow, reject with
 * a status, or challenge with digest (407 for INVITE and OPTIONS, 401 for REGISTER, RFC 3261
 * §22.3) and verify the retry. Returns what to answer, as data; the agent sends it.
 *
 * @example
 * const verdict = await authorizeRequest(policy, digestServer, request, source);
 * if ('respond' in verdict) send(verdict.respond); else accept(verdict.user);
 */
import type { DigestAlgorithm, DigestServer } from './digest.js';
import type { SipRequest } from './message.js';
import type { Source } from './transport.js';

export type AuthDecision =
  | { allow: true; user?: string }
  | {
      challenge: {
        realm: string;
        password(username: string): string | undefined | Promise<string | undefined>;
        /** Algorithms offered, in order; old phones and sipp 3.6 only know MD5. @default ['SHA-256', 'MD5'] */
        algorithms?: ReadonlyArray<DigestAlgorithm>;
      };
    }
  | { reject: number; reason?: string };

export type AuthorizeFn = (request: SipRequest, source: Source) => Promise<AuthDecision> | AuthDecision;

export type AuthVerdict =
  | { user?: string }
  | { respond: { status: number; reason?: string; headers: Array<[string, string]> } };

/**
 * Calls (by Call-ID) whose credentials were already wrong once. A second wrong answer is 403,
 * not another challenge: a phone with a bad password stops, and a guesser learns no more per call.
 * Bounded: the oldest entries go first.
 */
export class AuthFailures {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 10_000) {}

  /** Notes a failed answer for `callId`; true when that call had failed before. */
  again(callId: string): boolean {
    if (this.seen.has(callId)) return true;
    if (this.seen.size >= this.max) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.add(callId);
    return false;
  }
}

export async function authorizeRequest(
  policy: AuthorizeFn | undefined,
  digest: DigestServer,
  request: SipRequest,
  source: Source,
  failures?: AuthFailures,
): Promise<AuthVerdict> {
  if (!policy) return {};
  const decision = await policy(request, source);
  if ('allow' in decision) return decision.user !== undefined ? { user: decision.user } : {};
  if ('reject' in decision) {
    const status = decision.reject >= 300 && decision.reject <= 699 ? decision.reject : 403;
    return { respond: { status, ...(decision.reason ? { reason: decision.reason } : {}), headers: [] } };
  }
  const { realm, password, algorithms } = decision.challenge;
  const proxy = request.method !== 'REGISTER';
  const verdict = await digest.verify(request, proxy ? 'proxy-authorization' : 'authorization', realm, password);
  if (verdict.ok) return { user: verdict.user };
  const answered = request.headers.has(proxy ? 'proxy-authorization' : 'authorization');
  if (answered && !verdict.stale && failures?.again(request.headers.get('call-id') ?? '')) {
    return { respond: { status: 403, reason: 'Forbidden', headers: [] } };
  }
  const header = proxy ? 'proxy-authenticate' : 'www-authenticate';
  return {
    respond: {
      status: proxy ? 407 : 401,
      headers: digest.challenge(realm, verdict.stale, algorithms).map((v): [string, string] => [header, v]),
    },
  };
}
