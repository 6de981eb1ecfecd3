/**
 * What `patchbay serve` logs (JSON lines): call status changes, errors and warnings, rejected inbound
 * calls and messages, given-up callbacks, device refusals and presence, and the store's health:
 * once on entering the degraded state and once on leaving it (not once per failed write).
 */
import type { Logger } from 'pino';
import type { Runtime } from '../runtime.js';
import type { StoreHealth } from '../store/health.js';
import type { DurableCallbacks } from '../webhooks/durable-callbacks.js';

export function logServerEvents({
  runtime,
  callbacks,
  health,
  log,
}: {
  runtime: Runtime;
  callbacks: DurableCallbacks;
  health: StoreHealth;
  log: Logger | undefined;
}): void {
  if (!log) return;
  runtime.events.on('call.status', (call, previous) =>
    log.info({ call: call.sid, direction: call.direction, from: previous, to: call.status }, 'call status'),
  );
  runtime.events.on('call.error', (call, error) =>
    log.error({ call: call.sid, code: error.code, url: error.url }, error.message),
  );
  runtime.events.on('call.warning', (call, warning) =>
    log.warn({ call: call.sid, code: warning.code, url: warning.url }, warning.message),
  );
  runtime.events.on('incoming.rejected', (event) => {
    const { error, ...where } = event;
    if (error) log.warn({ ...where, code: error.code }, `inbound ${event.kind} rejected: ${error.message}`);
    else log.info(where, `inbound ${event.kind} rejected: no app for the number`);
  });
  runtime.events.on('message.error', (message, error) =>
    log.warn({ message: message.sid, code: error.code, url: error.url }, error.message),
  );
  callbacks.events.on('idle', () => log.debug('outbox empty: every status callback delivered'));
  runtime.callbacks.events.on('failed', (callback, error) =>
    log.warn({ url: callback.url, code: error.numericCode }, 'callback given up'),
  );
  runtime.devices?.events.on('refused', (event) => log.warn({ ...event, code: event.error.code }, event.error.message));
  runtime.devices?.events.on('presence', (record) =>
    log.info({ identity: record.identity, status: record.status, registrations: record.registrations }, 'presence'),
  );
  health.events.on('degraded', (error) =>
    log.error(
      { code: error.code, err: error.cause },
      `degraded: the store refuses writes (${error.message}); changes are answered 503 until a write succeeds`,
    ),
  );
  health.events.on('recovered', (degradedForMs) =>
    log.warn({ degradedForMs }, 'recovered: the store takes writes again'),
  );
}
