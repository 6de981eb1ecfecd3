/**
 * Codes the REST API answers with (`{ code, message, more_info, status }`; the helper libraries
 * raise them as RestException). A RestError can only be made with a code documented here or in
 * calls.ts: the type of its `code` is the keys of these tables.
 */
import type { ErrorTable } from './types.js';

export const REST_ERRORS = {
  20001: {
    title: 'Invalid request for this account',
    meaning:
      'The account cannot do this: an unknown Status, a change to a closed account or to the status of a top-level account, promoting a secondary auth token that does not exist, or a PATCHBAY_ACCOUNT_SID that is not AC followed by 32 hex digits.',
    action: 'Read the message: it names the parameter or the state that refused the request.',
  },
  20003: {
    title: 'Authentication failed',
    meaning:
      'HTTP Basic credentials are missing, or are not an AccountSid with its auth token (either, during a rotation) or an API key SID with its secret; or the account is suspended or closed. Answered with status 401 and WWW-Authenticate.',
    action: 'Check the SID and the secret the client sends; an API key must act for its own account.',
  },
  20006: {
    title: 'Invalid paging parameter',
    meaning: '`Page` is not a whole number from 0, or `PageSize` is not a whole number from 1 to 1000.',
    action: 'Follow `next_page_uri` rather than building page URLs by hand.',
  },
  20403: {
    title: 'Forbidden',
    meaning:
      'The credentials may not do this: a subaccount cannot create subaccounts nor set its own limits, and a standard API key cannot manage keys (docs/security.md).',
    action: 'Make the request with the credentials of the parent account, or with its auth token or a main key.',
  },
  20404: {
    title: 'Not found',
    meaning:
      "No resource at this path for this account: an unknown SID, a path Patchbay does not serve, or another account's resource (which answers as if it did not exist).",
    action: 'Check the SID and the account in the path; list the resource to see what exists.',
  },
  20413: {
    title: 'Request body too large',
    meaning: 'The request body is larger than the server accepts (1 MiB by default).',
    action: 'Send less: media and long texts go by URL, not in the form.',
  },
  20415: {
    title: 'Unsupported content type',
    meaning:
      'The request body is not `application/x-www-form-urlencoded`, or recording media was asked for in a format Patchbay does not serve (it serves `.wav`).',
    action: 'Send form-encoded parameters; fetch recordings as `.wav`.',
  },
  20429: {
    title: 'Too many requests',
    meaning:
      'The account has as many requests in progress as its limit allows, or started more this second than its rate limit (per-account limits, docs/security.md). Answered 429 with `Retry-After`, before the body is read.',
    action: "Wait the `Retry-After` seconds and retry; send fewer requests at once, or raise the account's limits.",
  },
  20500: {
    title: 'Internal error',
    meaning:
      "The server failed while answering (the server log has the details, under the response's X-Request-Id), or, recorded on a call, the server stopped while the call was live and closed it on its next start.",
    action: 'Retry the request; if it keeps failing, report it with the X-Request-Id and the server log.',
  },
  20503: {
    title: 'Service unavailable',
    meaning:
      'The server could not store the change (its disk is full, its database is at its `--max-db-mb` cap, or the store cannot write), so nothing was done: a call is not dialed, a message not sent, an inbound call rejected; or the server is starting or shutting down. Answered 503 with `Retry-After`; `GET /health` says which (docs/operations.md). Recorded on a call or message the store refused to admit.',
    action:
      'Wait the `Retry-After` seconds and retry. An operator frees space in the data directory (or raises the cap): the server recovers by itself.',
  },
  21200: {
    title: 'Invalid parameter',
    meaning:
      'A parameter has a value the resource does not accept (the message names the parameter and why), or the request itself is malformed: a request target that is not a URL, a malformed percent-escape in the path.',
    action: "Fix the named parameter (docs/rest.md lists each resource's parameters).",
  },
  21201: {
    title: "No 'To' number",
    meaning: 'A call or participant was created without `To`.',
    action: 'Give `To`: a phone number, `client:<identity>` or a `sip:` address.',
  },
  21205: {
    title: 'Invalid Url',
    meaning:
      'A URL parameter (`Url`, `FallbackUrl`, `AnnounceUrl`, `HoldUrl`, ...) is missing or not an absolute http(s) URL, or a call was given more or fewer than one of `Url`, `Twiml` and `ApplicationSid`.',
    action: 'Give exactly one of Url, Twiml and ApplicationSid, and absolute http(s) URLs.',
  },
  21208: {
    title: 'Invalid Timeout',
    meaning: '`Timeout` is not a whole number of seconds from 1 to 600.',
    action: 'Give a Timeout from 1 to 600 (the default is 60).',
  },
  21210: {
    title: "'From' phone number not verified",
    meaning:
      "`From` (or `CallerId`) of a call is a number another account on this server holds: an account may not pose as another's number.",
    action: "Call from one of the account's own numbers, a number this server does not host, or a `client:` identity.",
  },
  21211: {
    title: "Invalid 'To' number",
    meaning:
      "`To` is not a phone number, `client:<identity>` or `sip:` address; or, for the Simulator, not one of the account's numbers with an app.",
    action: 'Give `To` in E.164 form (`+15550100100`), or a client or SIP address.',
  },
  21213: {
    title: "No 'From' number",
    meaning: 'A call or participant was created without `From`.',
    action: 'Give `From`: the caller ID the call shows.',
  },
  21220: {
    title: 'Invalid call state',
    meaning:
      'The call (or conference, or queue) is not in a state that allows the change: redirecting or updating a call that has ended, canceling an answered call, deleting a live call, changing an ended conference, deleting a queue with members.',
    action: 'Fetch the resource to see its state; `Status=completed` ends a call in any state.',
  },
  21421: {
    title: 'Invalid phone number',
    meaning: '`PhoneNumber` is not an E.164 number (`+` and 7 to 15 digits).',
    action: 'Give the number as `+<country code><number>`.',
  },
  21422: {
    title: 'Phone number not available',
    meaning:
      'An account on this server already holds this number (for `Simulator/Numbers`: any account, yours included, since calls to it run its app).',
    action: 'Release it from the other account, or use another number.',
  },
  21231: {
    title: 'SIP domain validation error',
    meaning:
      'A SIP domain, its mapping or a trunk refused a parameter: the list is already mapped to the domain, a credential or IP access control list still mapped to a domain (or a connection policy a trunk uses) cannot be deleted, or the domain asks for what Patchbay does not offer (`Secure` SRTP, emergency calling).',
    action: 'Read the message: it names the parameter, the mapping or the domain involved (docs/sip.md).',
  },
  21232: {
    title: 'Invalid SIP domain name',
    meaning:
      "`DomainName` is not letters, digits and '-' labels ending in the server's SIP domain suffix (`sip.patchbay.local` unless the operator set `--sip-domain-suffix`), or another domain on this server has it already.",
    action: 'Choose another name under the suffix the message names.',
  },
  21240: {
    title: 'Credential list validation error',
    meaning:
      'A credential list or credential refused a parameter: a list with this FriendlyName exists, the Username is missing, longer than 32 characters, has characters SIP does not allow or is in the list already, or the Password is not 12 to 255 characters with a digit, a lower case and an upper case letter.',
    action: 'Fix the named parameter; passwords such as `IWasAtSignal2018` pass.',
  },
  21502: {
    title: 'Invalid callback URL',
    meaning:
      'A URL setting of a number or application (`VoiceUrl`, `SmsUrl`, `StatusCallback`, ...) is not an absolute http(s) URL.',
    action: 'Give absolute http(s) URLs; an empty value clears the setting.',
  },
  21602: {
    title: 'Message body required',
    meaning: 'A message was sent with neither `Body` nor `MediaUrl`.',
    action: 'Give a Body, one or more MediaUrl, or both.',
  },
  21603: {
    title: "No 'From' for the message",
    meaning: 'A message was sent without `From`.',
    action: 'Give `From`: one of your numbers.',
  },
  21604: {
    title: "No 'To' for the message",
    meaning: 'A message was sent without `To`.',
    action: 'Give `To`: the number to text.',
  },
  21606: {
    title: "'From' number not valid for the account",
    meaning: "A message's `From` is a number another account on this server holds.",
    action: "Send from one of the account's own numbers.",
  },
  21609: {
    title: 'Invalid StatusCallback URL',
    meaning: '`StatusCallback` (or `ConferenceStatusCallback`) is not an absolute http(s) URL.',
    action: 'Give an absolute http(s) URL your app serves.',
  },
  21620: {
    title: 'Invalid media URL',
    meaning: 'A `MediaUrl` is not an absolute http(s) URL, or leads to a link-local or cloud metadata address.',
    action: 'Give public http(s) URLs of the media.',
  },
  21617: {
    title: 'Message body too long',
    meaning: 'The message body is longer than 1600 characters.',
    action: 'Split the text into several messages.',
  },
  59200: {
    title: 'Account limit reached',
    meaning:
      'The account holds as many phone numbers or applications as its limit allows (`numbers`, `applications`: 1,000 by default; docs/security.md), or as many SIP domains, credential lists, IP access control lists, trunks or connection policies as Patchbay allows one account (or a list as many entries: docs/sip.md).',
    action:
      "Delete ones it no longer needs, or have its parent raise the limit (the Limits resource) or the operator the server's default.",
  },
  70151: {
    title: 'Maximum number of API keys exceeded',
    meaning: 'The account has as many API keys as its limit allows (`keys`: 100 by default; docs/security.md).',
    action: 'Delete API keys it no longer uses before creating more.',
  },
} as const satisfies ErrorTable;
