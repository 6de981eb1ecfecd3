/**
 * `patchbay serve --tls-cert --tls-key`, each in its own process: the API, the device channel,
 * `/signal` and the SDK's sounds over TLS on --port; certificates that cannot be used refuse the
 * start with one line and a stable code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { selfSignedCert } from '../bridge/compat/compat.test-support.js';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

async function failedStart(args: string[]) {
  const data = await dataDirectory('patchbay-tls-data-');
  const { code, stdout, stderr } = await runPatchbay(['serve', '--port', '0', '--data', data, ...args]);
  return { code, stdout, lines: stderr.split('\n').filter(Boolean) };
}

describe('patchbay serve over TLS', () => {
  it('serves the API, the sounds and /signal with the certificate on --port, and no plain HTTP', async () => {
    const dir = await dataDirectory('patchbay-tls-');
    const { certFile, keyFile } = selfSignedCert(dir);
    const served = await servePatchbay(join(dir, 'data'), {}, { args: ['--tls-cert', certFile, '--tls-key', keyFile] });
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = await readFile(certFile);
    const dispatcher = new Agent({ connect: { ca } });
    try {
      expect((await fetch(`${served.url}/health`, { dispatcher })).status).toBe(200);
      const ring = await fetch(`${served.url}/sdk/sounds/incoming.wav`, { dispatcher });
      expect(ring.headers.get('content-type')).toBe('audio/wav');
      expect(
        Buffer.from(await ring.arrayBuffer())
          .subarray(0, 4)
          .toString(),
      ).toBe('RIFF');
      await expect(fetch(`${served.url.replace('https', 'http')}/health`)).rejects.toThrow();

      const socket = new WebSocket(`${served.url.replace('https', 'wss')}/signal`, { ca });
      const first = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'listen', version: '1.6', payload: { token: 'not a token' } }));
      expect(JSON.parse(await first)).toMatchObject({ type: 'error', payload: { error: { code: 20101 } } });
      socket.terminate();
    } finally {
      await dispatcher.close();
    }
  });

  it('refuses a certificate file it cannot read (tls-unreadable)', async () => {
    const dir = await dataDirectory('patchbay-tls-');
    const { keyFile } = selfSignedCert(dir);
    const missing = join(dir, 'missing.pem');
    expect(await failedStart(['--tls-cert', missing, '--tls-key', keyFile])).toEqual({
      code: 1,
      stdout: '',
      lines: [
        `patchbay: cannot read the TLS certificate ${missing} (ENOENT) (tls-unreadable): give a readable PEM file`,
      ],
    });
  });

  it("refuses a key that is not the certificate's, and a certificate that is not PEM (tls-invalid)", async () => {
    const dir = await dataDirectory('patchbay-tls-');
    const one = selfSignedCert(await dataDirectory('patchbay-tls-one-'));
    const other = selfSignedCert(dir);
    const mismatched = await failedStart(['--tls-cert', one.certFile, '--tls-key', other.keyFile]);
    expect(mismatched.code).toBe(1);
    expect(mismatched.lines).toEqual([
      `patchbay: the TLS key ${other.keyFile} does not belong to the certificate ${one.certFile} (tls-invalid): give the private key the certificate was issued for`,
    ]);
    const text = join(dir, 'not.pem');
    await writeFile(text, 'hello\n');
    const notPem = await failedStart(['--tls-cert', text, '--tls-key', other.keyFile]);
    expect(notPem.lines[0]).toContain(`the TLS certificate ${text} is not a PEM certificate (tls-invalid)`);
  });

  it('wants --tls-cert and --tls-key together (usage, exit 2)', async () => {
    const dir = await dataDirectory('patchbay-tls-');
    const { certFile } = selfSignedCert(dir);
    const failed = await failedStart(['--tls-cert', certFile]);
    expect(failed.code).toBe(2);
    expect(failed.lines[0]).toContain('--tls-cert needs --tls-key too');
  });
});
