/**
 * A real HTTP app server on loopback for tests: routes answer with markup (or any response),
 * and every request is recorded with its parsed parameters and headers.
 *
 * @example
 * await using app = await startAppServer({ '/voice': () => '<Response><Say>Hi</Say></Response>' });
 * runtime.calls.create({ to, from, url: `${app.url}/voice` });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Full URL as requested, query included. */
  readonly url: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** Form body parameters (POST) or query parameters (GET); repeated keys keep every value. */
  readonly params: Record<string, string | string[]>;
  readonly body: string;
}

export type Reply =
  | string
  | { status?: number; headers?: Record<string, string | string[]>; body?: string; delayMs?: number };

export type Route = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface AppServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests to one path. */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

function parse(search: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
  }
  return params;
}

export async function startAppServer(routes: Record<string, Route>): Promise<AppServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const params = req.method === 'POST' ? parse(new URLSearchParams(body)) : parse(url.searchParams);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: url.href,
      path: url.pathname,
      headers: req.headers,
      params,
      body,
    };
    requests.push(recorded);
    const route = routes[url.pathname];
    let reply: Reply;
    try {
      reply = route ? await route(recorded) : { status: 404, body: 'no route' };
    } catch (error) {
      reply = { status: 500, body: String(error) };
    }
    const response = typeof reply === 'string' ? { body: reply, headers: { 'content-type': 'text/xml' } } : reply;
    if (typeof reply !== 'string' && reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    res.writeHead(response.status ?? 200, response.headers ?? { 'content-type': 'text/xml' });
    res.end(response.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    close,
    [Symbol.asyncDispose]: close,
  };
}
