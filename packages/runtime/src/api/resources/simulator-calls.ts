/**
 * `POST /2010-04-01/Accounts/{AccountSid}/Simulator/Calls.json`: rings one of the account's
 * numbers on the simulated network from a caller that follows `Script` (or `Step`, repeated), or
 * the older `Digits` and `Speech` (repeated, one per input window), and hangs up `HangupAfter`
 * seconds after the answer.
 *
 * The answer comes at once with the call, or over the call's life: with `Wait=true`, the head at
 * once, then the call's final record with `transcript` when it ends (spaces before it keep the
 * connection alive: JSON allows them); with `Stream=true`, NDJSON: `{"event":"call"}`, then each
 * `transcript` line and `status` change as it happens, then `{"event":"ended"}` with the final
 * record and the whole transcript (blank lines keep the connection alive). A client that closes
 * the connection before the end hangs the simulated caller up.
 */
import type { ServerResponse } from 'node:http';
import type { SimulatedNetwork } from '../../adapters/simulated/network.js';
import type { Party, PartyBehaviour, PartyInput } from '../../adapters/simulated/party.js';
import { formatEntry, type TranscriptEntry } from '../../adapters/simulated/transcript.js';
import type { CallRecord } from '../../calls/call.js';
import { isDocumentedCode } from '../../error-codes/index.js';
import type { RuntimeEvents } from '../../interpreter/types.js';
import type { Runtime } from '../../runtime.js';
import { bool, field, fields, invalid, RestError } from '../http.js';
import { callJson } from './calls.js';
import type { ResourceContext, ResourceResult } from './context.js';
import { scriptOf, seconds } from './simulator-form.js';

/** How often a long answer writes something, so no proxy or client gives up on it. @default 10000 */
export const KEEP_ALIVE_MS = 10_000;

type Waiter = { resolve: (call: CallRecord) => void; reject: (error: Error) => void };

/**
 * The inbound call each simulated caller started, claimed in order: the runtime creates the
 * calls to one number from one caller in the order they arrived.
 */
function inboundClaims(runtime: Runtime) {
  const waiting = new Map<string, Waiter[]>();
  const take = (to: string, from: string) => {
    const key = `${to} ${from}`;
    const queue = waiting.get(key);
    const first = queue?.shift();
    if (queue?.length === 0) waiting.delete(key);
    return first;
  };
  runtime.events.on('call.created', (call) => {
    if (call.direction === 'inbound') take(call.to, call.from)?.resolve(call);
  });
  runtime.events.on('incoming.rejected', (event) => {
    if (event.kind !== 'call') return;
    // Refused for a reason of its own (the account's limit of live calls), or nothing answers the number.
    const refusal = event.error
      ? new RestError(429, isDocumentedCode(event.error.code) ? event.error.code : 20429, event.error.message)
      : new RestError(400, 21211, `To: ${event.to} has no VoiceUrl`);
    take(event.to, event.from)?.reject(refusal);
  });
  return (to: string, from: string) =>
    new Promise<CallRecord>((resolve, reject) => {
      const key = `${to} ${from}`;
      waiting.set(key, [...(waiting.get(key) ?? []), { resolve, reject }]);
    });
}

function callerOf(form: Parameters<typeof field>[0]): PartyBehaviour {
  const script = scriptOf(form);
  const inputs: PartyInput[] = [
    ...fields(form, 'Digits').map((digits) => ({ digits })),
    ...fields(form, 'Speech').map((speech) => ({ speech })),
  ];
  if (script && inputs.length > 0)
    throw invalid(21200, 'Script', 'give Script (or Step), or Digits and Speech, not both');
  const hangupAfterMs = seconds(form, 'HangupAfter', 0.1, 14_400);
  return {
    ...(script ? { script } : { inputs }),
    ...(hangupAfterMs === undefined ? {} : { hangupAfterMs }),
  };
}

type Problem = { level: 'error' | 'warning'; code: number; message: string; url?: string | undefined };

/**
 * The errors and warnings of calls placed from now on, kept until the caller's call is known (its
 * first document may fail before then), then replayed and followed for that call alone.
 */
function problemsFrom(runtime: Runtime, now: () => number) {
  let kept: Array<{ sid: string; at: number; problem: Problem }> = [];
  let forward: ((at: number, problem: Problem) => void) | undefined;
  let sid: string | undefined;
  const add = (callSid: string, problem: Problem) => {
    if (sid === undefined) kept.push({ sid: callSid, at: now(), problem });
    else if (callSid === sid) forward?.(now(), problem);
  };
  const onError: RuntimeEvents['call.error'] = (call, error) =>
    add(call.sid, { level: 'error', code: error.code, message: error.message, url: error.url });
  const onWarning: RuntimeEvents['call.warning'] = (call, warning) => add(call.sid, { level: 'warning', ...warning });
  runtime.events.on('call.error', onError);
  runtime.events.on('call.warning', onWarning);
  return {
    /** The call's problems so far; each new one goes to `listener`. */
    follow(callSid: string, listener: (at: number, problem: Problem) => void) {
      sid = callSid;
      const earlier = kept.filter((entry) => entry.sid === callSid);
      kept = [];
      forward = listener;
      return earlier;
    },
    close() {
      kept = [];
      runtime.events.off('call.error', onError);
      runtime.events.off('call.warning', onWarning);
    },
  };
}

interface Progress {
  readonly runtime: Runtime;
  readonly network: SimulatedNetwork;
  readonly party: Party;
  readonly call: CallRecord;
  /** When the call was placed, on the network's clock. */
  readonly origin: number;
  readonly stream: boolean;
  readonly keepAliveMs: number;
  readonly problems: ReturnType<typeof problemsFrom>;
}

/** Writes the call's progress (NDJSON) or its final record (JSON) as described above. */
async function writeProgress(res: ServerResponse, headers: Record<string, string>, p: Progress): Promise<void> {
  const type = p.stream ? 'application/x-ndjson' : 'application/json';
  res.writeHead(201, { ...headers, 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.flushHeaders();
  const send = (text: string) => {
    if (!res.destroyed) res.write(text);
  };
  const event = (body: Record<string, unknown>) => send(`${JSON.stringify(body)}\n`);
  const keepAlive = setInterval(() => send(p.stream ? '\n' : ' '), p.keepAliveMs);
  let over = false;
  res.once('close', () => {
    if (!over) p.network.hangUp(p.party);
  });
  const transcript = (entry: TranscriptEntry) =>
    event({ event: 'transcript', at: Number(((entry.at - p.origin) / 1000).toFixed(1)), line: formatEntry(entry) });
  const status = (record: CallRecord) => {
    if (record.sid === p.call.sid) event({ event: 'status', status: record.status });
  };
  let unfollow = () => {};
  const problem = (at: number, detail: Problem) =>
    event({ event: 'problem', at: Number(((at - p.origin) / 1000).toFixed(1)), ...detail });
  if (p.stream) {
    event({ event: 'call', call: callJson(p.call) });
    // What happened before this answer began, in the order it happened.
    const earlier = [
      ...p.party.transcript.map((entry) => ({ at: entry.at, write: () => transcript(entry) })),
      ...p.problems
        .follow(p.call.sid, problem)
        .map((entry) => ({ at: entry.at, write: () => problem(entry.at, entry.problem) })),
    ];
    for (const entry of earlier.sort((a, b) => a.at - b.at)) entry.write();
    unfollow = p.party.follow(transcript);
    p.runtime.events.on('call.status', status);
  } else p.problems.close();
  try {
    const ended = await p.runtime.calls.ended(p.call.sid);
    over = true;
    const final = { ...callJson(ended), transcript: p.party.lines() };
    if (p.stream) event({ event: 'ended', call: callJson(ended), transcript: final.transcript });
    else send(JSON.stringify(final));
  } finally {
    over = true;
    clearInterval(keepAlive);
    unfollow();
    p.problems.close();
    p.runtime.events.off('call.status', status);
    res.end();
  }
}

/** The Simulator/Calls resource over `network`. */
export function simulatorCalls(network: SimulatedNetwork, keepAliveMs = KEEP_ALIVE_MS) {
  const claims = new WeakMap<Runtime, ReturnType<typeof inboundClaims>>();
  return async (context: ResourceContext, ownNumber: (to: string) => Promise<void>): Promise<ResourceResult> => {
    const form = await context.form();
    const to = field(form, 'To');
    const from = field(form, 'From') ?? '+15550100000';
    if (!to) throw invalid(21201, 'To', "no 'To' number is specified");
    const caller = callerOf(form);
    const wait = bool(form, 'Wait') ?? false;
    const stream = bool(form, 'Stream') ?? false;
    await ownNumber(to);
    const claim = claims.get(context.runtime) ?? inboundClaims(context.runtime);
    claims.set(context.runtime, claim);
    const created = claim(to, from);
    const origin = network.clock.now();
    const problems = problemsFrom(context.runtime, () => network.clock.now());
    const party = network.call({ from, to, ...caller });
    const call = await created.catch((error: unknown) => {
      problems.close();
      throw error;
    });
    if (!wait && !stream) {
      problems.close();
      return { status: 201, body: callJson(call) };
    }
    const progress = { runtime: context.runtime, network, party, call, origin, stream, keepAliveMs, problems };
    return { status: 201, write: (res, headers) => writeProgress(res, headers, progress) };
  };
}
