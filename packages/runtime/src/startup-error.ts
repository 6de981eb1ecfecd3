/**
 * Why a server (or an operator command on its data directory) could not start: a stable code,
 * what went wrong and where, and what to do about it, printed by the CLI as one line
 * (`patchbay: <message> (<code>): <hint>`, exit status 1). Startup
 * undoes what it did before failing, so a failed start leaves nothing half made.
 */
export type StartupErrorCode =
  /** Another process holds the data directory's lock. */
  | 'data-locked'
  /** The data directory cannot be created or written. */
  | 'data-unwritable'
  /** The database file is not a database, or fails its integrity check. */
  | 'database-corrupt'
  /** An operator command found no database in the data directory. */
  | 'database-missing'
  /** The database file is empty (0 bytes): truncated, not new. */
  | 'database-empty'
  /** Another process listens on the port. */
  | 'port-in-use'
  /** The host address is not one of this machine's, or the port needs privileges. */
  | 'address-unavailable'
  /** PATCHBAY_ACCOUNT_SID (or a given account) is malformed or unknown. */
  | 'invalid-account'
  /** A backup's destination already holds files. */
  | 'destination-not-empty'
  /** The SQLite driver's native binary is missing or built for another Node.js. */
  | 'sqlite-unavailable'
  /** The media asked for (`--media sip`) is not installed. */
  | 'media-unavailable'
  /** Another process listens on the SIP port. */
  | 'sip-port-in-use'
  /** The TLS certificate or key file cannot be read. */
  | 'tls-unreadable'
  /** The TLS certificate or key is not PEM, or the key is not the certificate's. */
  | 'tls-invalid'
  /** The PostgreSQL server of `--store postgres://...` cannot be reached (refused, unknown host, timed out). */
  | 'database-unreachable'
  /** The PostgreSQL server refused the user, password or database of `--store`. */
  | 'database-refused'
  /** `--store` is not a SQLite data directory nor a postgres:// URL. */
  | 'store-invalid'
  /** Nodes sharing a database need one key to seal SIP passwords, and none was given. */
  | 'secret-key-missing'
  /** The operator command works on a SQLite data directory only (PostgreSQL: use its own tools). */
  | 'store-unsupported'
  /** The cluster's bus (`--bus redis://...`) cannot be reached, or its URL or node id is not valid. */
  | 'bus-unreachable'
  /** A live node of the cluster holds the node id (`--node-id`). */
  | 'node-id-taken';

export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(
    readonly code: StartupErrorCode,
    message: string,
    /** What the operator can do about it. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
