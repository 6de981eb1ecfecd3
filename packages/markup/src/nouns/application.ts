import * as z from 'zod';
import { attr, CALL_EVENTS } from '../attributes.js';
import { defineElement, type NodeOf } from '../define.js';
import type { ParameterNode } from './parameter.js';

/** `<ApplicationSid>` inside `<Application>`. */
export const applicationSid = defineElement({
  name: 'ApplicationSid',
  summary: 'The SID of the application to dial.',
  attributes: z.object({}),
  content: 'text',
  codes: { default: 12200 },
});

/** `<Application>` dials another application of the account, passing parameters. */
export const application = defineElement({
  name: 'Application',
  summary: 'Dial another application (by SID), with parameters.',
  attributes: z.object({
    url: attr.url().optional(),
    method: attr.method().default('POST'),
    statusCallback: attr.url().optional(),
    statusCallbackMethod: attr.method().default('POST'),
    statusCallbackEvent: attr.list(CALL_EVENTS).default(['completed']),
    copyParentTo: attr.bool().optional(),
    customerId: attr.text().optional(),
  }),
  content: 'text+elements',
  children: ['ApplicationSid', 'Parameter'],
  codes: { default: 13280 },
});

export type ApplicationSidNode = NodeOf<typeof applicationSid>;
export type ApplicationNode = NodeOf<typeof application, ApplicationSidNode | ParameterNode>;
