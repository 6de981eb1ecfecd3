// The benchmarks' app server, in its own process: an IVR that gathers a digit and dials an
// agent, conference room documents, the soak's documents, and a status callback sink. Prints
// its port on stdout.
import { createServer } from 'node:http';

const IVR =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Welcome. Press 1 for sales.</Say><Gather numDigits="1" action="/menu"><Say>Press 1 now.</Say></Gather></Response>';
const MENU = '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Number>+15550900001</Number></Dial></Response>';

// The soak benchmark's documents (their own paths: run.mjs's rooms are /conference?room=N): a
// long prompt (60 KB of speech), one conference room, and a
// registered client device (accepting at once; the bridge ends after a second).
const LONG = `<Response><Say>${'Thank you for calling. '.repeat(2700)}</Say></Response>`;
const SOAK = {
  '/long': () => LONG,
  '/soak-room': () => '<Response><Dial><Conference>soak-room</Conference></Dial></Response>',
  '/client': (params) =>
    `<Response><Dial timeLimit="1"><Client>dev${Number(String(params.get('From') ?? '0').slice(-6)) % 50}</Client></Dial></Response>`,
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/status') {
      res.writeHead(204).end();
      return;
    }
    const soak = SOAK[url.pathname];
    if (soak) {
      const params = new URLSearchParams(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'text/xml' }).end(soak(params));
      return;
    }
    const room = url.searchParams.get('room');
    const body =
      url.pathname === '/voice'
        ? IVR
        : url.pathname === '/menu'
          ? MENU
          : `<Response><Dial><Conference>room-${room}</Conference></Dial></Response>`;
    res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
