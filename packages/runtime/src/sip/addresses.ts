/**
 * IPv4 addresses and CIDR blocks, as the hosted API's IP access control lists take them
 * (IPv4 only): parsing that refuses what is not four decimal octets, and matching by prefix.
 *
 * @example
 * inBlock('192.0.2.77', '192.0.2.0', 24); // true
 */

/** The address as a 32-bit unsigned number, or undefined when it is not dotted-decimal IPv4. */
export function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Whether `address` lies in `block`/`prefix` (an IPv4-mapped IPv6 source `::ffff:a.b.c.d` counts as a.b.c.d). */
export function inBlock(address: string, block: string, prefix: number): boolean {
  const a = ipv4(address.startsWith('::ffff:') ? address.slice(7) : address);
  const b = ipv4(block);
  if (a === undefined || b === undefined || !(prefix >= 0 && prefix <= 32)) return false;
  if (prefix === 0) return true;
  const shift = 32 - prefix;
  return Math.floor(a / 2 ** shift) === Math.floor(b / 2 ** shift);
}

/** A `<address>/<prefix>` block (the prefix optional: 32), or undefined when either part is not valid. */
export function parseCidr(text: string): { address: string; prefix: number } | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  if (extra !== undefined || ipv4(address) === undefined) return undefined;
  if (prefixText === undefined) return { address, prefix: 32 };
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) return undefined;
  return { address, prefix: Number(prefixText) };
}
