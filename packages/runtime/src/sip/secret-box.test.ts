import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRETS_KEY_FILE, SecretBox } from './secret-box.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe('SecretBox', () => {
  it('opens what it sealed, and nothing sealed under another key or altered', () => {
    const box = new SecretBox();
    const sealed = box.seal('IWasAtSignal2018');
    expect(sealed).not.toContain('IWasAtSignal2018');
    expect(box.open(sealed)).toBe('IWasAtSignal2018');
    expect(new SecretBox().open(sealed)).toBeUndefined();
    // Every byte counts: one bit flipped anywhere (IV, ciphertext, tag) and it no longer opens.
    const bytes = Buffer.from(sealed.slice('v1.'.length), 'base64url');
    for (let index = 0; index < bytes.length; index++) {
      const altered = Buffer.from(bytes);
      altered[index] = (altered[index] ?? 0) ^ 1;
      expect(box.open(`v1.${altered.toString('base64url')}`), `byte ${index}`).toBeUndefined();
    }
    expect(box.open('IWasAtSignal2018')).toBeUndefined();
  });

  it('keeps its key in the data directory (owner-only), so a restart opens what the last run sealed', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-secrets-'));
    directories.push(directory);
    const sealed = (await SecretBox.inDirectory(directory)).seal('Secret123456');
    expect((await stat(join(directory, SECRETS_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(directory, SECRETS_KEY_FILE), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await SecretBox.inDirectory(directory)).open(sealed)).toBe('Secret123456');
  });
});

describe('a backup of the data directory', () => {
  it('takes the secrets key along (owner-only), so the copy opens the SIP passwords sealed in the original', async () => {
    const { backupDataDirectory } = await import('../store/backup.js');
    const { SqliteStore } = await import('../store/sqlite.js');
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-secrets-'));
    const destination = await mkdtemp(join(tmpdir(), 'patchbay-secrets-copy-'));
    directories.push(directory, destination);
    const store = await SqliteStore.open(directory);
    const sealed = (await SecretBox.inDirectory(directory)).seal('Secret123456');
    await store.close();
    const copy = join(destination, 'copy');
    await backupDataDirectory(directory, copy);
    expect((await stat(join(copy, SECRETS_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect((await SecretBox.inDirectory(copy)).open(sealed)).toBe('Secret123456');
  });
});
