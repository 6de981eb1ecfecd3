/**
 * What the SDK does to its calls, as bridge requests: placing one (`invite`), answering an
 * invitation (`answer`) or declining it (`reject`), renegotiating (`reinvite`), and hanging up.
 * Each call's steps run in order behind its SDP.
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { CompatCall, RequestResult } from './calls.js';
import type { Attached, CompatConnection, Payload } from './connection.js';
import { decodeParams, errorPayload, frameOf } from './messages.js';
import { translate } from './translate.js';

/** The SDK places a call (`invite` without a reconnect token): `connect` through the token's application. */
export function place(connection: CompatConnection, attached: Attached, payload: Payload<'invite'>): void {
  const tempSid = payload.callsid;
  if (attached.state.call(tempSid)) return;
  const call: CompatCall = { callSid: '', direction: 'outgoing', tempSid, live: true, chain: Promise.resolve() };
  attached.state.add(call);
  const { webrtc } = attached.state;
  const connect = { type: 'connect', params: decodeParams(payload.twilio?.params) } as const;
  // With WebRTC the leg answers the SDK's offer; else the connection's CompatMedia does.
  connection.request(attached, webrtc ? { ...connect, sdp: payload.sdp } : connect, (result) => {
    if (!result.ok || !result.callSid) {
      attached.state.remove(call);
      const error = result.ok ? new DeviceError('GeneralError', 'no call was placed') : result.error;
      connection.send('hangup', { callsid: tempSid, error: errorPayload(error) });
      return;
    }
    const early = attached.state.named(call, result.callSid);
    call.localSdp =
      webrtc && result.sdp ? Promise.resolve(result.sdp) : connection.media.answer(result.callSid, payload.sdp);
    for (const message of early) translate(connection, attached, message);
  });
}

/** The SDK answers an invitation with its SDP: the media completes, then the bridge accepts. */
export async function accept(
  connection: CompatConnection,
  attached: Attached,
  payload: Payload<'answer'>,
): Promise<void> {
  if (!attached.state.call(payload.callsid)) {
    // Invited before the connection dropped: that session comes over to this connection.
    const adopted = await connection.adopt(attached, payload.callsid);
    if (adopted) attached = adopted;
  }
  const call = attached.state.call(payload.callsid);
  if (call?.direction !== 'incoming' || !call.callToken || call.live) return;
  call.live = true;
  const callToken = call.callToken;
  void connection.after(call, async () => {
    // With WebRTC the answer goes with the accept to the leg that offered; else to CompatMedia.
    const webrtc = attached.state.webrtc;
    if (!webrtc) await connection.media.complete(call.callSid, payload.sdp);
    // Digits and a hang-up the SDK sends meanwhile wait for this (the leg exists only once accepted).
    const result = await new Promise<RequestResult>((resolve) =>
      connection.request(attached, { type: 'accept', callToken, ...(webrtc ? { sdp: payload.sdp } : {}) }, resolve),
    );
    if (result.ok) return;
    // Answered elsewhere or hung up meanwhile: the call is over for this device.
    attached.state.remove(call);
    connection.media.close(call.callSid);
    connection.send('cancel', { callsid: call.callSid });
  });
}

/** The SDK hangs up a call (a ringing invitation: declines it). */
export function hangup(connection: CompatConnection, attached: Attached, callsid: string): void {
  const call = attached.state.call(callsid);
  if (!call) return;
  if (call.direction === 'incoming' && !call.live) {
    // Hanging up a call still ringing declines it, as the hosted service does.
    attached.state.remove(call);
    connection.media.close(call.callSid);
    if (call.callToken) connection.request(attached, { type: 'reject', callToken: call.callToken }, () => {});
    return;
  }
  if (!call.callSid) {
    call.hangupWanted = true;
    return;
  }
  void connection.after(call, () => connection.request(attached, { type: 'hangup', callSid: call.callSid }, () => {}));
}

/** The SDK declines an invitation. */
export function reject(connection: CompatConnection, attached: Attached, callsid: string): void {
  const call = attached.state.call(callsid);
  if (call?.direction !== 'incoming' || call.live || !call.callToken) return;
  attached.state.remove(call);
  connection.media.close(call.callSid);
  connection.request(attached, { type: 'reject', callToken: call.callToken }, () => {});
}

/**
 * The SDK renegotiates (its ICE restart after a network change): on WebRTC legs the bridge's
 * `renegotiate` answers it (a new session behind the same leg); else CompatMedia does. Either
 * way the SDK gets an `answer`, or an `error` for the call when the leg refuses (too many).
 */
export function reinvite(
  connection: CompatConnection,
  attached: Attached,
  payload: Payload<'reinvite'>,
): Promise<void> | undefined {
  const call = attached.state.call(payload.callsid);
  if (!call?.callSid) {
    connection.notFound(payload.callsid);
    return undefined;
  }
  const callSid = call.callSid;
  if (attached.state.webrtc) {
    return connection.after(call, async () => {
      const result = await new Promise<RequestResult>((resolve) =>
        connection.request(attached, { type: 'renegotiate', callSid, sdp: payload.sdp }, resolve),
      );
      if (result.ok && result.sdp) {
        connection.send('answer', { callsid: callSid, sdp: result.sdp });
        return;
      }
      const error = result.ok ? new DeviceError('GeneralError', 'the call could not renegotiate') : result.error;
      connection.socket.send(frameOf('error', { error: errorPayload(error), callsid: callSid }));
    });
  }
  const sdp = connection.media.answer(callSid, payload.sdp);
  call.localSdp = sdp;
  return connection.after(call, async () => connection.send('answer', { callsid: callSid, sdp: await sdp }));
}
