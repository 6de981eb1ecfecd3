/** `patchbay serve`: the server (REST API, call runtime, simulated network) in this process. */
import { command } from '../command.js';
import { usage } from '../errors.js';
import { SECURITY_FLAGS, securityOptions } from '../security-flags.js';

export const serve = command({
  summary: 'run the server (REST API, call runtime, simulated network)',
  description: [
    'On first start the bootstrap account is created and its SID and auth token printed once;',
    'set PATCHBAY_ACCOUNT_SID and PATCHBAY_AUTH_TOKEN to choose them instead. On SIGINT/SIGTERM',
    'it stops taking requests, lets live calls finish (--drain-seconds), and exits 0.',
    'Accounts have the --account-* limits unless their parent set their own (Accounts/{Sid}/Limits.json).',
  ].join('\n'),
  client: false,
  flags: {
    port: { value: '<n>', description: 'port to listen on (default 3000)' },
    host: { value: '<address>', description: 'address to listen on (default 127.0.0.1)' },
    data: { value: '<dir>', description: 'data directory: SQLite store and recordings (default ./.patchbay)' },
    media: { value: '<adapter>', description: 'media adapter (only the simulated network for now)' },
    'public-url': {
      value: '<url>',
      description: 'base URL apps reach the server at (recording URLs, more_info links)',
    },
    'log-level': { value: '<level>', description: 'fatal, error, warn, info, debug (default info)' },
    'drain-seconds': { value: '<n>', description: 'on SIGINT/SIGTERM, let live calls finish this long (default 10)' },
    ...SECURITY_FLAGS,
  },
  examples: ['patchbay serve --port 3000 --data ./.patchbay'],
  async run({ flags, io, env }) {
    const media = flags.media ?? 'simulated';
    if (media !== 'simulated') throw usage('invalid-value', `--media ${media}: only "simulated" is available`, 'serve');
    // Loaded here, so client commands start without the server's modules.
    const [{ pino }, { startServer }] = await Promise.all([import('pino'), import('../serve.js')]);
    const logger = pino({ level: flags['log-level'] ?? 'info' });
    const publicUrl = flags['public-url'];
    const server = await startServer({
      port: Number(flags.port ?? 3000),
      host: flags.host ?? '127.0.0.1',
      data: flags.data ?? './.patchbay',
      // An empty variable counts as unset.
      accountSid: env.PATCHBAY_ACCOUNT_SID || undefined,
      authToken: env.PATCHBAY_AUTH_TOKEN || undefined,
      drainMs: Number(flags['drain-seconds'] ?? 10) * 1000,
      logger,
      ...securityOptions(flags),
      ...(publicUrl ? { publicUrl } : {}),
    });
    io.out(`Patchbay is listening on ${server.url}`);
    io.out(`Account SID: ${server.account.sid}`);
    if (server.accountCreated && !env.PATCHBAY_AUTH_TOKEN) {
      io.out(`Auth token:  ${server.account.authToken}   (shown once: keep it)`);
    }
    io.out('Ready.');
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void server.close().then(() => process.exit(0));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    return undefined;
  },
});
