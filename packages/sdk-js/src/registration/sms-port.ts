/**
 * What the app gives `Registration` where the platform lets it send and read SMS itself (an
 * Android app with the SMS permission, a kiosk with a modem, a test's simulated phone): a way to
 * send a text, and to wait for the next text that matches.
 *
 * @example
 * const sms: SmsPort = {
 *   send: (to, body) => modem.send(to, body),
 *   next: (match, signal) => modem.waitFor((text) => match(text), signal),
 * };
 */
export interface SmsText {
  /** The sender's number (E.164). */
  readonly from: string;
  readonly body: string;
}

export interface SmsPort {
  /** Sends `body` to `to` from this device's own number. */
  send(to: string, body: string): Promise<void>;
  /** The next text received for which `match` is true (texts already read before the call may be skipped); rejects when `signal` aborts. */
  next(match: (text: SmsText) => boolean, signal: AbortSignal): Promise<SmsText>;
}
