/**
 * `<Dial><Conference>`: joins the named room. Until the room starts (two participants in it, one
 * of them with startConferenceOnEnter), the caller hears the `waitUrl` document (re-fetched when
 * it ends) or hold music. The
 * caller stays until they hang up, are kicked, press `*` (hangupOnStar), reach `timeLimit`, or
 * the room ends; then the action gets DialCallStatus `answered` and DialCallDuration, or the
 * document goes on.
 */
import type { ConferenceNode, DialNode } from '@patchbay/markup';
import type { ConferenceEvent } from '../conference/conference.js';
import { joinConference } from '../conference/seat.js';
import { HOLD_MUSIC } from './enqueue.js';
import { paced } from './pacing.js';
import { action, NEXT, type Outcome, type VerbContext } from './types.js';

export async function dialConference(node: DialNode, noun: ConferenceNode, context: VerbContext): Promise<Outcome> {
  const options = noun.attributes;
  const dialOptions = node.attributes;
  const { clock, leg } = context;
  await context.answer();
  const joined = await joinConference(context.conferences, {
    account: context.account,
    name: noun.text.trim(),
    settings: {
      maxParticipants: options.maxParticipants,
      record: options.record === 'record-from-start',
      recordingStatusCallback: {
        url:
          options.recordingStatusCallback === undefined ? undefined : context.resolve(options.recordingStatusCallback),
        method: options.recordingStatusCallbackMethod,
        events: options.recordingStatusCallbackEvent,
      },
      statusCallback: options.statusCallback === undefined ? undefined : context.resolve(options.statusCallback),
      statusCallbackMethod: options.statusCallbackMethod,
      statusCallbackEvents: new Set<ConferenceEvent>(options.statusCallbackEvent ?? []),
    },
    callSid: context.call.sid,
    leg,
    options: {
      muted: options.muted,
      beep: options.beep,
      startConferenceOnEnter: options.startConferenceOnEnter,
      endConferenceOnExit: options.endConferenceOnExit,
      coach: options.coach,
      label: options.participantLabel,
    },
  });
  if ('full' in joined) {
    const { friendlyName, maxParticipants } = joined.full;
    context.warn(16020, `conference "${friendlyName}" is full (${maxParticipants} participants)`);
    return NEXT;
  }
  if ('unplaced' in joined) {
    context.warn(91351, joined.unplaced);
    return NEXT;
  }
  const participant = joined.seat;
  const joinedAt = clock.now();

  const stopWaiting = AbortSignal.any([context.signal, participant.started]);
  const waiting = paced(clock, stopWaiting, async () => {
    if (!participant.waiting || !participant.active) return false;
    if (options.waitUrl === undefined) {
      await leg.play(HOLD_MUSIC, stopWaiting).catch(() => undefined);
      return true;
    }
    const end = await context.runNested(
      { url: context.resolve(options.waitUrl), method: options.waitMethod, params: context.params() },
      participant.started,
    );
    return end === 'finished';
  });

  const leave = () => participant.leave();
  const onStar = (digit: string) => {
    if (digit === '*') leave();
  };
  const cancelTimer = clock.setTimer(leave, dialOptions.timeLimit * 1000);
  const stopListening = dialOptions.hangupOnStar ? leg.listen({}) : undefined;
  if (dialOptions.hangupOnStar) leg.events.on('dtmf', onStar);
  context.signal.addEventListener('abort', leave, { once: true });
  try {
    await participant.left;
  } finally {
    cancelTimer();
    stopListening?.();
    leg.events.off('dtmf', onStar);
    context.signal.removeEventListener('abort', leave);
  }
  await waiting;
  if (context.replaced.aborted) throw context.replaced.reason;
  const params = { DialCallStatus: 'answered', DialCallDuration: String(Math.round((clock.now() - joinedAt) / 1000)) };
  return dialOptions.action === undefined
    ? NEXT
    : action(context, { action: dialOptions.action, method: dialOptions.method }, params);
}
