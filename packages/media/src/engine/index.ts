/**
 * The media engine: legs, bridges and mixers on worker threads.
 *
 * @example
 * const engine = await MediaEngine.start({ bindAddress: '0.0.0.0', publicAddress: '203.0.113.5', rtpPorts: [40000, 40999] });
 * const leg = await engine.openLeg();
 * const answer = answerOffer(invite.body, { address: leg.localAddress, port: leg.localPort });
 * if ('reject' in answer) return respond(488);
 * leg.configure(answer.media);          // again on every re-INVITE (hold/resume)
 * await leg.play(prompt, signal);       // 8 kHz mono Int16Array
 */
export { BEEP_HZ } from './dsp/tone.js';
export { type EngineStats, MediaEngine, type MediaEngineOptions } from './engine.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export type { EngineLeg, EngineLegEvents, LegPipe, ToneName } from './leg.js';
export type { LegStats, RecordRequest, RecordResult, WorkerStats } from './messages.js';
export { PIPE_SOURCE } from './messages.js';
export type { DualRecording, EngineBridge, EngineMixer } from './rooms.js';
