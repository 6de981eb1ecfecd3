/**
 * `patchbay simulate number <number>` scripts how a number outside Patchbay behaves when your
 * calls reach it on the simulated network (busy, no answer, ringing for a while, answering and
 * following a script, or running a document); `--delete` forgets it. `patchbay simulate numbers`
 * lists them (Simulator/Numbers in the REST API).
 */
import { api } from '../client.js';
import { command } from '../command.js';
import { usage } from '../errors.js';
import { checkUrl } from '../flags.js';
import { details, table } from '../output.js';
import { checkE164 } from './numbers.js';

const BEHAVIOUR = ['on-call', 'ring', 'hangup-after', 'script', 'url', 'method', 'twiml'] as const;
const FIELDS = ['number', 'on_call', 'ring_time', 'hangup_after', 'script', 'url', 'method', 'twiml', 'date_updated'];

export const simulateNumber = command({
  summary: 'script how a number outside Patchbay behaves when your calls reach it (or --delete it)',
  description: [
    'Calls your apps place (a REST call, a <Dial>) to this number then meet this behaviour:',
    '--on-call busy|no-answer|fail|reject, or answer (the default) after --ring seconds, then',
    'follow --script (the steps of `patchbay simulate call --help`), or run a document (--url or',
    '--twiml) as if the number were one of yours; --hangup-after ends the call from its side.',
    'Numbers nobody scripted answer at once and stay silent. Run again to replace the script.',
  ].join('\n'),
  args: [{ name: 'number', description: 'the number, e.g. +15550100200', check: checkE164 }],
  client: true,
  flags: {
    'on-call': {
      value: '<behaviour>',
      description: 'what it does when called',
      choices: ['answer', 'busy', 'no-answer', 'fail', 'reject'],
    },
    ring: { value: '<seconds>', description: 'how long it rings before answering (or before busy, fail, reject)' },
    'hangup-after': { value: '<seconds>', description: 'it hangs up this long after answering' },
    script: { value: '<steps>', description: 'what it does once answered, e.g. "wait; say hello; pause 2; hangup"' },
    url: { value: '<url>', description: 'answers by running the document at this URL', check: checkUrl },
    method: { value: '<method>', description: 'how --url is requested', choices: ['GET', 'POST'] },
    twiml: { value: '<xml>', description: 'answers by running this markup' },
    delete: { description: "forget the number's script" },
  },
  examples: [
    'patchbay simulate number +15550100200 --on-call busy',
    'patchbay simulate number +15550100200 --ring 4 --script "wait; press 1; say hello; pause 10; hangup"',
    'patchbay simulate number +15550100200 --delete',
  ],
  async run({ args, flags, io, connection, signal }) {
    const number = args[0] as string;
    const path = `Simulator/Numbers/${encodeURIComponent(number)}.json`;
    if (flags.delete) {
      if (BEHAVIOUR.some((name) => flags[name] !== undefined))
        throw usage('conflicting-flags', `--delete takes none of --${BEHAVIOUR.join(', --')}`, 'simulate number');
      await api(connection(), 'DELETE', path, undefined, signal);
      io.out(`${number}  forgotten`);
      return 0;
    }
    const far = await api(
      connection(),
      'POST',
      'Simulator/Numbers.json',
      {
        Number: number,
        OnCall: flags['on-call'],
        RingTime: flags.ring,
        HangupAfter: flags['hangup-after'],
        Script: flags.script,
        Url: flags.url,
        Method: flags.method,
        Twiml: flags.twiml,
      },
      signal,
    );
    io.out(details({ ...far, script: (far.script as string[] | null)?.join('; ') ?? null }, FIELDS));
    return 0;
  },
});

export const simulateNumbers = command({
  summary: 'the numbers outside Patchbay you scripted for the simulated network',
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const list = await api(connection(), 'GET', 'Simulator/Numbers.json', undefined, signal);
    const rows = (list.numbers as Array<Record<string, unknown>>).map((far) => ({
      ...far,
      script: (far.script as string[] | null)?.join('; ') ?? far.url ?? (far.twiml ? 'twiml' : ''),
    }));
    io.out(table(rows, ['number', 'on_call', 'ring_time', 'hangup_after', 'script']));
    return 0;
  },
});
