/**
 * /2010-04-01/Accounts/{AccountSid}/Simulator/Numbers: far ends on the simulated network, scripted
 * by number, for the calls this account places (a REST call or a Dial to the number). Patchbay's
 * own resource, kept in the store (`simulator-number` records), so every node of a cluster lists
 * them and a call any node places meets them (the network asks the store: `useFarEnds`).
 *
 * `POST Simulator/Numbers.json` creates or replaces one: `Number`; `OnCall` (answer, busy,
 * no-answer, fail, reject); `RingTime` (seconds before answering, or before busy/fail/reject);
 * `HangupAfter` (seconds after answering); once answered, `Script` (steps in the compact form) or
 * `Step` (repeated, one step each); or, instead of a script, `Url` (+ `Method`) or `Twiml`: the far
 * end answers by running that document as an on-net callee would. `GET` lists them;
 * `GET`/`DELETE Simulator/Numbers/{Number}.json` fetch or remove one.
 */
import { createHash } from 'node:crypto';
import { parseVoice } from '@patchbay/markup';
import type { SimulatedNetwork } from '../../adapters/simulated/network.js';
import type { FarEndApp, PartyBehaviour } from '../../adapters/simulated/party.js';
import { formatStep, type ScriptStep } from '../../adapters/simulated/script.js';
import type { Store } from '../../store/types.js';
import { absoluteUrl, apiDate, type Form, field, httpMethod, invalid, notFound, RestError } from '../http.js';
import type { ResourceContext, ResourceResult } from './context.js';
import type { NumberRecord } from './numbers.js';
import { scriptOf, seconds } from './simulator-form.js';

/** Simulated far ends one account may keep. */
export const MAX_SIMULATED_NUMBERS = 100;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const ON_CALL = ['answer', 'busy', 'no-answer', 'fail', 'reject'] as const;

interface FarEndRecord {
  /** Made from the account and the number (`farEndSid`): one record per number per account. */
  readonly sid: string;
  readonly accountSid: string;
  readonly number: string;
  readonly behaviour: PartyBehaviour;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function farEndJson(record: FarEndRecord) {
  const { behaviour } = record;
  const app = behaviour.app;
  return {
    account_sid: record.accountSid,
    number: record.number,
    on_call: behaviour.onCall ?? 'answer',
    ring_time: (behaviour.ringMs ?? 0) / 1000,
    hangup_after: behaviour.hangupAfterMs === undefined ? null : behaviour.hangupAfterMs / 1000,
    script: behaviour.script?.map(formatStep) ?? null,
    url: app && 'url' in app ? app.url : null,
    method: app && 'url' in app ? (app.method ?? 'POST') : null,
    twiml: app && 'twiml' in app ? app.twiml : null,
    date_created: apiDate(record.createdAt),
    date_updated: apiDate(record.updatedAt),
    uri: `/2010-04-01/Accounts/${record.accountSid}/Simulator/Numbers/${encodeURIComponent(record.number)}.json`,
  };
}

function appOf(form: Form): FarEndApp | undefined {
  const url = absoluteUrl(form, 'Url', 21205);
  const twiml = field(form, 'Twiml');
  if (url !== undefined && twiml !== undefined) throw invalid(21200, 'Url', 'give Url or Twiml, not both');
  if (twiml !== undefined) {
    const parsed = parseVoice(twiml);
    if (!parsed.ok) {
      const [error] = parsed.errors;
      throw invalid(21200, 'Twiml', `${error?.code} ${error?.path} ${error?.message}`);
    }
    return { twiml };
  }
  if (url === undefined) return undefined;
  const method = httpMethod(form, 'Method');
  return { url, ...(method ? { method } : {}) };
}

function behaviourOf(form: Form): PartyBehaviour {
  const onCall = field(form, 'OnCall') ?? 'answer';
  if (!(ON_CALL as readonly string[]).includes(onCall))
    throw invalid(21200, 'OnCall', `must be one of ${ON_CALL.join(', ')}, not "${onCall}"`);
  const ringMs = seconds(form, 'RingTime', 0, 600);
  const hangupAfterMs = seconds(form, 'HangupAfter', 0.1, 14_400);
  const script: ScriptStep[] | undefined = scriptOf(form);
  const app = appOf(form);
  if (app && script) throw invalid(21200, 'Script', 'a far end that runs a document (Url, Twiml) has no script');
  if ((app || script || hangupAfterMs !== undefined) && onCall !== 'answer')
    throw invalid(
      21200,
      'OnCall',
      `a far end that does not answer (${onCall}) has no Script, Url, Twiml or HangupAfter`,
    );
  return {
    onCall: onCall as (typeof ON_CALL)[number],
    ...(ringMs === undefined ? {} : { ringMs }),
    ...(hangupAfterMs === undefined ? {} : { hangupAfterMs }),
    ...(script ? { script } : {}),
    ...(app ? { app } : {}),
  };
}

/** The record of `number` in `accountSid`: a look-up by key, for every call placed to a number. */
function farEndSid(accountSid: string, number: string): string {
  return `SF${createHash('sha256').update(`${accountSid} ${number}`).digest('hex').slice(0, 32)}`;
}

/** A path segment, percent-decoded (as given when it is not valid percent-encoding). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The Simulator/Numbers resource over `network`; the far ends are kept per account in `store`. */
export function simulatorNumbers(network: SimulatedNetwork, store: Store) {
  network.useFarEnds(
    async (number, account) =>
      (await store.get<FarEndRecord>('simulator-number', account, farEndSid(account, number)))?.behaviour,
  );
  const find = (accountSid: string, number: string) =>
    store.get<FarEndRecord>('simulator-number', accountSid, farEndSid(accountSid, number));
  /** The account's far ends, oldest first (as they were added). */
  const all = async (accountSid: string) => {
    const page = await store.list<FarEndRecord>('simulator-number', {
      accountSid,
      page: 0,
      pageSize: MAX_SIMULATED_NUMBERS + 1,
    });
    return page.items.reverse();
  };

  /** Whether the account keeps its most far ends already: is there a 100th (one record read, not 100)? */
  const full = async (accountSid: string) => {
    const page = await store.list<FarEndRecord>('simulator-number', {
      accountSid,
      page: MAX_SIMULATED_NUMBERS - 1,
      pageSize: 1,
    });
    return page.items.length > 0;
  };

  async function create(context: ResourceContext): Promise<ResourceResult> {
    const form = await context.form();
    const number = field(form, 'Number')?.trim();
    if (!number || !E164.test(number)) throw invalid(21421, 'Number', `"${number ?? ''}" is not an E.164 phone number`);
    const behaviour = behaviourOf(form);
    if (await context.store.findOne<NumberRecord>('number', { phoneNumber: number }))
      throw new RestError(400, 21422, `Number: ${number} is a number on this server: calls to it run its app`);
    const { sid: accountSid } = context.account;
    const existing = await find(accountSid, number);
    if (!existing && (await full(accountSid)))
      throw new RestError(400, 21200, `Number: an account keeps at most ${MAX_SIMULATED_NUMBERS} simulated numbers`);
    const record: FarEndRecord = {
      sid: farEndSid(accountSid, number),
      accountSid,
      number,
      behaviour,
      createdAt: existing?.createdAt ?? context.now,
      updatedAt: context.now,
    };
    await store.put('simulator-number', record);
    return { status: existing ? 200 : 201, body: farEndJson(record) };
  }

  return async (context: ResourceContext): Promise<ResourceResult> => {
    const { rest, method, account } = context;
    if (rest === 'Simulator/Numbers.json') {
      if (method === 'POST') return create(context);
      if (method !== 'GET') return undefined;
      return { status: 200, body: { numbers: (await all(account.sid)).map(farEndJson) } };
    }
    const match = /^Simulator\/Numbers\/([^/]+)\.json$/.exec(rest);
    if (!match) return undefined;
    const number = decoded(match[1] as string);
    const record = await find(account.sid, number);
    if (!record) throw notFound(number);
    if (method === 'GET') return { status: 200, body: farEndJson(record) };
    if (method !== 'DELETE') return undefined;
    await store.delete('simulator-number', account.sid, record.sid);
    return { status: 204 };
  };
}
