/**
 * `patchbay token`: an access token for a client device, signed with an API key. Before printing
 * it, the key and secret are checked against the server (a request authenticated as the key) and
 * so is the application of `--app`, so a typo does not make a token the bridge will refuse;
 * `--offline` skips that. The token is the only thing on stdout, so `$(patchbay token ...)` works.
 */
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import { api, basicAuth, type Connection } from '../client.js';
import { command } from '../command.js';
import { CliError, RestRefusal, usage } from '../errors.js';
import { checkInteger, checkSid } from '../flags.js';

const MAKE_A_KEY =
  'make one with `patchbay keys create`, then pass --key SK... --secret ... (or set PATCHBAY_API_KEY and PATCHBAY_API_SECRET)';

const NOT_THIS_ACCOUNT =
  'use a key of this account (`patchbay keys list`), or the account the key belongs to (--account)';

/** A refusal with this HTTP status. */
const refused = (error: unknown, status: number) => error instanceof RestRefusal && error.status === status;

/**
 * Asks the server before a token is made: as the key (any key type may read applications), that
 * it authenticates (401: a wrong key or secret) and reaches the account (404: a key of another
 * account); with the account's auth token, when given, that the key is the account's own (a
 * parent's key reaches a subaccount, but a device token needs the account's own key); and that
 * the application of --app exists.
 */
async function verify(
  c: Connection,
  key: string,
  app: string | undefined,
  accountAuth: Connection | undefined,
  signal: AbortSignal,
): Promise<void> {
  try {
    await api(c, 'GET', 'Applications.json?PageSize=1', {}, signal);
  } catch (error) {
    if (refused(error, 401))
      throw new CliError('verification-failed', `the server refused API key ${key} with that secret`, {
        hint: `check --key and --secret; ${MAKE_A_KEY.replace('make one', 'or make a new key')}`,
      });
    if (refused(error, 404))
      throw new CliError('verification-failed', `API key ${key} does not belong to account ${c.account}`, {
        hint: NOT_THIS_ACCOUNT,
      });
    throw error;
  }
  if (accountAuth) {
    try {
      await api(accountAuth, 'GET', `Keys/${key}.json`, {}, signal);
    } catch (error) {
      if (refused(error, 404))
        throw new CliError('verification-failed', `API key ${key} does not belong to account ${c.account}`, {
          hint: NOT_THIS_ACCOUNT,
        });
      // A wrong auth token, or a standard key given as --token: the check as the key stands.
      if (!refused(error, 401) && !refused(error, 403)) throw error;
    }
  }
  if (app === undefined) return;
  try {
    await api(c, 'GET', `Applications/${app}.json`, {}, signal);
  } catch (error) {
    if (refused(error, 404))
      throw new CliError('verification-failed', `application ${app} is not one of account ${c.account}'s`, {
        hint: 'see `patchbay applications list`, or make one with `patchbay applications create --voice-url <url>`',
      });
    throw error;
  }
}

export const token = command({
  summary: 'an access token for a client device (checked against the server first)',
  description: [
    'The key and secret are checked against the server before the token is printed, and so is',
    '--app; --offline skips that (then only --account is needed). Only the token goes to stdout.',
  ].join('\n'),
  client: true,
  flags: {
    identity: {
      value: '<name>',
      description: 'who the device is (what Dial Client rings)',
      required: true,
      check: (value) => (value === '' ? 'must not be empty' : undefined),
    },
    key: {
      value: '<SK...>',
      description: 'API key SID (default $PATCHBAY_API_KEY)',
      check: checkSid('SK', 'an API key'),
    },
    secret: { value: '<secret>', description: "the key's secret (default $PATCHBAY_API_SECRET)" },
    app: {
      value: '<AP...>',
      description: 'lets the device place calls through this application',
      check: checkSid('AP', 'an application'),
    },
    ttl: {
      value: '<seconds>',
      description: 'how long the token is valid (default 3600)',
      check: checkInteger(1, 86_400),
    },
    offline: { description: 'do not check the key, secret and application against the server' },
  },
  examples: [
    'patchbay keys create --friendly-name softphones',
    'patchbay token --identity alice --key SK... --secret ... --app AP...',
  ],
  async run({ flags, env, io, signal, ...context }) {
    const account = context.account();
    const key = flags.key ?? (env.PATCHBAY_API_KEY || undefined);
    const secret = flags.secret ?? (env.PATCHBAY_API_SECRET || undefined);
    if (key === undefined)
      throw new CliError('missing-credentials', 'a token is signed with an API key, and none was given', {
        hint: MAKE_A_KEY,
      });
    if (flags.key === undefined) {
      const problem = checkSid('SK', 'an API key')(key);
      if (problem) throw usage('invalid-value', `PATCHBAY_API_KEY: ${problem}`, 'token');
    }
    if (secret === undefined)
      throw new CliError('missing-credentials', `no secret given for API key ${key}`, {
        hint: 'pass --secret (or set PATCHBAY_API_SECRET): `patchbay keys create` printed it once',
      });
    if (flags.offline) io.err('patchbay: --offline: the key, secret and application were not checked');
    else {
      const server = context.server();
      const authToken = context.authToken();
      await verify(
        { server, account, auth: basicAuth(key, secret) },
        key,
        flags.app,
        authToken === undefined ? undefined : { server, account, auth: basicAuth(account, authToken) },
        signal,
      );
    }
    const accessToken = new AccessToken(account, key, secret, {
      identity: flags.identity as string,
      ttl: Number(flags.ttl ?? 3600),
    });
    const grant = new VoiceGrant({ incomingAllow: true, ...(flags.app ? { outgoingApplicationSid: flags.app } : {}) });
    io.out(accessToken.addGrant(grant).toJwt());
    return 0;
  },
});
