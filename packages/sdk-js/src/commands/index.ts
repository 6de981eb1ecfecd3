/** Commands carried out on a device (docs/commands.md): both entry points export this. */
export {
  type Arrival,
  type CommandHandler,
  type CommandsEvents,
  DeviceCommands,
  type DeviceCommandsOptions,
  type ReceivedCommand,
} from './commands.js';
export type { CommandResult } from './results.js';
