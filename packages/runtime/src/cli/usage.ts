/**
 * What the `patchbay` command accepts: its help text and its flags (one place, so a new flag is
 * documented where it is declared).
 */

/** The text of `patchbay --help`. */
export const HELP = `patchbay: an open, self-hostable programmable-voice server

Usage:
  patchbay serve [options]            run the server (REST API, call runtime, simulated network)
      --port <n>                      port to listen on (default 3000)
      --host <address>                address to listen on (default 127.0.0.1)
      --data <dir>                    data directory: SQLite store and recordings (default ./.patchbay)
      --media simulated               media adapter (only the simulated network for now)
      --public-url <url>              base URL apps reach the server at (recording URLs, more_info links)
      --log-level <level>             fatal, error, warn, info, debug (default info)
      --drain-seconds <n>             on SIGINT/SIGTERM, let live calls finish this long (default 10)
    On first start the bootstrap account is created and its SID and auth token printed once;
    set PATCHBAY_ACCOUNT_SID and PATCHBAY_AUTH_TOKEN to choose them instead.

  patchbay numbers create --number <E.164> [--voice-url <url>] [--voice-method GET|POST]
                          [--sms-url <url>] [--status-callback <url>] [--friendly-name <name>]
  patchbay numbers list
  patchbay calls create --to <number> --from <number> (--url <url> | --twiml <xml>)
                        [--status-callback <url>] [--timeout <seconds>]
  patchbay calls list [--status <status>] [--to <number>]
  patchbay calls tail                 print call status changes as they happen (Ctrl-C to stop)
  patchbay simulate call --to <number> [--from <number>] [--digits <keys>]... [--speech <text>]...
                         [--hangup-after <seconds>]
                                      ring one of your numbers on the simulated network and print
                                      what the caller heard and did
  patchbay simulate message --to <number> [--from <number>] (--body <text> | --media-url <url>...)
                                      text one of your numbers: its SmsUrl answers, the replies are
                                      sent and printed
  patchbay messages list [--to <number>] [--from <number>]
  patchbay keys create [--friendly-name <name>]
                                      a new API key: its SID and secret (shown once)
  patchbay token --identity <name> [--key <SK...>] [--secret <secret>] [--app <AP...>] [--ttl <s>]
                                      an access token for a client device (key and secret default
                                      to $PATCHBAY_API_KEY and $PATCHBAY_API_SECRET; --app lets it
                                      place calls through that application)
  patchbay clients list [--status online|offline]
                                      client identities on the device bridge: presence, registrations

Client options (all commands but serve):
      --server <url>                  the server (default $PATCHBAY_URL or http://127.0.0.1:3000)
      --account <sid>                 account SID (default $PATCHBAY_ACCOUNT_SID)
      --token <token>                 auth token (default $PATCHBAY_AUTH_TOKEN)
  patchbay --help                     this text
`;

/** Parsed flags. */
export type Values = Record<string, string | string[] | boolean | undefined>;

/** Every flag, for parseArgs. */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  media: { type: 'string' },
  'public-url': { type: 'string' },
  'log-level': { type: 'string' },
  'drain-seconds': { type: 'string' },
  server: { type: 'string' },
  account: { type: 'string' },
  token: { type: 'string' },
  number: { type: 'string' },
  'voice-url': { type: 'string' },
  'voice-method': { type: 'string' },
  'sms-url': { type: 'string' },
  'status-callback': { type: 'string' },
  'friendly-name': { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  url: { type: 'string' },
  twiml: { type: 'string' },
  timeout: { type: 'string' },
  status: { type: 'string' },
  digits: { type: 'string', multiple: true },
  speech: { type: 'string', multiple: true },
  'hangup-after': { type: 'string' },
  body: { type: 'string' },
  'media-url': { type: 'string', multiple: true },
  identity: { type: 'string' },
  key: { type: 'string' },
  secret: { type: 'string' },
  app: { type: 'string' },
  ttl: { type: 'string' },
} as const;
