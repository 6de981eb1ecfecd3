/**
 * `--store` and `--secret-key-file` of `patchbay serve` (and PATCHBAY_STORE, PATCHBAY_SECRET_KEY)
 * as ServeOptions: the shared store's URL and the key that seals SIP passwords on every node.
 */
import { readFile } from 'node:fs/promises';
import { StartupError } from '../startup-error.js';
import { parseSecretKey } from './serve-store.js';

export async function sharedStoreOptions(
  flags: {
    readonly store?: string | undefined;
    readonly 'secret-key-file'?: string | undefined;
    readonly 'callback-lease-seconds'?: string | undefined;
  },
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ store?: string; secretKey?: Uint8Array; callbackLeaseMs?: number }> {
  // An empty variable counts as unset.
  const store = flags.store || env.PATCHBAY_STORE || undefined;
  const file = flags['secret-key-file'];
  let secretKey: Uint8Array | undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new StartupError(
        'secret-key-missing',
        `the key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        'give the path of a file holding 64 hex digits (`openssl rand -hex 32`), readable by the server',
        { cause: error },
      );
    }
    secretKey = parseSecretKey(text, `the key file ${file}`);
  } else if (env.PATCHBAY_SECRET_KEY) {
    secretKey = parseSecretKey(env.PATCHBAY_SECRET_KEY, 'PATCHBAY_SECRET_KEY');
  }
  if (secretKey && !store)
    throw new StartupError(
      'store-invalid',
      'a secret key was given (--secret-key-file or PATCHBAY_SECRET_KEY) without --store postgres://...',
      'a SQLite data directory keeps its own key (secrets.key); give the key only with a shared store',
    );
  const lease = flags['callback-lease-seconds'];
  if (lease !== undefined && !store)
    throw new StartupError(
      'store-invalid',
      '--callback-lease-seconds was given without --store postgres://...',
      'a SQLite store has one process, which claims nothing from others: leave it out',
    );
  return {
    ...(store ? { store } : {}),
    ...(secretKey ? { secretKey } : {}),
    ...(lease !== undefined ? { callbackLeaseMs: Number(lease) * 1000 } : {}),
  };
}
