/**
 * `<Redirect>`: continues with the document at its URL (relative to the current one). An empty
 * `<Redirect/>` is the empty relative URL: the current document is fetched again, exactly as it
 * was fetched (its query and its `#ct=..&rc=..` settings kept), with the method given. It counts
 * as a fetch without progress, so a document of nothing but `<Redirect/>` cannot loop forever.
 */
import type { RedirectNode } from '@patchbay/markup';
import type { Outcome, VerbContext } from './types.js';

export async function redirect(node: RedirectNode, context: VerbContext): Promise<Outcome> {
  const target = node.text.trim();
  return {
    type: 'fetch',
    url: target === '' ? context.documentUrl : context.resolve(target),
    method: node.attributes.method,
    params: context.params(),
    progress: false,
  };
}
