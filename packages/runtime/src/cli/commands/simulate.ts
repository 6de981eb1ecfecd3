/** `patchbay simulate message`: a text to one of your numbers on the simulated network (calls: simulate-call.ts). */
import { api } from '../client.js';
import { command } from '../command.js';

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
