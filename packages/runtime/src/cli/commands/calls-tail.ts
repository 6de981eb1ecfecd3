/** `patchbay calls tail`: call status changes as they happen. */
import { api } from '../client.js';
import { command } from '../command.js';

export const callsTail = command({
  summary: 'print call status changes as they happen (Ctrl-C to stop)',
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const c = connection();
    const seen = new Map<string, string>();
    while (!signal.aborted) {
      const page = await api(c, 'GET', 'Calls.json?PageSize=100', {}, signal).catch((error: unknown) => {
        if (signal.aborted) return undefined;
        throw error;
      });
      for (const call of ((page?.calls ?? []) as Array<Record<string, string>>).reverse()) {
        if (seen.get(call.sid as string) === call.status) continue;
        seen.set(call.sid as string, call.status as string);
        io.out(
          `${new Date().toISOString()}  ${call.sid}  ${call.direction}  ${call.from} -> ${call.to}  ${call.status}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return 0;
  },
});
