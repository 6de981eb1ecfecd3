/**
 * A self-signed certificate made at test time (openssl, EC P-256, one day), for TLS tests: its
 * PEM files in `dir` and their texts. The subject alternative names are the IP addresses the
 * test's peers dial, so a client that verifies (trusting this certificate as its CA) accepts it.
 *
 * @example
 * const { certFile, keyFile, cert, key } = await selfSignedCertificate(dir, ['127.0.0.1']);
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Certificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

export async function selfSignedCertificate(dir: string, addresses: readonly string[]): Promise<Certificate> {
  const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=patchbay.test',
    '-addext',
    `subjectAltName=${addresses.map((address) => `IP:${address}`).join(',')}`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}
