import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError, startServer } from '@patchbay/runtime';
import { expect, it } from 'vitest';
import * as media from '../index.js';

it('refuses to start on a SIP port another program holds, with sip-port-in-use and what to do', async () => {
  const holder = createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
  const data = await mkdtemp(join(tmpdir(), 'patchbay-sip-port-'));
  try {
    const failure = await startServer({
      port: 0,
      data,
      media: {
        kind: 'sip',
        listen: [{ host: '127.0.0.1', port: holder.address().port, transports: ['udp'] }],
        rtpPorts: { min: 53000, max: 53098 },
        allow: [],
        trunks: [],
      },
      sipMedia: media,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    expect(failure).toMatchObject({ code: 'sip-port-in-use', hint: expect.stringContaining('--sip-listen') });
  } finally {
    holder.close();
    await rm(data, { recursive: true, force: true });
  }
});
