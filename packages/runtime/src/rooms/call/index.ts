/**
 * Room calls on a runtime: the engine, the rooms app mounted at its reserved origin, and what
 * the REST resources (and the control channel to come) need to run commands.
 *
 * @example
 * const calls = roomCalls({ runtime, store, serial });
 * await runCommand(calls.deps, room, account, { type: 'start', members: 'all' });
 * calls.close();
 */
import type { Runtime } from '../../runtime.js';
import type { Store } from '../../store/types.js';
import type { Serial } from '../serial.js';
import type { CommandDeps } from './commands.js';
import { RoomCalls } from './engine.js';
import { roomsApp } from './local-app.js';
import { ROOMS_ORIGIN } from './urls.js';

export function roomCalls(parts: { runtime: Runtime; store: Store; serial: Serial }): {
  deps: CommandDeps;
  close(): void;
} {
  const engine = new RoomCalls(parts.runtime);
  const deps: CommandDeps = { ...parts, engine };
  const unmount = parts.runtime.localApps.mount(ROOMS_ORIGIN, roomsApp(deps));
  return {
    deps,
    close() {
      unmount();
      engine.close();
    },
  };
}
