// WebRTC device-leg benchmark (runs from dist: `pnpm build` first), both transports side by side
// with the SIP RTP leg as the baseline, in one run:
//   sip-rtp           N engine legs over plain UDP in N/2 bridges (the far ends: bench/far-end.mjs)
//   node-datachannel  N WebRTC legs (DTLS-SRTP, ICE) on external engine legs, in N/2 bridges
//   werift            the same on werift 0.24
// The devices are in a child process (node-datachannel peers: cheap, so the machine's two cores
// go to what is measured), each sending a µ-law tone every 20 ms and counting what comes back.
// Reported: CPU of this process (main thread with the transport + the engine worker) per leg per
// 20 ms frame, legs per core, the ratio to the SIP leg, packets the devices received.
// Then accept -> audio: K calls per transport (5 at a time) where a werift device in the child
// offers (as the SDK does on connect), Patchbay answers and plays a tone; the time from Patchbay
// receiving the offer to the device hearing its first audio packet, p50/p99.
// Goals: >= 200 WebRTC legs per core, accept -> audio p50 < 300 ms on loopback.
// Keep the legs near 100 even in short runs: the process has a fixed cost whatever the legs
// (the engine worker's 20 ms clock, the event loop, the native poll thread), which at 20 legs
// weighs as much as the legs themselves (the SIP baseline itself then reads ~53 µs a leg-frame
// against ~18 at 100), so a light run under-states legs per core; shorten the seconds instead.
//
// Environment: BENCH_WEBRTC_LEGS (default 100), BENCH_WEBRTC_SECONDS (default 8),
// BENCH_WEBRTC_CALLS (accept->audio calls per transport, default 20), BENCH_WEBRTC_WARMUP
// (seconds, default 2), BENCH_WEBRTC_HOST
// (default 127.0.43.10; the devices use the next address). Ports: 43000-43999.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { asker, farEndProcess } from './far-end.mjs';

const env = (name, fallback) => process.env[name] ?? fallback;
const legs = Number(env('BENCH_WEBRTC_LEGS', '100'));
const seconds = Number(env('BENCH_WEBRTC_SECONDS', '8'));
const calls = Number(env('BENCH_WEBRTC_CALLS', '20'));
const warmup = Number(env('BENCH_WEBRTC_WARMUP', '2'));
const host = env('BENCH_WEBRTC_HOST', '127.0.43.10');
const deviceHost = host.replace(/\d+$/, (last) => String(Number(last) + 1));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FRAME_MS = 20;

// ------------------------------------------------------------------ devices (child process)
async function devices() {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const ndc = require('node-datachannel');
  const { RTCPeerConnection, RTCRtpCodecParameters } = require('werift');
  const peers = [];
  let received = 0;
  let timer;
  const packet = Buffer.alloc(172);
  packet[0] = 0x80;
  for (let i = 12; i < 172; i++) packet[i] = [0xff, 0xa5, 0x9a, 0xa5, 0xff, 0x25, 0x1a, 0x25][i % 8];
  let seq = 0;
  process.on('message', async (m) => {
    if (m.t === 'answer') {
      const answers = m.offers.map((offer, i) => {
        const pc = new ndc.PeerConnection(`d${i}`, {
          iceServers: [],
          bindAddress: deviceHost,
          portRangeBegin: 43400,
          portRangeEnd: 43799,
          disableAutoNegotiation: true,
        });
        const peer = { pc, track: undefined };
        pc.onTrack((t) => {
          peer.track = t;
          t.onMessage(() => received++);
        });
        pc.setRemoteDescription(offer, 'offer');
        pc.setLocalDescription('answer');
        peers.push(peer);
        return pc.localDescription().sdp;
      });
      process.send({ t: 'answers', answers });
    } else if (m.t === 'start') {
      timer = setInterval(() => {
        packet.writeUInt16BE(seq++ & 0xffff, 2);
        packet.writeUInt32BE((seq * 160) >>> 0, 4);
        for (const p of peers) if (p.track?.isOpen()) p.track.sendMessageBinary(packet);
      }, FRAME_MS);
    } else if (m.t === 'reset') {
      received = 0;
      process.send({ t: 'reset' });
    } else if (m.t === 'report') {
      process.send({ t: 'report', received });
    } else if (m.t === 'stop') {
      clearInterval(timer);
      for (const p of peers.splice(0)) p.pc.close();
      process.send({ t: 'stopped' });
    } else if (m.t === 'offer') {
      // accept -> audio: a werift device offers and reports its first audio packet
      const pc = new RTCPeerConnection({
        codecs: {
          audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0, channels: 1 })],
        },
        iceInterfaceAddresses: { udp4: deviceHost },
        iceAdditionalHostAddresses: [deviceHost],
        icePortRange: [43400, 43799],
        iceUseIpv6: false,
        headerExtensions: { audio: [] },
      });
      const t = pc.addTransceiver('audio', { direction: 'sendrecv' });
      let heard = false;
      t.onTrack.subscribe((track) =>
        track.onReceiveRtp.subscribe(() => {
          if (heard) return;
          heard = true;
          process.send({ t: 'heard', call: m.call });
          setTimeout(() => pc.close().catch(() => {}), 50);
        }),
      );
      await pc.setLocalDescription(await pc.createOffer());
      const onAnswer = async (a) => {
        if (a.t !== 'answerFor' || a.call !== m.call) return;
        process.off('message', onAnswer);
        await pc.setRemoteDescription({ type: 'answer', sdp: a.sdp });
      };
      process.on('message', onAnswer);
      process.send({ t: 'offered', call: m.call, sdp: pc.localDescription.sdp });
    } else if (m.t === 'close') {
      process.exit(0);
    }
  });
}

function deviceProcess() {
  const child = fork(fileURLToPath(import.meta.url), ['devices'], { stdio: 'inherit' });
  return { child, ask: asker(child, (m) => child.send(m)) };
}

// ------------------------------------------------------------------ measured runs
async function measure(reset, report) {
  await sleep(warmup * 1000);
  await reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const r = await report();
  return { usPerLegFrame: (cpu.user + cpu.system) / ((legs * wallMs) / FRAME_MS), ...r };
}

async function sipRun(dist) {
  const far = farEndProcess();
  const engine = await dist.MediaEngine.start({ bindAddress: host, rtpPorts: [43800, 43999], workers: 1 });
  const list = [];
  for (let i = 0; i < legs; i++) list.push(await engine.openLeg(i % 2 ? { near: list[i - 1] } : {}));
  await far.connect(list, host, deviceHost);
  for (let i = 0; i + 1 < legs; i += 2) engine.bridge(list[i], list[i + 1]);
  far.child.send({ t: 'start' });
  const r = await measure(
    () => far.ask({ t: 'reset' }, 'reset'),
    () => far.ask({ t: 'report' }, 'report'),
  );
  await engine.close();
  await far.close();
  return r;
}

async function webrtcRun(dist, driver) {
  const dev = deviceProcess();
  const engine = await dist.MediaEngine.start({ bindAddress: host, rtpPorts: [43800, 43999], workers: 1 });
  const transport = dist.createWebRtcTransport({
    driver,
    bindAddress: host,
    portRange: [43000, 43399],
    connectTimeoutMs: 60_000,
  });
  const sessions = [];
  const list = [];
  for (let i = 0; i < legs; i++) {
    const session = await transport.offer();
    const leg = await engine.openLeg({ external: true, ...(i % 2 ? { near: list[i - 1] } : {}) });
    dist.attachSession(session, leg);
    sessions.push(session);
    list.push(leg);
  }
  const { answers } = await dev.ask({ t: 'answer', offers: sessions.map((s) => s.localSdp) }, 'answers');
  await Promise.allSettled(sessions.map((s, i) => s.complete(answers[i])));
  const up = await Promise.allSettled(sessions.map((s) => s.connected));
  const connected = up.filter((u) => u.status === 'fulfilled').length;
  for (let i = 0; i + 1 < legs; i += 2) engine.bridge(list[i], list[i + 1]);
  dev.child.send({ t: 'start' });
  const r = await measure(
    () => dev.ask({ t: 'reset' }, 'reset'),
    () => dev.ask({ t: 'report' }, 'report'),
  );
  await dev.ask({ t: 'stop' }, 'stopped');
  await transport.close();
  await engine.close();
  dev.child.send({ t: 'close' });
  return { ...r, connected };
}

async function acceptToAudio(dist, driver) {
  const dev = deviceProcess();
  const engine = await dist.MediaEngine.start({ bindAddress: host, rtpPorts: [43800, 43999], workers: 1 });
  const transport = dist.createWebRtcTransport({ driver, bindAddress: host, portRange: [43000, 43399] });
  const times = [];
  const open = [];
  const one = async (call) => {
    const from = (type) =>
      new Promise((resolve) => {
        const on = (m) => {
          if (m.t === type && m.call === call) {
            dev.child.off('message', on);
            resolve(m);
          }
        };
        dev.child.on('message', on);
      });
    const offered = from('offered');
    dev.child.send({ t: 'offer', call });
    const { sdp } = await offered;
    const t0 = performance.now();
    const heard = from('heard');
    const session = await transport.answer(sdp);
    const leg = await engine.openLeg({ external: true });
    dist.attachSession(session, leg);
    void leg.tone({ frequencies: [1000], onMs: 10_000 }, new AbortController().signal).catch(() => {});
    dev.child.send({ t: 'answerFor', call, sdp: session.localSdp });
    await heard;
    times.push(performance.now() - t0);
    open.push(session);
  };
  for (let i = 0; i < calls; i += 5) {
    await Promise.all(Array.from({ length: Math.min(5, calls - i) }, (_, k) => one(i + k)));
  }
  for (const s of open) s.close();
  await transport.close();
  await engine.close();
  dev.child.send({ t: 'close' });
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  return { p50: q(0.5), p99: q(0.99) };
}

async function main() {
  const dist = await import('../dist/index.js');
  console.log(`WebRTC leg benchmark: ${legs} legs in bridges, ${seconds}s measured per run, one engine worker`);
  console.log('run               µs/leg-frame  ratio  legs/core  connected  device-received');
  const base = await sipRun(dist);
  const line = (name, r, connected = '-') =>
    console.log(
      `${name.padEnd(17)} ${r.usPerLegFrame.toFixed(1).padStart(12)}  ${(r.usPerLegFrame / base.usPerLegFrame).toFixed(2).padStart(5)}  ${String(Math.floor(20000 / r.usPerLegFrame)).padStart(9)}  ${String(connected).padStart(9)}  ${String(r.received).padStart(15)}`,
    );
  line('sip-rtp', base);
  const results = {};
  for (const driver of ['node-datachannel', 'werift']) {
    const r = await webrtcRun(dist, driver);
    results[driver] = r;
    line(driver, r, `${r.connected}/${legs}`);
  }
  console.log(`accept -> audio, ${calls} calls per transport (device offers, Patchbay answers and plays)`);
  for (const driver of ['node-datachannel', 'werift']) {
    const a = await acceptToAudio(dist, driver);
    const perCore = Math.floor(20000 / results[driver].usPerLegFrame);
    const ok = perCore >= 200 && a.p50 < 300;
    console.log(
      `${driver}: p50 ${a.p50.toFixed(0)} ms, p99 ${a.p99.toFixed(0)} ms; ${perCore} legs/core -> ${ok ? 'MET' : 'NOT MET'} (goal >= 200 legs/core, p50 < 300 ms)`,
    );
  }
}

if (process.argv[2] === 'devices') {
  process.once('disconnect', () => process.exit(0));
  await devices();
} else {
  await main();
  // node-datachannel keeps the event loop alive with the callbacks of closed tracks until they are
  // collected (60-100 s measured): everything is closed and printed, so end here
  process.exit(0);
}
