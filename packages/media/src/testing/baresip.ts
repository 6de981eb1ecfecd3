/**
 * A real SIP phone for the media tests: Debian's baresip 1.0, one process per phone, each on its
 * own 127.0.0.x with its own config directory, driven over one persistent ctrl_tcp connection.
 * It sends a tone of its own frequency (or silence) and records what it hears, so a test asserts
 * on audio: `hearsTone(await phone.heard(), 900)`.
 *
 * Startup waits on the control connection (retried every 20 ms), not on a sleep; the account is
 * added with `uanew` after connecting so a registration event cannot be missed. close() quits
 * baresip and removes its directory; anything left is killed and removed at process exit.
 *
 * @example
 * const a = await startPhone({ address: '127.0.0.2', tone: 600 });
 * const b = await startPhone({ address: '127.0.0.3', tone: 900, autoAnswer: true });
 * await a.dial(b.uri);
 * await a.waitFor('established');
 * expect(hearsTone(await a.listen(1000), 900)).toBe(true);
 * await Promise.all([a.close(), b.close()]);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventEmitter } from 'eventemitter3';
import { accountLine, baresipConfig } from './baresip-config.js';
import { type BaresipEvent, CtrlTcp } from './ctrl-tcp.js';
import { PeerError } from './errors.js';
import type { Phone, PhoneEvent, PhoneEvents, PhoneOptions } from './phone.js';
import { freePort, OutputTail, removeDir, stopChild, tempDir, track } from './processes.js';
import { concatPcm, dtmfPcm, encodeWav, readWav, tonePcm } from './wav.js';

export type { Phone, PhoneAccount, PhoneEvent, PhoneEvents, PhoneOptions } from './phone.js';

const EVENT_TYPES: Record<string, PhoneEvent> = {
  CALL_INCOMING: 'incoming',
  CALL_RINGING: 'ringing',
  CALL_PROGRESS: 'progress',
  CALL_ESTABLISHED: 'established',
  CALL_CLOSED: 'closed',
  REGISTER_OK: 'registered',
  REGISTER_FAIL: 'registerFailed',
  CALL_DTMF_START: 'dtmf',
};
const CALL_EVENTS: PhoneEvent[] = ['ringing', 'progress', 'established', 'closed', 'dtmf'];
const MAX_QUEUED = 32;
const DIGITS = /^[0-9*#A-D]{1,64}$/i;

class BaresipPhone implements Phone {
  readonly events = new EventEmitter<PhoneEvents>();
  readonly uri: string;
  readonly aor: string;
  #digits = '';
  #queues = new Map<PhoneEvent, string[]>();
  #control: CtrlTcp | undefined;
  #closed = false;
  #played = 0;

  constructor(
    readonly address: string,
    readonly sipPort: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly options: PhoneOptions,
  ) {
    const user = options.account?.user ?? 'phone';
    this.uri = `sip:${user}@${address}:${sipPort}`;
    this.aor = options.account ? `sip:${user}@${options.account.domain}` : this.uri;
  }

  get digits(): string {
    return this.#digits;
  }

  attach(control: CtrlTcp): void {
    this.#control = control;
  }

  /** The control connection ended without close(): baresip exited, so any call is over. */
  lost(): void {
    if (this.#closed) return;
    this.receive({ type: 'CALL_CLOSED', param: 'baresip exited' });
  }

  receive(event: BaresipEvent): void {
    const name = EVENT_TYPES[event.type];
    if (!name) return;
    const text = name === 'incoming' ? (event.peeruri ?? '') : (event.param ?? '');
    if (name === 'dtmf') this.#digits += text;
    const queue = this.#queues.get(name) ?? [];
    queue.push(text);
    if (queue.length > MAX_QUEUED) queue.shift();
    this.#queues.set(name, queue);
    (this.events.emit as (event: PhoneEvent, text: string) => boolean)(name, text);
  }

  async #command(command: string, params = ''): Promise<string> {
    if (this.#closed || !this.#control) throw new PeerError('PEER_CLOSED', `${command} after close`, this.uri);
    return this.#control.command(command, params);
  }

  #forgetCall(): void {
    for (const name of CALL_EVENTS) this.#queues.delete(name);
  }

  async dial(uri: string): Promise<void> {
    if (/[\s<>"]/.test(uri)) throw new RangeError(`not a SIP URI: ${JSON.stringify(uri)}`);
    this.#forgetCall();
    await this.#command('dial', uri);
  }

  async accept(): Promise<void> {
    this.#forgetCall();
    await this.#command('accept');
  }

  async hangup(): Promise<void> {
    await this.#command('hangup');
  }

  async sendDigits(digits: string, options: { inband?: boolean } = {}): Promise<void> {
    if (!DIGITS.test(digits)) throw new RangeError(`not DTMF digits: ${JSON.stringify(digits)}`);
    if (options.inband) await this.play(dtmfPcm(digits));
    else await this.#command('sndcode', digits);
  }

  async play(pcm: Int16Array, options: { after?: 'tone' | 'silence' } = {}): Promise<void> {
    // aufile plays one file and its end ends the call: the sound, then a long tone or silence.
    const tone = options.after === 'silence' ? 0 : (this.options.tone ?? 0);
    const path = join(this.dir, `play-${++this.#played}.wav`);
    await writeFile(path, encodeWav(concatPcm([pcm, tonePcm(tone, this.options.toneSeconds ?? 120)])));
    await this.#command('ausrc', `aufile,${path}`);
  }

  async hold(): Promise<void> {
    await this.#command('hold');
  }

  async resume(): Promise<void> {
    await this.#command('resume');
  }

  waitFor(event: PhoneEvent, timeoutMs = 5000): Promise<string> {
    const queued = this.#queues.get(event);
    if (queued && queued.length > 0) return Promise.resolve(queued.shift() ?? '');
    const callSetup = event === 'ringing' || event === 'progress' || event === 'established';
    const closedAlready = callSetup ? this.#queues.get('closed')?.[0] : undefined;
    if (closedAlready !== undefined) {
      return Promise.reject(new PeerError('PEER_TIMEOUT', `call closed (${closedAlready}) before ${event}`, this.uri));
    }
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(event, onEvent);
        this.events.off('closed', onClosed);
      };
      const onEvent = (text?: string) => {
        done();
        this.#queues.get(event)?.shift();
        resolve(text ?? '');
      };
      const onClosed = (reason: string) => {
        done();
        reject(new PeerError('PEER_TIMEOUT', `call closed (${reason}) while waiting for ${event}`, this.uri));
      };
      const timer = setTimeout(() => {
        done();
        reject(new PeerError('PEER_TIMEOUT', `no ${event} within ${timeoutMs} ms`, this.uri));
      }, timeoutMs);
      this.events.on(event, onEvent);
      if (callSetup) this.events.on('closed', onClosed);
    });
  }

  async heard(): Promise<Int16Array> {
    const names = (await readdir(this.dir)).filter((n) => n.startsWith('dump-') && n.endsWith('-dec.wav')).sort();
    const latest = names.at(-1);
    if (!latest) return new Int16Array(0);
    const { sampleRate, pcm } = await readWav(join(this.dir, latest));
    if (sampleRate !== 8000) throw new PeerError('PEER_COMMAND', `recording at ${sampleRate} Hz, not 8000`, this.uri);
    return pcm;
  }

  async listen(ms: number, timeoutMs = ms + 3000): Promise<Int16Array> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pcm = await this.heard();
      if (pcm.length >= ms * 8) return pcm;
      if (Date.now() > deadline) {
        throw new PeerError('PEER_TIMEOUT', `heard ${pcm.length / 8} ms of audio, not ${ms}`, this.uri);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  vanish(): void {
    this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const control = this.#control;
    // quit unregisters first; a registrar that does not answer would hold it for seconds, and
    // baresip's SIGTERM does the same as quit, so after 500 ms it is killed.
    await stopChild(
      this.child,
      500,
      () => {
        control?.command('quit').catch(() => {});
      },
      false,
    );
    control?.close();
    removeDir(this.dir);
    this.events.removeAllListeners();
  }
}

/**
 * Starts a baresip phone and resolves once it takes commands (its account added). A port taken
 * between choosing it and baresip binding it (another test starting) gets one more try.
 */
export async function startPhone(options: PhoneOptions): Promise<Phone> {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(options.address)) {
    throw new RangeError(`a test phone needs its own loopback IP, not ${JSON.stringify(options.address)}`);
  }
  for (let attempt = 1; ; attempt++) {
    const dir = await tempDir('patchbay-phone-');
    try {
      return await launch(options, dir);
    } catch (error) {
      removeDir(dir);
      const retry = error instanceof PeerError && error.code === 'PEER_START' && attempt < 2 && !options.sipPort;
      if (!retry) throw error;
    }
  }
}

async function launch(options: PhoneOptions, dir: string): Promise<Phone> {
  const sipPort = options.sipPort ?? (await freePort(options.address));
  const ctrlPort = await freePort(options.address);
  const source = join(dir, 'source.wav');
  await writeFile(source, encodeWav(tonePcm(options.tone ?? 0, options.toneSeconds ?? 120)));
  await writeFile(join(dir, 'accounts'), '');
  await writeFile(
    join(dir, 'config'),
    baresipConfig({ address: options.address, sipPort, ctrlPort, source, recordDir: dir }),
  );
  const output = new OutputTail();
  const child = track(spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const phone = new BaresipPhone(options.address, sipPort, dir, child, options);
  const where = `baresip on ${options.address}:${sipPort}`;
  try {
    const control = await CtrlTcp.connect(options.address, ctrlPort, {
      timeoutMs: options.startTimeoutMs ?? 5000,
      isAlive: () => !spawnError && child.exitCode === null && child.signalCode === null,
      onEvent: (event) => phone.receive(event),
      onClose: () => phone.lost(),
    });
    phone.attach(control);
    await control.command('uanew', accountLine({ ...options, sipPort }));
  } catch (error) {
    await stopChild(child, 200);
    if ((spawnError as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new PeerError('PEER_MISSING', 'baresip is not installed: run scripts/ensure-media-tools.sh', where);
    }
    throw new PeerError('PEER_START', `baresip did not start: ${output.toString().slice(-1500)}`, where, {
      cause: error,
    });
  }
  return phone;
}
