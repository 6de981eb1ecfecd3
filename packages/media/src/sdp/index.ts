/** SDP parsing and offer/answer for one audio stream. */
export { answerOffer, createOffer, readAnswer } from './negotiate.js';
export { MAX_SDP_BYTES, parseSdp } from './parse.js';
export * from './types.js';
