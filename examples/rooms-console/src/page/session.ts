/**
 * Signing in: the console's server (`/session`) says who the organizer is and gives an access
 * token for the device channel (a RoomsGrant naming the account's rooms) and the key the REST
 * client uses with that server, which adds the account's credentials (the page never has them).
 * A room created after signing in is not in the token's grant yet: `refresh()` fetches a new
 * token and hands it to the device.
 *
 * @example
 * const session = await signIn();
 * const rooms = await session.client.rooms.list();
 */
import { Device, Patchbay } from '@patchbay/sdk/client';
import { UserError } from './words.js';

export interface Organizer {
  readonly firstName: string;
  readonly lastName: string;
  readonly identity: string;
  readonly phoneNumber: string;
}

interface SessionAnswer {
  readonly token: string;
  readonly server: string;
  readonly accountSid: string;
  readonly restKey: string;
  readonly organizer: Organizer;
}

export interface Session {
  readonly client: Patchbay;
  readonly device: Device;
  readonly organizer: Organizer;
  /** A fresh token (the grant names every room of the account now) given to the device. */
  refresh(): Promise<void>;
}

async function fetchSession(): Promise<SessionAnswer> {
  let response: Response;
  try {
    response = await fetch('/session', { cache: 'no-store' });
  } catch (error) {
    throw new UserError('The console server cannot be reached. Check your network connection.', { cause: error });
  }
  if (!response.ok) throw new UserError(`The console server could not sign you in (${response.status}).`);
  return (await response.json()) as SessionAnswer;
}

export async function signIn(): Promise<Session> {
  const answer = await fetchSession();
  const client = new Patchbay(answer.accountSid, answer.restKey, { baseUrl: `${location.origin}/api` });
  // The console places and takes no calls: the device is its live channel to the rooms.
  const device = new Device(answer.token, { server: answer.server, media: false, agent: 'patchbay-rooms-console' });
  const refresh = async () => {
    const fresh = await fetchSession();
    await device.updateToken(fresh.token);
  };
  device.on('tokenWillExpire', () => void refresh().catch(() => undefined));
  return { client, device, organizer: answer.organizer, refresh };
}
