/**
 * On a cluster, by the survivor the bus names to take a dead node over: that node's open
 * commands are claimed for this one (`node` moved in one atomic update, so one survivor has
 * each), their timers armed here (resent, or expired, as the dead node would have) and their
 * units of the account's bound held here (the bus freed the dead node's).
 */
import { allOf } from '../../api/resources/sip/common.js';
import { updateIf } from '../../store/conditional.js';
import type { Store } from '../../store/types.js';
import type { ClusterCommandBound } from './cluster-bound.js';
import { COMMAND_INDEX_SID, COMMAND_LIMITS, type CommandIndexRecord, type CommandRecord } from './records.js';

export interface TakeoverParts {
  readonly store: Store;
  /** This node's id. */
  readonly node: string;
  readonly clusterBound?: ClusterCommandBound | undefined;
  /** Arms a claimed command's timer on this node. */
  arm(record: CommandRecord): void;
}

/** Claims `dead`'s open commands for this node. Resolves with how many. */
export async function takeOverCommands(parts: TakeoverParts, dead: string): Promise<number> {
  const { store, node: self, clusterBound } = parts;
  if (dead === self) return 0;
  const index = await store.find<CommandIndexRecord>('setting', COMMAND_INDEX_SID);
  let taken = 0;
  for (const accountSid of index?.accounts ?? []) {
    const open = await allOf<CommandRecord>(
      store,
      'device-command',
      accountSid,
      { open: true, node: dead },
      COMMAND_LIMITS.openPerAccount,
    );
    for (const record of open) {
      const claimed = await updateIf<CommandRecord>(store, 'device-command', accountSid, record.sid, (current) =>
        current.open && current.node === dead ? { ...current, node: self } : undefined,
      );
      if (!claimed) continue; // settled, or another survivor has it
      await clusterBound?.adopt(accountSid, claimed.sid);
      parts.arm(claimed);
      taken++;
    }
  }
  return taken;
}
