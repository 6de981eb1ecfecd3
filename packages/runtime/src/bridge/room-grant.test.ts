/**
 * The rooms grant of an access token (docs/devices.md): made by the SDK's RoomsGrant, read by
 * the bridge's verification (which rooms, whether organizer); a malformed one refuses the token.
 */
import { once } from 'node:events';
import { AccessToken, RoomsGrant } from '@patchbay/sdk';
import type { ServerMessage } from '@patchbay/sdk/protocol';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import { type DeviceDirectory, verifyAccessToken } from './access-tokens.js';
import { newKey } from './devices.test-support.js';
import { mayCommand, mayFollow } from './room-grant.js';

const ROOM = `RM${'a'.repeat(32)}`;
const OTHER = `RM${'b'.repeat(32)}`;
const ACCOUNT = `AC${'1'.repeat(32)}`;
const KEY = { sid: `SK${'2'.repeat(32)}`, secret: 'key-secret' };

const directory: DeviceDirectory = {
  key: async (sid) => (sid === KEY.sid ? { secret: KEY.secret, accountSid: ACCOUNT } : undefined),
  account: async (sid) => (sid === ACCOUNT ? { sid, authToken: 'auth', active: true } : undefined),
};

const verify = (jwt: string) => verifyAccessToken(jwt, directory, { now: Date.now(), skewMs: 0 });

function token(grant?: RoomsGrant): string {
  const built = new AccessToken(ACCOUNT, KEY.sid, KEY.secret, { identity: 'olga' });
  if (grant) built.addGrant(grant);
  return built.toJwt();
}

const craft = (grants: Record<string, unknown>, key: { sid: string; secret: string }, accountSid: string) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    grants: { identity: 'olga', ...grants },
    iss: key.sid,
    sub: accountSid,
    iat: now,
    exp: now + 600,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })
    .sign(new TextEncoder().encode(key.secret));
};

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

describe('the rooms grant', () => {
  it('names the rooms a token may follow, and whether it may command them', async () => {
    const organizer = (await verify(token(new RoomsGrant({ rooms: [ROOM, ROOM], organizer: true })))).rooms;
    expect(organizer).toEqual({ sids: [ROOM], organizer: true });
    expect([mayFollow(organizer, ROOM), mayCommand(organizer, ROOM), mayFollow(organizer, OTHER)]).toEqual([
      true,
      true,
      false,
    ]);
    const follower = (await verify(token(new RoomsGrant({ rooms: [ROOM] })))).rooms;
    expect([mayFollow(follower, ROOM), mayCommand(follower, ROOM)]).toEqual([true, false]);
    const none = (await verify(token())).rooms;
    expect([none, mayFollow(none, ROOM), mayCommand(none, ROOM)]).toEqual([undefined, false, false]);
  });

  it('is checked when it is made', () => {
    expect(() => new RoomsGrant({ rooms: [] })).toThrow(RangeError);
    expect(() => new RoomsGrant({ rooms: ['RM123'] })).toThrow(TypeError);
    expect(() => new RoomsGrant({ rooms: Array.from({ length: 101 }, () => ROOM) })).toThrow(RangeError);
  });

  it('refuses a token whose rooms grant is malformed, at hello', async () => {
    const harness = await startApiHarness();
    harnesses.push(harness);
    const key = await newKey(harness);
    const hello = async (jwt: string) => {
      const socket = new WebSocket(`${harness.base.replace('http', 'ws')}/devices/v1/ws`);
      await once(socket, 'open');
      socket.send(JSON.stringify({ type: 'hello', v: 1, token: jwt }));
      const [data] = await once(socket, 'message');
      socket.terminate();
      const message = JSON.parse(String(data)) as ServerMessage;
      return message.type === 'error' ? message.error.name : message.type;
    };
    const account = harness.account.sid;
    expect(await hello(await craft({ rooms: { rooms: [ROOM], organizer: true } }, key, account))).toBe('welcome');
    for (const rooms of [
      'RM...',
      { rooms: [] },
      { rooms: ['not-a-room'] },
      { rooms: [ROOM], organizer: 'yes' },
      { rooms: Array.from({ length: 101 }, () => ROOM) },
    ])
      expect(await hello(await craft({ rooms }, key, account))).toBe('AccessTokenGrantsInvalid');
  });
});
