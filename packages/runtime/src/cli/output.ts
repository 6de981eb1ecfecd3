/** How results are printed: aligned tables, and one resource as `name: value` lines. */

/** Rows as aligned text columns; `(none)` when there are no rows. */
export function table(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
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

/** One resource: the given fields as aligned `name: value` lines (absent values as `-`). */
export function details(resource: Record<string, unknown>, fields: readonly string[]): string {
  const width = Math.max(...fields.map((field) => field.length));
  return fields
    .map((field) => {
      const value = resource[field];
      return `${`${field}:`.padEnd(width + 2)}${value === null || value === undefined || value === '' ? '-' : String(value)}`;
    })
    .join('\n');
}

/**
 * An error or warning of a call or message: `error 11205: <message> (<url>)`. The URL is left out
 * when the message already names it (a failed fetch says which URL failed).
 */
export function problemText(label: string, detail: unknown): string {
  const { code, message, url } = (detail ?? {}) as { code?: unknown; message?: unknown; url?: unknown };
  const text = String(message);
  return `${label} ${code}: ${text}${url && !text.includes(String(url)) ? ` (${url})` : ''}`;
}
