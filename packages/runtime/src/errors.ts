/**
 * One error type for the runtime, with a literal `code`, the compatible numeric code apps and
 * dashboards know, and the HTTP status a REST layer answers with. A new code without both
 * fails to compile.
 */

const CODES = {
  'invalid-url': { numeric: 11100, status: 400 },
  'http-retrieval-failure': { numeric: 11200, status: 502 },
  'connection-failure': { numeric: 11205, status: 502 },
  'response-too-large': { numeric: 11750, status: 502 },
  'document-parse-failure': { numeric: 12100, status: 502 },
  'invalid-content-type': { numeric: 12300, status: 502 },
  'too-many-redirects': { numeric: 11215, status: 502 },
  'call-not-found': { numeric: 20404, status: 404 },
  'invalid-parameter': { numeric: 21200, status: 400 },
  'invalid-call-state': { numeric: 21220, status: 409 },
  'media-failure': { numeric: 13227, status: 500 },
  /** `<Message from>` names a number another account holds. */
  'sender-refused': { numeric: 14102, status: 400 },
  // Security and per-account limits.
  /** The account has as many live calls as its limit allows (hosted: "Call concurrency limit exceeded"). */
  'concurrency-limit': { numeric: 10004, status: 429 },
  /** The egress policy forbids the address a URL leads to (link-local, cloud metadata, or private when denied). */
  'egress-refused': { numeric: 11100, status: 400 },
  'invalid-script': { numeric: 21200, status: 400 },
  'on-net-loop': { numeric: 21216, status: 400 },
  /** The store refused a write for lack of space (disk full, or the database's size cap). */
  'store-full': { numeric: 20503, status: 503 },
  /** The store could not commit a write (I/O error, read-only file system, locked database). */
  'store-unavailable': { numeric: 20503, status: 503 },
  // Cluster: the bus and node membership (src/cluster/bus.ts, 91300-91319).
  /** This node has lost the cluster's bus for longer than its lease and takes no new work. */
  partitioned: { numeric: 91300, status: 503 },
  /** The node a request is for (the owner of a call) is not in the cluster. */
  'bus-node-gone': { numeric: 91301, status: 503 },
  /** The node a request is for did not answer in time. */
  'bus-timeout': { numeric: 91302, status: 504 },
  /** The bus (Redis) cannot be reached. */
  'bus-unreachable': { numeric: 91303, status: 503 },
  /** The node a request was for failed to carry it out. */
  'bus-remote-failure': { numeric: 91304, status: 502 },
  /** A bus message over the size the bus carries. */
  'bus-message-too-large': { numeric: 91305, status: 413 },
  /** A node started with the id of a live node of the cluster. */
  'node-id-taken': { numeric: 91306, status: 409 },
  /** A node back from a cut found that a survivor had taken it over: it stops. */
  'node-taken-over': { numeric: 91307, status: 503 },
  // Cluster: devices across nodes (src/cluster/devices-*.ts, 91340-91349).
  /** A message between nodes about devices (an invitation, an answer, a key press) did not parse. */
  'device-relay-invalid': { numeric: 91340, status: 400 },
  // Cluster: conferences, queues and rooms across nodes (src/cluster/conferences.ts, 91350-91359).
  /** A media frame from another node that is not media this node can play. */
  'trunk-frame-invalid': { numeric: 91350, status: 502 },
  /** No node could take the conference (the node it was placed on refused or vanished). */
  'conference-placement-failed': { numeric: 91351, status: 503 },
  /** The node that holds the conference is gone: the conference ended with it. */
  'conference-node-gone': { numeric: 91352, status: 503 },
  /** The queue could not be reached (the node it was placed on vanished before the caller was in it). */
  'queue-unreachable': { numeric: 91353, status: 503 },
  /** The node that holds the queue is gone: the queue ended with it. */
  'queue-node-gone': { numeric: 91354, status: 503 },
  /** A message between nodes about a queue (its members, an agent's take) did not parse. */
  'queue-relay-invalid': { numeric: 91355, status: 400 },
  /** The node that ran the room's call is gone: the call ended with it. */
  'room-call-node-gone': { numeric: 91356, status: 503 },
} as const satisfies Record<string, { numeric: number; status: number }>;

export type ErrorCode = keyof typeof CODES;

/** Every code (the error reference documents each: error-codes/reference.test.ts). */
export const ERROR_CODES = Object.keys(CODES) as readonly ErrorCode[];

export class PatchbayError extends Error {
  override readonly name = 'PatchbayError';
  /** The compatible numeric code (11200, 12100, 21220, ...). */
  readonly numericCode: number;
  /** The HTTP status a REST response for this error carries. */
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.numericCode = CODES[code].numeric;
    this.status = CODES[code].status;
  }
}

/** The compatible numeric code of an error code. */
export function numericCode(code: ErrorCode): number {
  return CODES[code].numeric;
}
