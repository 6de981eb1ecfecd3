/**
 * Typed errors of the media engine, with stable codes: the port range is used up, a socket could
 * not bind, a leg or the engine is already closed, a worker failed.
 *
 * @example
 * try { await engine.openLeg() } catch (e) { if (e instanceof EngineError && e.code === 'ports-exhausted') reply(503) }
 */
import { MediaError } from '../errors.js';

export type EngineErrorCode =
  | 'ports-exhausted'
  | 'bind-failed'
  | 'leg-closed'
  | 'engine-closed'
  | 'worker-failed'
  | 'invalid-options';

export class EngineError extends MediaError<EngineErrorCode> {
  constructor(code: EngineErrorCode, message: string, where?: string, options?: { cause?: unknown }) {
    super(code, message, where, options);
    this.name = 'EngineError';
  }
}
