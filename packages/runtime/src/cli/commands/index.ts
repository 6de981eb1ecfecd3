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
import {
  sipDomainsCreate,
  sipDomainsDelete,
  sipDomainsGet,
  sipDomainsList,
  sipDomainsMap,
  sipDomainsUnmap,
  sipDomainsUpdate,
} from './sip-domains.js';
import { credentialLists, credentialListsAdd, credentialListsPassword, ipAcls, ipAclsAdd } from './sip-lists.js';
import { callsTail, messagesTail } from './tail.js';
import { token } from './token.js';
import {
  policiesAddTarget,
  policiesCreate,
  policiesDelete,
  policiesGet,
  policiesList,
  policiesRemoveTarget,
  trunksCreate,
  trunksDelete,
  trunksGet,
  trunksList,
  trunksUpdate,
} from './trunks.js';

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
  'sip-domains create': sipDomainsCreate,
  'sip-domains list': sipDomainsList,
  'sip-domains get': sipDomainsGet,
  'sip-domains update': sipDomainsUpdate,
  'sip-domains delete': sipDomainsDelete,
  'sip-domains map': sipDomainsMap,
  'sip-domains unmap': sipDomainsUnmap,
  'sip-creds create': credentialLists.create,
  'sip-creds list': credentialLists.list,
  'sip-creds get': credentialLists.get,
  'sip-creds delete': credentialLists.delete,
  'sip-creds add': credentialListsAdd,
  'sip-creds password': credentialListsPassword,
  'sip-creds remove': credentialLists.remove,
  'sip-acls create': ipAcls.create,
  'sip-acls list': ipAcls.list,
  'sip-acls get': ipAcls.get,
  'sip-acls delete': ipAcls.delete,
  'sip-acls add': ipAclsAdd,
  'sip-acls remove': ipAcls.remove,
  'trunks create': trunksCreate,
  'trunks list': trunksList,
  'trunks get': trunksGet,
  'trunks update': trunksUpdate,
  'trunks delete': trunksDelete,
  'policies create': policiesCreate,
  'policies list': policiesList,
  'policies get': policiesGet,
  'policies delete': policiesDelete,
  'policies add': policiesAddTarget,
  'policies remove': policiesRemoveTarget,
  'simulate call': simulateCall,
  'simulate message': simulateMessage,
  'simulate number': simulateNumber,
  'simulate numbers': simulateNumbers,
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
