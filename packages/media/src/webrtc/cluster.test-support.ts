/**
 * A cluster of `--media sip` nodes in this process, for the tests of WebRTC devices across nodes:
 * each node is `startServer` as `patchbay serve --media sip --store postgres://... --bus
 * redis://...` runs it (its own SIP address and RTP range), all on one fresh PostgreSQL database
 * and one redis-server, with one bootstrap account. A test file starts one for all its tests.
 *
 * @example
 * const [a, b] = await sipCluster(cleanup, [{ id: 'node-a', host: '127.0.71.1', rtpPorts }, ...], [PHONE]);
 * await a.rest.post('IncomingPhoneNumbers.json', { ... }); // any node answers for the account
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@patchbay/runtime';
import { presenceSet, selfSignedCert, startPostgres, startRedis } from '@patchbay/runtime/testing';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import { type Cleanup, eventually, type Rest, restClient, trusting } from '../adapter/scenarios.test-support.js';
import * as media from '../index.js';
import { freePort } from '../testing/processes.js';

export const CLUSTER_ACCOUNT = `AC${'7'.repeat(32)}`;

export interface SipNode {
  readonly id: string;
  /** Its SIP (and WebRTC) address. */
  readonly host: string;
  readonly rtpPorts: { readonly min: number; readonly max: number };
  /** Serve the API, device channel and `/signal` over TLS (the hosted browser SDK needs it). */
  readonly tls?: boolean;
}

/** A running node, and its REST API with the account's credentials (trusting its certificate). */
export type RunningNode = RunningServer & { readonly rest: Rest };

/** The nodes, started one after the other (the first makes the store's tables), phones from `callers` let in. */
export async function sipCluster(
  cleanup: Cleanup,
  nodes: readonly SipNode[],
  callers: readonly string[],
): Promise<RunningNode[]> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  cleanup(() => postgres.stop());
  cleanup(() => redis.close());
  const store = await postgres.database();
  const started: RunningNode[] = [];
  for (const node of nodes) {
    const data = await mkdtemp(join(tmpdir(), `patchbay-${node.id}-`));
    cleanup(() => rm(data, { recursive: true, force: true }));
    const tls = node.tls ? selfSignedCert(data) : undefined;
    const server = await startServer({
      port: 0,
      data,
      ...(tls ? { tls } : {}),
      store,
      secretKey: new Uint8Array(32).fill(5),
      bus: redis.url,
      nodeId: node.id,
      accountSid: CLUSTER_ACCOUNT,
      authToken: 'a'.repeat(32),
      drainMs: 1000,
      media: {
        kind: 'sip',
        listen: [{ host: node.host, port: await freePort(node.host), transports: ['udp'] }],
        rtpPorts: node.rtpPorts,
        allow: callers.map((address) => ({ address, prefix: 32 })),
        trunks: [],
      },
      sipMedia: media,
    });
    cleanup(() => server.close());
    started.push({ ...server, rest: restClient(server, tls ? trusting(readFileSync(tls.certFile)) : fetch) });
  }
  return started;
}

/** An access token for `identity` (incoming calls allowed), from a key made through `node`. */
export async function clusterToken(node: RunningNode, identity: string): Promise<string> {
  const key = (await node.rest.post('Keys.json', { FriendlyName: identity })) as { sid: string; secret: string };
  return new AccessToken(CLUSTER_ACCOUNT, key.sid, key.secret, { identity, ttl: 600 })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();
}

/** Waits until `node` sees the identity's devices on `holder` (and only there): a call there rings them. */
export async function listedOn(node: RunningServer, identity: string, holder: string): Promise<void> {
  await eventually(`${node.cluster?.nodeId} to list ${identity}'s devices on ${holder}`, async () => {
    const holders = await node.cluster?.bus.members(presenceSet(CLUSTER_ACCOUNT, identity));
    return holders?.join() === holder ? true : undefined;
  });
}

/** Where a phone calls `number` on `node` (its first SIP address). */
export function lineOf(node: RunningServer, number: string): string {
  const sip = (node.media as media.SipMediaAdapter).agent.addresses[0];
  return `sip:${number}@${sip?.host}:${sip?.port}`;
}
