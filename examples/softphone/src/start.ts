/**
 * `pnpm --filter @patchbay/example-softphone start`: runs Patchbay and the softphone's servers
 * and prints the page's address. Open it, then ring it with `pnpm --filter
 * @patchbay/example-softphone ring` (or type a number on the page and press Call).
 *
 * `start --media sip` carries real audio instead: the page talks through its microphone, and a
 * SIP phone on this machine calls the page's number (`sip:+15550100300@127.0.0.1:5062`;
 * `SIP_PORT=` changes the port) or is called from the page by its SIP address.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PAGE_NUMBER, startSoftphone } from './softphone.js';

const { values } = parseArgs({ options: { media: { type: 'string', default: 'simulated' } } });
if (values.media !== 'simulated' && values.media !== 'sip') {
  console.error(`--media is simulated or sip, not ${JSON.stringify(values.media)}`);
  process.exit(2);
}
const sipPort = Number(process.env.SIP_PORT ?? 5062);
const data = process.env.SOFTPHONE_DATA ?? './.patchbay-softphone';
const phone = await startSoftphone({
  data,
  port: Number(process.env.PORT ?? 8080),
  ...(values.media === 'sip' ? { media: { sipPort } } : {}),
});
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
if (values.media === 'sip') {
  console.log(`Real audio: a SIP phone on this machine calls sip:${PAGE_NUMBER}@127.0.0.1:${sipPort}`);
  console.log('  and the page calls a phone by its SIP address (sip:user@host:port).   (Ctrl-C stops)');
} else {
  console.log('Ring it: pnpm --filter @patchbay/example-softphone ring   (Ctrl-C stops)');
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void phone.close().then(() => process.exit(0));
  });
}
