/**
 * @patchbay/sdk/protocol: the device protocol's messages, limits and error codes, shared by the
 * SDK's `Device` and the runtime's bridge.
 */

/** The compact signed form of commands (SMS, Web Push): docs/commands.md. */
export {
  ACTION,
  type CommandForm,
  type FormItem,
  formLength,
  itemText,
  type ReadForm,
  readForm,
  signForm,
} from '../commands/form.js';
export { DEVICE_ERRORS, DeviceError, type DeviceErrorName, type ProtocolError } from './errors.js';
export {
  type ClientMessage,
  type ClientRequest,
  callState,
  checkClientMessage,
  clientMessage,
  commandValues,
  type DeviceNotice,
  deviceNotice,
  type Hello,
  hello,
  LIMITS,
  type Outgoing,
  type Parsed,
  PROTOCOL_VERSION,
  parseClientMessage,
  parseServerMessage,
  type RequestType,
  type RoomCommand,
  type RoomEntry,
  type RoomMessage,
  type RoomSchedule,
  type RoomSummary,
  roomCommand,
  roomEntry,
  roomMessage,
  roomSchedule,
  roomSummary,
  type Sequenced,
  type ServerMessage,
  sequenced,
  serverMessage,
  type Welcome,
  welcome,
} from './messages.js';
