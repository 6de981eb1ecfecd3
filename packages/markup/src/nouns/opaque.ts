/**
 * Niche elements accepted and kept verbatim, with a 12200 warning: Patchbay does not carry them
 * out yet, but a document using them still runs its other verbs.
 */
import * as z from 'zod';
import { defineElement } from '../define.js';

function opaque<const N extends string>(name: N, summary: string) {
  return defineElement({
    name,
    summary,
    attributes: z.object({}),
    content: 'elements',
    codes: { default: 12200 },
    opaque: true,
  });
}

export const pay = opaque('Pay', 'Collect a payment (not interpreted).');
export const prompt = opaque('Prompt', 'Customize Pay prompts (not interpreted).');
export const echo = opaque('Echo', 'Echo the caller back (not interpreted).');
export const room = opaque('Room', 'Connect to a video room (not interpreted).');
export const virtualAgent = opaque('VirtualAgent', 'Connect to a virtual agent (not interpreted).');
export const conversation = opaque('Conversation', 'Connect to a conversation (not interpreted).');
export const conversationRelay = opaque('ConversationRelay', 'Relay to an AI service (not interpreted).');
export const conversationRelaySession = opaque('ConversationRelaySession', 'AI relay session (not interpreted).');
export const aiSession = opaque('AiSession', 'AI session (not interpreted).');
export const autopilot = opaque('Autopilot', 'Legacy bot (not interpreted).');
export const siprec = opaque('Siprec', 'SIPREC recording fork (not interpreted).');
export const transcription = opaque('Transcription', 'Real-time transcription (not interpreted).');
export const sim = opaque('Sim', 'Dial a SIM (not interpreted).');
export const whatsApp = opaque('WhatsApp', 'Dial a WhatsApp user (not interpreted).');
