/**
 * The PostgreSQL store's callback outbox, shared by every node: `claim` takes due callbacks with
 * `FOR UPDATE SKIP LOCKED` (a row another node is claiming is skipped, not waited for, so each
 * goes to one node) and a lease (its next attempt moves to the lease's end, so a dead node's
 * come due again; `release` makes them due at once when a survivor takes that node over), and
 * keeps each resource's order across nodes (docs/cluster.md). Each claim and each release
 * numbers the row's claim afresh: a node sends a callback only after `hold` found it still under
 * its claim, and finishes it only then, so a node taken over while cut off sends nothing the
 * survivor released.
 */
import type pg from 'pg';
import { resourceOf } from '../webhooks/ordering.js';
import { toJsonb } from './postgres-json.js';
import { type OutboxRow, oldestFirst, pendingCallback } from './rows.js';
import type { NewCallback, Store } from './types.js';
import type { WriteOrder } from './write-order.js';

type Query = <R extends pg.QueryResultRow>(sql: string, values: unknown[]) => Promise<pg.QueryResult<R>>;

/** The write-order key of a resource's outbox entries (a record's write waits for them: postgres.ts `put`). */
export function outboxOrderKey(resource: string): string {
  return `outbox:${resource}`;
}

export function postgresOutbox(query: Query, order: WriteOrder): Store['outbox'] {
  return {
    add: async (callback: NewCallback) =>
      // One resource's callbacks get their ids (their order) in the order they were queued.
      order.write(outboxOrderKey(resourceOf(callback.key) ?? ''), async () => {
        const { rows } = await query<{ id: string }>(
          `INSERT INTO outbox (key, account_sid, url, method, params, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (key) DO NOTHING RETURNING id`,
          [
            callback.key,
            callback.accountSid,
            callback.url,
            callback.method,
            toJsonb(callback.params),
            callback.nextAttemptAt,
          ],
        );
        return rows[0] ? Number(rows[0].id) : undefined;
      }),
    due: async (now, limit) => {
      await order.all();
      const { rows } = await query<OutboxRow>(
        'SELECT * FROM outbox WHERE NOT done AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2',
        [Math.min(now, Number.MAX_SAFE_INTEGER), limit],
      );
      return rows.map(pendingCallback);
    },
    claim: async ({ now, limit, owner, leaseMs, ids }) => {
      await order.all();
      // Rows another node is claiming right now are skipped, not waited for: each goes to one.
      // One whose resource has an older callback pending waits for it, whichever node has it.
      const { rows } = await query<OutboxRow>(
        `WITH picked AS (
           SELECT id FROM outbox o WHERE NOT done AND next_attempt_at <= $1 AND ($4::bigint[] IS NULL OR id = ANY($4))
             AND NOT EXISTS (SELECT 1 FROM outbox older WHERE older.resource = o.resource AND NOT older.done AND older.id < o.id)
           ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE outbox SET next_attempt_at = $1 + $5, claimed_by = $3, claim = outbox.claim + 1 FROM picked
         WHERE outbox.id = picked.id RETURNING outbox.*`,
        [now, limit, owner, ids ? [...ids] : null, leaseMs],
      );
      return rows.map((row) => ({ ...pendingCallback(row), claim: Number(row.claim) })).sort(oldestFirst);
    },
    hold: async (id, claim, until) => {
      const result = await query('UPDATE outbox SET next_attempt_at = $3 WHERE id = $1 AND claim = $2 AND NOT done', [
        id,
        claim,
        until,
      ]);
      return result.rowCount === 1;
    },
    release: async (owner, now) => {
      await order.all();
      const result = await query(
        'UPDATE outbox SET next_attempt_at = $2, claimed_by = NULL, claim = claim + 1 WHERE claimed_by = $1 AND NOT done',
        [owner, now],
      );
      return result.rowCount ?? 0;
    },
    // With a claim, only while the callback is still held under it (else it is another node's now).
    done: async (id, claim) => {
      await order.write(`outbox#${id}`, () =>
        query('UPDATE outbox SET done = true, claimed_by = NULL WHERE id = $1 AND ($2::bigint IS NULL OR claim = $2)', [
          id,
          claim ?? null,
        ]),
      );
    },
    retry: async (id, nextAttemptAt, claim) => {
      await order.write(`outbox#${id}`, () =>
        query(
          `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, claimed_by = NULL
           WHERE id = $1 AND ($3::bigint IS NULL OR claim = $3)`,
          [id, nextAttemptAt, claim ?? null],
        ),
      );
    },
    prune: async (before) => {
      const result = await query('DELETE FROM outbox WHERE done AND next_attempt_at < $1', [before]);
      return result.rowCount ?? 0;
    },
  };
}
