// The device side of bench/commands.mjs, in its own process: one WebSocket per device in the JSON
// file FILE ([{ device, secret }]), each saying hello with a token for identity dev<i> and
// attaching its device's commands (`commands-attach`); every `command` is answered at once with
// `command-result` (ok, result { n }), and acknowledged as the SDK does. "ready" once all attached.
import { readFileSync } from 'node:fs';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import WebSocket from 'ws';
import { acknowledge } from './acks.mjs';

const [url, file] = process.argv.slice(2);
const devices = JSON.parse(readFileSync(file, 'utf8'));
const { BENCH_ACCOUNT: account, BENCH_KEY: keySid, BENCH_SECRET: secret } = process.env;
const OPENING = 200;
const sockets = [];

function open(index) {
  const { device, secret: deviceSecret } = devices[index];
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(socket);
    socket.once('error', reject);
    socket.once('open', () => {
      const token = new AccessToken(account, keySid, secret, { identity: `dev${index}`, ttl: 3600 })
        .addGrant(new VoiceGrant({ incomingAllow: true }))
        .toJwt();
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'welcome') {
          socket.send(JSON.stringify({ type: 'commands-attach', id: 'a', device, secret: deviceSecret, after: 0 }));
          setInterval(() => socket.send('{"type":"ping"}'), message.heartbeatMs).unref();
        } else if (message.type === 'result' && message.id === 'a') {
          if (message.ok) resolve();
          else reject(new Error(JSON.stringify(message.error)));
        } else if (message.type === 'command') {
          const reply = {
            type: 'command-result',
            id: `r${message.number}`,
            device,
            command: message.sid,
            ok: true,
            result: { n: String(message.number) },
          };
          socket.send(JSON.stringify(reply));
        }
        acknowledge(socket, message);
      });
      socket.send(JSON.stringify({ type: 'hello', v: 1, token }));
    });
  });
}

for (let start = 0; start < devices.length; start += OPENING) {
  const batch = [];
  for (let i = start; i < Math.min(devices.length, start + OPENING); i++) batch.push(open(i));
  await Promise.all(batch);
}
console.log(`ready ${devices.length}`);
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.terminate();
  process.exit(0);
});
