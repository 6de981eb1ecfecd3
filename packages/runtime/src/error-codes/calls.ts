/**
 * Codes recorded while calls and messages run: on the call (`errors`, its Notifications, the
 * server log) when the app cannot be reached or its document is wrong, and as warnings when a
 * document asks for something Patchbay skips. `PatchbayError` codes, the codes of the markup
 * parser's document-level issues, and those verbs warn with (`VerbContext.warn` takes only a
 * code from these tables) are all here.
 */
import type { ErrorTable } from './types.js';

export const CALL_ERRORS = {
  10004: {
    title: 'Call concurrency limit exceeded',
    meaning:
      'The account has as many live calls as its limit allows (per-account limits, docs/security.md): the new call is not placed, and an inbound one is rejected.',
    action: "Wait for calls to end, or raise the account's `concurrentCalls` limit.",
  },
  11100: {
    title: 'Invalid URL',
    meaning:
      'A URL the call was to fetch is not a valid http(s) URL (an `action`, a `Redirect`, a `waitUrl`, ...), or the egress policy refuses the address it leads to (link-local and cloud metadata always; private ones when the server denies them).',
    action:
      "Fix the URL in the document or the app settings; relative URLs resolve against the document. Apps on private addresses need the server's egress policy to allow them.",
  },
  11200: {
    title: 'HTTP retrieval failure',
    meaning:
      "The app answered with a status outside 2xx, timed out (15 s by default), or the call ended during the request. The call's Events show the request and the answer. On real media, also a `<Play>` URL that could not be fetched or decoded (too large, too slow, not WAV or MP3): the `<Play>` is skipped.",
    action: 'Make the URL answer 200 with a document; check the app log for the request.',
  },
  11205: {
    title: 'Connection failure',
    meaning: 'The app could not be reached: the connection was refused, reset, or timed out (5 s by default).',
    action: 'Check the URL host and port, and that the app is running and reachable from the Patchbay server.',
  },
  11215: {
    title: 'Too many redirects',
    meaning:
      'More than 5 HTTP redirects for one request, more than 20 documents fetched in a row with nothing for the caller in between, or more than 10 messaging `<Redirect>`s in a row.',
    action: 'Look for a redirect loop: each document should do something before redirecting again.',
  },
  11750: {
    title: 'Response too large',
    meaning:
      'The document (or webhook answer) is larger than 64 KiB; on real media, also a `<Play>` file larger than 16 MiB or longer than 10 minutes (the `<Play>` is skipped).',
    action:
      'Return a smaller document: move long prompts to audio files or split the flow across documents; play shorter files.',
  },
  12100: {
    title: 'Document parse failure',
    meaning:
      'The document is not well-formed XML, declares a DOCTYPE, nests deeper than 16 elements, or breaks a rule the message names (with the code of the first issue, its path and line). The caller hears an application error, unless a fallback URL answers.',
    action:
      'Fix the document at the path the message names; `parseVoice` from @patchbay/markup reports the same issues.',
  },
  12102: {
    title: 'Root element is not Response',
    meaning: 'The document parsed, but its root element is not `<Response>`.',
    action: 'Wrap the verbs in `<Response>...</Response>`.',
  },
  12200: {
    title: 'Schema validation warning',
    meaning:
      'The document has an element or attribute Patchbay does not know (`<Sayy>`, a misspelt attribute), one it keeps but does not carry out, or text where none belongs. The unknown part is skipped and the call goes on with the rest of the document, which, when nothing is left, ends the call. Recorded as a warning Notification (log 1) with the document URL.',
    action: 'Fix the spelling (names are case-sensitive camelCase), or remove what Patchbay does not carry out.',
  },
  12300: {
    title: 'Invalid content type',
    meaning:
      'The app answered with a content type that is not markup (`text/xml`, `application/xml`, `text/html`), audio (`audio/*`) or `text/plain`.',
    action: 'Answer with `Content-Type: text/xml` (or audio, or plain text to be spoken).',
  },
  13214: {
    title: 'Dial: invalid callerId',
    meaning:
      '`<Dial callerId>` is not a valid phone number or client identity, or is a number another account on this server holds: nothing is dialed (`DialCallStatus=failed`).',
    action: "Give one of the account's own numbers (or leave callerId out: the caller's number is used).",
  },
  13217: {
    title: 'Dial: recording not carried out',
    meaning: '`<Dial record="...">` is accepted, but the dialed call is not recorded (a warning; the call goes on).',
    action: 'Record with `<Record>` or the Calls API `Record=true` until Dial recording is carried out.',
  },
  13219: {
    title: 'Dial: noun not carried out',
    meaning: '`<Dial>` named a noun Patchbay does not dial yet (a warning; the Dial goes on with its other nouns).',
    action: 'Dial a number, a client, a SIP address, a conference or a queue.',
  },
  13223: {
    title: 'Dial: invalid phone number',
    meaning: '`<Dial>` or `<Number>` holds no valid number to call, or the Dial has nothing to dial.',
    action: 'Give the number in E.164 form (`+15550100100`).',
  },
  13227: {
    title: 'Media failure',
    meaning:
      "The media side failed while placing the call or running a verb, or on real media the party's audio stopped arriving mid-call (a phone or trunk that vanished without hanging up: no RTP for the RTP timeout); the call ends (failed).",
    action:
      'Check the server log for the cause under the call SID, and the far end or trunk for a crash or a lost network; retry the call.',
  },
  13320: {
    title: 'Gather: invalid nested verb',
    meaning: '`<Gather>` holds an element other than `<Say>`, `<Play>` and `<Pause>`: the document does not parse.',
    action: 'Move the verb after the `<Gather>`.',
  },
  13420: {
    title: 'Play: nothing to play',
    meaning: '`<Play>` has no URL and no `digits`; it is skipped.',
    action: 'Give a media URL as its text, or `digits`.',
  },
  13520: {
    title: 'Say: the text could not be spoken',
    meaning:
      'On real media, the server has no text-to-speech engine (espeak-ng is not installed: the server warned at start), or the engine failed on this text. The `<Say>` is skipped, so the caller never hears silence without a reason on the call.',
    action: 'Install espeak-ng on the server (docs/sip.md), or play recorded audio with `<Play>`.',
  },
  13614: {
    title: 'Record: transcription not available',
    meaning: '`<Record transcribe="true">` records without a transcription (a warning).',
    action: 'Transcribe the recording yourself from its media URL.',
  },
  14102: {
    title: "Invalid 'From' of a message",
    meaning:
      '`<Sms from>` or `<Message from>` is not a valid sender, or is a number another account on this server holds: that message is not sent (a warning; the document goes on).',
    action: "Leave `from` out (the number called or texted is used) or give one of the account's own numbers.",
  },
  14103: {
    title: 'Sms: no text',
    meaning: '`<Sms>` or `<Message>` has no text to send; nothing is sent.',
    action: 'Put the text inside the element (or a `<Body>`).',
  },
  16020: {
    title: 'Conference full',
    meaning:
      'The caller could not join: the conference has `maxParticipants` participants already (a warning; the Dial ends).',
    action: 'Raise `maxParticipants` (up to 250) or end the room sooner.',
  },
  21216: {
    title: 'Call blocked',
    meaning:
      'The call was refused before it was placed: it is an on-net call (to a number an app on this server answers) nested deeper than the server allows (`maxOnNetHops`, 5 by default), as when two apps keep dialing each other.',
    action: 'Look for apps that dial each other in a loop; end the chain with a document that does not dial on-net.',
  },
  30003: {
    title: 'Unreachable destination handset',
    meaning:
      'A message could not be delivered: the carrier (the simulated one too) reports the handset unreachable. The message ends `undelivered`.',
    action: 'Retry later; the number may be switched off or out of coverage.',
  },
  30005: {
    title: 'Unknown destination handset',
    meaning:
      'A message could not be delivered: the number does not exist on the network. The message ends `undelivered`.',
    action: 'Check the number.',
  },
  30008: {
    title: 'Unknown error',
    meaning:
      'A message was on its way (queued, sending, or sent and not confirmed) when the server stopped without a drain (a crash): on the next start it ends `failed` (never handed over) or `undelivered` (handed to the carrier), since nobody can tell whether it arrived. Its status callback gets that final status.',
    action: 'Send it again if it matters that it arrived.',
  },
} as const satisfies ErrorTable;
