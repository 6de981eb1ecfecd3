import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerError } from './errors.js';
import { runSipp, type SippProcess, startSipp } from './sipp.js';

const running: SippProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.kill()));
});

describe('sipp', { timeout: 15_000 }, () => {
  it('a UAC completes N calls against a UAS on loopback, and the UAS quits cleanly', async () => {
    const uas = await startSipp({ scenario: 'uas', local: '127.0.0.3' });
    running.push(uas);
    const run = await runSipp({ scenario: 'uac', remote: uas.target, local: '127.0.0.2', calls: 20, rate: 100 });
    expect(run).toMatchObject({ code: 0, successful: 20, failed: 0 });
    expect((await uas.kill()).code).toBe(0);
  });

  it('a call to nobody ends at the timeout as a fatal run (255), none successful, saying why', async () => {
    const run = await runSipp({
      scenario: 'uac',
      remote: '127.0.0.3:9', // nothing listens there: INVITE retransmits until the timeout
      local: '127.0.0.2',
      calls: 1,
      timeoutMs: 1000,
    });
    expect(run).toMatchObject({ code: 255, successful: 0 });
    expect(run.output).toContain('timed out');
  });

  it('says sipp is missing when it is not on the PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(runSipp({ scenario: 'uac', remote: '127.0.0.3:5060', local: '127.0.0.2' })).rejects.toMatchObject({
        code: 'PEER_MISSING',
      });
    } finally {
      process.env.PATH = path;
    }
  });

  it('rejects when sipp refuses its scenario, giving the reason sipp printed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sipp-test-'));
    try {
      const path = join(dir, 'bad.xml');
      const sequence = '<recv request="INVITE" optional="true"/><send><![CDATA[SIP/2.0 200 OK]]></send>';
      await writeFile(path, `<?xml version="1.0"?><scenario name="bad">${sequence}</scenario>`);
      const error = await startSipp({ scenario: path, local: '127.0.0.3', timeoutMs: 3000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerError);
      expect(error).toMatchObject({ code: 'PEER_START' });
      expect(String(error)).toMatch(/sipp exited \(\d+\) before listening[\s\S]*optional/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a non-loopback address', async () => {
    await expect(startSipp({ scenario: 'uas', local: '0.0.0.0' })).rejects.toThrow(RangeError);
  });
});
