/**
 * Patchbay's simulated network over REST (docs/rest.md): ring or text the account's numbers with
 * no phone, and script the far ends its calls reach.
 *
 * @example
 * const call = await client.simulator.calls.create({ to: '+15550100', script: 'wait; press 1', wait: true });
 */
import type { CallInstance, MessageInstance } from './types.js';

export interface SimulatedCallParams {
  to: string;
  from?: string;
  /** What the caller does, step by step: `wait; press 1; say sales please; pause 2; hangup`. */
  script?: string;
  /** One input per prompt (instead of `script`). */
  digits?: readonly string[];
  speech?: readonly string[];
  /** Seconds after answering. */
  hangupAfter?: number;
  wait?: boolean;
}

/** How a number outside Patchbay behaves when this account's calls reach it on the simulated network. */
export interface SimulatedNumberParams {
  number: string;
  /** @default 'answer' */
  onCall?: 'answer' | 'busy' | 'no-answer' | 'fail' | 'reject';
  /** Seconds of ringing before it answers (or is busy, fails, rejects). */
  ringTime?: number;
  /** Seconds after answering. */
  hangupAfter?: number;
  /** What it does once answered (the steps of a caller's script). */
  script?: string;
  /** Answers by running the document at this URL (or `twiml`). */
  url?: string;
  method?: 'GET' | 'POST';
  twiml?: string;
}

export interface SimulatedNumberInstance {
  accountSid: string;
  number: string;
  onCall: NonNullable<SimulatedNumberParams['onCall']>;
  ringTime: number;
  hangupAfter: number | null;
  script: string[] | null;
  url: string | null;
  method: 'GET' | 'POST' | null;
  twiml: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  uri: string;
}

/** The account's requests: GET one, POST a form, DELETE (paths under the account). */
type One = <T>(path: string) => Promise<T>;
type Post = <T>(path: string, params: object) => Promise<T>;
type Remove = (path: string) => Promise<void>;

export function simulatorClient(one: One, post: Post, remove: Remove) {
  return {
    calls: {
      /** Rings `to` from a caller following `script` (or pressing `digits` / saying `speech`, one per input window); with `wait`, answers when the call ends, with the transcript. */
      create: (params: SimulatedCallParams) =>
        post<CallInstance & { transcript?: string[] }>('Simulator/Calls.json', params),
    },
    messages: {
      create: (params: { to: string; from?: string; body?: string; mediaUrl?: readonly string[] }) =>
        post<MessageInstance>('Simulator/Messages.json', params),
    },
    numbers: {
      /** Scripts a far end (creates, or replaces the number's script). */
      create: (params: SimulatedNumberParams) => post<SimulatedNumberInstance>('Simulator/Numbers.json', params),
      list: async () => (await one<{ numbers: SimulatedNumberInstance[] }>('Simulator/Numbers.json')).numbers,
      get: (number: string) => one<SimulatedNumberInstance>(`Simulator/Numbers/${encodeURIComponent(number)}.json`),
      remove: (number: string) => remove(`Simulator/Numbers/${encodeURIComponent(number)}.json`),
    },
  };
}
