/**
 * `patchbay trunks ...` and `patchbay policies ...`: an account's carrier trunks in the
 * hosted voice v1 shape (BYOC trunks, and connection policies whose targets are the carrier's
 * `sip:` URIs). The trunk's password is sent, never printed: the server does not return it.
 *
 * @example
 * patchbay policies create --friendly-name carrier
 * patchbay policies add carrier --target sip:sip.carrier.example:5060
 * patchbay trunks create --friendly-name carrier --voice-url http://127.0.0.1:4000/voice --connection-policy carrier
 */
import { type Connection, type Form, voiceApi } from '../client.js';
import { type Argument, command } from '../command.js';
import { CliError, usage } from '../errors.js';
import { checkInteger, type Flag } from '../flags.js';
import { details, table } from '../output.js';
import { DOMAIN, deleteCommand, POLICY, referenceSid, sidFor, sidOrName, sidOrNameFlag, TRUNK } from './names.js';
import { anySetting, method, url } from './settings.js';

const TRUNK_ARG: Argument = sidOrName(TRUNK, 'BY...|name');
const POLICY_ARG: Argument = sidOrName(POLICY, 'NY...|name');

const TRUNK_FLAGS = {
  'voice-url': url("where the trunk's calls go when no number routes them"),
  'voice-method': method('how VoiceUrl is requested (default POST)'),
  'voice-fallback-url': url('requested when VoiceUrl fails'),
  'status-callback': url('where call status changes are sent'),
  'connection-policy': sidOrNameFlag(
    POLICY,
    "the connection policy (its SID or friendly name) whose targets are the carrier's addresses ('' to stop)",
    true,
  ),
  'from-domain': sidOrNameFlag(DOMAIN, "the SIP domain (its SID or name) outbound calls' From uses ('' to stop)", true),
  'auth-username': {
    value: '<user>',
    description: "what Patchbay answers the carrier's digest challenge with ('' clears it and the password)",
  },
  'auth-password': {
    value: '<password>',
    description: 'the password for --auth-username (default $PATCHBAY_TRUNK_PASSWORD, which keeps it out of ps)',
  },
  'friendly-name': { value: '<name>', description: 'a name for it' },
} as const satisfies Record<string, Flag>;

type TrunkValues = { readonly [K in keyof typeof TRUNK_FLAGS]?: string | undefined };

/** The REST form of the trunk flags: a username needs a password (flag or environment); a policy may be named. */
async function trunkForm(
  c: Connection,
  flags: TrunkValues,
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  signal: AbortSignal,
): Promise<Form> {
  const username = flags['auth-username'];
  const password = flags['auth-password'] ?? (username ? env.PATCHBAY_TRUNK_PASSWORD || undefined : undefined);
  if (username && password === undefined)
    throw new CliError('missing-flag', `--auth-username needs a password`, {
      hint: 'set PATCHBAY_TRUNK_PASSWORD (kept out of ps), or pass --auth-password',
    });
  if (password !== undefined && username === undefined)
    throw usage('missing-flag', '--auth-password goes with --auth-username', name);
  return {
    FriendlyName: flags['friendly-name'],
    VoiceUrl: flags['voice-url'],
    VoiceMethod: flags['voice-method'],
    VoiceFallbackUrl: flags['voice-fallback-url'],
    StatusCallbackUrl: flags['status-callback'],
    ConnectionPolicySid: await referenceSid(c, flags['connection-policy'], POLICY, signal),
    FromDomainSid: await referenceSid(c, flags['from-domain'], DOMAIN, signal),
    AuthUsername: username,
    AuthPassword: username === '' ? undefined : password,
  };
}

const TRUNK_FIELDS = [
  'sid',
  'friendly_name',
  'voice_url',
  'voice_method',
  'voice_fallback_url',
  'status_callback_url',
  'connection_policy_sid',
  'from_domain_sid',
  'date_created',
  'date_updated',
];

export const trunksCreate = command({
  summary: "a new BYOC trunk: a carrier's calls and the app they run",
  client: true,
  flags: TRUNK_FLAGS,
  examples: [
    'patchbay trunks create --friendly-name carrier --voice-url http://127.0.0.1:4000/voice --connection-policy carrier',
  ],
  async run({ flags, env, io, connection, signal }) {
    const c = connection();
    const trunk = await voiceApi(
      c,
      'POST',
      'ByocTrunks',
      await trunkForm(c, flags, env, 'trunks create', signal),
      signal,
    );
    io.out(`${trunk.sid}  ${trunk.friendly_name ?? '(no name)'}  voice: ${trunk.voice_url ?? '(none)'}`);
    return 0;
  },
});

export const trunksList = command({
  summary: "the account's BYOC trunks",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await voiceApi(connection(), 'GET', 'ByocTrunks?PageSize=1000', {}, signal);
    const rows = page.byoc_trunks as Array<Record<string, unknown>>;
    io.out(table(rows, ['sid', 'friendly_name', 'voice_url', 'connection_policy_sid']));
    return 0;
  },
});

export const trunksGet = command({
  summary: 'show one BYOC trunk',
  client: true,
  args: [TRUNK_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, TRUNK, signal);
    io.out(details(await voiceApi(c, 'GET', `ByocTrunks/${sid}`, {}, signal), TRUNK_FIELDS));
    return 0;
  },
});

export const trunksUpdate = command({
  summary: "change a BYOC trunk's settings",
  description: "Only the settings given change; an empty value ('') clears a URL or a SID.",
  client: true,
  args: [TRUNK_ARG],
  flags: TRUNK_FLAGS,
  async run({ args, flags, env, io, connection, signal }) {
    const c = connection();
    const form = await trunkForm(c, flags, env, 'trunks update', signal);
    if (!anySetting(form)) throw usage('missing-flag', 'give at least one setting to change', 'trunks update');
    const sid = await sidFor(c, args[0] as string, TRUNK, signal);
    io.out(details(await voiceApi(c, 'POST', `ByocTrunks/${sid}`, form, signal), TRUNK_FIELDS));
    return 0;
  },
});

export const trunksDelete = deleteCommand(TRUNK, TRUNK_ARG, 'delete a BYOC trunk');

export const policiesCreate = command({
  summary: "a new connection policy: the carrier's addresses a trunk sends calls to (add them with `policies add`)",
  client: true,
  flags: { 'friendly-name': { value: '<name>', description: 'a name for it' } },
  examples: ['patchbay policies create --friendly-name carrier'],
  async run({ flags, io, connection, signal }) {
    const form = { FriendlyName: flags['friendly-name'] };
    const policy = await voiceApi(connection(), 'POST', 'ConnectionPolicies', form, signal);
    io.out(`${policy.sid}  ${policy.friendly_name ?? '(no name)'}`);
    return 0;
  },
});

export const policiesList = command({
  summary: "the account's connection policies",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await voiceApi(connection(), 'GET', 'ConnectionPolicies?PageSize=1000', {}, signal);
    io.out(table(page.connection_policies as Array<Record<string, unknown>>, ['sid', 'friendly_name']));
    return 0;
  },
});

const targetRows = async (c: Connection, policySid: string, signal: AbortSignal) =>
  (await voiceApi(c, 'GET', `ConnectionPolicies/${policySid}/Targets?PageSize=1000`, {}, signal)).targets as Array<
    Record<string, unknown>
  >;

export const policiesGet = command({
  summary: 'show a connection policy and its targets',
  client: true,
  args: [POLICY_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, POLICY, signal);
    const policy = await voiceApi(c, 'GET', `ConnectionPolicies/${sid}`, {}, signal);
    const rows = await targetRows(c, sid, signal);
    const fields = ['sid', 'friendly_name', 'date_created', 'date_updated'];
    io.out(`${details(policy, fields)}\n\n${table(rows, ['sid', 'target', 'priority', 'weight', 'enabled'])}`);
    return 0;
  },
});

export const policiesDelete = deleteCommand(
  POLICY,
  POLICY_ARG,
  'delete a connection policy and its targets (refused while a trunk uses it)',
);

export const policiesAddTarget = command({
  summary: 'add a carrier address (a sip: URI) to a connection policy',
  description: 'Calls try targets by priority (lowest first), then by weight among equals.',
  client: true,
  args: [POLICY_ARG],
  flags: {
    target: { value: '<sip:uri>', description: 'e.g. sip:sip.carrier.example:5060', required: true },
    priority: { value: '<0-65535>', description: 'lower is tried first (default 10)', check: checkInteger(0, 65_535) },
    weight: {
      value: '<1-65535>',
      description: 'share among targets of one priority (default 10)',
      check: checkInteger(1, 65_535),
    },
    enabled: { value: '<true|false>', description: 'whether calls use it (default true)', choices: ['true', 'false'] },
    'friendly-name': { value: '<name>', description: 'a name for it' },
  },
  examples: ['patchbay policies add carrier --target sip:sip.carrier.example:5060'],
  async run({ args, flags, io, connection, signal }) {
    const form = {
      Target: flags.target,
      Priority: flags.priority,
      Weight: flags.weight,
      Enabled: flags.enabled,
      FriendlyName: flags['friendly-name'],
    };
    const c = connection();
    const policy = await sidFor(c, args[0] as string, POLICY, signal);
    const target = await voiceApi(c, 'POST', `ConnectionPolicies/${policy}/Targets`, form, signal);
    io.out(`${target.sid}  ${target.target}  priority ${target.priority}  weight ${target.weight}`);
    return 0;
  },
});

export const policiesRemoveTarget = command({
  summary: 'remove a target from a connection policy',
  client: true,
  args: [POLICY_ARG, { name: 'NE...|uri', description: 'the target: its SID or its sip: URI' }],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const policy = await sidFor(c, args[0] as string, POLICY, signal);
    const given = args[1] as string;
    let sid = given;
    if (!/^NE[0-9a-f]{32}$/.test(given)) {
      const found = (await targetRows(c, policy, signal)).find((row) => row.target === given);
      if (!found)
        throw new CliError('not-found', `no target ${given} in ${policy}`, {
          hint: 'see `patchbay policies get`',
        });
      sid = String(found.sid);
    }
    await voiceApi(c, 'DELETE', `ConnectionPolicies/${policy}/Targets/${sid}`, {}, signal);
    io.out(`deleted ${sid}`);
    return 0;
  },
});
