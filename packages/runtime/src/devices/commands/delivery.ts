/**
 * Waking a device that is not on the channel with its open commands (docs/commands.md): Web Push
 * first (the compact signed form in the payload's `data.commands`), SMS for a device bound to a
 * number (the form itself is the text, several commands batched per text). A command too large
 * for the text, or commands beyond it, go as the `@` marker: the device fetches them over HTTPS.
 *
 * @example
 * const wake = commandWaker({ push, sms: (device, text) => send(device, text) });
 * const via = await wake(device, openCommands); // 'web-push' | 'sms' | undefined
 */
import { type FormItem, formLength, itemText, signForm } from '@patchbay/sdk/protocol';
import type { Notifier } from '../notifier.js';
import type { DeviceRecord } from '../records.js';
import { COMMAND_LIMITS, type CommandRecord, type DeliveredVia } from './records.js';

/** Gaps (settled numbers between open ones) written as `~` rather than starting a new text, up to this many. */
const MAX_SKIPS = 8;

const itemOf = (record: CommandRecord): FormItem => ({ action: record.action, params: record.params });

/**
 * The forms carrying `open` (in number order), each at most `maxChars`, at most `maxForms`: a run
 * of consecutive numbers per form (short gaps as `~`), a command too large as `@`, and `@` after
 * the last item when not everything fit.
 */
export async function commandForms(
  secret: string,
  open: readonly CommandRecord[],
  maxChars: number,
  maxForms: number,
): Promise<string[]> {
  const forms: { first: number; items: FormItem[] }[] = [];
  let current: { first: number; items: FormItem[] } | undefined;
  let next = 0;
  let truncated = false;
  for (const record of open) {
    const gap = record.seq - next;
    const skips: FormItem[] =
      current && gap > 0 && gap <= MAX_SKIPS ? Array.from({ length: gap }, () => ({ skip: true as const })) : [];
    const item = itemOf(record);
    const fits = (items: readonly FormItem[], first: number) => formLength(first, items.map(itemText)) <= maxChars;
    if (current && (gap === 0 || skips.length > 0) && fits([...current.items, ...skips, item], current.first)) {
      current.items.push(...skips, item);
    } else {
      if (forms.length === maxForms) {
        truncated = true;
        break;
      }
      current = { first: record.seq, items: [fits([item], record.seq) ? item : { fetch: true }] };
      forms.push(current);
    }
    next = record.seq + 1;
  }
  const last = forms.at(-1);
  if (truncated && last) {
    // The last form ends with `@`: its final command is fetched with what follows it.
    if (formLength(last.first, [...last.items, { fetch: true as const }].map(itemText)) > maxChars) last.items.pop();
    last.items.push({ fetch: true });
  }
  return Promise.all(forms.map((form) => signForm(secret, form)));
}

export interface WakerDeps {
  /** The Web Push notifier (devices/notifiers/web-push.ts). */
  readonly push?: Notifier | undefined;
  /** Sends a text to the device's number from the account's registration number; throws when it cannot. */
  sms(device: DeviceRecord, text: string): Promise<void>;
  readonly onError?: ((error: unknown) => void) | undefined;
}

export function commandWaker(deps: WakerDeps) {
  return async (device: DeviceRecord, open: readonly CommandRecord[]): Promise<DeliveredVia | undefined> => {
    if (open.length === 0) return undefined;
    if (deps.push?.reaches(device)) {
      const [form] = await commandForms(device.secret, open, COMMAND_LIMITS.pushChars, 1);
      const pushed = await deps.push.wake(device, { reason: 'commands', data: { commands: form ?? '' } });
      if (pushed.ok) return 'web-push';
    }
    if (device.binding.type !== 'phone') return undefined;
    try {
      for (const text of await commandForms(device.secret, open, COMMAND_LIMITS.smsChars, COMMAND_LIMITS.textsPerWake))
        await deps.sms(device, text);
      return 'sms';
    } catch (error) {
      deps.onError?.(error);
      return undefined;
    }
  };
}
