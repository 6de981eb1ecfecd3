/**
 * RFC 4733 telephone-events: the 4-byte payload (event, end bit, volume, duration), the digit
 * alphabet, and a receiver that reports one key press per event however many times the sender
 * repeats its packets (RFC 4733 §2.5.1.4: start, updates and three end packets share a
 * timestamp).
 *
 * @example
 * const rx = new DtmfReceiver();
 * const digit = rx.accept(timestamp, parseTelephoneEvent(payload)); // '5' once, then undefined
 */
import { RtpParseError } from './errors.js';

const DIGITS = '0123456789*#ABCD';

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

export function digitToEvent(digit: string): number | undefined {
  const i = DIGITS.indexOf(digit.toUpperCase());
  return i < 0 || digit.length !== 1 ? undefined : i;
}

export function eventToDigit(event: number): string | undefined {
  return DIGITS[event];
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < 4)
    throw new RtpParseError('dtmf-malformed', `telephone-event of ${payload.length} bytes`, 'rfc4733');
  const b1 = payload[1] as number;
  return {
    event: payload[0] as number,
    end: (b1 & 0x80) !== 0,
    volume: b1 & 0x3f,
    duration: ((payload[2] as number) << 8) | (payload[3] as number),
  };
}

export function writeTelephoneEvent(out: Uint8Array, e: TelephoneEvent, offset = 0): void {
  out[offset] = e.event & 0xff;
  out[offset + 1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out[offset + 2] = (e.duration >> 8) & 0xff;
  out[offset + 3] = e.duration & 0xff;
}

/** Turns a stream of event packets into single key presses. */
export class DtmfReceiver {
  #lastTimestamp = -1;
  #lastEvent = -1;

  /** Returns the digit the first time an event (by timestamp and code) is seen, else undefined. */
  accept(timestamp: number, e: TelephoneEvent): string | undefined {
    if (timestamp === this.#lastTimestamp && e.event === this.#lastEvent) return undefined;
    this.#lastTimestamp = timestamp;
    this.#lastEvent = e.event;
    return eventToDigit(e.event);
  }
}
