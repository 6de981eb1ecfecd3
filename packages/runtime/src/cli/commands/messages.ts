/** `patchbay messages ...`: send, list and show text messages. */
import { api, listRows } from '../client.js';
import { command } from '../command.js';
import { usage } from '../errors.js';
import { checkInteger, checkSid, checkUrl } from '../flags.js';
import { details, table } from '../output.js';

const FIELDS = [
  'sid',
  'direction',
  'from',
  'to',
  'status',
  'body',
  'num_media',
  'error_code',
  'date_created',
  'date_sent',
];

export const messagesSend = command({
  summary: 'send a text message from one of your numbers',
  client: true,
  flags: {
    to: { value: '<number>', description: 'who to text', required: true },
    from: { value: '<number>', description: 'the sender: one of your numbers', required: true },
    body: { value: '<text>', description: 'the text (up to 1600 characters)' },
    'media-url': { value: '<url>', description: 'an attachment', multiple: true, check: checkUrl },
    'status-callback': { value: '<url>', description: 'where status changes are sent', check: checkUrl },
  },
  examples: ['patchbay messages send --to +15550199000 --from +15550100100 --body "Your table is ready"'],
  async run({ flags, io, connection, signal }) {
    if (flags.body === undefined && flags['media-url'] === undefined)
      throw usage('missing-flag', 'give --body, --media-url or both', 'messages send');
    const message = await api(
      connection(),
      'POST',
      'Messages.json',
      {
        To: flags.to,
        From: flags.from,
        Body: flags.body,
        MediaUrl: flags['media-url'],
        StatusCallback: flags['status-callback'],
      },
      signal,
    );
    io.out(`${message.sid}  ${message.from} -> ${message.to}  ${message.status}`);
    return 0;
  },
});

export const messagesList = command({
  summary: 'messages sent and received, newest first',
  client: true,
  flags: {
    to: { value: '<number>', description: 'only messages to this number' },
    from: { value: '<number>', description: 'only messages from this number' },
    limit: { value: '<n>', description: 'at most this many (default 50)', check: checkInteger(1, 1000) },
  },
  async run({ flags, io, connection, signal }) {
    const rows = await listRows(connection(), 'Messages.json', flags, { to: 'To', from: 'From' }, signal);
    io.out(table(rows, ['sid', 'direction', 'from', 'to', 'status', 'body', 'date_created']));
    return 0;
  },
});

export const messagesGet = command({
  summary: 'show one message',
  client: true,
  args: [
    {
      name: 'MessageSid',
      description: 'the message (SM... or MM...)',
      check: (value) => (value.startsWith('MM') ? checkSid('MM', 'a message') : checkSid('SM', 'a message'))(value),
    },
  ],
  flags: {},
  async run({ args, io, connection, signal }) {
    io.out(details(await api(connection(), 'GET', `Messages/${args[0]}.json`, {}, signal), FIELDS));
    return 0;
  },
});
