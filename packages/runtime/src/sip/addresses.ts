/**
 * IP addresses and CIDR blocks as IP access control lists and `--sip-allow` take them: IPv4 in
 * dotted decimal and IPv6 in any of its text forms (`::1`, `2001:db8::/32`, `::ffff:192.0.2.1`),
 * parsing that refuses anything else, and matching by prefix. A source an IPv6 socket reports
 * as IPv4-mapped (`::ffff:a.b.c.d`) is the IPv4 address it maps, so IPv4 rules match it.
 *
 * @example
 * inBlock('192.0.2.77', '192.0.2.0', 24); // true
 * inBlock('2001:db8::5', '2001:db8::', 64); // true
 */
import { isIPv6 } from 'node:net';

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

/** The address as a 128-bit number, or undefined when it is not an IPv6 address (no zone: `%eth0`). */
export function ipv6(text: string): bigint | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let head = text;
  let tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4(dotted[1] as string);
    if (v4 === undefined) return undefined;
    tail = [Math.floor(v4 / 65_536), v4 % 65_536];
    head = `${text.slice(0, dotted.index)}:`;
    if (head.endsWith(':::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').filter((g) => g !== ''));
  const before = groups(left).map((g) => Number.parseInt(g, 16));
  const after = right === undefined ? [] : groups(right).map((g) => Number.parseInt(g, 16));
  const fill = 8 - before.length - after.length - tail.length;
  const all = [...before, ...new Array<number>(right === undefined ? 0 : fill).fill(0), ...after, ...tail];
  if (all.length !== 8) return undefined;
  return all.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4 address it maps; others as given. */
export function unmapped(address: string): string {
  const value = ipv6(address);
  if (value === undefined || value >> 32n !== 0xffffn) return address;
  const v4 = Number(value & 0xffffffffn);
  return [24, 16, 8, 0].map((shift) => Math.floor(v4 / 2 ** shift) % 256).join('.');
}

/** Whether `address` lies in `block`/`prefix`: IPv4 in IPv4 blocks (mapped sources too), IPv6 in IPv6 ones. */
export function inBlock(address: string, block: string, prefix: number): boolean {
  const source = unmapped(address);
  const a4 = ipv4(source);
  const b4 = ipv4(block);
  if (b4 !== undefined) {
    if (a4 === undefined || !(prefix >= 0 && prefix <= 32)) return false;
    if (prefix === 0) return true;
    const shift = 32 - prefix;
    return Math.floor(a4 / 2 ** shift) === Math.floor(b4 / 2 ** shift);
  }
  const a6 = a4 === undefined ? ipv6(source) : (0xffffn << 32n) | BigInt(a4);
  const b6 = ipv6(block);
  if (a6 === undefined || b6 === undefined || !(prefix >= 0 && prefix <= 128)) return false;
  const shift = BigInt(128 - prefix);
  return a6 >> shift === b6 >> shift;
}

/** The shortest prefix a list may allow for `address`'s family: never an open door. */
export function minPrefix(address: string): number {
  return ipv4(address) === undefined ? 32 : 8;
}

/** A `<address>/<prefix>` block, IPv4 or IPv6 (the prefix optional: the whole address), or undefined when invalid. */
export function parseCidr(text: string): { address: string; prefix: number } | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  const bits = ipv4(address) !== undefined ? 32 : ipv6(address) !== undefined ? 128 : undefined;
  if (extra !== undefined || bits === undefined) return undefined;
  if (prefixText === undefined) return { address, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { address, prefix: Number(prefixText) };
}
