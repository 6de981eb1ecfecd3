// The benchmark's app server, in its own process: an IVR that gathers a digit and dials an
// agent, a conference room document, and a status callback sink. Prints its port on stdout.
import { createServer } from 'node:http';

const IVR =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Welcome. Press 1 for sales.</Say><Gather numDigits="1" action="/menu"><Say>Press 1 now.</Say></Gather></Response>';
const MENU = '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Number>+15550900001</Number></Dial></Response>';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/status') {
      res.writeHead(204).end();
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
