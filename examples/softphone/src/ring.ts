/**
 * `pnpm --filter @patchbay/example-softphone ring [from]`: a call from the simulated network to
 * the page's number, which rings every page registered as alice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_NUMBER } from './softphone.js';

const data = process.env.SOFTPHONE_DATA ?? './.patchbay-softphone';
const { patchbay, account, token } = JSON.parse(readFileSync(join(data, 'softphone.json'), 'utf8')) as {
  patchbay: string;
  account: string;
  token: string;
};
const from = process.argv[2] ?? '+15550109999';
const response = await fetch(`${patchbay}/2010-04-01/Accounts/${account}/Simulator/Calls.json`, {
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: new URLSearchParams({ From: from, To: PAGE_NUMBER }),
});
const body = (await response.json()) as { sid?: string; message?: string };
console.log(response.ok ? `ringing ${PAGE_NUMBER} from ${from}: ${body.sid}` : `failed: ${body.message}`);
