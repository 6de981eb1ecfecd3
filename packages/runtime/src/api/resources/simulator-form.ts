/**
 * Reading Simulator forms: a party's script, `Script` (steps in the compact form, `;` or a line
 * break between them) or `Step` (repeated, one step each, so a step may hold a `;`), where a bad
 * step is a 400 (21200) naming the field and the step; and durations in seconds.
 */
import { parseScript, type ScriptStep } from '../../adapters/simulated/script.js';
import { PatchbayError } from '../../errors.js';
import { type Form, field, fields, invalid } from '../http.js';

export function scriptOf(form: Form): ScriptStep[] | undefined {
  const script = field(form, 'Script');
  const steps = fields(form, 'Step');
  if (script !== undefined && steps.length > 0) throw invalid(21200, 'Script', 'give Script or Step, not both');
  if (script === undefined && steps.length === 0) return undefined;
  try {
    const parsed = parseScript(script ?? steps);
    if (parsed.length === 0) throw invalid(21200, 'Script', 'has no steps');
    return parsed;
  } catch (error) {
    if (error instanceof PatchbayError && error.code === 'invalid-script')
      throw invalid(21200, script === undefined ? 'Step' : 'Script', error.message);
    throw error;
  }
}

/** A number of seconds from `min` to `max` (tenths allowed), in milliseconds. */
export function seconds(form: Form, name: string, min: number, max: number): number | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < min || s > max)
    throw invalid(21200, name, `must be a number of seconds from ${min} to ${max}, not "${value}"`);
  return Math.round(s * 1000);
}
