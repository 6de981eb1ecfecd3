/**
 * OPTIONS outside a dialog (RFC 3261 §11): a capability probe and the keep-alive trunks expect.
 *
 * @example
 * const res = await sendOptions(core, 'sip:pbx.example.com'); // res.status 200, or 408 on timeout
 */
import type { SipCore } from './core.js';
import { SipHeaders } from './headers.js';
import { buildResponse, type SipRequest, type SipResponse } from './message.js';
import { destinationOf } from './uac.js';
import { formatUri, parseUri } from './uri.js';

export function sendOptions(core: SipCore, target: string): Promise<SipResponse> {
  const uri = parseUri(target, 'options target');
  const dest = destinationOf(uri);
  const h = new SipHeaders();
  h.set('via', core.via(dest.transport));
  h.set('max-forwards', '70');
  h.set('from', `<${formatUri(core.contact(dest.transport))}>;tag=${core.newTag()}`);
  h.set('to', `<${formatUri({ ...uri, headers: {} })}>`);
  h.set('call-id', core.newCallId());
  h.set('cseq', '1 OPTIONS');
  h.set('accept', 'application/sdp');
  const request: SipRequest = {
    kind: 'request',
    method: 'OPTIONS',
    uri: formatUri({ ...uri, headers: {} }),
    headers: h,
    body: '',
  };
  return new Promise((resolve) => {
    core.sendRequest(request, dest, {
      onResponse: (r) => {
        if (r.status >= 200) resolve(r);
      },
      onTimeout: () => resolve(buildResponse(request, 408)),
    });
  });
}
