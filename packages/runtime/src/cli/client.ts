/**
 * The CLI's side of the REST API: which server and account (flags or environment), one request
 * at a time with Basic auth, and plain-text tables of what comes back.
 */

/** A mistake in how the command was called (or a refusal from the server): printed, exit code 2. */
export class UsageError extends Error {}

export interface Connection {
  readonly server: string;
  readonly account: string;
  readonly auth: string;
}

/** The server and credentials: from the flags, else PATCHBAY_URL, PATCHBAY_ACCOUNT_SID, PATCHBAY_AUTH_TOKEN. */
export function connect(given: {
  server?: string | undefined;
  account?: string | undefined;
  token?: string | undefined;
}): Connection {
  const server = (given.server ?? process.env.PATCHBAY_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const account = given.account ?? (process.env.PATCHBAY_ACCOUNT_SID || undefined);
  const token = given.token ?? (process.env.PATCHBAY_AUTH_TOKEN || undefined);
  if (!account || !token)
    throw new UsageError(
      'give the account SID and auth token (--account/--token, or PATCHBAY_ACCOUNT_SID/PATCHBAY_AUTH_TOKEN)',
    );
  return { server, account, auth: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}` };
}

/** One REST request for the account; a non-2xx answer is a UsageError with its code. */
export async function api(
  c: Connection,
  method: 'GET' | 'POST',
  resource: string,
  form?: Record<string, string | string[] | undefined>,
): Promise<Record<string, unknown>> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form ?? {})) {
    for (const item of value === undefined ? [] : Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  const response = await fetch(`${c.server}/2010-04-01/Accounts/${c.account}/${resource}`, {
    method,
    headers: {
      authorization: c.auth,
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(method === 'POST' ? { body } : {}),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new UsageError(`${response.status} ${String(json.code)}: ${String(json.message)}`);
  return json;
}

/** Rows as aligned text columns. */
export function table(rows: Array<Record<string, unknown>>, columns: readonly string[]): string {
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((column) => String(row[column] ?? ''))))].join('\n');
}
