/**
 * `new VoiceResponse()`: builds voice documents with the helper library's method names and
 * argument conventions (`say(attributes?, text)`, `dial(attributes?, number)` returning a Dial
 * with `number()`, `client()`, ...). Attribute types come from the verb schemas.
 *
 * @example
 * const response = new VoiceResponse();
 * response.gather({ numDigits: 1, action: '/menu' }).say('Press 1 for sales.');
 * response.redirect('/start');
 * String(response);
 */
import type { BuilderAttributes, ElementDef } from '../define.js';
import type { application } from '../nouns/application.js';
import type { client } from '../nouns/client.js';
import type { conference } from '../nouns/conference.js';
import type { number } from '../nouns/number.js';
import type { parameter } from '../nouns/parameter.js';
import type { queue } from '../nouns/queue.js';
import type { recording } from '../nouns/recording.js';
import type { sip } from '../nouns/sip.js';
import type * as ssml from '../nouns/ssml.js';
import type { stream } from '../nouns/stream.js';
import type { task } from '../nouns/task.js';
import { type ParseOptions, type ParseResult, parseVoice } from '../parse.js';
import type { connect } from '../verbs/connect.js';
import type { dial } from '../verbs/dial.js';
import type { enqueue } from '../verbs/enqueue.js';
import type { gather } from '../verbs/gather.js';
import type { VoiceDocument } from '../verbs/index.js';
import type { pause } from '../verbs/pause.js';
import type { play } from '../verbs/play.js';
import type { record } from '../verbs/record.js';
import type { redirect } from '../verbs/redirect.js';
import type { refer } from '../verbs/refer.js';
import type { reject } from '../verbs/reject.js';
import type { say } from '../verbs/say.js';
import type { sms } from '../verbs/sms.js';
import type { start } from '../verbs/start.js';
import { type AttributeInput, BuilderNode, GenericNode, ResponseBuilder } from './node.js';

type A<D extends ElementDef> = BuilderAttributes<D>;
type Text = string | number;

/** Elements that hold `<Parameter>` children. */
class WithParameters extends BuilderNode {
  parameter(attributes?: A<typeof parameter>): GenericNode {
    return this.add(GenericNode, 'Parameter', attributes);
  }
}

/** SSML container inside `<Say>` (and `<Say>` itself): text plus SSML tags. */
export class SsmlNode extends BuilderNode {
  break(attributes?: A<typeof ssml.ssmlBreak>): GenericNode {
    return this.add(GenericNode, 'break', attributes);
  }
  emphasis(attributes?: A<typeof ssml.ssmlEmphasis> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'emphasis', attributes, words);
  }
  lang(attributes?: A<typeof ssml.ssmlLang> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'lang', attributes, words);
  }
  p(attributes?: A<typeof ssml.ssmlP> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'p', attributes, words);
  }
  phoneme(attributes?: A<typeof ssml.ssmlPhoneme> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'phoneme', attributes, words);
  }
  prosody(attributes?: A<typeof ssml.ssmlProsody> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'prosody', attributes, words);
  }
  s(attributes?: A<typeof ssml.ssmlS> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 's', attributes, words);
  }
  sayAs(attributes?: A<typeof ssml.ssmlSayAs> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'say-as', attributes, words);
  }
  sub(attributes?: A<typeof ssml.ssmlSub> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'sub', attributes, words);
  }
  w(attributes?: A<typeof ssml.ssmlW> | string, words?: Text): SsmlNode {
    return this.add(SsmlNode, 'w', attributes, words);
  }
}

/** Prompts inside `<Gather>` (and `<Prompt>`). */
export class PromptsNode extends BuilderNode {
  say(attributes?: A<typeof say> | string, message?: Text): SsmlNode {
    return this.add(SsmlNode, 'Say', attributes, message);
  }
  play(attributes?: A<typeof play> | string, url?: string): GenericNode {
    return this.add(GenericNode, 'Play', attributes, url);
  }
  pause(attributes?: A<typeof pause>): GenericNode {
    return this.add(GenericNode, 'Pause', attributes);
  }
}

export class ClientNode extends WithParameters {
  identity(attributes: AttributeInput | string | undefined, clientIdentity?: string): GenericNode {
    return this.add(GenericNode, 'Identity', attributes, clientIdentity);
  }
}

export class ApplicationNode extends WithParameters {
  applicationSid(attributes: AttributeInput | string | undefined, sid?: string): GenericNode {
    return this.add(GenericNode, 'ApplicationSid', attributes, sid);
  }
}

export class DialNode extends BuilderNode {
  number(attributes: A<typeof number> | string | undefined, phoneNumber?: string): GenericNode {
    return this.add(GenericNode, 'Number', attributes, phoneNumber);
  }
  client(attributes?: A<typeof client> | string, identity?: string): ClientNode {
    return this.add(ClientNode, 'Client', attributes, identity);
  }
  conference(attributes: A<typeof conference> | string | undefined, name?: string): GenericNode {
    return this.add(GenericNode, 'Conference', attributes, name);
  }
  sip(attributes: A<typeof sip> | string | undefined, sipUrl?: string): GenericNode {
    return this.add(GenericNode, 'Sip', attributes, sipUrl);
  }
  queue(attributes: A<typeof queue> | string | undefined, name?: string): GenericNode {
    return this.add(GenericNode, 'Queue', attributes, name);
  }
  application(attributes?: A<typeof application> | string, applicationSid?: string): ApplicationNode {
    return this.add(ApplicationNode, 'Application', attributes, applicationSid);
  }
  sim(attributes: AttributeInput | string | undefined, simSid?: string): GenericNode {
    return this.add(GenericNode, 'Sim', attributes, simSid);
  }
  whatsApp(attributes: AttributeInput | string | undefined, phoneNumber?: string): GenericNode {
    return this.add(GenericNode, 'WhatsApp', attributes, phoneNumber);
  }
}

export class EnqueueNode extends BuilderNode {
  task(attributes: A<typeof task> | string | undefined, body?: string): GenericNode {
    return this.add(GenericNode, 'Task', attributes, body);
  }
}

export class StreamNode extends WithParameters {}

export class ConnectNode extends BuilderNode {
  stream(attributes?: A<typeof stream>): StreamNode {
    return this.add(StreamNode, 'Stream', attributes);
  }
  room(attributes: AttributeInput | string | undefined, name?: string): GenericNode {
    return this.add(GenericNode, 'Room', attributes, name);
  }
  virtualAgent(attributes?: AttributeInput): WithParameters {
    return this.add(WithParameters, 'VirtualAgent', attributes);
  }
  conversation(attributes?: AttributeInput): GenericNode {
    return this.add(GenericNode, 'Conversation', attributes);
  }
  conversationRelay(attributes?: AttributeInput): WithParameters {
    return this.add(WithParameters, 'ConversationRelay', attributes);
  }
  conversationRelaySession(attributes?: AttributeInput): GenericNode {
    return this.add(GenericNode, 'ConversationRelaySession', attributes);
  }
  aiSession(attributes?: AttributeInput): GenericNode {
    return this.add(GenericNode, 'AiSession', attributes);
  }
  autopilot(attributes: AttributeInput | string | undefined, name?: string): GenericNode {
    return this.add(GenericNode, 'Autopilot', attributes, name);
  }
}

export class StartNode extends BuilderNode {
  stream(attributes?: A<typeof stream>): StreamNode {
    return this.add(StreamNode, 'Stream', attributes);
  }
  recording(attributes?: A<typeof recording>): GenericNode {
    return this.add(GenericNode, 'Recording', attributes);
  }
  siprec(attributes?: AttributeInput): WithParameters {
    return this.add(WithParameters, 'Siprec', attributes);
  }
  transcription(attributes?: AttributeInput): WithParameters {
    return this.add(WithParameters, 'Transcription', attributes);
  }
}

export class ReferNode extends BuilderNode {
  sip(attributes: AttributeInput | string | undefined, sipUrl?: string): GenericNode {
    return this.add(GenericNode, 'Sip', attributes, sipUrl);
  }
}

export class PayNode extends WithParameters {
  prompt(attributes?: AttributeInput): PromptsNode {
    return this.add(PromptsNode, 'Prompt', attributes);
  }
}

/** Builds a voice document. `String(response)` gives the markup. */
export class VoiceResponse extends ResponseBuilder {
  say(attributes?: A<typeof say> | string, message?: Text): SsmlNode {
    return this.add(SsmlNode, 'Say', attributes, message);
  }
  play(attributes?: A<typeof play> | string, url?: string): GenericNode {
    return this.add(GenericNode, 'Play', attributes, url);
  }
  pause(attributes?: A<typeof pause>): GenericNode {
    return this.add(GenericNode, 'Pause', attributes);
  }
  gather(attributes?: A<typeof gather>): PromptsNode {
    return this.add(PromptsNode, 'Gather', attributes);
  }
  dial(attributes?: A<typeof dial> | string, number?: string): DialNode {
    return this.add(DialNode, 'Dial', attributes, number);
  }
  record(attributes?: A<typeof record>): GenericNode {
    return this.add(GenericNode, 'Record', attributes);
  }
  redirect(attributes: A<typeof redirect> | string | undefined, url?: string): GenericNode {
    return this.add(GenericNode, 'Redirect', attributes, url);
  }
  hangup(attributes?: AttributeInput): WithParameters {
    return this.add(WithParameters, 'Hangup', attributes);
  }
  reject(attributes?: A<typeof reject>): WithParameters {
    return this.add(WithParameters, 'Reject', attributes);
  }
  enqueue(attributes?: A<typeof enqueue> | string, name?: string): EnqueueNode {
    return this.add(EnqueueNode, 'Enqueue', attributes, name);
  }
  leave(attributes?: AttributeInput): GenericNode {
    return this.add(GenericNode, 'Leave', attributes);
  }
  /** As in the helper library; `<Queue>` belongs inside `<Dial>`, so prefer `dial().queue()`. */
  queue(attributes: A<typeof queue> | string | undefined, name?: string): GenericNode {
    return this.add(GenericNode, 'Queue', attributes, name);
  }
  connect(attributes?: A<typeof connect>): ConnectNode {
    return this.add(ConnectNode, 'Connect', attributes);
  }
  start(attributes?: A<typeof start>): StartNode {
    return this.add(StartNode, 'Start', attributes);
  }
  stop(attributes?: AttributeInput): StartNode {
    return this.add(StartNode, 'Stop', attributes);
  }
  refer(attributes?: A<typeof refer>): ReferNode {
    return this.add(ReferNode, 'Refer', attributes);
  }
  sms(attributes: A<typeof sms> | string | undefined, message?: string): GenericNode {
    return this.add(GenericNode, 'Sms', attributes, message);
  }
  pay(attributes?: AttributeInput): PayNode {
    return this.add(PayNode, 'Pay', attributes);
  }
  prompt(attributes?: AttributeInput): PromptsNode {
    return this.add(PromptsNode, 'Prompt', attributes);
  }
  echo(attributes?: AttributeInput): GenericNode {
    return this.add(GenericNode, 'Echo', attributes);
  }

  /** Parses what was built, with the same checks an incoming document gets. */
  validate(options?: ParseOptions): ParseResult<VoiceDocument> {
    return parseVoice(this.toString(), options);
  }
}
