/**
 * `<Dial>`: connects the caller to a phone number (as text or `<Number>`), SIP URIs and client
 * identities. Every target is a child call with its own CallSid and status callbacks. The
 * caller is answered first, or only when the bridge happens with `answerOnBridge`. The action
 * receives DialCallStatus, DialCallSid and DialCallDuration; with no action the document goes on.
 */
import type { ClientNode, DialNode, NumberNode, OpaqueNode, SipNode } from '@patchbay/markup';
import { dialConference } from './dial-conference.js';
import { bridge, type DialCallStatus, ring, type Target } from './dial-legs.js';
import { dialQueue } from './dial-queue.js';
import { recordingCallbackParams, wants } from './recording-callback.js';
import { action, NEXT, type Outcome, type RecordingRecord, type VerbContext } from './types.js';

type Noun = DialNode['children'][number];

function isCalled(noun: Noun | OpaqueNode): noun is NumberNode | SipNode | ClientNode {
  return noun.name === 'Number' || noun.name === 'Sip' || noun.name === 'Client';
}

function clientIdentity(node: ClientNode): string {
  const identity = node.children.find((child) => child.name === 'Identity');
  return (identity && 'text' in identity ? identity.text : node.text).trim();
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * Who a number is dialed as when the Dial gives no callerId: the caller; but a SIP caller
 * (`sip:alice@pbx`) presents its user part when that is a number, else the number it called (the
 * account's number, as the hosted service presents it): a carrier takes only numbers in From.
 */
function presentedNumber(call: VerbContext['call']): string {
  if (!/^sips?:/i.test(call.from)) return call.from;
  const user = /^sips?:([^@;]+)@/i.exec(call.from)?.[1] ?? '';
  if (E164.test(user)) return user;
  return E164.test(call.to) ? call.to : call.from;
}

function targetsOf(node: DialNode, context: VerbContext, callerId: string | undefined, timeoutMs: number): Target[] {
  const from = callerId ?? context.call.from;
  const numberFrom = callerId ?? presentedNumber(context.call);
  const callbacks = (attributes: {
    statusCallback?: string | undefined;
    statusCallbackMethod: 'GET' | 'POST';
    statusCallbackEvent: readonly ('initiated' | 'ringing' | 'answered' | 'completed')[];
  }) => ({
    statusCallback: attributes.statusCallback === undefined ? undefined : context.resolve(attributes.statusCallback),
    statusCallbackMethod: attributes.statusCallbackMethod,
    statusCallbackEvent: attributes.statusCallbackEvent,
  });
  const nouns = node.children.filter(isCalled);
  if (nouns.length === 0 && node.text.trim() !== '') {
    const request = {
      to: { kind: 'number' as const, value: node.text.trim() },
      from: numberFrom,
      timeoutMs,
      statusCallbackMethod: 'POST' as const,
      statusCallbackEvent: [],
    };
    return [{ request, method: 'POST' }];
  }
  return nouns.map((noun): Target => {
    const whisper = noun.attributes.url === undefined ? undefined : context.resolve(noun.attributes.url);
    const base = { from, timeoutMs, ...callbacks(noun.attributes) };
    if (noun.name === 'Number') {
      const to = { kind: 'number', value: noun.text.trim() } as const;
      return {
        request: { ...base, from: numberFrom, to },
        url: whisper,
        method: noun.attributes.method,
        sendDigits: noun.attributes.sendDigits,
      };
    }
    if (noun.name === 'Sip') {
      const { username, password } = noun.attributes;
      const sip = { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
      return {
        request: { ...base, to: { kind: 'sip', value: noun.text.trim() }, sip },
        url: whisper,
        method: noun.attributes.method,
      };
    }
    const to = { kind: 'client', value: clientIdentity(noun) } as const;
    const parameters = Object.fromEntries(
      noun.children.flatMap((child) =>
        child.name === 'Parameter' && child.attributes.name
          ? [[child.attributes.name, child.attributes.value ?? '']]
          : [],
      ),
    );
    return { request: { ...base, to, parameters }, url: whisper, method: noun.attributes.method };
  });
}

export async function dial(node: DialNode, context: VerbContext): Promise<Outcome> {
  const options = node.attributes;
  const queue = node.children.find((noun) => noun.name === 'Queue');
  if (queue?.name === 'Queue') return dialQueue(node, queue, context);
  const conference = node.children.find((noun) => noun.name === 'Conference');
  if (conference?.name === 'Conference') return dialConference(node, conference, context);
  const unsupported = node.children.find((noun) => noun.name === 'Application');
  if (unsupported) {
    context.warn(13219, `<Dial><${unsupported.name}> is not carried out yet`);
    return NEXT;
  }
  if (options.record !== 'do-not-record')
    context.warn(13217, `<Dial record="${options.record}"> is not carried out yet; the call is not recorded`);
  if (options.callerId !== undefined && !(await context.mayPresent(options.callerId))) {
    // As the hosted service does with a caller ID the account may not use: nothing is dialed.
    context.warn(13214, `<Dial callerId="${options.callerId}">: the number belongs to another account`);
    return options.action === undefined
      ? NEXT
      : action(
          context,
          { action: options.action, method: options.method },
          { DialCallStatus: 'failed', DialCallDuration: '0' },
        );
  }
  const targets = targetsOf(node, context, options.callerId, options.timeout * 1000);
  if (targets.length === 0) {
    context.warn(13223, '<Dial> has nothing to dial');
    return NEXT;
  }
  if (!options.answerOnBridge) await context.answer();

  const dialed = context.clock.now();
  // The caller hears ringing until someone answers (as early media while the call is unanswered).
  const ringing = new AbortController();
  void context.leg.ringback?.(AbortSignal.any([ringing.signal, context.signal])).catch(() => undefined);
  const rang = await ring(targets, options.sequential, context).finally(() => ringing.abort(new Error('rung')));
  let status: DialCallStatus = rang.status;
  let seconds = 0;
  let recording: RecordingRecord | undefined;
  const winner = rang.winner;
  if (winner) {
    const { target, child } = winner;
    if (target.sendDigits && child.leg) await child.leg.sendDigits(target.sendDigits, context.signal);
    const proceed = target.url === undefined || (await child.whisper(target.url, target.method));
    if (proceed && !child.over) {
      await context.answer();
      const record =
        options.record === 'do-not-record' ? undefined : options.record.endsWith('-dual') ? 'dual' : 'mono';
      const bridgedAt = context.clock.now();
      const result = await bridge(context, child, {
        timeLimitMs: options.timeLimit * 1000,
        hangupOnStar: options.hangupOnStar,
        record,
      });
      seconds = result.seconds;
      if (result.recording) {
        // record-from-ringing also holds the ringing before the answer.
        const fromRinging = options.record.startsWith('record-from-ringing');
        const startedAt = fromRinging ? dialed : bridgedAt;
        recording = context.saveRecording({
          audio: result.recording.audio,
          durationMs: result.recording.durationMs + (fromRinging ? bridgedAt - dialed : 0),
          startedAt,
          source: 'DialVerb',
          channels: record === 'dual' ? 2 : 1,
        });
        const settings = {
          url: options.recordingStatusCallback,
          method: options.recordingStatusCallbackMethod,
          events: options.recordingStatusCallbackEvent,
        };
        if (wants(settings, 'completed')) {
          const params = recordingCallbackParams('completed', {
            accountSid: String(context.params().AccountSid),
            callSid: context.call.sid,
            source: 'DialVerb',
            channels: recording.channels,
            startedAt,
            recording,
          });
          context.notify(context.resolve(settings.url), settings.method, params);
        }
      }
    } else if (!child.over) {
      await child.end();
    }
    status = 'completed';
  }
  // Replaced by live modification: nothing to report. Caller hung up: the action is still requested.
  if (context.replaced.aborted) throw context.replaced.reason;
  const dialCallSid = winner?.child.sid ?? rang.lastSid;
  const sipResponseCode = winner ? winner.child.sipResponseCode : rang.sipResponseCode;
  const params = {
    DialCallStatus: status,
    ...(sipResponseCode === undefined ? {} : { DialSipResponseCode: String(sipResponseCode) }),
    ...(dialCallSid ? { DialCallSid: dialCallSid } : {}),
    DialCallDuration: String(seconds),
    ...(recording
      ? { RecordingUrl: recording.url, RecordingSid: recording.sid, RecordingDuration: String(recording.duration) }
      : {}),
  };
  return options.action === undefined
    ? NEXT
    : action(context, { action: options.action, method: options.method }, params);
}
