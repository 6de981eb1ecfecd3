/**
 * Every `patchbay` command, by the words that run it. Help lists them in this order; adding a
 * command means adding its module and one line here.
 */
import type { Command } from '../command.js';
import {
  applicationsCreate,
  applicationsDelete,
  applicationsGet,
  applicationsList,
  applicationsUpdate,
} from './applications.js';
import { callsCreate, callsGet, callsHangup, callsList, callsUpdate } from './calls.js';
import { clientsList } from './clients.js';
import { keysCreate, keysDelete, keysList } from './keys.js';
import { messagesGet, messagesList, messagesSend } from './messages.js';
import { numbersCreate, numbersDelete, numbersGet, numbersList, numbersUpdate } from './numbers.js';
import { backup, credentials } from './operator.js';
import { serve } from './serve.js';
import { simulateMessage } from './simulate.js';
import { simulateCall } from './simulate-call.js';
import { simulateNumber, simulateNumbers } from './simulate-numbers.js';
import { callsTail, messagesTail } from './tail.js';
import { token } from './token.js';

export const COMMANDS = {
  serve,
  credentials,
  backup,
  'numbers create': numbersCreate,
  'numbers list': numbersList,
  'numbers get': numbersGet,
  'numbers update': numbersUpdate,
  'numbers delete': numbersDelete,
  'calls create': callsCreate,
  'calls list': callsList,
  'calls get': callsGet,
  'calls update': callsUpdate,
  'calls hangup': callsHangup,
  'calls tail': callsTail,
  'messages send': messagesSend,
  'messages list': messagesList,
  'messages get': messagesGet,
  'messages tail': messagesTail,
  'applications create': applicationsCreate,
  'applications list': applicationsList,
  'applications get': applicationsGet,
  'applications update': applicationsUpdate,
  'applications delete': applicationsDelete,
  'keys create': keysCreate,
  'keys list': keysList,
  'keys delete': keysDelete,
  token,
  'clients list': clientsList,
  'simulate call': simulateCall,
  'simulate message': simulateMessage,
  'simulate number': simulateNumber,
  'simulate numbers': simulateNumbers,
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
