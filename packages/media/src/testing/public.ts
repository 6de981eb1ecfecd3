/**
 * `@patchbay/media/testing`: what an app's own tests need to check calls with real phones, as
 * Patchbay's tests do: a baresip phone per test (Debian's `baresip`; it sends a tone and records
 * what it hears) and the ears that say what a party heard (tones by Goertzel, DTMF, speech
 * energy), with WAV helpers to make fake microphones. sipp support stays internal: its scenario
 * files are not shipped.
 *
 * @example
 * import { hearsTone, startPhone } from '@patchbay/media/testing';
 * const phone = await startPhone({ address: '127.0.0.2', tone: 600 });
 * await phone.dial('sip:+15550100100@127.0.0.1:5060');
 * expect(hearsTone(await phone.listen(1000), 440)).toBe(true);
 */
export {
  detectDtmf,
  goertzelPower,
  hearsTone,
  readWav,
  SILENCE_DB,
  speechEnergy,
  toneLevels,
  toneWav,
} from './audio-analysis.js';
export {
  type Phone,
  type PhoneAccount,
  type PhoneEvent,
  type PhoneEvents,
  type PhoneOptions,
  startPhone,
} from './baresip.js';
export { PeerError, type PeerErrorCode, WavError, type WavErrorCode } from './errors.js';
export { freePort } from './processes.js';
export { encodeWav, tonePcm } from './wav.js';
