/** `patchbay simulate call|message`: inbound traffic on the simulated network, to try an app. */
import { api } from '../client.js';
import { command } from '../command.js';

export const simulateCall = command({
  summary: 'ring one of your numbers on the simulated network; print what the caller heard and did',
  client: true,
  flags: {
    to: { value: '<number>', description: 'the number to call (one of yours)', required: true },
    from: { value: '<number>', description: 'the caller' },
    digits: { value: '<keys>', description: 'keys the caller presses, one prompt each', multiple: true },
    speech: { value: '<text>', description: 'what the caller says, one prompt each', multiple: true },
    'hangup-after': { value: '<seconds>', description: 'the caller hangs up after this long' },
  },
  examples: ["patchbay simulate call --to +15550100100 --digits 2 --digits '#'"],
  async run({ flags, io, connection, signal }) {
    const result = await api(
      connection(),
      'POST',
      'Simulator/Calls.json',
      {
        To: flags.to,
        From: flags.from,
        Digits: flags.digits,
        Speech: flags.speech,
        HangupAfter: flags['hangup-after'],
        Wait: 'true',
      },
      signal,
    );
    io.out(`${result.sid}  ${result.from} -> ${result.to}  ${result.status}  (${result.duration} s)`);
    for (const line of (result.transcript as string[]) ?? []) io.out(`  ${line}`);
    return 0;
  },
});

export const simulateMessage = command({
  summary: 'text one of your numbers: its SmsUrl answers, and the replies are sent and printed',
  description: 'Exits 1 when the app failed (unreachable, invalid document).',
  client: true,
  flags: {
    to: { value: '<number>', description: 'the number to text (one of yours)', required: true },
    from: { value: '<number>', description: 'the sender' },
    body: { value: '<text>', description: 'the text' },
    'media-url': { value: '<url>', description: 'an attachment', multiple: true },
  },
  examples: ['patchbay simulate message --to +15550100100 --body hours?'],
  async run({ flags, io, connection, signal }) {
    const result = await api(
      connection(),
      'POST',
      'Simulator/Messages.json',
      { To: flags.to, From: flags.from, Body: flags.body, MediaUrl: flags['media-url'] },
      signal,
    );
    io.out(`${result.sid}  ${result.from} -> ${result.to}  ${result.status}`);
    for (const reply of (result.replies as Array<Record<string, string>>) ?? [])
      io.out(`  reply ${reply.sid}  -> ${reply.to}: ${reply.body}`);
    const failure = result.error as { code: number; message: string } | null;
    if (failure) io.out(`  error ${failure.code}: ${failure.message}`);
    return failure ? 1 : 0;
  },
});
