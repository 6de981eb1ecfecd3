/**
 * What the REST API returns and takes, in camelCase (the wire is snake_case JSON answers and
 * PascalCase form parameters). Dates are `Date`s; nullable fields are `null` as on the wire.
 */

type Method = 'GET' | 'POST';
type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface Page<T> {
  readonly items: T[];
  readonly page: number;
  readonly pageSize: number;
  /** The next page, or undefined on the last one. */
  nextPage(): Promise<Page<T>> | undefined;
}

export interface PageParams {
  /** Items per page (1-1000). @default 50 */
  readonly pageSize?: number;
  /** Stop after this many items (list/each). */
  readonly limit?: number;
}

export type CallStatus =
  | 'queued'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

export interface CallInstance {
  sid: string;
  accountSid: string;
  parentCallSid: string | null;
  direction: 'inbound' | 'outbound-api' | 'outbound-dial';
  from: string;
  to: string;
  status: CallStatus;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null;
  endTime: Date | null;
  /** Seconds, once the call has ended. */
  duration: string | null;
  uri: string;
}

export interface CallCreateParams {
  to: string;
  from: string;
  url?: string;
  twiml?: string;
  applicationSid?: string;
  method?: Method;
  fallbackUrl?: string;
  fallbackMethod?: Method;
  statusCallback?: string;
  statusCallbackEvent?: readonly CallEvent[];
  statusCallbackMethod?: Method;
  sendDigits?: string;
  /** Seconds to ring (1-600). */
  timeout?: number;
  record?: boolean;
  timeLimit?: number;
  callerId?: string;
}

export interface CallUpdateParams {
  url?: string;
  method?: Method;
  twiml?: string;
  status?: 'canceled' | 'completed';
  fallbackUrl?: string;
  fallbackMethod?: Method;
  statusCallback?: string;
  statusCallbackMethod?: Method;
}

export interface CallListParams extends PageParams {
  to?: string;
  from?: string;
  status?: CallStatus;
  parentCallSid?: string;
  startTimeAfter?: Date;
  startTimeBefore?: Date;
  endTimeAfter?: Date;
  endTimeBefore?: Date;
}

export interface ConferenceInstance {
  sid: string;
  accountSid: string;
  friendlyName: string;
  status: 'init' | 'in-progress' | 'completed';
  dateCreated: Date;
  dateUpdated: Date;
  reasonConferenceEnded: string | null;
  callSidEndingConference: string | null;
  uri: string;
}

export interface ParticipantInstance {
  accountSid: string;
  callSid: string;
  conferenceSid: string;
  label: string | null;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  status: string;
  dateCreated: Date;
  dateUpdated: Date;
  uri: string;
}

export interface ParticipantCreateParams {
  from: string;
  to: string;
  muted?: boolean;
  beep?: string;
  startConferenceOnEnter?: boolean;
  endConferenceOnExit?: boolean;
  statusCallbackEvent?: readonly string[];
  label?: string;
  coaching?: boolean;
  callSidToCoach?: string;
}

export interface ParticipantUpdateParams {
  muted?: boolean;
  hold?: boolean;
  holdUrl?: string;
  announceUrl?: string;
  endConferenceOnExit?: boolean;
}

export interface QueueInstance {
  sid: string;
  accountSid: string;
  friendlyName: string;
  currentSize: number;
  maxSize: number;
  averageWaitTime: number;
  dateCreated: Date;
  dateUpdated: Date;
  uri: string;
}

export interface MemberInstance {
  callSid: string;
  queueSid: string;
  position: number;
  waitTime: number;
  dateEnqueued: Date;
  uri: string;
}

export interface MessageInstance {
  sid: string;
  accountSid: string;
  body: string;
  direction: string;
  from: string;
  to: string;
  status: string;
  numMedia: string;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  uri: string;
}

export interface MessageCreateParams {
  to: string;
  from: string;
  body?: string;
  mediaUrl?: readonly string[];
  statusCallback?: string;
}

export interface RecordingInstance {
  sid: string;
  accountSid: string;
  callSid: string | null;
  conferenceSid: string | null;
  channels: number;
  duration: string;
  source: string;
  status: string;
  startTime: Date;
  dateCreated: Date;
  mediaUrl: string;
  uri: string;
}

export interface AppSettings {
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: Method;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: Method;
  statusCallback: string | null;
  statusCallbackMethod: Method;
  smsUrl: string | null;
  smsMethod: Method;
  smsFallbackUrl: string | null;
  smsFallbackMethod: Method;
}

export type AppSettingsParams = Partial<{
  friendlyName: string;
  voiceUrl: string;
  voiceMethod: Method;
  voiceFallbackUrl: string;
  voiceFallbackMethod: Method;
  statusCallback: string;
  statusCallbackMethod: Method;
  smsUrl: string;
  smsMethod: Method;
  smsFallbackUrl: string;
  smsFallbackMethod: Method;
}>;

export interface IncomingPhoneNumberInstance extends AppSettings {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  voiceApplicationSid: string | null;
  smsApplicationSid: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  uri: string;
}

export type IncomingPhoneNumberParams = AppSettingsParams &
  Partial<{ voiceApplicationSid: string; smsApplicationSid: string }>;

export interface ApplicationInstance extends AppSettings {
  sid: string;
  accountSid: string;
  dateCreated: Date;
  dateUpdated: Date;
  uri: string;
}

export interface KeyInstance {
  sid: string;
  friendlyName: string;
  /** `main` keys may use the Accounts, Keys and auth-token resources; `standard` keys may not. */
  keyType: 'standard' | 'main';
  dateCreated: Date;
  dateUpdated: Date;
  /** Only in the answer to create. */
  secret?: string;
}

export interface AccountInstance {
  sid: string;
  friendlyName: string;
  status: 'active' | 'suspended' | 'closed';
  type: string;
  authToken: string;
  ownerAccountSid: string;
  dateCreated: Date;
  dateUpdated: Date;
  uri: string;
}

/** Presence of a client identity on the device bridge. */
export interface ClientInstance {
  accountSid: string;
  identity: string;
  status: 'online' | 'offline';
  registrations: number;
  dateLastSeen: Date;
  uri: string;
}
