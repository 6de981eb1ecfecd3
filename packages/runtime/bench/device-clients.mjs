// The device side of bench/devices.mjs, in its own process: opens COUNT WebSockets to URL.
//   bridge mode: hello with a token for identity dev<i>, register, answer every invite with
//   accept at once, ping on the heartbeat; "ready" once all are registered.
//   bare mode: just open; echo every message back; "ready" once all are open.
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import WebSocket from 'ws';
import { acknowledge } from './acks.mjs';

const [url, countText, mode] = process.argv.slice(2);
const count = Number(countText);
const { BENCH_ACCOUNT: account, BENCH_KEY: keySid, BENCH_SECRET: secret } = process.env;
const OPENING = 200;

let ready = 0;
const sockets = [];

function open(index) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(socket);
    // A later error (a reset) leaves the socket closed, counted out by `open`, not a crash.
    socket.on('error', reject);
    socket.once('open', () => {
      if (mode === 'bare') {
        socket.on('message', (data) => socket.send(data));
        resolve();
        return;
      }
      const token = new AccessToken(account, keySid, secret, { identity: `dev${index}` })
        .addGrant(new VoiceGrant({ incomingAllow: true }))
        .toJwt();
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'welcome') {
          socket.send(JSON.stringify({ type: 'register', id: 'r' }));
          setInterval(() => socket.send('{"type":"ping"}'), message.heartbeatMs).unref();
        } else if (message.type === 'result' && message.id === 'r') resolve();
        else if (message.type === 'invite') {
          socket.send(JSON.stringify({ type: 'accept', id: `a${message.seq}`, callToken: message.callToken }));
        }
        acknowledge(socket, message);
      });
      socket.send(JSON.stringify({ type: 'hello', v: 1, token }));
    });
  });
}

for (let start = 0; start < count; start += OPENING) {
  const batch = [];
  for (let i = start; i < Math.min(count, start + OPENING); i++) batch.push(open(i));
  await Promise.all(batch);
  ready += batch.length;
}
console.log(`ready ${ready}`);
// Asked over IPC (bench/cluster.mjs): how many are still open, as the devices see it.
process.on('message', () =>
  console.log(`open ${sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length}`),
);
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.terminate();
  process.exit(0);
});
