/**
 * A client for baresip's ctrl_tcp: JSON in netstrings over one persistent TCP connection.
 * baresip sends events only to its most recent client, so each phone keeps exactly one.
 *
 * Wire format (baresip 1.0): command `{"command":"dial","params":"sip:b@127.0.0.3","token":"7"}`;
 * response `{"response":true,"ok":true,"data":"...","token":"7"}`; event
 * `{"event":true,"type":"CALL_ESTABLISHED","class":"call","accountaor":"sip:...","direction":
 * "outgoing","peeruri":"sip:...","id":"<call id>","param":"..."}`.
 *
 * @example
 * const control = await CtrlTcp.connect('127.0.0.2', port, { timeoutMs: 3000, onEvent: (e) => ... });
 * await control.command('dial', 'sip:phone@127.0.0.3:5062');
 */
import { connect, type Socket } from 'node:net';
import { PeerError } from './errors.js';
import { encodeNetstring, NetstringReader } from './netstring.js';

/** An event as baresip sends it (the fields the tests use). */
export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  param?: string;
}

interface Pending {
  resolve: (data: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface CtrlTcpOptions {
  onEvent: (event: BaresipEvent) => void;
  /** Called once when the connection ends (baresip quit or crashed). */
  onClose?: () => void;
  /** Per command. @default 5000 */
  commandTimeoutMs?: number;
}

export class CtrlTcp {
  #pending = new Map<string, Pending>();
  #next = 1;
  #closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly where: string,
    private readonly options: CtrlTcpOptions,
  ) {
    const reader = new NetstringReader(where);
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const text of reader.push(chunk)) this.#receive(text);
      } catch (error) {
        this.#end(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => this.#end(error));
    socket.on('close', () => this.#end(new PeerError('PEER_COMMAND', 'control connection closed', where)));
  }

  /** Connects, retrying every 20 ms while refused (baresip still starting), until `timeoutMs`. */
  static async connect(
    host: string,
    port: number,
    options: CtrlTcpOptions & { timeoutMs?: number; isAlive?: () => boolean },
  ): Promise<CtrlTcp> {
    const where = `baresip ctrl_tcp ${host}:${port}`;
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host, port });
          s.once('connect', () => {
            s.removeListener('error', reject);
            resolve(s);
          });
          s.once('error', reject);
        });
        socket.setNoDelay(true);
        return new CtrlTcp(socket, where, options);
      } catch (error) {
        if (Date.now() > deadline || options.isAlive?.() === false) {
          throw new PeerError('PEER_START', 'could not reach ctrl_tcp', where, { cause: error });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  /** Runs a command; resolves with its `data` text, rejects when baresip says it failed. */
  command(command: string, params = ''): Promise<string> {
    if (this.#closed) return Promise.reject(new PeerError('PEER_CLOSED', `${command}: control closed`, this.where));
    const token = String(this.#next++);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(token);
        reject(new PeerError('PEER_TIMEOUT', `no response to ${command}`, this.where));
      }, this.options.commandTimeoutMs ?? 5000);
      this.#pending.set(token, { resolve, reject, timer });
      this.socket.write(encodeNetstring(JSON.stringify({ command, params, token })));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  #receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (cause) {
      throw new PeerError('PEER_COMMAND', 'message is not JSON', this.where, { cause });
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (m.response === true && typeof m.token === 'string') {
      const pending = this.#pending.get(m.token);
      if (!pending) return;
      this.#pending.delete(m.token);
      clearTimeout(pending.timer);
      const data = typeof m.data === 'string' ? m.data : '';
      if (m.ok === true) pending.resolve(data);
      else pending.reject(new PeerError('PEER_COMMAND', `command failed: ${data.trim()}`, this.where));
    } else if (m.event === true && typeof m.type === 'string') {
      this.options.onEvent(m as unknown as BaresipEvent);
    }
  }

  #end(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
    this.socket.destroy();
    this.options.onClose?.();
  }
}
