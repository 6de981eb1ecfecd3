/** What every REST resource handler gets, and what it answers. */
import type { ServerResponse } from 'node:http';
import type { Bus } from '../../cluster/bus.js';
import type { Runtime } from '../../runtime.js';
import type { SipApiSettings } from '../../sip/settings.js';
import type { Store } from '../../store/types.js';
import type { AccountRecord, Principal } from '../auth.js';
import type { Form } from '../http.js';

export interface ResourceContext {
  readonly runtime: Runtime;
  readonly store: Store;
  /** The account in the path (the caller, or one of its subaccounts). */
  readonly account: AccountRecord;
  /** Who is asking: the authenticated account and the credential it used. */
  readonly principal: Principal;
  readonly method: string;
  /** Path below the account, e.g. `Calls.json` or `Calls/CA....json`. */
  readonly rest: string;
  readonly query: URLSearchParams;
  /** The form body, read (once) on demand. */
  form(): Promise<Form>;
  readonly now: number;
  /** Base URL clients reach the server at (for `more_info` links). */
  readonly publicUrl: string;
  /** SIP domain names' suffix and the box SIP passwords are sealed in. */
  readonly sip: SipApiSettings;
  /** In a cluster, the bus to the other nodes (call control for a call another node runs). */
  readonly bus?: Bus;
}

export type ResourceResult =
  | { status: number; body?: unknown }
  /** An answer written over time (a call's progress): `write` sends the head and the body. */
  | { status: number; write: (res: ServerResponse, headers: Record<string, string>) => Promise<void> }
  | undefined;

/** A resource answers the requests it recognises and returns undefined for the rest. */
export type Resource = (context: ResourceContext) => Promise<ResourceResult>;
