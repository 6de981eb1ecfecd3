/**
 * The `patchbay` command: `serve` runs the server; the other commands talk to a running server
 * over its REST API, with the account's credentials from the environment or flags.
 */
import { parseArgs } from 'node:util';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import { pino } from 'pino';
import { api, type Connection, connect, table, UsageError } from './client.js';
import { securityFlags } from './security-flags.js';
import { startServer } from './serve.js';
import { HELP, OPTIONS, type Values } from './usage.js';

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function connection(values: Values): Connection {
  return connect({ server: text(values, 'server'), account: text(values, 'account'), token: text(values, 'token') });
}

async function serve(values: Values, print: (line: string) => void): Promise<void> {
  const media = text(values, 'media') ?? 'simulated';
  if (media !== 'simulated') throw new UsageError(`--media ${media}: only "simulated" is available`);
  const logger = pino({ level: text(values, 'log-level') ?? 'info' });
  const publicUrl = text(values, 'public-url');
  const server = await startServer({
    port: Number(text(values, 'port') ?? 3000),
    host: text(values, 'host') ?? '127.0.0.1',
    data: text(values, 'data') ?? './.patchbay',
    // An empty variable counts as unset.
    accountSid: process.env.PATCHBAY_ACCOUNT_SID || undefined,
    authToken: process.env.PATCHBAY_AUTH_TOKEN || undefined,
    drainMs: Number(text(values, 'drain-seconds') ?? 10) * 1000,
    logger,
    ...securityFlags(values),
    ...(publicUrl ? { publicUrl } : {}),
  });
  print(`Patchbay is listening on ${server.url}`);
  print(`Account SID: ${server.account.sid}`);
  if (server.accountCreated && !process.env.PATCHBAY_AUTH_TOKEN) {
    print(`Auth token:  ${server.account.authToken}   (shown once: keep it)`);
  }
  print('Ready.');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export async function main(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    print(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, action] = positionals;
  if (values.help || command === undefined || command === 'help') {
    print(HELP);
    return 0;
  }
  try {
    switch (`${command} ${action ?? ''}`.trim()) {
      case 'serve':
        await serve(values, print);
        return 0;
      case 'numbers create': {
        const number = await api(connection(values), 'POST', 'IncomingPhoneNumbers.json', {
          PhoneNumber: required(values, 'number'),
          VoiceUrl: text(values, 'voice-url'),
          VoiceMethod: text(values, 'voice-method'),
          SmsUrl: text(values, 'sms-url'),
          StatusCallback: text(values, 'status-callback'),
          FriendlyName: text(values, 'friendly-name'),
        });
        print(`${number.sid}  ${number.phone_number}  voice: ${number.voice_url ?? '(none)'}`);
        return 0;
      }
      case 'numbers list': {
        const page = await api(connection(values), 'GET', 'IncomingPhoneNumbers.json?PageSize=1000');
        print(
          table(page.incoming_phone_numbers as Array<Record<string, unknown>>, [
            'sid',
            'phone_number',
            'voice_url',
            'sms_url',
          ]),
        );
        return 0;
      }
      case 'calls create': {
        const call = await api(connection(values), 'POST', 'Calls.json', {
          To: required(values, 'to'),
          From: required(values, 'from'),
          Url: text(values, 'url'),
          Twiml: text(values, 'twiml'),
          StatusCallback: text(values, 'status-callback'),
          Timeout: text(values, 'timeout'),
        });
        print(`${call.sid}  ${call.status}`);
        return 0;
      }
      case 'calls list': {
        const query = new URLSearchParams({ PageSize: '50' });
        const status = text(values, 'status');
        const to = text(values, 'to');
        if (status) query.set('Status', status);
        if (to) query.set('To', to);
        const page = await api(connection(values), 'GET', `Calls.json?${query}`);
        print(
          table(page.calls as Array<Record<string, unknown>>, [
            'sid',
            'direction',
            'from',
            'to',
            'status',
            'duration',
            'date_created',
          ]),
        );
        return 0;
      }
      case 'calls tail': {
        const c = connection(values);
        const seen = new Map<string, string>();
        for (;;) {
          const page = await api(c, 'GET', 'Calls.json?PageSize=100');
          for (const call of (page.calls as Array<Record<string, string>>).reverse()) {
            if (seen.get(call.sid as string) === call.status) continue;
            seen.set(call.sid as string, call.status as string);
            print(
              `${new Date().toISOString()}  ${call.sid}  ${call.direction}  ${call.from} -> ${call.to}  ${call.status}`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      case 'simulate call': {
        const result = await api(connection(values), 'POST', 'Simulator/Calls.json', {
          To: required(values, 'to'),
          From: text(values, 'from'),
          Digits: values.digits as string[] | undefined,
          Speech: values.speech as string[] | undefined,
          HangupAfter: text(values, 'hangup-after'),
          Wait: 'true',
        });
        print(`${result.sid}  ${result.from} -> ${result.to}  ${result.status}  (${result.duration} s)`);
        for (const line of (result.transcript as string[]) ?? []) print(`  ${line}`);
        return 0;
      }
      case 'simulate message': {
        const result = await api(connection(values), 'POST', 'Simulator/Messages.json', {
          To: required(values, 'to'),
          From: text(values, 'from'),
          Body: text(values, 'body'),
          MediaUrl: values['media-url'] as string[] | undefined,
        });
        print(`${result.sid}  ${result.from} -> ${result.to}  ${result.status}`);
        for (const reply of (result.replies as Array<Record<string, string>>) ?? [])
          print(`  reply ${reply.sid}  -> ${reply.to}: ${reply.body}`);
        const failure = result.error as { code: number; message: string } | null;
        if (failure) print(`  error ${failure.code}: ${failure.message}`);
        return failure ? 1 : 0;
      }
      case 'keys create': {
        const key = await api(connection(values), 'POST', 'Keys.json', {
          FriendlyName: text(values, 'friendly-name'),
          KeyType: values.main ? 'main' : undefined,
        });
        print(`${key.sid}  secret: ${key.secret}   (shown once: keep it)`);
        return 0;
      }
      case 'clients list': {
        const status = text(values, 'status');
        const page = await api(
          connection(values),
          'GET',
          `Clients.json?PageSize=1000${status ? `&Status=${status}` : ''}`,
        );
        print(
          table(page.clients as Array<Record<string, unknown>>, [
            'identity',
            'status',
            'registrations',
            'date_last_seen',
          ]),
        );
        return 0;
      }
      case 'token': {
        const { account } = connection(values);
        const ttl = Number(text(values, 'ttl') ?? 3600);
        const app = text(values, 'app');
        let token: AccessToken;
        try {
          token = new AccessToken(
            account,
            text(values, 'key') || process.env.PATCHBAY_API_KEY || required(values, 'key'),
            text(values, 'secret') || process.env.PATCHBAY_API_SECRET || required(values, 'secret'),
            { identity: required(values, 'identity'), ttl },
          );
        } catch (error) {
          // The token's own checks (SIDs, ttl) are usage errors here.
          if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
          throw error;
        }
        print(
          token
            .addGrant(new VoiceGrant({ incomingAllow: true, ...(app ? { outgoingApplicationSid: app } : {}) }))
            .toJwt(),
        );
        return 0;
      }
      case 'messages list': {
        const query = new URLSearchParams();
        const to = text(values, 'to');
        const from = text(values, 'from');
        if (to) query.set('To', to);
        if (from) query.set('From', from);
        const page = await api(connection(values), 'GET', `Messages.json?${query}`);
        print(
          table(page.messages as Array<Record<string, unknown>>, [
            'sid',
            'direction',
            'from',
            'to',
            'status',
            'body',
            'date_created',
          ]),
        );
        return 0;
      }
      default:
        print(`unknown command "${positionals.join(' ')}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      print(`patchbay: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
