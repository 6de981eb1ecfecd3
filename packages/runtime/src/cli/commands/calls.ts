/** `patchbay calls ...`: place, list, show, redirect and hang up calls. */
import { api, listRows } from '../client.js';
import { type Argument, command } from '../command.js';
import { RestRefusal, usage } from '../errors.js';
import { checkInteger, checkSid, checkUrl } from '../flags.js';
import { details, table } from '../output.js';

/** Every status a call can have (the Calls list's Status filter). */
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
] as const;

const ENDED = new Set<string>(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

const CALL_ARG: Argument = { name: 'CallSid', description: 'the call (CA...)', check: checkSid('CA', 'a call') };

const FIELDS = [
  'sid',
  'direction',
  'from',
  'to',
  'status',
  'parent_call_sid',
  'date_created',
  'start_time',
  'end_time',
  'duration',
];

/** Exactly one of the flags named must be given. */
function exactlyOne(flags: Record<string, unknown>, names: readonly string[], commandName: string): void {
  const given = names.filter((name) => flags[name] !== undefined);
  const list = names.map((name) => `--${name}`).join(', ');
  if (given.length === 0) throw usage('missing-flag', `give one of ${list}`, commandName);
  if (given.length > 1)
    throw usage(
      'conflicting-flags',
      `give only one of ${list} (got ${given.map((n) => `--${n}`).join(' and ')})`,
      commandName,
    );
}

export const callsCreate = command({
  summary: 'place a call: the app at --url (or --twiml, or an application) runs it when answered',
  client: true,
  flags: {
    to: { value: '<number>', description: 'who to call (a number, client:<identity> or sip:...)', required: true },
    from: { value: '<number>', description: 'the caller ID', required: true },
    url: { value: '<url>', description: 'the app that runs the call', check: checkUrl },
    twiml: { value: '<xml>', description: 'the markup to run, instead of --url' },
    application: {
      value: '<AP...>',
      description: "run the application's VoiceUrl",
      check: checkSid('AP', 'an application'),
    },
    'status-callback': { value: '<url>', description: 'where status changes are sent', check: checkUrl },
    timeout: { value: '<seconds>', description: 'how long to let it ring (default 60)', check: checkInteger(1, 600) },
  },
  examples: [
    "patchbay calls create --to +15551230000 --from +15550001111 --twiml '<Response><Say>Hi</Say></Response>'",
  ],
  async run({ flags, io, connection, signal }) {
    exactlyOne(flags, ['url', 'twiml', 'application'], 'calls create');
    const call = await api(
      connection(),
      'POST',
      'Calls.json',
      {
        To: flags.to,
        From: flags.from,
        Url: flags.url,
        Twiml: flags.twiml,
        ApplicationSid: flags.application,
        StatusCallback: flags['status-callback'],
        Timeout: flags.timeout,
      },
      signal,
    );
    io.out(`${call.sid}  ${call.status}`);
    return 0;
  },
});

export const callsList = command({
  summary: 'recent calls, newest first',
  client: true,
  flags: {
    status: { value: '<status>', description: 'only calls with this status', choices: CALL_STATUSES },
    to: { value: '<number>', description: 'only calls to this number' },
    from: { value: '<number>', description: 'only calls from this number' },
    limit: { value: '<n>', description: 'at most this many (default 50)', check: checkInteger(1, 1000) },
  },
  async run({ flags, io, connection, signal }) {
    const rows = await listRows(
      connection(),
      'Calls.json',
      flags,
      { status: 'Status', to: 'To', from: 'From' },
      signal,
    );
    io.out(table(rows, ['sid', 'direction', 'from', 'to', 'status', 'duration', 'date_created']));
    return 0;
  },
});

export const callsGet = command({
  summary: 'show one call',
  client: true,
  args: [CALL_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    io.out(details(await api(connection(), 'GET', `Calls/${args[0]}.json`, {}, signal), FIELDS));
    return 0;
  },
});

export const callsUpdate = command({
  summary: 'redirect a live call to another app (--url) or markup (--twiml)',
  client: true,
  args: [CALL_ARG],
  flags: {
    url: { value: '<url>', description: 'the app that runs the rest of the call', check: checkUrl },
    twiml: { value: '<xml>', description: 'the markup that runs the rest of the call' },
  },
  examples: ["patchbay calls update CA... --twiml '<Response><Say>Goodbye</Say><Hangup/></Response>'"],
  async run({ args, flags, io, connection, signal }) {
    exactlyOne(flags, ['url', 'twiml'], 'calls update');
    const call = await api(
      connection(),
      'POST',
      `Calls/${args[0]}.json`,
      { Url: flags.url, Twiml: flags.twiml },
      signal,
    );
    io.out(`${call.sid}  ${call.status}  redirected`);
    return 0;
  },
});

export const callsHangup = command({
  summary: 'hang up a call (cancels it while it is still queued or ringing)',
  client: true,
  args: [CALL_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const path = `Calls/${args[0]}.json`;
    const call = await api(c, 'GET', path, {}, signal);
    if (ENDED.has(call.status as string)) {
      io.out(`${call.sid}  ${call.status}  (had already ended)`);
      return 0;
    }
    let ended: Record<string, unknown>;
    try {
      const status = call.status === 'in-progress' ? 'completed' : 'canceled';
      ended = await api(c, 'POST', path, { Status: status }, signal);
    } catch (error) {
      // Answered between the two requests: canceling no longer applies, hanging up does.
      if (!(error instanceof RestRefusal && error.restCode === 21220)) throw error;
      ended = await api(c, 'POST', path, { Status: 'completed' }, signal);
    }
    io.out(`${ended.sid}  ${ended.status}`);
    return 0;
  },
});
