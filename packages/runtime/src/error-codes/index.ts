/**
 * The error reference: every numeric code Patchbay answers or records, what it means and what to
 * do. One source for docs/errors.md (written by `UPDATE_DOCS=1 pnpm test`), the page the server
 * serves at `/docs/errors`, and the `more_info` links of errors and notifications. Codes of the
 * markup parser's verb and attribute checks are described from the element registry itself.
 *
 * @example
 * errorReference().find((entry) => entry.code === 12200)?.title; // 'Schema validation warning'
 * moreInfoUrl('http://localhost:3000', 20404); // 'http://localhost:3000/docs/errors#20404'
 */
import { type ElementDef, messagingElements, voiceElements } from '@patchbay/markup';
import { CALL_ERRORS } from './calls.js';
import { CLUSTER_ERRORS } from './cluster.js';
import { COMMAND_ERRORS } from './device-commands.js';
import { REGISTRATION_ERRORS } from './device-registration.js';
import { DEVICE_ERROR_DOCS } from './devices.js';
import { REST_ERRORS } from './rest.js';
import { ROOM_ERRORS } from './rooms.js';
import type { ErrorDoc, ErrorTable } from './types.js';

export type { ErrorDoc } from './types.js';

/** A code the REST API may answer with, or a call may record: each has its entry. */
export type DocumentedCode =
  | keyof typeof REST_ERRORS
  | keyof typeof CALL_ERRORS
  | keyof typeof ROOM_ERRORS
  | keyof typeof REGISTRATION_ERRORS
  | keyof typeof COMMAND_ERRORS
  | keyof typeof CLUSTER_ERRORS;

export type ErrorFamily = 'rest' | 'calls' | 'markup' | 'devices' | 'rooms' | 'registration' | 'commands' | 'cluster';

export interface ErrorEntry extends ErrorDoc {
  readonly code: number;
  readonly family: ErrorFamily;
}

export const FAMILIES: Readonly<Record<ErrorFamily, { title: string; intro: string }>> = {
  rest: {
    title: 'REST API',
    intro:
      'Answered by the REST API as `{ code, message, more_info, status }` (RestException in the helper libraries).',
  },
  calls: {
    title: 'Calls and messages',
    intro:
      "Recorded while a call or message runs: on the call's Notifications (`log` 0 error, 1 warning), its `errors`, and the server log, with the URL involved.",
  },
  markup: {
    title: 'Markup attributes and content',
    intro:
      'Reported by the markup parser for a value an element does not accept. The document does not parse: the call records 12100 with this code, the path and the line.',
  },
  devices: {
    title: 'Client devices',
    intro: 'The `code` of a `DeviceError` in the SDK and of errors in the device protocol.',
  },
  rooms: {
    title: 'Rooms',
    intro: 'Answered by the rooms API (`/patchbay/v1`, docs/rooms.md) and its control channel.',
  },
  registration: {
    title: 'Device registration and wake-up',
    intro: 'Answered by the device registration API (`/patchbay/v1/Devices`, docs/registration.md).',
  },
  commands: {
    title: 'Device commands',
    intro:
      'Answered by the device commands API (`/patchbay/v1/Devices/{Sid}/Commands`, `/patchbay/v1/DeviceCommands`, docs/commands.md) and its channel messages.',
  },
  cluster: {
    title: 'Cluster',
    intro: 'Answered by a node of a cluster (docs/cluster.md) when another node, or the bus between them, is involved.',
  },
};

/** Where each markup code is reported: `<Gather finishOnKey>`, `<Play> text`, `<Dial>`. */
function markupPlaces(): Map<number, string[]> {
  const places = new Map<number, string[]>();
  const defs: ElementDef[] = [...Object.values(voiceElements), ...Object.values(messagingElements)];
  for (const def of defs) {
    for (const [key, code] of Object.entries(def.codes)) {
      const place =
        key === 'default' ? `<${def.name}>` : key === '#text' ? `<${def.name}> text` : `<${def.name} ${key}>`;
      const list = places.get(code) ?? [];
      if (!list.includes(place)) list.push(place);
      places.set(code, list);
    }
  }
  return places;
}

function markupDoc(places: readonly string[]): ErrorDoc {
  const elements = new Set(places.map((place) => /^<(\w+)/.exec(place)?.[1]));
  const [only] = elements;
  return {
    title: elements.size === 1 ? `Invalid \`<${only}>\` value` : 'Invalid attribute value',
    meaning: `A value the element does not accept, at ${places.map((place) => `\`${place}\``).join(', ')}.`,
    action: 'Give a value the markup reference (docs/markup.md) lists for that element and attribute.',
  };
}

let reference: readonly ErrorEntry[] | undefined;

/** Every documented code, in order. */
/** Whether a code (one a call recorded, say) has its entry in the reference. */
export function isDocumentedCode(code: number): code is DocumentedCode {
  return (
    code in REST_ERRORS ||
    code in CALL_ERRORS ||
    code in ROOM_ERRORS ||
    code in REGISTRATION_ERRORS ||
    code in COMMAND_ERRORS ||
    code in CLUSTER_ERRORS
  );
}

export function errorReference(): readonly ErrorEntry[] {
  if (reference) return reference;
  const entries = new Map<number, ErrorEntry>();
  const add = (family: ErrorFamily, table: ErrorTable) => {
    for (const [code, doc] of Object.entries(table)) entries.set(Number(code), { code: Number(code), family, ...doc });
  };
  add('rest', REST_ERRORS);
  add('calls', CALL_ERRORS);
  add('devices', DEVICE_ERROR_DOCS);
  add('rooms', ROOM_ERRORS);
  add('registration', REGISTRATION_ERRORS);
  add('commands', COMMAND_ERRORS);
  add('cluster', CLUSTER_ERRORS);
  for (const [code, places] of markupPlaces()) {
    if (!entries.has(code)) entries.set(code, { code, family: 'markup', ...markupDoc(places) });
  }
  reference = [...entries.values()].sort((a, b) => a.code - b.code);
  return reference;
}

/** The reference's tables, for checks that each code has one entry only. */
export const HAND_WRITTEN: Readonly<Record<Exclude<ErrorFamily, 'markup'>, ErrorTable>> = {
  rest: REST_ERRORS,
  calls: CALL_ERRORS,
  devices: DEVICE_ERROR_DOCS,
  rooms: ROOM_ERRORS,
  registration: REGISTRATION_ERRORS,
  commands: COMMAND_ERRORS,
  cluster: CLUSTER_ERRORS,
};

/** The path the server serves the reference at. */
export const ERRORS_PAGE = '/docs/errors';

/** The `more_info` link of a code: its entry on the reference page of the server at `base`. */
export function moreInfoUrl(base: string, code: number): string {
  return `${base.replace(/\/$/, '')}${ERRORS_PAGE}#${code}`;
}
