/** `patchbay numbers ...`: the account's phone numbers (IncomingPhoneNumbers) and where they go. */
import { api, type Connection } from '../client.js';
import { type Argument, command } from '../command.js';
import { CliError, usage } from '../errors.js';
import { checkSid, type Flag } from '../flags.js';
import { details, table } from '../output.js';
import { anySetting, SETTINGS_FLAGS, settingsForm } from './settings.js';

const E164 = /^\+[1-9][0-9]{6,14}$/;
export const checkE164 = (value: string) =>
  E164.test(value) ? undefined : `"${value}" is not an E.164 number (a + and up to 15 digits, e.g. +15551230000)`;

const NUMBER_ARG: Argument = {
  name: 'PN...|number',
  description: 'the number: its SID (PN...) or the number itself (+15551230000)',
  check: (value) => (value.startsWith('PN') ? checkSid('PN', 'a number')(value) : checkE164(value)),
};

const APPLICATION_FLAGS = {
  'voice-application': {
    value: '<AP...>',
    description: "calls follow this application's voice settings ('' to stop)",
    check: (value: string) => (value === '' ? undefined : checkSid('AP', 'an application')(value)),
  },
  'sms-application': {
    value: '<AP...>',
    description: "messages follow this application's SMS settings ('' to stop)",
    check: (value: string) => (value === '' ? undefined : checkSid('AP', 'an application')(value)),
  },
} as const satisfies Record<string, Flag>;

const FIELDS = [
  'sid',
  'phone_number',
  'friendly_name',
  'voice_url',
  'voice_method',
  'voice_fallback_url',
  'status_callback',
  'voice_application_sid',
  'sms_url',
  'sms_method',
  'sms_application_sid',
  'date_created',
  'date_updated',
];

/** The number's SID: given, or looked up by the number. */
async function numberSid(c: Connection, given: string, signal: AbortSignal): Promise<string> {
  if (given.startsWith('PN')) return given;
  const page = await api(c, 'GET', `IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(given)}`, {}, signal);
  const found = (page.incoming_phone_numbers as Array<{ sid: string }>)[0];
  if (!found)
    throw new CliError('not-found', `${given} is not one of this account's numbers`, {
      hint: 'see `patchbay numbers list`',
    });
  return found.sid;
}

export const numbersCreate = command({
  summary: 'claim a number and say where its calls and messages go',
  client: true,
  flags: {
    number: { value: '<E.164>', description: 'the number, e.g. +15551230000', required: true, check: checkE164 },
    ...SETTINGS_FLAGS,
    ...APPLICATION_FLAGS,
  },
  examples: ['patchbay numbers create --number +15551230000 --voice-url http://127.0.0.1:4000/voice'],
  async run({ flags, io, connection, signal }) {
    const number = await api(
      connection(),
      'POST',
      'IncomingPhoneNumbers.json',
      {
        PhoneNumber: flags.number,
        ...settingsForm(flags),
        VoiceApplicationSid: flags['voice-application'],
        SmsApplicationSid: flags['sms-application'],
      },
      signal,
    );
    io.out(`${number.sid}  ${number.phone_number}  voice: ${number.voice_url ?? '(none)'}`);
    return 0;
  },
});

export const numbersList = command({
  summary: "the account's numbers",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await api(connection(), 'GET', 'IncomingPhoneNumbers.json?PageSize=1000', {}, signal);
    io.out(
      table(page.incoming_phone_numbers as Array<Record<string, unknown>>, [
        'sid',
        'phone_number',
        'voice_url',
        'sms_url',
      ]),
    );
    return 0;
  },
});

export const numbersGet = command({
  summary: 'show one number and where it goes',
  client: true,
  args: [NUMBER_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await numberSid(c, args[0] as string, signal);
    io.out(details(await api(c, 'GET', `IncomingPhoneNumbers/${sid}.json`, {}, signal), FIELDS));
    return 0;
  },
});

export const numbersUpdate = command({
  summary: "change where a number's calls and messages go",
  description: "Only the settings given change; an empty value ('') clears a URL.",
  client: true,
  args: [NUMBER_ARG],
  flags: { ...SETTINGS_FLAGS, ...APPLICATION_FLAGS },
  examples: ['patchbay numbers update +15551230000 --voice-url http://127.0.0.1:4000/voice'],
  async run({ args, flags, io, connection, signal }) {
    const form = {
      ...settingsForm(flags),
      VoiceApplicationSid: flags['voice-application'],
      SmsApplicationSid: flags['sms-application'],
    };
    if (!anySetting(form)) throw usage('missing-flag', 'give at least one setting to change', 'numbers update');
    const c = connection();
    const sid = await numberSid(c, args[0] as string, signal);
    io.out(details(await api(c, 'POST', `IncomingPhoneNumbers/${sid}.json`, form, signal), FIELDS));
    return 0;
  },
});

export const numbersDelete = command({
  summary: 'release a number (its calls and messages are refused from then on)',
  client: true,
  args: [NUMBER_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await numberSid(c, args[0] as string, signal);
    await api(c, 'DELETE', `IncomingPhoneNumbers/${sid}.json`, {}, signal);
    io.out(`deleted ${sid}`);
    return 0;
  },
});
