/**
 * Where a room call's documents live: a reserved origin no resolver answers (`.invalid`, RFC
 * 2606), served in-process by the rooms app (interpreter/local-apps.ts), so no request ever
 * leaves the server and no app URL can collide with it.
 *
 * @example
 * stepUrl({ roomSid, callId, step: 'invite', key }); // https://rooms.patchbay.invalid/RM.../RC.../invite?key=MB...
 */
export const ROOMS_ORIGIN = 'https://rooms.patchbay.invalid';

export const STEPS = ['invite', 'answer', 'join', 'dial-in', 'sms'] as const;
export type Step = (typeof STEPS)[number];

export interface StepRef {
  readonly roomSid: string;
  /** The room call (`RC...`); `-` for a dial-in before any call exists. */
  readonly callId: string;
  readonly step: Step;
  /** The roster entry the document is for. */
  readonly key?: string;
}

export function stepUrl(ref: StepRef): string {
  const query = ref.key === undefined ? '' : `?key=${encodeURIComponent(ref.key)}`;
  return `${ROOMS_ORIGIN}/${ref.roomSid}/${ref.callId}/${ref.step}${query}`;
}

/** The step a URL names, or undefined when it names none. */
export function parseStep(url: URL): StepRef | undefined {
  const match = /^\/(RM[0-9a-f]{32})\/(RC[0-9a-f]{32}|-)\/([a-z-]+)$/.exec(url.pathname);
  if (!match) return undefined;
  const step = match[3] as Step;
  if (!(STEPS as readonly string[]).includes(step)) return undefined;
  const key = url.searchParams.get('key') ?? undefined;
  return { roomSid: match[1] as string, callId: match[2] as string, step, ...(key === undefined ? {} : { key }) };
}

/** Where a call to a room's number goes: the rooms app decides by the caller and the room's policy. */
export const roomDialInUrl = (roomSid: string) => stepUrl({ roomSid, callId: '-', step: 'dial-in' });

/** Where a message to a room's number goes: STOP and START (rooms/sms.ts). */
export const roomSmsUrl = (roomSid: string) => stepUrl({ roomSid, callId: '-', step: 'sms' });
