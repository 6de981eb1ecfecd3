/**
 * @patchbay/runtime: the call-control engine.
 */

export { INSTANT_TIMING, REALISTIC_TIMING, type Timing } from './adapters/simulated/leg.js';
export { SimulatedNetwork, type SimulatedNetworkOptions } from './adapters/simulated/network.js';
export {
  type FarEndApp,
  Party,
  type PartyBehaviour,
  type PartyInput,
  type TranscriptEntry,
} from './adapters/simulated/party.js';
export { parseScript, ScriptError, type ScriptStep } from './adapters/simulated/script.js';
export { formatEntry } from './adapters/simulated/transcript.js';
export type { AccountRecord, KeyRecord, KeyType } from './api/auth.js';
export { HEALTH_PATH, type HealthReport, healthEndpoint } from './api/health.js';
export { RestError } from './api/http.js';
export { StoreWrites } from './api/persist.js';
export { numberRouter, withSimulatedApps } from './api/routing.js';
/** The REST API (2010-04-01 shape): server, authentication, bootstrap account. */
export { type Api, type ApiOptions, bootstrapAccount, createApi } from './api/server.js';
/** The device bridge: client devices register, are invited to calls, and place calls. */
export type { DeviceDirectory, VerifiedToken } from './bridge/access-tokens.js';
export { verifyAccessToken } from './bridge/access-tokens.js';
export {
  type BridgeEvents,
  type ClientRing,
  DeviceBridge,
  type DeviceBridgeOptions,
  type OutgoingApp,
} from './bridge/bridge.js';
export { CallTokens } from './bridge/call-tokens.js';
export { DEVICE_PATHS, type DeviceEndpoints, deviceEndpoints } from './bridge/endpoints.js';
export type { PresenceRecord } from './bridge/presence.js';
export type { CallError, CallRecord, CallStatus, Direction } from './calls/call.js';
export { type CallRouter, DEFAULT_MAX_ON_NET_HOPS } from './calls/on-net.js';
export { parseAddress } from './calls/params.js';
export { recordingMedia } from './calls/recording-media.js';
/** The server as a function (what `patchbay serve` runs). */
export { recoverCalls, recoverMessages } from './cli/recover.js';
export { type RunningServer, type ServeOptions, startServer } from './cli/serve.js';
export type { SipMediaDeps, SipMediaModule, StartedSipMedia } from './cli/serve-media.js';
/** Time. */
export { type Clock, holding, sleep, systemClock } from './clock/clock.js';
/** The cluster's bus (docs/cluster.md): the interface, the single node's in-process bus, the Redis bus. */
export type { Bus, BusEvents, NodeDown, NodeId, NodeInfo } from './cluster/bus.js';
export { BusHub, InProcessBus } from './cluster/bus-memory.js';
/** The nginx site docs/cluster.md shows (and a whole nginx.conf around it, for the cluster benchmark). */
export { type NginxSite, nginxConfig, nginxSite } from './cluster/nginx-site.js';
export { RedisBus, type RedisBusOptions } from './cluster/redis-bus.js';
export type { AddParticipant, ConferencesApi, ParticipantUpdate } from './conference/api.js';
export type { ConferenceSnapshot, EndReason } from './conference/conference.js';
/** Commands for registered devices (docs/commands.md): the feature the API mounts, for embedding and benchmarks. */
export {
  type CommandRecord,
  type CommandStatus,
  type CommandsFeature,
  commandsFeature,
} from './devices/commands/index.js';
/** Errors. */
/** Devices bound to a number or email: registration, device records, ringing a number, wake-up (docs/registration.md). */
export { authenticateDevice, deviceByCredential } from './devices/credentials.js';
export {
  type DevicesFeature,
  type DevicesOptions,
  devicesFeature,
  type Mailer,
  numberIdentities,
  type RegistrationSettings,
  type SmtpSettings,
  smtpMailer,
} from './devices/index.js';
export {
  type Notifier,
  type NotifyResult,
  type WakeFailure,
  type WakeOutcome,
  type WakePayload,
  Wakeup,
} from './devices/notifier.js';
export type { Binding, DeviceRecord, NotifierKind, WaitingNotice, WakeUpAddress } from './devices/records.js';
export type { DocumentedCode } from './error-codes/index.js';
export { type ErrorCode, numericCode, PatchbayError } from './errors.js';
/** Apps answered in-process at reserved `.invalid` origins (`runtime.localApps`; rooms use one). */
export { type LocalApp, LocalApps, type LocalRequest } from './interpreter/local-apps.js';
export type { AppConfig, CallEvent, RuntimeEvents } from './interpreter/session.js';
/** Per-account limits: live calls, device sessions, REST requests. */
export {
  type AccountLimitOverrides,
  type AccountLimits,
  DEFAULT_ACCOUNT_LIMITS,
} from './limits/account-limits.js';
/** Media adapters: the interface, and the embedded simulated network. */
export type {
  AdapterEvents,
  Address,
  AddressKind,
  Bridge,
  BridgeOptions,
  DeviceLeg,
  DeviceLegRequest,
  HangupCause,
  IncomingCallInfo,
  InputOptions,
  LegEvents,
  LinkedCall,
  MediaAdapter,
  MediaCapabilities,
  MediaLeg,
  Mixer,
  OriginateOutcome,
  OriginateRequest,
  RecordOptions,
  RecordResult,
  RtpEndpoint,
  RtpTrunk,
  SayVoice,
  SipCallInfo,
  SpeechResult,
} from './media/types.js';
export { MediaProblem } from './media/types.js';
export type { SendMessage } from './messaging/messages.js';
export { SimulatedMessaging, type SimulatedMessagingOptions } from './messaging/simulated.js';
/** Messaging: the adapter interface, the simulated carrier, message records. */
export type { MessageRecord, MessageStatus, MessagingAdapter, OutgoingMessage } from './messaging/types.js';
export type { QueueSnapshot } from './queue/queues.js';
/** Queues kept in a store, so they outlive a restart (createRuntime's `queueRecords`). */
export { type QueueRecords, type StoredQueue, storeQueueRecords } from './queue/records.js';
/** The engine. */
export {
  type Admission,
  type CreateCallParams,
  createRuntime,
  type InboundApp,
  type Routed,
  type Runtime,
  type RuntimeOptions,
  type UpdateCallParams,
} from './runtime.js';
/** Identifiers. */
export { isSid, newSid, type SidPrefix } from './sid.js';
/** SIP: the directory the media side asks (domains, credentials, IP lists, trunks), inbound routing to a domain, sealed secrets. */
export { inBlock, ipv4, parseCidr } from './sip/addresses.js';
export {
  type SipCarrierCredentials,
  type SipDirectory,
  type SipDomainRoute,
  type SipTrunkRoute,
  type SipTrunkTarget,
  storeSipDirectory,
} from './sip/directory.js';
export {
  inboundAppOf,
  type SipInvite,
  type SipRouted,
  sipDomainParams,
  sipDomainRouter,
  sipUriHost,
} from './sip/inbound.js';
export type {
  MediaOptions,
  SipListen,
  SipListenAddress,
  SipMediaOptions,
  SipTls,
  SipTransport,
  SipTrunkOption,
} from './sip/media-options.js';
export type { VoiceSettings } from './sip/records.js';
export {
  type SavedSipBinding,
  type SavedSipRegistration,
  type SipRegistrationStore,
  storeSipRegistrations,
} from './sip/registrations.js';
export { SecretBox } from './sip/secret-box.js';
export { DEFAULT_SIP_DOMAIN_SUFFIX } from './sip/settings.js';
export { parseSipTarget, type SipTarget } from './sip/target.js';
/** Operating a server: startup failures, the store's health, the data directory's lock and backup. */
export { StartupError, type StartupErrorCode } from './startup-error.js';
export { type BackupSummary, backupDataDirectory } from './store/backup.js';
export {
  type HealthState,
  type MonitoredStore,
  monitored,
  StoreHealth,
  storeWriteError,
} from './store/health.js';
export { type DataLock, lockDataDirectory } from './store/lock.js';
export { MemoryStore } from './store/memory.js';
export { PostgresStore, type PostgresStoreOptions } from './store/postgres.js';
export { SqliteStore } from './store/sqlite.js';
/** Storage: the Store interface, the in-memory and SQLite stores, PostgreSQL for several nodes. */
export type {
  ClaimRequest,
  FilterValue,
  ListQuery,
  NewCallback,
  Page,
  PendingCallback,
  RecordKind,
  Store,
  StoredRecord,
} from './store/types.js';
export { handlers } from './verbs/index.js';
export type { Outcome, RecordingRecord, VerbContext, VerbHandler } from './verbs/types.js';
export {
  type Callback,
  CallbackQueue,
  type CallbackQueueOptions,
  type Callbacks,
  IDEMPOTENCY_HEADER,
  rfc2822,
} from './webhooks/callbacks.js';
/** Webhooks. */
export { CookieJar } from './webhooks/cookies.js';
export { DurableCallbacks, type DurableCallbacksOptions } from './webhooks/durable-callbacks.js';
/** Where Patchbay may send requests: the egress policy (http/https only; link-local and metadata never; private per policy). */
export { createEgress, DEFAULT_EGRESS, type Egress, type EgressPolicy } from './webhooks/egress.js';
export { DEFAULT_LIMITS, type Limits, sendWebhook, type WebhookRequest, type WebhookResult } from './webhooks/fetch.js';
