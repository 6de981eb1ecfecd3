/**
 * `Patchbay`: a typed REST client for every resource of a Patchbay server (the 2010-04-01 API
 * shape), built on `fetch`. Lists page lazily (`each` is an async iterator; `list` collects up to
 * `limit`); failures are `RestError`s with the API's code.
 *
 * @example
 * const client = new Patchbay(accountSid, authToken, { baseUrl: 'http://localhost:3000' });
 * const call = await client.calls.create({ to: '+15550100', from: '+15550199', url: appUrl });
 * for await (const c of client.calls.each({ status: 'completed' })) console.log(c.sid, c.duration);
 */

import { type CommandStatus, deviceCommandsClient } from './device-commands.js';
import { devicesClient } from './devices.js';
import { Http, type ParamValue } from './http.js';
import { listing } from './listing.js';
import { roomsClient } from './rooms.js';
import { simulatorClient } from './simulator.js';
import type {
  AccountInstance,
  ApplicationInstance,
  AppSettingsParams,
  CallCreateParams,
  CallInstance,
  CallListParams,
  CallUpdateParams,
  ClientInstance,
  ConferenceInstance,
  IncomingPhoneNumberInstance,
  IncomingPhoneNumberParams,
  KeyInstance,
  MemberInstance,
  MessageCreateParams,
  MessageInstance,
  PageParams,
  ParticipantCreateParams,
  ParticipantInstance,
  ParticipantUpdateParams,
  QueueInstance,
  RecordingInstance,
} from './types.js';

type Params = Readonly<Record<string, ParamValue>>;

export type { Listing } from './listing.js';
export type { SimulatedCallParams, SimulatedNumberInstance, SimulatedNumberParams } from './simulator.js';

export interface PatchbayOptions {
  /** The server, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** The account to act for when authenticating with an API key. @default the username */
  readonly accountSid?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** The resources of one account. */
export class AccountScope {
  readonly calls;
  readonly conferences;
  readonly queues;
  readonly messages;
  readonly recordings;
  readonly incomingPhoneNumbers;
  readonly applications;
  readonly keys;
  readonly clients;
  /** Patchbay's simulated network: ring or text your numbers with no phone. */
  readonly simulator;

  constructor(
    protected readonly http: Http,
    readonly accountSid: string,
  ) {
    const base = `/2010-04-01/Accounts/${accountSid}`;
    const one = <T>(path: string) => http.request<T>('GET', `${base}/${path}`);
    const post = <T>(path: string, params: object) => http.request<T>('POST', `${base}/${path}`, params as Params);
    const remove = (path: string) => http.request<void>('DELETE', `${base}/${path}`);

    this.calls = {
      ...listing<CallInstance, CallListParams>(http, `${base}/Calls.json`, 'calls'),
      create: (params: CallCreateParams) => post<CallInstance>('Calls.json', params),
      get: (sid: string) => one<CallInstance>(`Calls/${sid}.json`),
      update: (sid: string, params: CallUpdateParams) => post<CallInstance>(`Calls/${sid}.json`, params),
      remove: (sid: string) => remove(`Calls/${sid}.json`),
    };
    this.conferences = {
      ...listing<ConferenceInstance, PageParams & { status?: string; friendlyName?: string }>(
        http,
        `${base}/Conferences.json`,
        'conferences',
      ),
      get: (sid: string) => one<ConferenceInstance>(`Conferences/${sid}.json`),
      update: (sid: string, params: { status?: 'completed'; announceUrl?: string; announceMethod?: 'GET' | 'POST' }) =>
        post<ConferenceInstance>(`Conferences/${sid}.json`, params),
      /** Participants of a conference (by SID, or by FriendlyName to create). */
      participants: (conference: string) => {
        const path = `Conferences/${encodeURIComponent(conference)}/Participants`;
        return {
          ...listing<ParticipantInstance, PageParams & { muted?: boolean; hold?: boolean; coaching?: boolean }>(
            http,
            `${base}/${path}.json`,
            'participants',
          ),
          create: (params: ParticipantCreateParams) => post<ParticipantInstance>(`${path}.json`, params),
          get: (callSidOrLabel: string) =>
            one<ParticipantInstance>(`${path}/${encodeURIComponent(callSidOrLabel)}.json`),
          update: (callSidOrLabel: string, params: ParticipantUpdateParams) =>
            post<ParticipantInstance>(`${path}/${encodeURIComponent(callSidOrLabel)}.json`, params),
          remove: (callSidOrLabel: string) => remove(`${path}/${encodeURIComponent(callSidOrLabel)}.json`),
        };
      },
    };
    this.queues = {
      ...listing<QueueInstance, PageParams>(http, `${base}/Queues.json`, 'queues'),
      create: (params: { friendlyName: string; maxSize?: number }) => post<QueueInstance>('Queues.json', params),
      get: (sid: string) => one<QueueInstance>(`Queues/${sid}.json`),
      update: (sid: string, params: { friendlyName?: string; maxSize?: number }) =>
        post<QueueInstance>(`Queues/${sid}.json`, params),
      remove: (sid: string) => remove(`Queues/${sid}.json`),
      members: (queueSid: string) => ({
        ...listing<MemberInstance, PageParams>(http, `${base}/Queues/${queueSid}/Members.json`, 'queueMembers'),
        /** A member by CallSid, or `Front`. */
        get: (callSid: string) => one<MemberInstance>(`Queues/${queueSid}/Members/${callSid}.json`),
        /** Dequeues the member to `url`. */
        update: (callSid: string, params: { url: string; method?: 'GET' | 'POST' }) =>
          post<MemberInstance>(`Queues/${queueSid}/Members/${callSid}.json`, params),
      }),
    };
    this.messages = {
      ...listing<MessageInstance, PageParams & { to?: string; from?: string }>(
        http,
        `${base}/Messages.json`,
        'messages',
      ),
      create: (params: MessageCreateParams) => post<MessageInstance>('Messages.json', params),
      get: (sid: string) => one<MessageInstance>(`Messages/${sid}.json`),
    };
    this.recordings = {
      ...listing<RecordingInstance, PageParams & { callSid?: string; conferenceSid?: string }>(
        http,
        `${base}/Recordings.json`,
        'recordings',
      ),
      get: (sid: string) => one<RecordingInstance>(`Recordings/${sid}.json`),
      remove: (sid: string) => remove(`Recordings/${sid}.json`),
      /** Where the recording's WAV audio is served (needs the same credentials). */
      mediaUrl: (sid: string) => `${http.baseUrl}${base}/Recordings/${sid}.wav`,
    };
    this.incomingPhoneNumbers = {
      ...listing<IncomingPhoneNumberInstance, PageParams & { phoneNumber?: string; friendlyName?: string }>(
        http,
        `${base}/IncomingPhoneNumbers.json`,
        'incomingPhoneNumbers',
      ),
      create: (params: IncomingPhoneNumberParams & { phoneNumber: string }) =>
        post<IncomingPhoneNumberInstance>('IncomingPhoneNumbers.json', params),
      get: (sid: string) => one<IncomingPhoneNumberInstance>(`IncomingPhoneNumbers/${sid}.json`),
      update: (sid: string, params: IncomingPhoneNumberParams) =>
        post<IncomingPhoneNumberInstance>(`IncomingPhoneNumbers/${sid}.json`, params),
      remove: (sid: string) => remove(`IncomingPhoneNumbers/${sid}.json`),
    };
    this.applications = {
      ...listing<ApplicationInstance, PageParams & { friendlyName?: string }>(
        http,
        `${base}/Applications.json`,
        'applications',
      ),
      create: (params: AppSettingsParams = {}) => post<ApplicationInstance>('Applications.json', params),
      get: (sid: string) => one<ApplicationInstance>(`Applications/${sid}.json`),
      update: (sid: string, params: AppSettingsParams) => post<ApplicationInstance>(`Applications/${sid}.json`, params),
      remove: (sid: string) => remove(`Applications/${sid}.json`),
    };
    this.keys = {
      ...listing<KeyInstance, PageParams>(http, `${base}/Keys.json`, 'keys'),
      /** A new API key; its `secret` is in this answer only. */
      /** `keyType: 'main'` (only with the auth token or a main key) makes a key that may manage accounts and keys. */
      create: (params: { friendlyName?: string; keyType?: 'standard' | 'main' } = {}) =>
        post<KeyInstance & { secret: string }>('Keys.json', params),
      get: (sid: string) => one<KeyInstance>(`Keys/${sid}.json`),
      update: (sid: string, params: { friendlyName?: string }) => post<KeyInstance>(`Keys/${sid}.json`, params),
      remove: (sid: string) => remove(`Keys/${sid}.json`),
    };
    this.simulator = simulatorClient(one, post, remove);
    this.clients = {
      ...listing<ClientInstance, PageParams & { status?: 'online' | 'offline' }>(
        http,
        `${base}/Clients.json`,
        'clients',
      ),
      get: (identity: string) => one<ClientInstance>(`Clients/${encodeURIComponent(identity)}.json`),
    };
  }

  /** This account. */
  fetch(): Promise<AccountInstance> {
    return this.http.request('GET', `/2010-04-01/Accounts/${this.accountSid}.json`);
  }

  /** Renames, suspends, reactivates or closes this account. */
  update(params: { friendlyName?: string; status?: 'active' | 'suspended' | 'closed' }): Promise<AccountInstance> {
    return this.http.request('POST', `/2010-04-01/Accounts/${this.accountSid}.json`, params);
  }
}

export class Patchbay extends AccountScope {
  /** The authenticated account and its subaccounts. */
  readonly accounts;
  /** Auth token rotation: a secondary token, then promote it. */
  readonly authTokens;
  /** Rooms with their own number, their members, the directory and the room policy (docs/rooms.md). */
  readonly rooms;
  /** Devices bound to a number or email: settings, the devices, waking one (docs/registration.md). */
  readonly devices;

  constructor(username: string, password: string, options: PatchbayOptions) {
    if (!options?.baseUrl) throw new TypeError('options.baseUrl (the Patchbay URL) is required');
    const accountSid = options.accountSid ?? username;
    if (!/^AC[0-9a-f]{32}$/.test(accountSid))
      throw new TypeError('the account SID (username, or options.accountSid with an API key) must be an AC SID');
    const http = new Http({
      baseUrl: options.baseUrl,
      username,
      password,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
    });
    super(http, accountSid);
    this.accounts = {
      ...listing<AccountInstance, PageParams & { friendlyName?: string; status?: string }>(
        http,
        '/2010-04-01/Accounts.json',
        'accounts',
      ),
      /** A new subaccount. */
      create: (params: { friendlyName?: string } = {}) =>
        http.request<AccountInstance>('POST', '/2010-04-01/Accounts.json', params),
    };
    this.authTokens = {
      createSecondary: () => http.request<{ secondaryAuthToken: string }>('POST', '/v1/AuthTokens/Secondary'),
      deleteSecondary: () => http.request<void>('DELETE', '/v1/AuthTokens/Secondary'),
      promote: () => http.request<{ authToken: string }>('POST', '/v1/AuthTokens/Promote'),
    };
    this.rooms = roomsClient(http);
    this.devices = devicesClient(http);
  }

  /** Commands for a device (docs/commands.md); `status` filters what is listed. */
  deviceCommands(deviceSid: string, status?: CommandStatus) {
    return deviceCommandsClient(this.http, deviceSid, status);
  }

  /** The resources of a subaccount (or this account). */
  account(accountSid: string): AccountScope {
    return new AccountScope(this.http, accountSid);
  }
}
