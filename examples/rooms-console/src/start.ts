/**
 * `pnpm --filter @patchbay/example-rooms-console start`: runs Patchbay (on the simulated network,
 * data in ./.patchbay-rooms) and the console's server, adds the demo phones, and prints the
 * page's address. Create a room, add the demo people by their numbers, select them and call.
 */
import { startConsole } from './console.js';
import { addDemoPhones, DEMO_PHONES } from './phones.js';

const server = await startConsole({
  data: process.env.ROOMS_DATA ?? './.patchbay-rooms',
  port: Number(process.env.PORT ?? 8090),
});
addDemoPhones(server.patchbay.network);
console.log(`Patchbay: ${server.patchbay.url}`);
console.log(`Rooms console: ${server.pageUrl}   (Ctrl-C stops)`);
console.log('People to add (each phone on the simulated network behaves its own way when rung):');
for (const phone of DEMO_PHONES)
  console.log(`  ${`${phone.firstName} ${phone.lastName}`.padEnd(12)} ${phone.phoneNumber}  ${phone.does}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
