/**
 * `patchbay serve --tls-cert <pem> --tls-key <pem>`: the certificate chain and private key the
 * port serves HTTPS and WSS with, read and checked before the server starts, so a file that
 * cannot be read, is not PEM, or a key that does not belong to the certificate is a StartupError
 * naming the file, not a TLS failure on the first connection.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { StartupError } from '../startup-error.js';

export interface TlsFiles {
  /** The certificate (chain), PEM. */
  readonly certFile: string;
  /** Its private key, PEM (not encrypted). */
  readonly keyFile: string;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new StartupError(
      'tls-unreadable',
      `cannot read the TLS ${what} ${path} (${code})`,
      `give a readable PEM file`,
      {
        cause: error,
      },
    );
  }
}

/** The PEM contents of `files`, checked to be a certificate and its key. */
export function loadTls(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const cert = read(files.certFile, 'certificate');
  const key = read(files.keyFile, 'key');
  if (!cert.includes('-----BEGIN CERTIFICATE-----'))
    throw new StartupError(
      'tls-invalid',
      `the TLS certificate ${files.certFile} is not a PEM certificate`,
      'give the certificate (chain) in PEM, starting with -----BEGIN CERTIFICATE-----',
    );
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const mismatch = (error as NodeJS.ErrnoException).code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH';
    throw new StartupError(
      'tls-invalid',
      mismatch
        ? `the TLS key ${files.keyFile} does not belong to the certificate ${files.certFile}`
        : `the TLS certificate ${files.certFile} or key ${files.keyFile} cannot be used (${(error as Error).message})`,
      mismatch
        ? 'give the private key the certificate was issued for'
        : 'give a PEM certificate and its unencrypted PEM private key',
      { cause: error },
    );
  }
  return { cert, key };
}
