/** `<Redirect>`: continues with the document at its URL (relative to the current one). */
import type { RedirectNode } from '@patchbay/markup';
import type { Outcome, VerbContext } from './types.js';

export async function redirect(node: RedirectNode, context: VerbContext): Promise<Outcome> {
  return {
    type: 'fetch',
    url: context.resolve(node.text.trim()),
    method: node.attributes.method,
    params: context.params(),
    progress: false,
  };
}
