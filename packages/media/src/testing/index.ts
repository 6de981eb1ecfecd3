/**
 * Test support for @patchbay/media (not exported from the package's index): real SIP phones
 * (baresip), sipp runs, and the ears that tell what a party heard (tones, DTMF, speech energy).
 *
 * @example
 * import { hearsTone, startPhone } from '../testing/index.js';
 * const phone = await startPhone({ address: '127.0.0.2', tone: 600, autoAnswer: true });
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
export { type ResponderOptions, respondScenario, startResponder } from './responder.js';
export { type ScenarioName, scenarioPath } from './scenarios.js';
export { runSipp, type SippOptions, type SippProcess, type SippResult, startSipp } from './sipp.js';
export { concatPcm, DTMF_FREQUENCIES, dtmfPcm, encodeWav, parseWav, tonePcm } from './wav.js';
