/**
 * The runtime's public contract: what `createRuntime` takes (options, call parameters, routing
 * answers) and the `Runtime` it returns.
 */
import type { EventEmitter } from 'eventemitter3';
import type { DeviceBridge, DeviceBridgeOptions } from './bridge/bridge.js';
import type { CallRecord, CallStatus, Direction } from './calls/call.js';
import type { CallRouter } from './calls/on-net.js';
import type { Clock } from './clock/clock.js';
import type { Bus } from './cluster/bus.js';
import type { ConferenceCluster } from './cluster/conferences.js';
import type { QueueCluster } from './cluster/queue-cluster.js';
import type { ConferencesApi } from './conference/api.js';
import type { LocalApps } from './interpreter/local-apps.js';
import type { CallAccount, CallEvent, RuntimeEvents } from './interpreter/session.js';
import type { AccountLimits } from './limits/account-limits.js';
import type { SharedCallCap } from './limits/shared-call-cap.js';
import type { MediaAdapter } from './media/types.js';
import type { InboundMessage, InboundResult, MessagingApp } from './messaging/inbound.js';
import type { Messages } from './messaging/messages.js';
import type { MessageRecord, MessagingAdapter } from './messaging/types.js';
import type { QueueRegistry } from './queue/queues.js';
import type { QueueRecords } from './queue/records.js';
import type { RecordingRecord } from './verbs/types.js';
import type { CallbackQueueOptions, Callbacks } from './webhooks/callbacks.js';
import type { Egress } from './webhooks/egress.js';

/** How a call's app is reached and where it reports: shared by inbound numbers and API calls. */
export interface AppSettings {
  readonly method?: 'GET' | 'POST';
  readonly fallbackUrl?: string;
  readonly fallbackMethod?: 'GET' | 'POST';
  readonly statusCallback?: string;
  readonly statusCallbackMethod?: 'GET' | 'POST';
  /** @default ['completed'] */
  readonly statusCallbackEvent?: readonly CallEvent[];
}

/** The app an inbound call runs: the called number's voice configuration. */
export interface InboundApp extends AppSettings {
  readonly url: string;
}

/**
 * Where an inbound call goes: the number's app, the account owning the number, and the number's
 * SID (its IncomingPhoneNumber, `PN...`), which the call record keeps as `phone_number_sid`. With
 * `twiml` the call runs that markup instead of fetching `url` (which relative URLs then resolve
 * against).
 */
export type Routed = InboundApp & {
  readonly account?: CallAccount;
  readonly phoneNumberSid?: string;
  readonly twiml?: string;
  /** Parameters the call's first request carries beside the standard ones (a SIP call's `SipDomain`, `SipCallId`, ...). */
  readonly params?: Readonly<Record<string, string>>;
};

export interface CreateCallParams extends AppSettings {
  /** The account placing the call. @default the runtime's default account */
  readonly account?: CallAccount;
  readonly to: string;
  readonly from: string;
  /** Where the call's first document comes from (one of `url` and `twiml`). */
  readonly url?: string;
  /** The call's first document, inline. */
  readonly twiml?: string;
  /** Seconds to let the far end ring. @default 60 */
  readonly timeout?: number;
  /** DTMF to play once the call is answered. */
  readonly sendDigits?: string;
  /** Record the whole call, from answer to hang-up (source OutboundAPI). */
  readonly record?: boolean;
  /** Hang up this many seconds after the answer. @default 14400 */
  readonly timeLimit?: number;
  /** The caller ID the called party sees, when it is not `from` (calls from a client or SIP). */
  readonly callerId?: string;
}

export interface UpdateCallParams {
  readonly url?: string;
  readonly method?: 'GET' | 'POST';
  readonly twiml?: string;
  readonly status?: 'completed' | 'canceled';
  /** Where the rest of the call's documents fall back to, and where its status callbacks go. */
  readonly fallbackUrl?: string;
  readonly fallbackMethod?: 'GET' | 'POST';
  readonly statusCallback?: string;
  readonly statusCallbackMethod?: 'GET' | 'POST';
}

/** A new call or message asking to be run (see `RuntimeOptions.admit`). */
export type Admission =
  | { readonly kind: 'call'; readonly record: CallRecord }
  | { readonly kind: 'message'; readonly record: MessageRecord };

export interface RuntimeOptions {
  readonly media: MediaAdapter;
  /**
   * In a cluster, the bus to the other nodes: conferences are placed on one node each and
   * callers on other nodes join them through trunks (cluster/conferences.ts, docs/cluster.md).
   * @default none: every conference is on this node
   */
  readonly bus?: Bus;
  /**
   * Where queues' resources (SID, FriendlyName, MaxSize) are kept, so a queue outlives a restart
   * and, in a cluster, its holder (queue/records.ts: `storeQueueRecords(store)`). Absent: in memory only.
   */
  readonly queueRecords?: QueueRecords;
  /**
   * Asked before a new call or message is run (dialed, its app fetched, handed to the carrier):
   * resolves once its record is stored. One it rejects is not run: it ends `failed` with the
   * error (a call: no status callbacks; an inbound call: rejected; an inbound message: `receive`
   * rejects). The server stores the record here, so nothing runs that a restart would not know.
   * Without it everything runs at once.
   */
  readonly admit?: (admission: Admission) => Promise<void>;
  /**
   * In a cluster, the account's live calls counted across the nodes (ClusterNode.callCap): an
   * inbound call takes its unit before it starts, so one past the cap is refused as on one node.
   * @default none: this runtime's own calls only
   */
  readonly callCap?: SharedCallCap;
  /**
   * Client devices: with this, `<Dial><Client>` rings devices registered over the device bridge
   * (else client addresses go to the media adapter), and devices place calls through their
   * token's application.
   */
  readonly devices?: DeviceBridgeOptions;
  /**
   * The identities whose devices are bound to a number in an account (devices/ring-number.ts):
   * with it, calls to such a number ring those devices in the app first, the number itself
   * after. @default none: numbers ring over the network only
   */
  readonly numberDevices?: (accountSid: string, number: string) => Promise<readonly string[]>;
  /** How long a registered number's devices ring in the app before the number itself. @default 15000 */
  readonly appRingMs?: number;
  /** @default systemClock */
  readonly clock?: Clock;
  /** The default account: calls created without one belong to it. @default a new AC SID */
  readonly accountSid?: string;
  /** The default account's auth token, which signs its webhooks. @default a random token */
  readonly authToken?: string;
  /**
   * Finds the app of a called number (and the account that owns the number, the default one if
   * not said); calls to numbers with no app are rejected.
   */
  readonly incoming?: CallRouter;
  /**
   * On-net calls: a number a call placed here (REST, Dial) dials is answered by its app on this
   * server, as an inbound call, when this router routes it (`caller` is the account placing the
   * call). `true` uses `incoming`, which must then route only the numbers this server hosts (a
   * catch-all router would send every dialed number back to an app). Needs a media adapter that
   * can `link`. @default false
   */
  readonly onNet?: boolean | CallRouter;
  /** On-net calls one call may lead to, one inside another, before the next is refused. @default 5 */
  readonly maxOnNetHops?: number;
  /**
   * Whether an account may present `number` as the caller ID of a call it places (`<Dial
   * callerId>`) or as the sender of a message (`<Sms from>`, `<Message from>`). A server refuses
   * the numbers another account holds (`callerIdPolicy`), so one tenant cannot pose as another.
   * @default every number
   */
  readonly callerIds?: (accountSid: string, number: string) => boolean | Promise<boolean>;
  /** Base URL apps reach this server at: recording URLs start with it. @default 'http://localhost:3000' */
  readonly publicUrl?: string;
  /** Documents fetched with nothing for the caller in between before the call is ended. @default 20 */
  readonly maxFetchesWithoutProgress?: number;
  /** Retry settings of the default (in-memory) callback queue. */
  readonly callbacks?: CallbackQueueOptions;
  /** Where callbacks go instead of the in-memory queue (a DurableCallbacks over a store). */
  readonly callbackQueue?: Callbacks;
  /**
   * Every account's limits unless the account has its own (`CallAccount.limits`, a device token's
   * account): its live calls, device sessions and REST requests. @default DEFAULT_ACCOUNT_LIMITS
   */
  readonly limits?: Partial<AccountLimits>;
  /**
   * Where documents and callbacks may be fetched from: http/https only, never link-local or cloud
   * metadata addresses, and private ones only if its policy allows. A `callbackQueue` given here
   * brings its own. @default DEFAULT_EGRESS (allow-private)
   */
  readonly egress?: Egress;
  /** Carries text messages. @default a SimulatedMessaging on the same clock */
  readonly messaging?: MessagingAdapter;
  /**
   * Ended calls, finished messages and saved recordings kept in memory for `get`/`list` (the most
   * recent ones); a long-running server keeps the full history in its store. @default 1000
   * (recordings, which hold their audio: 100)
   */
  readonly keepEnded?: number;
  /**
   * Finds the messaging app of a number a message arrived at (and the account that owns it);
   * messages to numbers with no app are dropped and reported as `incoming.rejected`.
   */
  readonly incomingMessage?: (message: {
    readonly to: string;
    readonly from: string;
  }) => RoutedMessageApp | undefined | Promise<RoutedMessageApp | undefined>;
}

/** Where an inbound message goes: the app and the account it belongs to (the default if not said). */
export type RoutedMessageApp = MessagingApp & { readonly account?: CallAccount };

export interface Runtime {
  /** In a cluster (`bus`): conferences across nodes; `ready` once this node's load is published. */
  readonly conferenceCluster?: ConferenceCluster;
  /** In a cluster (`bus` given): where this node's queues live and how other nodes reach them. */
  readonly queueCluster?: QueueCluster;
  /** The default account's SID. */
  readonly accountSid: string;
  /** The per-account limits that apply to accounts without their own. */
  readonly limits: AccountLimits;
  /** The clock every call waits on (features built on the runtime time their timers with it too). */
  readonly clock: Clock;
  /** Apps answered in-process at reserved `.invalid` origins (rooms): see interpreter/local-apps.ts. */
  readonly localApps: LocalApps;
  readonly events: EventEmitter<RuntimeEvents>;
  /** Status callbacks in flight; `drain()` waits for them. */
  readonly callbacks: Callbacks;
  readonly calls: {
    create(params: CreateCallParams): CallRecord;
    update(sid: string, params: UpdateCallParams): Promise<CallRecord>;
    get(sid: string): CallRecord | undefined;
    list(filter?: { status?: CallStatus; direction?: Direction }): CallRecord[];
    /** Settles with the final record when the call ends. */
    ended(sid: string): Promise<CallRecord>;
  };
  /** Text messages: sent (Sms in calls, and through this API) and received. */
  readonly messages: Pick<Messages, 'send' | 'get' | 'list' | 'settled'> & {
    /**
     * A message arrived at `to`: routed by `incomingMessage` (or to `app`/`account` when given),
     * posted to the app, and its replies sent. Undefined when nothing is routed to the number.
     */
    receive(
      message: InboundMessage & { readonly app?: MessagingApp; readonly account?: CallAccount },
    ): Promise<InboundResult | undefined>;
  };
  /** Conference rooms and their participants. */
  readonly conferences: ConferencesApi;
  /** The device bridge, when `devices` was given: transports attach to it; presence. */
  readonly devices: DeviceBridge | undefined;
  /** Call queues (Enqueue, Dial Queue). */
  readonly queues: QueueRegistry;
  readonly recordings: {
    get(sid: string): RecordingRecord | undefined;
    list(filter?: { callSid?: string }): RecordingRecord[];
    delete(sid: string): boolean;
  };
  /** Ends every call and waits for outstanding callbacks. */
  close(): Promise<void>;
}
