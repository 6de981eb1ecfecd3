/**
 * `new MessagingResponse()`: builds messaging documents (`message()`, `redirect()`), with the
 * helper library's method names and output.
 *
 * @example
 * const response = new MessagingResponse();
 * response.message('Thanks, we got it.');
 */
import type { BuilderAttributes } from '../define.js';
import { type ParseOptions, type ParseResult, parseMessaging } from '../parse.js';
import type { MessagingDocument } from '../verbs/index.js';
import type { message } from '../verbs/message.js';
import type { redirect } from '../verbs/redirect.js';
import { type AttributeInput, BuilderNode, GenericNode, ResponseBuilder } from './node.js';

export class MessageNode extends BuilderNode {
  body(attributes: AttributeInput | string | undefined, message?: string): GenericNode {
    return this.add(GenericNode, 'Body', attributes, message);
  }
  media(attributes: AttributeInput | string | undefined, url?: string): GenericNode {
    return this.add(GenericNode, 'Media', attributes, url);
  }
}

/** Builds a messaging document. `String(response)` gives the markup. */
export class MessagingResponse extends ResponseBuilder {
  message(attributes?: BuilderAttributes<typeof message> | string, body?: string): MessageNode {
    return this.add(MessageNode, 'Message', attributes, body);
  }
  redirect(attributes: BuilderAttributes<typeof redirect> | string | undefined, url?: string): GenericNode {
    return this.add(GenericNode, 'Redirect', attributes, url);
  }

  /** Parses what was built, with the same checks an incoming document gets. */
  validate(options?: ParseOptions): ParseResult<MessagingDocument> {
    return parseMessaging(this.toString(), options);
  }
}
