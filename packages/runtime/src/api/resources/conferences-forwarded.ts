/** Conference requests other nodes of a cluster forward to the node holding the room. */
import type { ForwardedRequest } from '../../cluster/conference-control.js';
import type { SipApiSettings } from '../../sip/settings.js';
import type { AccountRecord } from '../auth.js';
import { notFound } from '../http.js';
import { conferencesResource } from './conferences.js';
import type { Resource, ResourceContext, ResourceResult } from './context.js';

/**
 * A request another node of the cluster received for a conference this node holds, answered
 * here as if it had arrived here: that node authenticated it, for this account.
 */
export async function forwardedConferenceRequest(
  options: Pick<ResourceContext, 'runtime' | 'store'>,
  sip: SipApiSettings,
  request: ForwardedRequest,
  /** The resource that answers it (queues are forwarded the same way, answered by theirs). */
  resource: Resource = conferencesResource,
  /** The bus, for a resource that changes calls other nodes run (never to send the request on). */
  bus?: ResourceContext['bus'],
): Promise<ResourceResult> {
  const account = await options.store.find<AccountRecord>('account', request.accountSid);
  if (!account) throw notFound(request.accountSid);
  return resource({
    runtime: options.runtime,
    store: options.store,
    account,
    principal: { account, via: 'auth-token' },
    method: request.method,
    rest: request.rest,
    query: new URLSearchParams(request.query),
    now: Date.now(),
    form: async () => request.form ?? {},
    publicUrl: request.publicUrl ?? '',
    sip,
    // No bus (or one the resource uses only for calls): the request is answered here, never sent on again.
    ...(bus ? { bus } : {}),
  });
}
