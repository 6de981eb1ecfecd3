/**
 * Codes of device commands (`/patchbay/v1/Devices/{Sid}/Commands`, `/patchbay/v1/DeviceCommands`,
 * the channel's `commands-attach` and `command-result`, docs/commands.md): 91230-91259.
 */
import type { ErrorTable } from './types.js';

export const COMMAND_ERRORS = {
  91230: {
    title: 'Authentication failure',
    meaning:
      "A device's message for commands did not authenticate: the device credential (`<device SID>:<secret>`, over HTTPS or `commands-attach` on the channel) does not match, or the device is another account's; on the device, an SMS or push form's authenticator does not verify with its secret. Compared in constant time; the message is logged and discarded. Answered 401 over HTTPS.",
    action:
      'Use the credential issued when the device registered (`RegisteredDevice.credential`); register again if it was lost.',
  },
  91231: {
    title: 'Invalid command',
    meaning:
      'A parameter of the command does not parse: `Action` (1 to 64 characters of letters, digits and `._-`), `Params.<name>` or `Result.<name>` (at most 16, names up to 64 characters, values up to 512), `Ttl` (whole seconds, 10 to 604800), `ResultCallback` (an absolute http(s) URL), `Status` (a filter, or `canceled` to cancel).',
    action: 'Fix the parameter named in the message.',
  },
  91232: {
    title: 'Too many open commands for the device',
    meaning: 'The device has 100 commands pending or delivered, without results yet. Answered 429.',
    action: 'Wait for results (or cancel commands) before posting more to this device.',
  },
  91233: {
    title: 'Too many open commands for the account',
    meaning: "The account's devices have 10,000 commands pending or delivered, without results yet. Answered 429.",
    action: 'Wait for results (or cancel commands) before posting more.',
  },
  91234: {
    title: 'Command settled',
    meaning:
      'The command has its result already (completed, failed), expired or was canceled: it cannot be canceled. Answered 409.',
    action: 'Read the command: its status and result say how it ended.',
  },
} as const satisfies ErrorTable;
