/**
 * Test support for @patchbay/media (not exported from the package's index): real SIP phones
 * (baresip), sipp runs, and the ears that tell what a party heard (tones, DTMF, speech energy).
 *
 * @example
 * import { hearsTone, startPhone } from '../testing/index.js';
 * const phone = await startPhone({ address: '127.0.0.2', tone: 600, autoAnswer: true });
 */
// What apps get too (`@patchbay/media/testing`), then sipp, which stays internal.
export * from './public.js';
export { type ResponderOptions, respondScenario, startResponder } from './responder.js';
export { type ScenarioName, scenarioPath } from './scenarios.js';
export { runSipp, type SippOptions, type SippProcess, type SippResult, startSipp } from './sipp.js';
export { concatPcm, DTMF_FREQUENCIES, dtmfPcm, parseWav } from './wav.js';
