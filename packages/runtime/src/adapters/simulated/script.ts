/**
 * Scripts for parties on the simulated network: what a caller (or an answered far end) does,
 * step by step, in any order: press keys, say something, let time pass, wait to be prompted,
 * hang up. Written as data (`ScriptStep[]`) or in a compact text form for command lines and
 * form fields, one step per `;` or line:
 *
 * @example
 * parseScript('wait; press 1; say "sales, please"; pause 3; press 2#; hangup');
 *
 * How steps relate to the runtime's prompts: steps run in order from the answer. `press` and
 * `say` happen as soon as someone hears the party (an input window is open on its leg, or it is
 * bridged or in a room); when nobody does, they wait until someone does, so keys are never lost
 * to a closed window, and a window opening while its prompt plays takes them at once (barge-in).
 * `wait` waits until the party is prompted: a window is open and nothing plays to it any more
 * (it heard the whole menu). `pause N` (or `wait N`) lets N seconds pass, whatever happens.
 */
import { PatchbayError } from '../../errors.js';

export type ScriptStep =
  /** Presses keys (0-9 * # A-D; `w` waits half a second). */
  | { readonly type: 'press'; readonly digits: string }
  /** Says the text: one utterance, recognized with `confidence` when speech input is on. */
  | { readonly type: 'say'; readonly text: string; readonly confidence?: number }
  /** Lets time pass. */
  | { readonly type: 'pause'; readonly ms: number }
  /** Waits until prompted: an input window open and nothing playing to the party. */
  | { readonly type: 'wait' }
  | { readonly type: 'hangup' };

/** Steps in one script at most. */
export const MAX_STEPS = 100;
/** Longest pause of one step, in seconds. */
export const MAX_PAUSE_S = 3600;
const MAX_TEXT = 1000;
const KEYS = /^[0-9*#A-Dw]{1,64}$/;

/** A script step that cannot be run: which step (1-based), its text, and why. */
export class ScriptError extends PatchbayError {
  constructor(
    readonly step: number,
    readonly source: string,
    readonly reason: string,
  ) {
    super('invalid-script', `step ${step} (${JSON.stringify(source)}): ${reason}`);
  }
}

/** Splits the compact form at `;` and line breaks outside double quotes. */
function splitSteps(text: string): string[] {
  const steps: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && (char === ';' || char === '\n')) {
      steps.push(current);
      current = '';
    } else current += char;
  }
  steps.push(current);
  return steps.map((step) => step.trim()).filter((step) => step !== '');
}

function secondsOf(value: string, step: number, source: string): number {
  const s = Number(value);
  if (value === '' || !Number.isFinite(s) || s <= 0 || s > MAX_PAUSE_S)
    throw new ScriptError(step, source, `"${value}" is not a number of seconds from 0.1 to ${MAX_PAUSE_S}`);
  return Math.round(s * 1000);
}

/** One step in its text form: `press 12#`, `say hello` (or `say "hello; there"`), `pause 2`, `wait`, `hangup`. */
export function parseStep(source: string, step = 1): ScriptStep {
  const trimmed = source.trim();
  const [action = '', ...rest] = trimmed.split(/\s+/);
  const argument = trimmed.slice(action.length).trim();
  switch (action.toLowerCase()) {
    case 'press':
      if (!KEYS.test(argument))
        throw new ScriptError(
          step,
          source,
          `press takes 1 to 64 keys from 0-9 * # A-D (w waits 0.5 s), not "${argument}"`,
        );
      return { type: 'press', digits: argument };
    case 'say': {
      const text = /^".*"$/s.test(argument) ? argument.slice(1, -1) : argument;
      if (text.trim() === '' || text.length > MAX_TEXT)
        throw new ScriptError(step, source, `say takes text of 1 to ${MAX_TEXT} characters`);
      return { type: 'say', text };
    }
    case 'pause':
      return { type: 'pause', ms: secondsOf(argument, step, source) };
    case 'wait':
      return rest.length === 0 ? { type: 'wait' } : { type: 'pause', ms: secondsOf(argument, step, source) };
    case 'hangup':
      if (argument !== '') throw new ScriptError(step, source, 'hangup takes nothing after it');
      return { type: 'hangup' };
    default:
      throw new ScriptError(step, source, `unknown step "${action}": use press, say, pause, wait or hangup`);
  }
}

/** Steps from the compact text form, or one step per entry; a ScriptError names the bad step. */
export function parseScript(script: string | readonly string[]): ScriptStep[] {
  const sources = typeof script === 'string' ? splitSteps(script) : script;
  if (sources.length > MAX_STEPS)
    throw new ScriptError(MAX_STEPS + 1, sources[MAX_STEPS] ?? '', `at most ${MAX_STEPS} steps`);
  return sources.map((source, index) => parseStep(source, index + 1));
}

/** Checks steps given as data, by the same rules as the text form. */
export function checkScript(steps: readonly ScriptStep[]): ScriptStep[] {
  if (steps.length > MAX_STEPS) throw new ScriptError(MAX_STEPS + 1, '', `at most ${MAX_STEPS} steps`);
  return steps.map((step, index) => {
    const checked = parseStep(formatStep(step), index + 1);
    if (step.type !== 'say' || step.confidence === undefined) return checked;
    if (!(step.confidence >= 0 && step.confidence <= 1))
      throw new ScriptError(index + 1, formatStep(step), 'confidence is a number from 0 to 1');
    return { ...checked, confidence: step.confidence };
  });
}

/** A step in its text form (the inverse of parseStep). */
export function formatStep(step: ScriptStep): string {
  switch (step.type) {
    case 'press':
      return `press ${step.digits}`;
    case 'say':
      return /[;\n]/.test(step.text) ? `say "${step.text}"` : `say ${step.text}`;
    case 'pause':
      return `pause ${step.ms / 1000}`;
    default:
      return step.type;
  }
}
