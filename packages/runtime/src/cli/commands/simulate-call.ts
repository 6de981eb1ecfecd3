/**
 * `patchbay simulate call`: rings one of your numbers on the simulated network from a caller
 * that follows a script (or the older one-input-per-prompt `--digits`/`--speech`), and prints
 * what the caller heard and did as it happens (the server streams it, so no request waits long
 * enough for a client to give up on it). Exits 0 when the call completed, 1 when it ended
 * otherwise (busy, no-answer, failed, canceled), or when `--timeout` passed or Ctrl-C stopped it:
 * the simulated caller then hangs up.
 */
import { type Form, networkError, refusal, request } from '../client.js';
import { command } from '../command.js';
import { CliError, usage } from '../errors.js';
import { checkInteger } from '../flags.js';
import { problemText } from '../output.js';
import { checkE164 } from './numbers.js';

/** How long `simulate call` waits for the call to end, unless `--timeout` says. */
export const DEFAULT_TIMEOUT_S = 300;

type Event = { event: string; [key: string]: unknown };

/** The NDJSON events of a response body as they arrive (blank keep-alive lines skipped). */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<Event> {
  let pending = '';
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as Event;
  }
}

const seconds = (at: unknown) => `${Number(at).toFixed(1).padStart(6)} s`;

export const simulateCall = command({
  summary: 'ring one of your numbers on the simulated network; print what the caller hears and does as it happens',
  description: [
    'The caller follows --script: steps separated by ";", run in order from the answer:',
    '  press <keys>     press keys (0-9 * # A-D; w waits half a second)',
    '  say <text>       say something (quote it to keep a ";" in it)',
    '  pause <seconds>  let time pass (also: wait <seconds>)',
    '  wait             wait until prompted: listened to, and the prompt has finished',
    '  hangup           hang up',
    'Keys and speech wait until someone listens (a Gather, a Record, a bridge), so none is lost.',
    'Exits 0 when the call completed, 1 when it ended otherwise, timed out or was stopped',
    '(Ctrl-C): the simulated caller then hangs up.',
  ].join('\n'),
  client: true,
  flags: {
    to: { value: '<number>', description: 'the number to call (one of yours)', required: true, check: checkE164 },
    from: { value: '<number>', description: 'the caller (default +15550100000)' },
    script: { value: '<steps>', description: 'what the caller does, e.g. "wait; press 1; say sales; hangup"' },
    digits: {
      value: '<keys>',
      description: 'keys the caller presses, one prompt each (instead of --script)',
      multiple: true,
    },
    speech: {
      value: '<text>',
      description: 'what the caller says, one prompt each (instead of --script)',
      multiple: true,
    },
    'hangup-after': { value: '<seconds>', description: 'the caller hangs up this long after the answer' },
    timeout: {
      value: '<seconds>',
      description: `stop (and hang up) if the call has not ended after this long (default ${DEFAULT_TIMEOUT_S})`,
      check: checkInteger(1, 86_400),
    },
  },
  examples: [
    'patchbay simulate call --to +15550100100 --script "wait; press 1; pause 5; hangup"',
    'patchbay simulate call --to +15550100100 --script \'wait; say "billing, please"; wait; press 42#\'',
  ],
  async run({ flags, io, connection, signal }) {
    if (flags.script !== undefined && (flags.digits || flags.speech))
      throw usage('conflicting-flags', 'give --script, or --digits and --speech, not both', 'simulate call');
    const c = connection();
    const timeoutS = Number(flags.timeout ?? DEFAULT_TIMEOUT_S);
    const timedOut = AbortSignal.timeout(timeoutS * 1000);
    const stop = AbortSignal.any([signal, timedOut]);
    const form: Form = {
      To: flags.to,
      From: flags.from,
      Script: flags.script,
      Digits: flags.digits,
      Speech: flags.speech,
      HangupAfter: flags['hangup-after'],
      Stream: 'true',
    };
    let ended: Event | undefined;
    try {
      const response = await request(c, 'POST', `/2010-04-01/Accounts/${c.account}/Simulator/Calls.json`, {
        form,
        signal: stop,
      });
      if (!response.ok) throw await refusal(response, c.server);
      for await (const event of events(response.body as ReadableStream<Uint8Array>)) {
        const call = event.call as Record<string, string> | undefined;
        if (event.event === 'call') io.out(`${call?.sid}  ${call?.from} -> ${call?.to}`);
        else if (event.event === 'transcript') io.out(`${seconds(event.at)}  ${String(event.line)}`);
        else if (event.event === 'problem') io.out(`${seconds(event.at)}  ${problemText(String(event.level), event)}`);
        else if (event.event === 'ended') ended = event;
      }
    } catch (error) {
      if (timedOut.aborted && !signal.aborted)
        throw new CliError('timed-out', `the call did not end within ${timeoutS} s; the simulated caller hung up`, {
          hint: 'pass --timeout <seconds> to wait longer',
        });
      if (signal.aborted) throw new CliError('interrupted', 'stopped; the simulated caller hung up');
      throw networkError(error, c.server);
    }
    const call = ended?.call as Record<string, string> | undefined;
    if (!call) throw new CliError('failed', 'the server closed the stream before the call ended');
    io.out(`${call.status} after ${call.duration ?? 0} s`);
    return call.status === 'completed' ? 0 : 1;
  },
});
