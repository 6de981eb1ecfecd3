/**
 * `patchbay applications ...`: named sets of voice and messaging URLs. A device token's `--app`,
 * a call's `--application` and a number's `--voice-application` follow one.
 */
import { api } from '../client.js';
import { type Argument, command } from '../command.js';
import { usage } from '../errors.js';
import { checkSid } from '../flags.js';
import { details, table } from '../output.js';
import { anySetting, SETTINGS_FLAGS, settingsForm } from './settings.js';

const APP_ARG: Argument = {
  name: 'ApplicationSid',
  description: 'the application (AP...)',
  check: checkSid('AP', 'an application'),
};

const FIELDS = [
  'sid',
  'friendly_name',
  'voice_url',
  'voice_method',
  'voice_fallback_url',
  'status_callback',
  'sms_url',
  'sms_method',
  'date_created',
  'date_updated',
];

export const applicationsCreate = command({
  summary: 'a new application: where calls placed through it (and from devices) go',
  client: true,
  flags: SETTINGS_FLAGS,
  examples: ['patchbay applications create --friendly-name softphone --voice-url http://127.0.0.1:4000/outgoing'],
  async run({ flags, io, connection, signal }) {
    const app = await api(connection(), 'POST', 'Applications.json', settingsForm(flags), signal);
    io.out(`${app.sid}  ${app.friendly_name || '(no name)'}  voice: ${app.voice_url ?? '(none)'}`);
    return 0;
  },
});

export const applicationsList = command({
  summary: "the account's applications",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await api(connection(), 'GET', 'Applications.json?PageSize=1000', {}, signal);
    io.out(
      table(page.applications as Array<Record<string, unknown>>, ['sid', 'friendly_name', 'voice_url', 'sms_url']),
    );
    return 0;
  },
});

export const applicationsGet = command({
  summary: 'show one application',
  client: true,
  args: [APP_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    io.out(details(await api(connection(), 'GET', `Applications/${args[0]}.json`, {}, signal), FIELDS));
    return 0;
  },
});

export const applicationsUpdate = command({
  summary: "change an application's settings",
  description: "Only the settings given change; an empty value ('') clears a URL.",
  client: true,
  args: [APP_ARG],
  flags: SETTINGS_FLAGS,
  async run({ args, flags, io, connection, signal }) {
    const form = settingsForm(flags);
    if (!anySetting(form)) throw usage('missing-flag', 'give at least one setting to change', 'applications update');
    io.out(details(await api(connection(), 'POST', `Applications/${args[0]}.json`, form, signal), FIELDS));
    return 0;
  },
});

export const applicationsDelete = command({
  summary: 'delete an application',
  client: true,
  args: [APP_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    await api(connection(), 'DELETE', `Applications/${args[0]}.json`, {}, signal);
    io.out(`deleted ${args[0]}`);
    return 0;
  },
});
