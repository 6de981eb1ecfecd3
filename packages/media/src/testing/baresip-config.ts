/**
 * The files a baresip 1.0 test phone runs from, as plain text from plain data.
 *
 * Measured on Debian's baresip-core 1.0: `net_interface` must be an IP (each phone has its own
 * 127.0.0.x); `sip_listen` is used for UDP and TCP; no audio player module is needed (decoded
 * audio still passes the sndfile filter, which writes `dump-<time>-dec.wav` (heard) and
 * `-enc.wav` (sent) into `snd_path`, one pair per call); aufile is a source only and loads its
 * whole file (the call ends when it ends); the `menu` module supplies the commands ctrl_tcp
 * runs (dial, accept, hangup, hold, resume, sndcode, ausrc, uanew, quit); stdio is left out
 * (it needs a terminal). The accounts file stays empty: the phone's account is added with
 * `uanew` once the control connection is up, so no registration event can be missed.
 *
 * @example
 * await writeFile(join(dir, 'config'), baresipConfig({ address, sipPort, ctrlPort, source, recordDir: dir }));
 * await control.command('uanew', accountLine({ address, sipPort, autoAnswer: true }));
 */

export interface BaresipConfigOptions {
  address: string;
  sipPort: number;
  ctrlPort: number;
  /** The WAV file aufile sends (8 kHz, 16-bit mono). */
  source: string;
  /** Where sndfile writes its recordings. */
  recordDir: string;
  /** @default '/usr/lib/baresip/modules' */
  modulePath?: string;
}

export function baresipConfig(o: BaresipConfigOptions): string {
  const lines: [string, string][] = [
    ['poll_method', 'epoll'],
    ['sip_listen', `${o.address}:${o.sipPort}`],
    ['net_interface', o.address],
    ['call_local_timeout', '120'],
    ['call_max_calls', '4'],
    ['audio_source', `aufile,${o.source}`],
    ['ausrc_format', 's16'],
    ['audec_format', 's16'],
    ['auenc_format', 's16'],
    ['rtcp_mux', 'no'],
    ['jitter_buffer_delay', '1-4'],
    ['statmode_default', 'off'],
    ['ringback_disabled', 'yes'],
    ['module_path', o.modulePath ?? '/usr/lib/baresip/modules'],
    ['module', 'g711.so'],
    ['module', 'aufile.so'],
    ['module', 'sndfile.so'],
    ['module_app', 'menu.so'],
    ['module_app', 'ctrl_tcp.so'],
    ['ctrl_tcp_listen', `${o.address}:${o.ctrlPort}`],
    ['snd_path', o.recordDir],
  ];
  for (const [, value] of lines) {
    if (/[\r\n]/.test(value)) throw new RangeError(`baresip config value with a line break: ${JSON.stringify(value)}`);
  }
  return `${lines.map(([key, value]) => `${key}\t${value}`).join('\n')}\n`;
}

export interface PhoneAccount {
  user: string;
  /** The SIP domain (host or host:port) of the address of record. */
  domain: string;
  password?: string;
  /**
   * Where REGISTER goes when it is not the domain. baresip 1.0 registers at the domain or through
   * its outbound proxy, so this becomes the outbound proxy unless one is given.
   */
  registrar?: string;
  outboundProxy?: string;
  /** @default true when a password or registrar is given */
  register?: boolean;
}

export interface AccountLineOptions {
  address: string;
  sipPort: number;
  account?: PhoneAccount;
  /** @default false */
  autoAnswer?: boolean;
  /** Registration interval in seconds when registering. @default 600 */
  registerSeconds?: number;
}

const SAFE = /^[^\s;"<>,\\]*$/;

/** One line of baresip's accounts syntax: `<sip:user@domain>;param=value;...`. */
export function accountLine(o: AccountLineOptions): string {
  const a = o.account;
  const values = [a?.user, a?.domain, a?.password, a?.registrar, a?.outboundProxy];
  for (const value of values) {
    if (value !== undefined && !SAFE.test(value)) throw new RangeError(`unsafe account value ${JSON.stringify(value)}`);
  }
  const params: string[] = [];
  let aor: string;
  if (a) {
    aor = `sip:${a.user}@${a.domain}`;
    const register = a.register ?? (a.password !== undefined || a.registrar !== undefined);
    params.push(`regint=${register ? (o.registerSeconds ?? 600) : 0}`);
    if (a.password !== undefined) params.push(`auth_user=${a.user}`, `auth_pass=${a.password}`);
    const outbound = a.outboundProxy ?? a.registrar;
    if (outbound !== undefined) params.push(`outbound="${outbound.startsWith('sip:') ? outbound : `sip:${outbound}`}"`);
  } else {
    aor = `sip:phone@${o.address}:${o.sipPort}`;
    params.push('regint=0');
  }
  params.push(`answermode=${o.autoAnswer ? 'auto' : 'manual'}`, 'audio_codecs=PCMU,PCMA', 'ptime=20');
  return `<${aor}>;${params.join(';')}`;
}
