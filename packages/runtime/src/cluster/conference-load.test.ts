/**
 * A node's published load counts its live calls only: a call that just ended no longer counts,
 * so the next room goes to the node that has fewer calls now, not a few seconds ago.
 */
import { expect, it } from 'vitest';
import { roomWhen } from '../conference/when.test-support.js';
import { startCluster } from './conferences.test-support.js';

const ALICE = '+15550005001';
const BOB = '+15550005002';

it('a call that ended no longer counts in its node load: the next room goes to that node', async () => {
  await using c = await startCluster(
    {
      '/voice': (req: { params: Record<string, string | string[]> }) =>
        req.params.From === BOB
          ? '<Response><Hangup/></Response>'
          : '<Response><Dial><Conference>standup</Conference></Dial></Response>',
    },
    'in-process',
  );
  const [a, b] = c.nodes as [(typeof c.nodes)[number], (typeof c.nodes)[number]];
  const bob = b.ringIn(BOB);
  await b.runtime.calls.ended(bob);
  // Alice's call is node A's one live call; node B has none since Bob's ended.
  const placed = Promise.race([
    roomWhen(a.runtime.events, () => true).then(() => 'node-a'),
    roomWhen(b.runtime.events, () => true).then(() => 'node-b'),
  ]);
  a.ringIn(ALICE, { hangupAfterMs: 1000 });
  expect(await placed).toBe('node-b');
});
