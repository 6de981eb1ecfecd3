/** `patchbay serve`: the server (REST API, call runtime, simulated network) in this process. */
import { command } from '../command.js';
import { DEVICE_FLAGS, deviceOptions } from '../device-flags.js';
import { usage } from '../errors.js';
import { checkInteger, checkUrl } from '../flags.js';
import { ICE_FLAGS, iceOptions } from '../ice-flags.js';
import { SECURITY_FLAGS, securityOptions } from '../security-flags.js';
import { mediaOptions, SIP_FLAGS } from '../sip-flags.js';
import { WEBRTC_FLAGS, withWebRtc } from '../webrtc-flags.js';

export const serve = command({
  summary: 'run the server (REST API, call runtime, simulated network)',
  description: [
    'On first start the bootstrap account is created and its SID and auth token printed once;',
    'set PATCHBAY_ACCOUNT_SID and PATCHBAY_AUTH_TOKEN to choose them instead (`patchbay',
    'credentials` shows them later). One server per data directory (it is locked). On',
    'SIGINT/SIGTERM it answers new requests 503 while live calls finish (--drain-seconds), then',
    'frees the port and the directory and exits 0. GET /health says ok, degraded or draining.',
    'Accounts have the --account-* limits unless their parent set their own (Accounts/{Sid}/Limits.json).',
  ].join('\n'),
  client: false,
  flags: {
    port: { value: '<n>', description: 'port to listen on (default 3000)', check: checkInteger(0, 65_535) },
    host: { value: '<address>', description: 'address to listen on (default 127.0.0.1)' },
    data: { value: '<dir>', description: 'data directory: SQLite store and recordings (default ./.patchbay)' },
    'public-url': {
      value: '<url>',
      description: 'base URL apps reach the server at (recording URLs, more_info links)',
      check: checkUrl,
    },
    'log-level': {
      value: '<level>',
      description: 'how much to log (default info)',
      choices: ['fatal', 'error', 'warn', 'info', 'debug'],
    },
    'drain-seconds': {
      value: '<n>',
      description: 'on SIGINT/SIGTERM, let live calls finish this long (default 10)',
      check: checkInteger(0, 86_400),
    },
    'max-db-mb': {
      value: '<n>',
      description: 'cap the database at this size: past it, changes get 503 as on a full disk (default: no cap)',
      check: (value: string) => (Number(value) > 0 ? undefined : 'must be a positive number of megabytes'),
    },
    'tls-cert': {
      value: '<pem>',
      description:
        'serve HTTPS and WSS with this certificate (chain) on --port; needed by the hosted browser SDK (/signal, docs/hosted-sdk.md); with --tls-key',
    },
    'tls-key': { value: '<pem>', description: 'the private key of --tls-cert (PEM, not encrypted)' },
    store: {
      value: '<url>',
      description:
        'postgres://user:password@host:port/database: a store several nodes share, instead of SQLite in --data (also PATCHBAY_STORE; docs/cluster.md)',
    },
    'secret-key-file': {
      value: '<file>',
      description:
        'with --store: the key (64 hex digits, `openssl rand -hex 32`) that seals SIP passwords, the same file on every node (also PATCHBAY_SECRET_KEY)',
    },
    'callback-lease-seconds': {
      value: '<n>',
      description:
        "with --store: how long a node's claim on a callback it delivers lasts; a dead node's go out from another this long after (default 60; longer than a delivery can take)",
      check: checkInteger(1, 86_400),
    },
    bus: {
      value: '<url>',
      description:
        'join a cluster on this Redis (redis://host:port, default $PATCHBAY_BUS; docs/cluster.md); without it, a single node',
    },
    'node-id': {
      value: '<id>',
      description: "this node's id in the cluster (default <host name>-<port>: stable across restarts)",
    },
    'bus-lease-seconds': {
      value: '<n>',
      description: 'with --bus: a node silent this long is down, and a survivor ends its calls (default 10)',
      check: checkInteger(1, 3600),
    },
    ...SECURITY_FLAGS,
    ...SIP_FLAGS,
    ...ICE_FLAGS,
    ...WEBRTC_FLAGS,
    ...DEVICE_FLAGS,
  },
  examples: [
    'patchbay serve --port 3000 --data ./.patchbay',
    'patchbay serve --port 3443 --tls-cert cert.pem --tls-key key.pem',
    'patchbay serve --store postgres://patchbay:secret@10.0.0.5:5432/patchbay --secret-key-file /etc/patchbay/secret.key',
    'patchbay serve --media sip --sip-listen 0.0.0.0:5060 --rtp-ports 10000-20000 --sip-allow 203.0.113.0/24 --public-address 198.51.100.7',
  ],
  async run({ flags, io, env }) {
    const media = withWebRtc(mediaOptions(flags, env), flags);
    const ice = iceOptions(flags, env);
    const [certFile, keyFile] = [flags['tls-cert'], flags['tls-key']];
    if ((certFile === undefined) !== (keyFile === undefined))
      throw usage(
        'invalid-value',
        `--${certFile === undefined ? 'tls-key' : 'tls-cert'} needs ${certFile === undefined ? '--tls-cert' : '--tls-key'} too`,
        'serve',
      );
    const suffix = flags['sip-domain-suffix'];
    // Loaded here, so client commands start without the server's modules.
    const [{ pino }, { startServer }, { sameSecret }, { sharedStoreOptions }] = await Promise.all([
      import('pino'),
      import('../serve.js'),
      import('../../api/auth.js'),
      import('../serve-store-flags.js'),
    ]);
    const logger = pino({ level: flags['log-level'] ?? 'info' });
    const publicUrl = flags['public-url'];
    // An empty variable counts as unset.
    const bus = flags.bus || env.PATCHBAY_BUS || undefined;
    const server = await startServer({
      port: Number(flags.port ?? 3000),
      host: flags.host ?? '127.0.0.1',
      data: flags.data ?? './.patchbay',
      // An empty variable counts as unset.
      accountSid: env.PATCHBAY_ACCOUNT_SID || undefined,
      authToken: env.PATCHBAY_AUTH_TOKEN || undefined,
      drainMs: Number(flags['drain-seconds'] ?? 10) * 1000,
      ...(flags['max-db-mb'] ? { maxDatabaseBytes: Number(flags['max-db-mb']) * 1024 * 1024 } : {}),
      logger,
      ...securityOptions(flags),
      ...(publicUrl ? { publicUrl } : {}),
      media,
      ...(suffix ? { sipDomainSuffix: suffix } : {}),
      ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
      ...ice,
      ...deviceOptions(flags, publicUrl),
      ...(await sharedStoreOptions(flags, env)),
      ...(bus ? { bus } : {}),
      ...(flags['node-id'] ? { nodeId: flags['node-id'] } : {}),
      ...(flags['bus-lease-seconds'] ? { busLeaseMs: Number(flags['bus-lease-seconds']) * 1000 } : {}),
    });
    // The account keeps its stored token: a variable set before a rotation no longer matches it.
    const given = env.PATCHBAY_AUTH_TOKEN || undefined;
    const { authToken, secondaryAuthToken } = server.account;
    if (given && ![authToken, secondaryAuthToken].some((token) => token !== undefined && sameSecret(given, token))) {
      logger.warn(
        { account: server.account.sid },
        "PATCHBAY_AUTH_TOKEN is not this account's auth token (rotated since it was set?): the stored token is in effect; update the variable (`patchbay credentials` shows the token)",
      );
    }
    io.out(`Patchbay is listening on ${server.url}`);
    if (media.kind === 'sip') {
      const sip = media.listen.map((at) => `${at.transports.join('+')} ${at.host}:${at.port}`).join(', ');
      io.out(`SIP:         ${sip}; RTP ports ${media.rtpPorts.min}-${media.rtpPorts.max}`);
    }
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
    // Taken over while cut off from the cluster (or its id now another process's): it must not go
    // on beside its survivor. Exit status 1, so a supervisor starts it afresh (docs/cluster.md).
    void server.cluster?.lost.then((error) => {
      if (stopping) return;
      stopping = true;
      io.err(`patchbay: ${error.message} (${error.code}, ${error.numericCode})`);
      void server.close().then(() => process.exit(1));
    });
    return undefined;
  },
});
