import { expect, it } from 'vitest';
import { indexAccount, indexedAccounts } from './account-index.js';
import { MemoryStore } from './memory.js';

it('lists every account added by several processes at once, each once, even into an index not made yet', async () => {
  const store = new MemoryStore();
  // Every change is answered a moment after it is made, as by a busy database: all the adders
  // learn the index is not there before any of them makes it.
  const update = store.update.bind(store);
  store.update = async (kind, accountSid, sid, change) => {
    const changed = await update(kind, accountSid, sid, change as never);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return changed as never;
  };
  const accounts = ['AC1', 'AC2', 'AC3', 'AC1'];
  await Promise.all(accounts.map((account) => indexAccount(store, 'test-index', account, 0)));
  expect([...(await indexedAccounts(store, 'test-index'))].sort()).toEqual(['AC1', 'AC2', 'AC3']);
});
