/**
 * `<Gather>`: collects DTMF and/or speech while its Say/Play/Pause prompts run. Input
 * interrupts the prompts when `bargeIn`. After the prompts, `timeout` seconds of silence (between
 * digits, or before speech starts) end it; `numDigits`, `finishOnKey` or a finished utterance
 * complete it. Results go to `action` (default: the current document); with nothing gathered the
 * next verb runs, unless `actionOnEmptyResult`.
 */
import type { GatherNode, OpaqueNode, PauseNode, PlayNode, SayNode } from '@patchbay/markup';
import type { SpeechResult } from '../media/types.js';
import { pause } from './pause.js';
import { play } from './play.js';
import { say } from './say.js';
import { action, NEXT, type Outcome, type VerbContext } from './types.js';

type Prompt = SayNode | PlayNode | PauseNode | OpaqueNode;

function runPrompt(prompt: Prompt, context: VerbContext): Promise<Outcome> | undefined {
  switch (prompt.name) {
    case 'Say':
      return say(prompt, context);
    case 'Play':
      return play(prompt, context);
    case 'Pause':
      return pause(prompt, context);
    default:
      return undefined;
  }
}

/** Rejects with the signal's reason when it aborts. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export async function gather(node: GatherNode, context: VerbContext): Promise<Outcome> {
  await context.answer();
  const options = node.attributes;
  const wantsDtmf = options.input.includes('dtmf');
  const asksSpeech = options.input.includes('speech');
  const wantsSpeech = asksSpeech && context.media.capabilities.speech;
  if (asksSpeech && !wantsSpeech) {
    // As the hosted service with nothing recognized: the Gather runs to its timeout (keys still count).
    context.warn(
      12200,
      `<Gather input="${options.input}">: this server has no speech recognizer, so speech is not heard`,
    );
  }
  const { leg, clock } = context;

  let digits = '';
  let speech: SpeechResult | undefined;
  let promptsDone = false;
  let complete!: () => void;
  const completed = new Promise<void>((resolve) => {
    complete = resolve;
  });
  let cancelTimer: (() => void) | undefined;
  const startTimer = (ms: number) => {
    cancelTimer?.();
    cancelTimer = clock.setTimer(complete, ms);
  };
  const prompts = new AbortController();
  const interrupt = () => {
    if (options.bargeIn && !prompts.signal.aborted) prompts.abort(new Error('barge-in'));
  };

  const onDigit = (digit: string) => {
    if (!wantsDtmf) return;
    interrupt();
    if (options.finishOnKey !== '' && digit === options.finishOnKey) return complete();
    digits += digit;
    if (options.numDigits !== undefined && digits.length >= options.numDigits) return complete();
    if (promptsDone) startTimer(options.timeout * 1000);
  };
  const onSpeechStart = () => {
    interrupt();
    // While the caller speaks, only a runaway utterance ends the wait.
    startTimer(options.maxSpeechTime * 1000 + options.timeout * 1000);
  };
  const onSpeech = (result: SpeechResult) => {
    speech = result;
    complete();
  };

  let partials = 0;
  const onPartial = (heard: { stable: string; unstable: string }) => {
    if (options.partialResultCallback === undefined) return;
    const params = context.params({
      SequenceNumber: String(partials++),
      StableSpeechResult: heard.stable,
      UnstableSpeechResult: heard.unstable,
    });
    context.notify(context.resolve(options.partialResultCallback), options.partialResultCallbackMethod, params);
  };

  leg.events.on('dtmf', onDigit);
  if (wantsSpeech) {
    leg.events.on('speechStart', onSpeechStart);
    leg.events.on('speech', onSpeech);
    leg.events.on('speechPartial', onPartial);
  }
  const stopListening = leg.listen(
    wantsSpeech
      ? {
          speech: {
            language: options.language,
            ...(options.hints === undefined ? {} : { hints: options.hints }),
            endOfSpeechMs:
              options.speechTimeout === undefined
                ? options.timeout * 1000
                : options.speechTimeout === 'auto'
                  ? 'auto'
                  : options.speechTimeout * 1000,
            maxSpeechMs: options.maxSpeechTime * 1000,
            ...(options.speechModel === undefined ? {} : { model: options.speechModel }),
            enhanced: options.enhanced,
            profanityFilter: options.profanityFilter,
            partialResults: options.partialResultCallback !== undefined,
          },
        }
      : {},
  );
  try {
    const promptSignal = AbortSignal.any([context.signal, prompts.signal]);
    for (const prompt of node.children) {
      if (prompts.signal.aborted) break;
      try {
        await runPrompt(prompt, { ...context, signal: promptSignal });
      } catch (error) {
        if (!prompts.signal.aborted || context.signal.aborted) throw error;
      }
    }
    promptsDone = true;
    if (!(options.numDigits !== undefined && digits.length >= options.numDigits) && speech === undefined) {
      startTimer(options.timeout * 1000);
    }
    await Promise.race([completed, whenAborted(context.signal)]);
  } finally {
    cancelTimer?.();
    stopListening();
    leg.events.off('dtmf', onDigit);
    leg.events.off('speechStart', onSpeechStart);
    leg.events.off('speech', onSpeech);
    leg.events.off('speechPartial', onPartial);
  }

  if (speech) {
    return action(context, options, { SpeechResult: speech.transcript, Confidence: speech.confidence.toFixed(8) });
  }
  if (digits !== '') return action(context, options, { Digits: digits });
  return options.actionOnEmptyResult ? action(context, options, { Digits: '' }) : NEXT;
}
