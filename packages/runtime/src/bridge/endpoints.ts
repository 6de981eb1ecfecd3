/**
 * The bridge's endpoints on the server's HTTP port: a WebSocket at `/devices/v1/ws`, the
 * long-poll fallback at `/devices/v1/poll` (POST to send, GET to receive, the session in the
 * `X-Patchbay-Session` header), and `/devices/v1/answer` to accept or reject an invitation in one
 * POST. All speak the same protocol to the same sessions, so a device can switch transports and
 * resume.
 *
 * Every message is validated (size, JSON, schema) before the bridge sees it. A malformed message
 * gets a typed error and the connection stays open; a bad hello, a message before hello, or
 * garbage larger than the hard cap closes the connection cleanly. Nothing a device sends can
 * throw inside the server.
 *
 * @example
 * const endpoints = deviceEndpoints(runtime.devices);
 * server.on('upgrade', endpoints.upgrade);
 * server.on('request', (req, res) => endpoints.request(req, res) || api.handle(req, res));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  checkClientMessage,
  DeviceError,
  LIMITS,
  parseClientMessage,
  type ServerMessage,
} from '@patchbay/sdk/protocol';
import { WebSocketServer } from 'ws';
import { readBody, requestUrl } from '../api/http.js';
import type { DeviceBridge } from './bridge.js';
import { asDeviceError, errorMessage } from './device-errors.js';
import { type PollAnswer, type PollRequest, pollHere, pollPosition } from './poll.js';
import type { DeviceSession, Link } from './session.js';
import { serveSocket } from './socket.js';

export const DEVICE_PATHS = {
  websocket: '/devices/v1/ws',
  longPoll: '/devices/v1/poll',
  /** Accept or reject an invitation with one POST: for devices woken by other means (a push). */
  answer: '/devices/v1/answer',
} as const;
const SESSION_HEADER = 'x-patchbay-session';
/**
 * Pages on any origin may long-poll: nothing here rides on cookies (the token is in the hello,
 * the session in a header), so allowing every origin grants nothing a page could not do anyway.
 */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': `content-type, ${SESSION_HEADER}`,
};
/** Frames above this are cut off by the socket itself (close 1009); between the limit and this, a typed error. */
const HARD_CAP_BYTES = 4 * LIMITS.maxMessageBytes;
export interface DeviceEndpoints {
  /** Handles `/devices/v1/ws` upgrades; false for other paths. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Handles long-poll requests; false for other paths. */
  request(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

export function deviceEndpoints(bridge: DeviceBridge): DeviceEndpoints {
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_CAP_BYTES });
  const polls = new Set<ServerResponse>();

  function respond(res: ServerResponse, status: number, messages: ServerMessage[]): void {
    if (res.writableEnded) return;
    const body = JSON.stringify({ messages });
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...CORS });
    res.end(body);
  }

  /** A link that gathers what is sent while a request is handled, then answers it. */
  function collecting(res: ServerResponse): Link & { messages: ServerMessage[] } {
    const messages: ServerMessage[] = [];
    let scheduled = false;
    return {
      messages,
      send(message) {
        messages.push(message);
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => respond(res, 200, messages));
      },
      close() {
        setImmediate(() => respond(res, 200, messages));
      },
    };
  }

  const readText = async (req: IncomingMessage): Promise<string> =>
    (
      await readBody(
        req,
        HARD_CAP_BYTES,
        () => new DeviceError('MalformedRequest', `body larger than ${HARD_CAP_BYTES} bytes`),
      )
    ).toString('utf8');

  async function poll(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'access-control-max-age': '600' });
      res.end();
      return;
    }
    const sessionId = req.headers[SESSION_HEADER];
    const session = typeof sessionId === 'string' ? bridge.session(sessionId) : undefined;
    if (req.method === 'POST' && sessionId === undefined) {
      // hello: opens (or resumes) a session; the answer carries welcome and what is pending.
      const parsed = parseClientMessage(await readText(req));
      if (!parsed.ok || parsed.message.type !== 'hello') {
        const error = parsed.ok
          ? new DeviceError('MalformedRequest', 'the first message must be hello').toProtocol()
          : parsed.error;
        return respond(res, 400, [{ type: 'error', fatal: true, error }]);
      }
      const link = collecting(res);
      try {
        // On a cluster, a hello resuming a session another node holds resumes it there.
        const opened = await bridge.openAnywhere(parsed.message, link);
        if ('reached' in opened) {
          // What the holder sent came before its answer; the hello's POST is answered with it.
          opened.reached.lost();
          link.close(1000, 'relayed');
        } else bridge.lost(opened.session, link);
      } catch (error) {
        respond(res, 401, [errorMessage(asDeviceError(error), true)]);
      }
      return;
    }
    // On a cluster, the node holding the session answers a request for it (its address changed, say).
    const elsewhere = !session && typeof sessionId === 'string' && bridge.pollsRelayed ? sessionId : undefined;
    if (!session && !elsewhere)
      return respond(res, 404, [errorMessage(new DeviceError('RegistrationError', 'no such session'), true)]);
    if (req.method !== 'POST' && req.method !== 'GET') return respond(res, 405, []);
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = JSON.parse(await readText(req));
      } catch (error) {
        const refused = error instanceof DeviceError ? error : new DeviceError('MalformedRequest', 'body is not JSON');
        return respond(res, 400, [errorMessage(refused, false)]);
      }
    }
    const after = pollPosition(requestUrl(req)?.searchParams.get('after'));
    const closed = new AbortController();
    polls.add(res);
    res.on('close', () => {
      polls.delete(res);
      closed.abort();
    });
    const request: PollRequest = req.method === 'POST' ? { method: 'POST', body } : { method: 'GET', after };
    let answer: PollAnswer | 'none' | 'unavailable';
    if (session) answer = await pollHere(bridge, session, request, closed.signal);
    else if (elsewhere) answer = await bridge.pollElsewhere(elsewhere, request, closed.signal);
    else answer = 'none';
    if (answer === 'none')
      return respond(res, 404, [errorMessage(new DeviceError('RegistrationError', 'no such session'), true)]);
    if (answer === 'unavailable') {
      // The session may live on: the device says hello again, resuming it, and is relayed there.
      const error = new DeviceError('TemporarilyUnavailable', 'the node holding the session cannot be asked now');
      return respond(res, 503, [errorMessage(error, true)]);
    }
    respond(res, answer.status, answer.messages);
  }

  /**
   * `{ token, callToken, action?: 'accept' | 'reject' }`: opens a session for the device as a
   * hello would, answers the invitation, and replies with the welcome and the result. The device
   * then resumes that session over a WebSocket or long-poll to follow the call.
   */
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') return poll(req, res);
    if (req.method !== 'POST') return respond(res, 405, []);
    let body: { token?: unknown; callToken?: unknown; action?: unknown };
    try {
      body = JSON.parse(await readText(req));
    } catch {
      return respond(res, 400, [errorMessage(new DeviceError('MalformedRequest', 'body is not JSON'), true)]);
    }
    const action = body.action ?? 'accept';
    const hello = checkClientMessage({ type: 'hello', v: 1, token: body.token });
    const request = checkClientMessage({ type: action, id: 'answer', callToken: body.callToken });
    if (!hello.ok || !request.ok || hello.message.type !== 'hello' || (action !== 'accept' && action !== 'reject')) {
      const error = new DeviceError('MalformedRequest', 'expected { token, callToken, action: accept | reject }');
      return respond(res, 400, [errorMessage(error, true)]);
    }
    const messages: ServerMessage[] = [];
    let finish!: () => void;
    const answered = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const link: Link = {
      send(message) {
        messages.push(message);
        if (message.type === 'result' && message.id === 'answer') finish();
      },
      close: () => finish(),
    };
    let session: DeviceSession;
    try {
      session = await bridge.open(hello.message, link);
    } catch (error) {
      return respond(res, 401, [errorMessage(asDeviceError(error), true)]);
    }
    bridge.receive(session, request.message, link);
    await answered;
    bridge.lost(session, link);
    const result = messages.find((message) => message.type === 'result');
    respond(res, result && 'ok' in result && result.ok ? 200 : 409, messages);
  }

  return {
    upgrade(req, socket, head) {
      if (requestUrl(req)?.pathname !== DEVICE_PATHS.websocket) return false;
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(bridge, ws));
      return true;
    },
    request(req, res) {
      const path = requestUrl(req)?.pathname;
      const handler = path === DEVICE_PATHS.longPoll ? poll : path === DEVICE_PATHS.answer ? answer : undefined;
      if (!handler) return false;
      handler(req, res).catch((error: unknown) => {
        respond(res, 400, [errorMessage(asDeviceError(error), false)]);
      });
      return true;
    },
    close() {
      for (const client of wss.clients) client.close(1012, 'server restarting');
      for (const res of polls) respond(res, 200, []);
      wss.close();
    },
  };
}
