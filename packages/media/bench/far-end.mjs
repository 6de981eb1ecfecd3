// The far ends of the RTP benchmarks (rtp.mjs, rtp-rest.mjs), in a child process of their own:
// plain UDP sockets, one per engine leg, each sending a µ-law tone to its leg every 20 ms and
// counting what comes back (received packets, sequence gaps). Driven by messages: open {targets,
// host?, bind?} (the legs' ports, their address, the far ends' own) -> opened {ports}; start;
// reset -> reset; report -> report {received, lost}; close.
import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';

export const FRAME_MS = 20;

/**
 * Answers the address lookup at once, as the engine's sockets do. With dgram's default lookup an
 * IP literal still resolves on the next tick, so `send` copies nothing until then: every packet
 * sent from the one reused buffer in a tick would carry the last header written (one SSRC for
 * all legs, and repeated sequence numbers, seen as loss, whenever a late timer sends two frames).
 */
export const literalLookup = (host, _options, callback) => callback(null, host, 4);

function farEnd() {
  let sockets = [];
  let timer;
  let host = '127.0.0.1';
  const payload = Buffer.alloc(172);
  payload[0] = 0x80;
  for (let i = 12; i < 172; i++) payload[i] = [0xff, 0xa5, 0x9a, 0xa5, 0xff, 0x25, 0x1a, 0x25][i % 8];
  process.on('message', async (m) => {
    if (m.t === 'open') {
      host = m.host ?? '127.0.0.1';
      sockets = await Promise.all(
        m.targets.map(
          (target) =>
            new Promise((resolve) => {
              const s = dgram.createSocket({ type: 'udp4', lookup: literalLookup });
              const st = {
                s,
                target,
                seq: 0,
                ts: 0,
                ssrc: (Math.random() * 2 ** 32) >>> 0,
                rx: 0,
                first: -1,
                last: -1,
                cycles: 0,
              };
              s.on('message', (buf, from) => {
                // Only the leg's own RTP counts: RTCP for the leg's port + 1 may land on a
                // neighbouring far-end socket, and on a shared machine a stray stream meant for a
                // port someone closed may reach one (its sequence numbers would count as loss).
                if (from.port !== target || from.address !== host) return;
                if (buf.length < 12 || (buf[1] >= 192 && buf[1] <= 223)) return;
                const seq = (buf[2] << 8) | buf[3];
                if (st.first < 0) {
                  st.first = seq;
                  st.last = seq;
                } else {
                  const d = ((((seq - st.last) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
                  if (d > 0) {
                    if (seq < st.last) st.cycles += 0x10000;
                    st.last = seq;
                  }
                }
                st.rx++;
              });
              s.bind(0, m.bind ?? '127.0.0.1', () => resolve(st));
            }),
        ),
      );
      process.send({ t: 'opened', ports: sockets.map((st) => st.s.address().port) });
    } else if (m.t === 'start') {
      const start = performance.now();
      let n = 0;
      const tick = () => {
        while (performance.now() >= start + n * FRAME_MS) {
          for (const st of sockets) {
            payload[2] = (st.seq >> 8) & 0xff;
            payload[3] = st.seq & 0xff;
            payload.writeUInt32BE(st.ts >>> 0, 4);
            payload.writeUInt32BE(st.ssrc, 8);
            st.seq = (st.seq + 1) & 0xffff;
            st.ts = (st.ts + 160) >>> 0;
            st.s.send(payload, st.target, host);
          }
          n++;
        }
        timer = setTimeout(tick, Math.max(0, start + n * FRAME_MS - performance.now()));
      };
      tick();
    } else if (m.t === 'reset') {
      for (const st of sockets) {
        st.rx = 0;
        st.first = -1;
        st.cycles = 0;
      }
      process.send({ t: 'reset' });
    } else if (m.t === 'report') {
      let received = 0;
      let lost = 0;
      for (const st of sockets) {
        received += st.rx;
        if (st.first >= 0) lost += Math.max(0, st.cycles + st.last - st.first + 1 - st.rx);
      }
      process.send({ t: 'report', received, lost });
    } else if (m.t === 'close') {
      clearTimeout(timer);
      for (const st of sockets) st.s.close();
      process.exit(0);
    }
  });
}

/** Sends `message` through `send` and resolves with the first message of type `reply` from `from`. */
export function asker(from, send) {
  return (message, reply) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m.t === reply) {
          from.off('message', on);
          resolve(m);
        }
      };
      from.on('message', on);
      send(message);
    });
}

export function farEndProcess() {
  const child = fork(fileURLToPath(import.meta.url), ['farend'], { stdio: 'inherit' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ask = asker(child, (m) => child.send(m));
  return {
    child,
    ask,
    /** Opens a far end (on `farHost`) for each engine leg (on `host`) and points the leg at it: PCMU, 20 ms. */
    connect: async (legs, host, farHost) => {
      const targets = legs.map((leg) => leg.localPort);
      const { ports } = await ask({ t: 'open', targets, host, bind: farHost }, 'opened');
      for (const [i, leg] of legs.entries()) {
        const remote = { address: farHost, port: ports[i] };
        leg.configure({ remote, payloadType: 0, ptime: 20, direction: 'sendrecv', telephoneEvent: 101 });
      }
    },
    /** Ends it; resolves once it has exited, so its sockets send nothing to the next run's legs. */
    close: () => {
      child.send({ t: 'close' });
      return exited;
    },
  };
}

if (process.argv[2] === 'farend') {
  // A benchmark that dies leaves no far end sending behind it.
  process.once('disconnect', () => process.exit(0));
  farEnd();
}
