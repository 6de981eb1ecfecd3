/**
 * The quick start: runs `patchbay serve` with its data in ./.patchbay-demo, starts the example
 * app, wires +15550100100 to it, scripts the sales number it dials, and places two scripted calls
 * on the simulated network (press 1 for sales; press 2 and leave a message) and sends it a text,
 * printing what the caller heard and did and the app's reply. Then leaves the server and the app
 * running for you to try more (Ctrl-C stops both, and exits 0); `--once` stops after the calls.
 * `--port` and `--data` choose the server's port (3000) and data directory (./.patchbay-demo).
 *
 * `--server <url>` runs the app against a Patchbay already running (e.g. `patchbay serve --media
 * sip`, for calls from real SIP phones), with the account in PATCHBAY_ACCOUNT_SID and
 * PATCHBAY_AUTH_TOKEN: it starts the app and points the support line at it, places no scripted
 * calls, and leaves the server running when stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createApp, SALES } from './app.js';

export const SUPPORT_LINE = '+15550100100';

interface Credentials {
  readonly sid: string;
  readonly token: string;
}

/** The demo account: made once and kept beside the demo's data. */
function credentials(data: string): Credentials {
  const file = join(data, 'demo-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const created = { sid: `AC${randomBytes(16).toString('hex')}`, token: randomBytes(16).toString('hex') };
  writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  return created;
}

async function serve(data: string, port: number, account: Credentials): Promise<{ child: ChildProcess; url: string }> {
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('@patchbay/runtime/package.json')),
    'dist/cli/bin.js',
  );
  const child = spawn(process.execPath, [bin, 'serve', '--data', data, '--port', String(port), '--log-level', 'warn'], {
    env: { ...process.env, PATCHBAY_ACCOUNT_SID: account.sid, PATCHBAY_AUTH_TOKEN: account.token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url = '';
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    url ||= /listening on (\S+)/.exec(line)?.[1] ?? '';
    if (line === 'Ready.') break;
  }
  child.stdout?.resume();
  return { child, url };
}

async function rest(
  server: string,
  account: Credentials,
  path: string,
  form: Record<string, string | readonly string[]>,
) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form))
    for (const item of typeof value === 'string' ? [value] : value) body.append(key, item);
  const response = await fetch(`${server}/2010-04-01/Accounts/${account.sid}/${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${account.sid}:${account.token}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok && json.code !== 21422) throw new Error(`${path}: ${response.status} ${String(json.message)}`);
  return json;
}

export async function runQuickStart(options: {
  data: string;
  port: number;
  once: boolean;
  print: (line: string) => void;
  /** A Patchbay already running, and its account: nothing is started or scripted there. */
  server?: { url: string; account: Credentials };
}) {
  const { print } = options;
  // Ctrl-C works from the start, in the middle of the scripted calls too: it stops whatever runs by then.
  let stop = async () => {};
  const interrupt = options.once ? undefined : onInterrupt(() => stop());
  const account = options.server?.account ?? credentials(options.data);
  const server = options.server
    ? { child: undefined, url: options.server.url }
    : await serve(options.data, options.port, account);
  const app = createApp(account.token).listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  const child = server.child;
  stop = async () => {
    app.close();
    if (!child) return; // a server we did not start keeps running
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // The server drains and exits 0; anything else is worth saying.
    const code = await exited;
    if (code !== 0) console.error(`patchbay serve exited with code ${code}`);
  };
  try {
    await demo(options, account, server.url, `http://127.0.0.1:${(app.address() as AddressInfo).port}`, !child);
  } catch (error) {
    // Stopping: the scripted calls' requests fail as the server goes; the handler exits 0. A
    // terminal's Ctrl-C reaches the server too, which may refuse a request (503, shutting down)
    // before this process has handled its own: then it waits for the server to be gone first.
    if (
      !interrupt?.requested &&
      child &&
      child.exitCode === null &&
      String(error).includes('503 the server is shutting down')
    )
      await new Promise((resolve) => child.once('exit', resolve));
    if (interrupt?.requested) return new Promise<never>(() => {});
    throw error;
  }
  if (options.once) return stop();
  print('\nPress Ctrl-C to stop.');
}

async function demo(
  options: { data: string; print: (line: string) => void; server?: unknown },
  account: Credentials,
  serverUrl: string,
  appUrl: string,
  external: boolean,
): Promise<void> {
  const { print } = options;
  print(
    options.server ? `Using Patchbay at ${serverUrl}` : `Patchbay is running at ${serverUrl} (data in ${options.data})`,
  );
  print(`The example app (official helper library) is at ${appUrl}`);
  await rest(serverUrl, account, 'IncomingPhoneNumbers.json', {
    PhoneNumber: SUPPORT_LINE,
    VoiceUrl: `${appUrl}/voice`,
    SmsUrl: `${appUrl}/sms`,
  });
  // A number from an earlier run points at that run's app: point it here.
  const numbers = (await fetch(
    `${serverUrl}/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(SUPPORT_LINE)}`,
    {
      headers: { authorization: `Basic ${Buffer.from(`${account.sid}:${account.token}`).toString('base64')}` },
    },
  ).then((r) => r.json())) as { incoming_phone_numbers: Array<{ sid: string }> };
  const numberSid = numbers.incoming_phone_numbers[0]?.sid as string;
  await rest(serverUrl, account, `IncomingPhoneNumbers/${numberSid}.json`, {
    VoiceUrl: `${appUrl}/voice`,
    SmsUrl: `${appUrl}/sms`,
  });
  print(`${SUPPORT_LINE} runs ${appUrl}/voice (calls) and ${appUrl}/sms (texts)\n`);
  if (external) {
    print('Call the support line from a phone (Ctrl-C stops the app).');
    return;
  }

  // Sales is a number outside Patchbay: script how it behaves when the app dials it.
  await rest(serverUrl, account, 'Simulator/Numbers.json', {
    Number: SALES,
    RingTime: '2',
    Script: 'say Sales, this is Sam. How can I help?; pause 3; hangup',
  });
  print(`${SALES} (sales, outside Patchbay) answers after 2 s, speaks, and hangs up\n`);

  for (const [label, script] of [
    ['A caller presses 1 for sales:', 'wait; press 1'],
    [
      'A caller presses 2 and leaves a message:',
      'wait; press 2; wait; say Hello, I would like to change my order, please call me back; press #',
    ],
  ] as const) {
    print(label);
    const call = await rest(serverUrl, account, 'Simulator/Calls.json', {
      To: SUPPORT_LINE,
      From: '+15550199000',
      Script: script,
      Wait: 'true',
    });
    for (const line of call.transcript as string[]) print(`  ${line}`);
    print(`  -> ${call.sid} ${call.status} after ${call.duration} s\n`);
  }
  print('A customer texts "hours?":');
  const text = await rest(serverUrl, account, 'Simulator/Messages.json', {
    To: SUPPORT_LINE,
    From: '+15550199000',
    Body: 'hours?',
  });
  for (const reply of text.replies as Array<Record<string, string>>) print(`  reply to ${reply.to}: ${reply.body}`);
  print('');
  // Each line works pasted alone, once the export is done: no `patchbay` on the PATH is assumed.
  const cli = 'npx -y pnpm@10.34.8 patchbay';
  print('Try more calls and texts, from the repository (another terminal):');
  print(`  export PATCHBAY_URL=${serverUrl} PATCHBAY_ACCOUNT_SID=${account.sid} PATCHBAY_AUTH_TOKEN=${account.token}`);
  print(`  ${cli} simulate call --to ${SUPPORT_LINE} --script 'wait; press 2; wait; say hi; press #'`);
  print(`  ${cli} simulate message --to ${SUPPORT_LINE} --body hello`);
  print(`  ${cli} calls tail              # calls as they happen (Ctrl-C to stop)`);
}

/** Ctrl-C (which pnpm and tsx may pass on again) or SIGTERM: stops once, then exits 0. */
function onInterrupt(stop: () => Promise<void>): { readonly requested: boolean } {
  const state = { requested: false };
  const shutdown = () => {
    if (state.requested) return;
    state.requested = true;
    void stop().then(() => process.exit(0));
  };
  // Listening from the start: without a handler, the process dies of the signal and pnpm
  // reports a failure.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return state;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({
    // `pnpm start -- --once` hands the script a literal `--` before its flags.
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
    options: {
      once: { type: 'boolean' },
      port: { type: 'string' },
      data: { type: 'string' },
      server: { type: 'string' },
    },
  });
  const sid = process.env.PATCHBAY_ACCOUNT_SID;
  const token = process.env.PATCHBAY_AUTH_TOKEN;
  if (values.server && !(sid && token)) {
    console.error('--server needs the account in PATCHBAY_ACCOUNT_SID and PATCHBAY_AUTH_TOKEN');
    process.exit(2);
  }
  await runQuickStart({
    ...(values.server && sid && token ? { server: { url: values.server, account: { sid, token } } } : {}),
    data: resolve(process.cwd(), values.data ?? '../../.patchbay-demo'),
    port: Number(values.port ?? 3000),
    once: values.once ?? false,
    print: console.log,
  });
}
