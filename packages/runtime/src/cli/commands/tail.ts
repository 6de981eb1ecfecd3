/**
 * `patchbay calls tail` and `patchbay messages tail`: the account's events as they happen, one
 * line each with the server's time, from the event stream (GET /events/v1/Accounts/{sid}/Stream).
 * A dropped connection is reported on stderr and resumed without losing or repeating events.
 */
import { command } from '../command.js';
import { checkSid } from '../flags.js';
import { follow, type StreamEvent } from '../follow.js';
import { problemText } from '../output.js';

/** One line for a call event: time, call, direction, parties, and what happened. */
export function callLine(event: StreamEvent): string {
  const d = event.data;
  const what =
    event.type === 'call.error'
      ? problemText('error', d.error)
      : event.type === 'call.warning'
        ? problemText('warning', d.warning)
        : String(d.status);
  return `${d.timestamp}  ${d.sid}  ${d.direction}  ${d.from} -> ${d.to}  ${what}`;
}

/** One line for a message event. */
export function messageLine(event: StreamEvent): string {
  const d = event.data;
  const what =
    event.type === 'message.error' ? problemText('error', d.error) : `${d.status}  ${JSON.stringify(d.body)}`;
  return `${d.timestamp}  ${d.sid}  ${d.direction}  ${d.from} -> ${d.to}  ${what}`;
}

export const callsTail = command({
  summary: 'print call events as they happen: created, ringing, answered, ended, errors (Ctrl-C to stop)',
  description: [
    "Follows the server's event stream. When the connection drops (the server restarts), it says so",
    'on stderr, reconnects with backoff and resumes where it left off.',
  ].join('\n'),
  client: true,
  flags: {
    call: {
      value: '<CallSid>',
      description: 'only this call and the calls it dialed',
      check: checkSid('CA', 'a call'),
    },
  },
  async run({ flags, io, connection, signal }) {
    await follow({
      connection: connection(),
      signal,
      onNotice: io.err,
      onEvent: (event) => {
        if (!event.type.startsWith('call.')) return;
        if (flags.call && event.data.sid !== flags.call && event.data.parent_call_sid !== flags.call) return;
        io.out(callLine(event));
      },
    });
    return 0;
  },
});

export const messagesTail = command({
  summary: 'print messages as they are sent, received and delivered (Ctrl-C to stop)',
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    await follow({
      connection: connection(),
      signal,
      onNotice: io.err,
      onEvent: (event) => {
        if (event.type.startsWith('message.')) io.out(messageLine(event));
      },
    });
    return 0;
  },
});
