/**
 * Secrets the server must read back (SIP credential passwords for digest authentication, a
 * carrier's password for its challenges), sealed with AES-256-GCM under a key kept beside the
 * database in the data directory (`secrets.key`, readable by the server's user only). A copy of
 * the database alone does not give the passwords away; the key file and the database together
 * do, so back both up and keep both private. Hashing is not an option: digest needs the password
 * (or a hash per realm, and a list may serve several domains, renamed at will).
 *
 * Format: `v1.<base64url(12-byte IV | ciphertext | 16-byte tag)>`.
 *
 * @example
 * const box = await SecretBox.inDirectory('./.patchbay');
 * const sealed = box.seal('IWasAtSignal2018');
 * box.open(sealed); // 'IWasAtSignal2018'
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The key file in a data directory. */
export const SECRETS_KEY_FILE = 'secrets.key';

export class SecretBox {
  private readonly key: Uint8Array;

  /** @param key 32 bytes. @default random, for this process only (tests, in-memory stores) */
  constructor(key?: Uint8Array) {
    this.key = key ?? randomBytes(KEY_BYTES);
    if (this.key.length !== KEY_BYTES) throw new RangeError(`the secrets key must be ${KEY_BYTES} bytes`);
  }

  /** The box whose key is `<directory>/secrets.key`, made (mode 0600) on first use. */
  static async inDirectory(directory: string): Promise<SecretBox> {
    const file = join(directory, SECRETS_KEY_FILE);
    try {
      const hex = (await readFile(file, 'utf8')).trim();
      if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError(`${file} is not 64 hex digits`);
      return new SecretBox(Buffer.from(hex, 'hex'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(KEY_BYTES);
    // `wx`: two servers racing on one directory cannot each write their own key (the lock stops that anyway).
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return new SecretBox(key);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}${sealed.toString('base64url')}`;
  }

  /** The plain text, or undefined when `sealed` was not sealed with this key (or was altered). */
  open(sealed: string): string | undefined {
    if (!sealed.startsWith(VERSION)) return undefined;
    const bytes = Buffer.from(sealed.slice(VERSION.length), 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
