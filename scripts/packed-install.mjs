#!/usr/bin/env node
// The three packages as people outside this repository get them: `pnpm pack` each one, then
// `npm install` the tarballs into a fresh project in a temporary directory (no workspace, no
// pnpm) and use them there: ESM and CommonJS imports, the TypeScript types under NodeNext, the
// `patchbay` bin, and a server started from the installed runtime placing a call to an app that
// builds its answer with the installed markup package and checks the signature with the SDK.
//
// Run after `pnpm build`: node scripts/packed-install.mjs   (exits non-zero on any failure)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['markup', 'sdk-js', 'runtime', 'media'];
const work = mkdtempSync(join(tmpdir(), 'patchbay-packed-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
const started = Date.now();
const step = (text) => console.log(`==> ${text} (${Math.round((Date.now() - started) / 1000)} s)`);

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status}):`);
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  return result.stdout;
}

try {
  step('pack @patchbay/markup, @patchbay/sdk, @patchbay/runtime, @patchbay/media');
  mkdirSync(tarballs);
  for (const name of PACKAGES) {
    run('npx', ['-y', 'pnpm@10.34.8', 'pack', '--pack-destination', tarballs], join(root, 'packages', name));
  }
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  if (files.length !== PACKAGES.length) throw new Error(`expected ${PACKAGES.length} tarballs, got ${files.length}`);

  step('npm install the tarballs into a fresh project outside the workspace');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'packed-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...files,
      'typescript@5.9.3',
      '@types/node@20.19.43',
      // the optional peer of @patchbay/runtime/testing (its conformance suites are vitest suites)
      'vitest@4.1.12',
    ],
    project,
  );

  step('CommonJS require');
  writeFileSync(
    join(project, 'cjs.cjs'),
    `const markup = require('@patchbay/markup');
const sdk = require('@patchbay/sdk');
const runtime = require('@patchbay/runtime');
const client = require('@patchbay/sdk/client');
const protocol = require('@patchbay/sdk/protocol');
const media = require('@patchbay/media');
for (const [name, value] of Object.entries({
  startSipMedia: media.startSipMedia, SipAgent: media.SipAgent, MediaEngine: media.MediaEngine,
  parseVoice: markup.parseVoice, AccessToken: sdk.AccessToken, validateRequest: sdk.validateRequest,
  createRuntime: runtime.createRuntime, startServer: runtime.startServer,
  Device: client.Device, PROTOCOL_VERSION: protocol.PROTOCOL_VERSION,
})) if (value === undefined) { console.error('missing export ' + name); process.exit(1); }
console.log('cjs ok');
`,
  );
  run('node', ['cjs.cjs'], project);

  step('ESM import, the testing subpath included (ESM only: its suites are vitest suites)');
  writeFileSync(
    join(project, 'esm.mjs'),
    `import { parseVoice } from '@patchbay/markup';
import { AccessToken } from '@patchbay/sdk';
import { createRuntime } from '@patchbay/runtime';
import { runMediaAdapterConformance, runStoreConformance, VirtualClock } from '@patchbay/runtime/testing';
for (const value of [parseVoice, AccessToken, createRuntime, runMediaAdapterConformance, runStoreConformance, VirtualClock])
  if (typeof value !== 'function') { console.error('missing export'); process.exit(1); }
console.log('esm ok');
`,
  );
  run('node', ['esm.mjs'], project);

  step('the register-twilio preload, under --require (CommonJS) and --import (ESM)');
  for (const flag of ['--require', '--import']) {
    const env = { ...process.env, PATCHBAY_URL: 'http://127.0.0.1:3000' };
    const preloaded = spawnSync('node', [flag, '@patchbay/sdk/register-twilio', 'esm.mjs'], { cwd: project, env });
    if (preloaded.status !== 0)
      throw new Error(`node ${flag} @patchbay/sdk/register-twilio failed:\n${preloaded.stderr}`);
  }

  step('TypeScript types (strict, NodeNext)');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      include: ['consumer.ts'],
    }),
  );
  writeFileSync(
    join(project, 'consumer.ts'),
    `import { parseVoice, VoiceResponse } from '@patchbay/markup';
import { AccessToken, Patchbay, patchbayHttpClient, VoiceGrant, validateRequest } from '@patchbay/sdk';
import { Device } from '@patchbay/sdk/client';
import { createRuntime, type RunningServer, SimulatedNetwork, startServer } from '@patchbay/runtime';

const response = new VoiceResponse();
response.say({ voice: 'alice' }, 'typed');
const parsed = parseVoice(response.toString());
const ok: boolean = parsed.ok;
const token: string = new AccessToken('AC' + '0'.repeat(32), 'SK' + '0'.repeat(32), 'secret', { identity: 'a' })
  .addGrant(new VoiceGrant({ incomingAllow: true }))
  .toJwt();
const valid: boolean = validateRequest('token', 'signature', 'https://example.com', {});
const client = new Patchbay('AC' + '0'.repeat(32), 'token', { baseUrl: 'http://127.0.0.1:1' });
const runtime = createRuntime({ media: new SimulatedNetwork() });
const device: typeof Device = Device;
const helperClient = patchbayHttpClient('http://127.0.0.1:1');
void helperClient.request;
const serve: (options: { port: number }) => Promise<RunningServer> = startServer;
export { ok, token, valid, client, runtime, device, serve };
`,
  );
  run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], project);

  step('the patchbay bin');
  const help = run(join(project, 'node_modules', '.bin', 'patchbay'), ['--help'], project);
  if (!/^\s+serve\s/m.test(help)) throw new Error(`unexpected help text:\n${help}`);

  step('a server from the installed runtime calls an app built with the installed markup and SDK');
  writeFileSync(
    join(project, 'call.mjs'),
    `import { createServer } from 'node:http';
import { VoiceResponse } from '@patchbay/markup';
import { Patchbay, validateRequest } from '@patchbay/sdk';
import { startServer } from '@patchbay/runtime';

const server = await startServer({ port: 0, data: './.patchbay', drainMs: 1000 });
const { sid, authToken } = server.account;
const seen = [];
let done;
const completed = new Promise((resolve) => { done = resolve; });
const app = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const params = Object.fromEntries(new URLSearchParams(body));
    const url = 'http://127.0.0.1:' + app.address().port + req.url;
    seen.push({ path: req.url, signed: validateRequest(authToken, req.headers['x-twilio-signature'], url, params), status: params.CallStatus });
    if (req.url === '/status') { res.end(); if (params.CallStatus === 'completed') done(); return; }
    const twiml = new VoiceResponse();
    twiml.say('Hello from a packed install');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(twiml.toString());
  });
});
await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
const base = 'http://127.0.0.1:' + app.address().port;
const client = new Patchbay(sid, authToken, { baseUrl: server.url });
const call = await client.calls.create({ to: '+15550100200', from: '+15550100100', url: base + '/voice', statusCallback: base + '/status' });
await completed;
const record = await client.calls.get(call.sid);
await server.close();
app.close();
const problems = [];
if (record.status !== 'completed') problems.push('call status ' + record.status);
if (!seen.some((r) => r.path === '/voice')) problems.push('the app was not asked for its document');
if (!seen.every((r) => r.signed)) problems.push('a request was not signed with the account token');
if (problems.length > 0) { console.error(problems.join('; '), JSON.stringify(seen)); process.exit(1); }
console.log('call ' + call.sid + ' ' + record.status + ', ' + seen.length + ' signed requests');
`,
  );
  console.log(run('node', ['call.mjs'], project).trim());

  step('a server from the installed runtime with --media sip loads the installed media package and answers SIP');
  writeFileSync(
    join(project, 'sip.mjs'),
    `import { createSocket } from 'node:dgram';
import { startServer } from '@patchbay/runtime';

const probe = createSocket('udp4');
await new Promise((resolve) => probe.bind(0, '127.0.0.1', resolve));
// A free port for SIP: bound once by a socket that lets it go.
const spare = createSocket('udp4');
await new Promise((resolve) => spare.bind(0, '127.0.0.1', resolve));
const sipPort = spare.address().port;
await new Promise((resolve) => spare.close(resolve));
const server = await startServer({
  port: 0,
  data: './.patchbay-sip',
  drainMs: 1000,
  media: { kind: 'sip', listen: [{ host: '127.0.0.1', port: sipPort, transports: ['udp'] }], rtpPorts: { min: 52000, max: 52098 }, allow: [], trunks: [] },
});
const port = probe.address().port;
const answer = new Promise((resolve) => probe.on('message', (message) => resolve(message.toString())));
probe.send(
  'OPTIONS sip:127.0.0.1:' + sipPort + ' SIP/2.0\\r\\nVia: SIP/2.0/UDP 127.0.0.1:' + port + ';branch=z9hG4bKpacked;rport\\r\\nMax-Forwards: 70\\r\\n' +
    'From: <sip:probe@127.0.0.1>;tag=1\\r\\nTo: <sip:127.0.0.1>\\r\\nCall-ID: packed-1\\r\\nCSeq: 1 OPTIONS\\r\\nContent-Length: 0\\r\\n\\r\\n',
  sipPort,
  '127.0.0.1',
);
const first = await Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve('no answer in 5 s'), 5000))]);
await server.close();
probe.close();
if (!String(first).startsWith('SIP/2.0 200')) { console.error('OPTIONS answered: ' + first); process.exit(1); }
console.log('SIP OPTIONS answered 200 by ' + server.media.name + ' media');
`,
  );
  console.log(run('node', ['sip.mjs'], project).trim());
  step('the packed packages install and work outside the workspace');
} finally {
  rmSync(work, { recursive: true, force: true });
}
