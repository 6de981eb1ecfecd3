/** `patchbay keys ...`: API keys, which sign device access tokens and authenticate as the account. */
import { api } from '../client.js';
import { command } from '../command.js';
import { checkSid } from '../flags.js';
import { table } from '../output.js';

export const keysCreate = command({
  summary: 'a new API key: prints its SID and secret (the secret is shown once)',
  client: true,
  description: 'A standard key unless --main: main keys may also manage accounts, auth tokens and keys.',
  flags: {
    'friendly-name': { value: '<name>', description: 'a name for it' },
    main: { description: 'a main key (only the auth token or a main key may make one)' },
  },
  examples: ['patchbay keys create --friendly-name softphones'],
  async run({ flags, io, connection, signal }) {
    const params = { FriendlyName: flags['friendly-name'], KeyType: flags.main ? 'main' : undefined };
    const key = await api(connection(), 'POST', 'Keys.json', params, signal);
    io.out(`${key.sid}  secret: ${key.secret}   (shown once: keep it)`);
    return 0;
  },
});

export const keysList = command({
  summary: "the account's API keys (without their secrets)",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await api(connection(), 'GET', 'Keys.json?PageSize=1000', {}, signal);
    io.out(table(page.keys as Array<Record<string, unknown>>, ['sid', 'friendly_name', 'key_type', 'date_created']));
    return 0;
  },
});

export const keysDelete = command({
  summary: 'delete an API key: tokens it signed stop working',
  client: true,
  args: [{ name: 'KeySid', description: 'the key (SK...)', check: checkSid('SK', 'an API key') }],
  flags: {},
  async run({ args, io, connection, signal }) {
    await api(connection(), 'DELETE', `Keys/${args[0]}.json`, {}, signal);
    io.out(`deleted ${args[0]}`);
    return 0;
  },
});
