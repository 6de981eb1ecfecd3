/**
 * `pnpm --filter @patchbay/example-softphone start`: runs Patchbay and the softphone's servers
 * and prints the page's address. Open it, then ring it with `pnpm --filter
 * @patchbay/example-softphone ring` (or type a number on the page and press Call).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_NUMBER, startSoftphone } from './softphone.js';

const data = process.env.SOFTPHONE_DATA ?? './.patchbay-softphone';
const phone = await startSoftphone({ data, port: Number(process.env.PORT ?? 8080) });
writeFileSync(
  join(data, 'softphone.json'),
  JSON.stringify({
    patchbay: phone.patchbay.url,
    account: phone.patchbay.account.sid,
    token: phone.patchbay.account.authToken,
  }),
  { mode: 0o600 },
);
console.log(`Patchbay: ${phone.patchbay.url}`);
console.log(`Softphone page: ${phone.pageUrl}  (?identity=alice; ${PAGE_NUMBER} rings alice)`);
console.log('Ring it: pnpm --filter @patchbay/example-softphone ring   (Ctrl-C stops)');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void phone.close().then(() => process.exit(0));
  });
}
