/** The media engine: legs, bridges and mixers on worker threads. */
export { BEEP_HZ } from './dsp/tone.js';
export { type EngineStats, MediaEngine, type MediaEngineOptions } from './engine.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export type { EngineLeg, EngineLegEvents, ToneName } from './leg.js';
export type { LegStats, RecordRequest, RecordResult, WorkerStats } from './messages.js';
export type { DualRecording, EngineBridge, EngineMixer } from './rooms.js';
