/**
 * The runtime's `calls` API: place an outbound call (validated, counted against its account's
 * concurrency limit, admitted by the store), change a live one (redirect, hang up, new fallback
 * or status callback), and read calls live or ended.
 *
 * @example
 * const calls = callsApi({ deps, table, defaultAccount, overCallLimit, track, dialOut });
 * const call = calls.create({ to: '+15550100', from: '+15550199', url: 'https://app.example/voice' });
 */
import { PatchbayError } from '../errors.js';
import { type CallAccount, CallSession, type Next, type SessionDeps } from '../interpreter/session.js';
import type { CreateCallParams, Runtime } from '../runtime-types.js';
import { newSid } from '../sid.js';
import type { CallTable } from './call-table.js';
import { appConfig, firstStep, invalid } from './params.js';

/** Runs `go` once admitted (at once when `admitted` is `true`), else `refused`. */
export function whenAdmitted(admitted: true | Promise<boolean>, go: () => unknown, refused?: () => void): void {
  if (admitted === true) {
    go();
    return;
  }
  void admitted.then((ok) => (ok ? go() : refused?.()));
}

export interface CallsApiParts {
  readonly deps: SessionDeps;
  readonly table: CallTable;
  /** Whose calls these are when the request names no account. */
  readonly defaultAccount: CallAccount;
  /** Why the account may not have one more live call, if it may not. */
  readonly overCallLimit: (account: CallAccount) => PatchbayError | undefined;
  /** Keeps a new call and asks for its admission (see createRuntime). */
  readonly track: (session: CallSession) => true | Promise<boolean>;
  readonly dialOut: (session: CallSession, params: CreateCallParams, first: Next) => Promise<void>;
}

export function callsApi({
  deps,
  table,
  defaultAccount,
  overCallLimit,
  track,
  dialOut,
}: CallsApiParts): Runtime['calls'] {
  return {
    create(params) {
      if (!params.to) throw invalid('To', 'required');
      if (!params.from) throw invalid('From', 'required');
      if ((params.url === undefined) === (params.twiml === undefined))
        throw invalid('Url', 'give exactly one of Url and Twiml');
      if (
        params.timeout !== undefined &&
        !(Number.isInteger(params.timeout) && params.timeout >= 1 && params.timeout <= 600)
      ) {
        throw invalid('Timeout', 'must be a whole number of seconds from 1 to 600');
      }
      const account = params.account ?? defaultAccount;
      const session = new CallSession(
        deps,
        newSid('CA'),
        account,
        'outbound-api',
        params.from,
        params.to,
        appConfig(params),
      );
      const first = firstStep(params);
      const refusal = overCallLimit(account);
      const admitted = track(session);
      const accepted = session.snapshot();
      whenAdmitted(admitted, () => {
        if (refusal) {
          // As the hosted service does: the call is accepted, then fails at once (10004).
          session.recordError(refusal);
          session.setStatus('failed');
          return;
        }
        dialOut(session, params, first).catch((error) => {
          session.recordError(new PatchbayError('media-failure', `dialing failed: ${String(error)}`, { cause: error }));
          session.setStatus('failed');
        });
      });
      return accepted;
    },

    async update(sid, params) {
      const session = table.session(sid);
      const over = table.over(sid);
      if (!session && over && params.status) return over;
      if (!session && over) throw new PatchbayError('invalid-call-state', `call ${sid} is not in progress`);
      if (!session) throw new PatchbayError('call-not-found', `no call ${sid}`);
      const { fallbackUrl, fallbackMethod, statusCallback, statusCallbackMethod } = params;
      const settings = Object.fromEntries(
        Object.entries({ fallbackUrl, fallbackMethod, statusCallback, statusCallbackMethod }).filter(
          ([, value]) => value !== undefined,
        ),
      );
      if (Object.keys(settings).length > 0) {
        if (session.over) throw new PatchbayError('invalid-call-state', `call ${sid} is not in progress`);
        session.app = { ...session.app, ...settings };
        if (params.status === undefined && params.url === undefined && params.twiml === undefined)
          return session.snapshot();
      }
      if (params.status) {
        await session.end(params.status);
        return session.snapshot();
      }
      if (session.over) throw new PatchbayError('invalid-call-state', `call ${sid} is not in progress`);
      if (params.url === undefined && params.twiml === undefined) throw invalid('Url', 'give Url, Twiml or Status');
      session.replace(firstStep(params));
      return session.snapshot();
    },

    get: (sid) => table.get(sid),
    list: (filter) => table.list(filter),
    ended: (sid) => table.ended(sid),
  };
}
