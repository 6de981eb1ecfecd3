/**
 * A message from a device with an open session, dispatched: over its rate it is dropped with an
 * error (a request gets its failed result; an ack that confirms what the server sent is never
 * counted); `ping`, `ack`, `bye` and a second `hello` are the
 * connection's own; every request is carried out once (a repeat of its `id` is not).
 *
 * @example
 * receiveMessage({ now, push, end, requests }, session, message, link);
 */
import { type ClientMessage, DeviceError, type Outgoing } from '@patchbay/sdk/protocol';
import { answerRequest, type RequestContext } from './requests.js';
import type { DeviceSession, Link } from './session.js';

export interface Receiver {
  readonly now: () => number;
  push(session: DeviceSession, message: Outgoing): void;
  end(session: DeviceSession): void;
  readonly requests: RequestContext;
}

export function receiveMessage(receiver: Receiver, session: DeviceSession, message: ClientMessage, link: Link): void {
  const now = receiver.now();
  session.lastSeen = now;
  // An ack of what the server sent is free (session.ts `confirms`); anything else is counted.
  const free = message.type === 'ack' && session.confirms(message.seq);
  if (!free && !session.spend(now)) {
    const error = new DeviceError('TooManyRequests', 'more messages than a device may send; slow down');
    if ('id' in message && session.firstTime(message.id))
      receiver.push(session, { type: 'result', id: message.id, ok: false, error: error.toProtocol() });
    else link.send({ type: 'error', fatal: false, error: error.toProtocol() });
    return;
  }
  switch (message.type) {
    case 'ping':
      link.send({ type: 'pong' });
      return;
    case 'ack':
      session.ack(message.seq);
      return;
    case 'bye':
      receiver.end(session);
      link.close(1000, 'bye');
      return;
    case 'hello':
      link.send({
        type: 'error',
        fatal: false,
        error: new DeviceError('MalformedRequest', 'hello was already said').toProtocol(),
      });
      return;
    default:
      if (!session.firstTime(message.id)) return;
      void answerRequest(receiver.requests, session, message, (result) => receiver.push(session, result));
  }
}
