/**
 * Addresses. IPv4 addresses are unsigned 32-bit numbers so tuples hash and compare without
 * allocating. An IPv6 address is interned to a 32-bit id (addr6.ts) and `family` tells the
 * two spaces apart, so tuples and conntrack storage keep their shape.
 */
import { formatIpv6, inPrefix6 } from './addr6';

export type Family = 4 | 6;

export interface Prefix {
  family: Family;
  /** IPv4: the address; IPv6: its id. */
  addr: number;
  len: number;
}

/** An address of either family (IPv6: its id). */
export interface IpAddr {
  family: Family;
  addr: number;
}

/** The address as iproute2 and conntrack-tools print it (inet_ntop). */
export function formatAddr(family: Family, a: number): string {
  return family === 6 ? formatIpv6(a) : formatIpv4(a);
}

/** Parses a dotted quad; returns null when it is not one. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v >>> 0;
}

export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function inPrefix(addr: number, p: Prefix): boolean {
  if (p.family === 6) return inPrefix6(addr, p.addr, p.len);
  const m = prefixMask(p.len);
  return ((addr & m) >>> 0) === ((p.addr & m) >>> 0);
}

/** MAC addresses are 48-bit numbers (exact in a double). */
export function parseMac(text: string): number | null {
  const parts = text.split(':');
  if (parts.length !== 6) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return null;
    v = v * 256 + parseInt(p, 16);
  }
  return v;
}

export function formatMac(m: number): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push((Math.floor(m / 2 ** (8 * i)) % 256).toString(16).padStart(2, '0'));
  return out.join(':');
}
