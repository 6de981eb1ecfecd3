/**
 * What the bridge tells a compat device's session, as the hosted SDK expects to hear it: an
 * invitation becomes `invite` with Patchbay's SDP offer and the call's parameters (`Params`, the
 * custom ones, as a query string); a cancel `cancel`; a call the device placed `ringing`, then
 * `answer` with Patchbay's SDP answer once the application answers; any call's end `hangup`; an
 * expired token `error` 20104 and `offline` (the SDK registers again after `updateToken`).
 */
import { DeviceError, type Sequenced } from '@patchbay/sdk/protocol';
import type { CompatCall } from './calls.js';
import type { Attached, CompatConnection } from './connection.js';
import { encodeParams, errorFrame } from './messages.js';

export function translate(connection: CompatConnection, attached: Attached, message: Sequenced): void {
  const { state, session } = attached;
  switch (message.type) {
    case 'result': {
      const done = state.requests.get(message.id);
      state.requests.delete(message.id);
      done?.(
        message.ok
          ? {
              ok: true,
              ...(message.callSid ? { callSid: message.callSid } : {}),
              ...(message.sdp ? { sdp: message.sdp } : {}),
            }
          : { ok: false, error: DeviceError.fromProtocol(message.error) },
      );
      return;
    }
    case 'invite': {
      const call: CompatCall = {
        callSid: message.callSid,
        direction: 'incoming',
        callToken: message.callToken,
        live: false,
        chain: Promise.resolve(),
      };
      // The WebRTC leg's offer; without one (no real media, or the offer failed) a simulated one.
      const sdp = message.sdp === undefined ? connection.media.offer(message.callSid) : Promise.resolve(message.sdp);
      call.localSdp = sdp;
      state.add(call);
      const { parameters } = message;
      void connection.after(call, async () =>
        connection.send('invite', {
          callsid: message.callSid,
          sdp: await sdp,
          reconnect: session.id,
          parameters: {
            CallSid: message.callSid,
            AccountSid: parameters.AccountSid ?? session.accountSid,
            From: parameters.From ?? '',
            To: parameters.To ?? `client:${session.identity}`,
            Params: encodeParams(message.customParameters),
          },
        }),
      );
      return;
    }
    case 'cancel': {
      const call = state.call(message.callSid);
      if (!call) return;
      state.remove(call);
      connection.media.close(call.callSid);
      void connection.after(call, () => connection.send('cancel', { callsid: call.callSid }));
      return;
    }
    case 'call': {
      const call = state.call(message.callSid);
      if (!call) {
        // A call the device placed, named before the result that says which one it is.
        if (message.state !== 'closed' || state.requests.size > 0) state.hold(message.callSid, message);
        return;
      }
      if (message.state === 'closed') {
        state.remove(call);
        connection.media.close(call.callSid);
        void connection.after(call, () => connection.send('hangup', { callsid: call.callSid }));
        return;
      }
      if (call.direction !== 'outgoing') return;
      if (message.state === 'ringing') {
        void connection.after(call, () => connection.send('ringing', { callsid: call.callSid }));
        return;
      }
      if (call.hangupWanted) {
        // The SDK hung up before the call was named: it ends now that it is answered (a leg that
        // ends before the runtime has admitted its call goes unnoticed by the call).
        connection.request(attached, { type: 'hangup', callSid: call.callSid }, () => {});
        return;
      }
      void connection.after(call, async () =>
        connection.send('answer', { callsid: call.callSid, sdp: await call.localSdp, reconnect: session.id }),
      );
      return;
    }
    case 'expired':
      connection.socket.send(
        errorFrame(new DeviceError('AccessTokenExpired', 'the token has expired; update it (updateToken)')),
      );
      connection.send('offline', {});
      return;
    case 'presence':
      return;
  }
}
