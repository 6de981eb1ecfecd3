/**
 * `pnpm --filter @patchbay/example-softphone ring [from]`: a call from the simulated network to
 * the page's number, which rings every page registered as alice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Patchbay } from '@patchbay/sdk';
import { PAGE_NUMBER } from './softphone.js';

const data = process.env.SOFTPHONE_DATA ?? './.patchbay-softphone';
const { patchbay, account, token } = JSON.parse(readFileSync(join(data, 'softphone.json'), 'utf8')) as {
  patchbay: string;
  account: string;
  token: string;
};
const from = process.argv[2] ?? '+15550109999';
const client = new Patchbay(account, token, { baseUrl: patchbay });
const call = await client.simulator.calls.create({ from, to: PAGE_NUMBER });
console.log(`ringing ${PAGE_NUMBER} from ${from}: ${call.sid}`);
