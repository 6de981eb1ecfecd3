/** `patchbay clients list`: client identities on the device bridge, and their presence. */
import { api } from '../client.js';
import { command } from '../command.js';
import { table } from '../output.js';

export const clientsList = command({
  summary: 'client identities on the device bridge: presence, registrations',
  client: true,
  flags: {
    status: { value: '<status>', description: 'only identities with this status', choices: ['online', 'offline'] },
  },
  async run({ flags, io, connection, signal }) {
    const query = new URLSearchParams({ PageSize: '1000' });
    if (flags.status) query.set('Status', flags.status);
    const page = await api(connection(), 'GET', `Clients.json?${query}`, {}, signal);
    io.out(
      table(page.clients as Array<Record<string, unknown>>, ['identity', 'status', 'registrations', 'date_last_seen']),
    );
    return 0;
  },
});
