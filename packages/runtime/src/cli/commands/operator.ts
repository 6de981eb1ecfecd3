/**
 * Operator commands on a data directory (no server contacted): `patchbay credentials` (show or
 * rotate an account's auth token) and `patchbay backup` (an online copy of the store and the
 * recordings). See docs/operations.md.
 */
import { command } from '../command.js';

const DATA = {
  data: { value: '<dir>', description: 'the data directory (default ./.patchbay)' },
} as const;

export const credentials = command({
  summary: "print an account's SID and auth token from the data directory, or rotate the token",
  description: [
    'Reads the store directly (read-only), so it works while the server runs: how to get back a',
    'token whose one showing was missed. --rotate makes a new token (printed once; the old one',
    'stops working) and needs the server stopped; rotate a live server through its API instead',
    '(POST /v1/AuthTokens/Secondary, then /v1/AuthTokens/Promote). With --store postgres://...',
    "(a cluster's shared database) it reads the account from that database; --rotate is refused there.",
  ].join('\n'),
  client: false,
  flags: {
    ...DATA,
    store: { value: '<url>', description: "a cluster's --store postgres://...: read the account from that database" },
    account: { value: '<sid>', description: 'the account, AC and 32 hex digits (default: the bootstrap account)' },
    rotate: { description: 'make a new auth token (the server must be stopped)' },
  },
  examples: [
    'patchbay credentials --data ./.patchbay',
    'patchbay credentials --rotate',
    'patchbay credentials --store postgres://patchbay:secret@10.0.0.5:5432/patchbay',
  ],
  async run({ flags, io, env }) {
    const { readCredentials, readSharedCredentials, rotateCredentials, rotateSharedRefused } = await import(
      '../credentials.js'
    );
    const data = flags.data ?? './.patchbay';
    const store = flags.store || env.PATCHBAY_STORE;
    if (store && flags.rotate) throw rotateSharedRefused(store);
    if (flags.rotate) {
      const account = await rotateCredentials(data, flags.account);
      io.out(`Account SID: ${account.sid}`);
      io.out(`Auth token:  ${account.authToken}   (new, shown once: the old token no longer works)`);
      return undefined;
    }
    const account = store
      ? await readSharedCredentials(store, flags.account)
      : await readCredentials(data, flags.account);
    io.out(`Account SID: ${account.sid}`);
    io.out(`Auth token:  ${account.authToken}`);
    if (account.secondaryAuthToken) io.out(`Secondary auth token: ${account.secondaryAuthToken}`);
    return undefined;
  },
});

export const backup = command({
  summary: 'copy the data directory (store and recordings) consistently, while the server runs',
  description: [
    "A snapshot of the database through SQLite's online backup API, then the recordings. The",
    'destination must be new or empty; it is itself a data directory: to restore, serve from it.',
  ].join('\n'),
  args: [{ name: 'destination', description: 'a new or empty directory for the copy' }],
  client: false,
  flags: {
    ...DATA,
    store: { value: '<url>', description: "a server's --store postgres://...: refused, use pg_dump (docs/cluster.md)" },
  },
  examples: ['patchbay backup /backups/patchbay-2026-11-28 --data ./.patchbay'],
  async run({ flags, args, io, env }) {
    const store = flags.store || env.PATCHBAY_STORE;
    if (store) {
      const { StartupError } = await import('../../startup-error.js');
      throw new StartupError(
        'store-unsupported',
        'patchbay backup copies a SQLite data directory; this store is a PostgreSQL database',
        "back it up with PostgreSQL's own tools: pg_dump --format=custom --file=patchbay.dump <the --store URL> (docs/cluster.md), and keep the --secret-key-file with it",
      );
    }
    const { backupDataDirectory } = await import('../../store/backup.js');
    const data = flags.data ?? './.patchbay';
    const destination = args[0] as string;
    const copied = await backupDataDirectory(data, destination);
    io.out(
      `Backed up ${data} to ${destination}: ${copied.records} records, ${copied.pendingCallbacks} callbacks to deliver, ${copied.blobs} recordings, ${(copied.bytes / 1048576).toFixed(1)} MiB`,
    );
    return undefined;
  },
});
