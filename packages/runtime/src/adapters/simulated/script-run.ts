/**
 * Runs a party's script on its leg, step after step (see script.ts for what each step means).
 * The leg tells the run when it may have become heard or quiet; timers run on the leg's clock
 * and stop when the leg ends.
 */
import type { ScriptStep } from './script.js';

/** What a script run needs from its leg. */
export interface ScriptPort {
  /** Someone hears the party: an input window is open on its leg, or it is bridged or in a room. */
  heard(): boolean;
  /** Nothing is playing to the party. */
  quiet(): boolean;
  /** Calls `fn` whenever `heard()` or `quiet()` may have changed; returns the unsubscribe. */
  watch(fn: () => void): () => void;
  /** Runs `fn` after `ms` unless the leg ends first. */
  later(ms: number, fn: () => void): void;
  /** Presses the keys; returns how long that takes. */
  press(digits: string): number;
  /** Says the text; returns how long that takes. */
  say(text: string, confidence: number | undefined): number;
  hangup(): void;
}

/** Calls `fn` once `ready()` holds, checking whenever the port reports a change. */
function when(port: ScriptPort, ready: () => boolean, fn: () => void): void {
  if (ready()) {
    fn();
    return;
  }
  const stop = port.watch(() => {
    if (!ready()) return;
    stop();
    fn();
  });
}

export function runScript(steps: readonly ScriptStep[], port: ScriptPort): void {
  let index = 0;
  const prompted = () => port.heard() && port.quiet();
  const next = (): void => {
    const step = steps[index++];
    if (!step) return;
    switch (step.type) {
      case 'press':
        when(port, port.heard, () => port.later(port.press(step.digits), next));
        break;
      case 'say':
        when(port, port.heard, () => port.later(port.say(step.text, step.confidence), next));
        break;
      case 'pause':
        port.later(step.ms, next);
        break;
      case 'wait':
        // Prompts follow one another in the same instant: re-check once the instant has passed,
        // so the gap between two prompts is not taken for the end of the menu.
        when(port, prompted, () => port.later(0, () => (prompted() ? next() : retreat())));
        break;
      case 'hangup':
        port.hangup();
        break;
    }
  };
  const retreat = () => {
    index--;
    next();
  };
  next();
}
