/**
 * Argument values as iproute2 reads them: unsigned numbers the way `get_u32(…, base)` does
 * with strtoul (base 0: `0x` hex, leading-0 octal, else decimal), VALUE/MASK pairs, IPv4
 * addresses and prefixes, MAC addresses, interface names and 128-bit ct labels. Each parser
 * takes the token so an error can point at the offending character.
 */
import type { Label, Masked, MaskedLabel, Spanned } from './ast';
import { parseIpv4, parseMac, prefixMask, type IpAddr, type Prefix } from '../model/addr';
import { parseIpv6 } from '../model/addr6';
import { positionIn, spanned } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;

/**
 * Number bases: those of iproute2's parsers ('dec-or-hex' is flower_parse_ip_tos_ttl's "base 10,
 * else base 16"), and 'dec-or-0x' for the simulator's own commands (decimal, or hex with 0x).
 */
export type Base = 0 | 10 | 16 | 'dec-or-hex' | 'dec-or-0x';

function digit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 99;
}

/** strtoul over the whole text; NaN when any character is left over (as get_u32 rejects it). */
export function readUint(text: string, base: Base): number {
  if (base === 'dec-or-hex') {
    const dec = readUint(text, 10);
    return Number.isNaN(dec) ? readUint(text, 16) : dec;
  }
  const hexPrefix = text.length > 2 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X');
  if (base === 'dec-or-0x') return readUint(text, hexPrefix ? 16 : 10);
  let radix: number = base;
  let i = 0;
  if (base === 0) {
    if (hexPrefix) [radix, i] = [16, 2];
    else if (text.length > 1 && text[0] === '0') [radix, i] = [8, 1];
    else radix = 10;
  } else if (base === 16 && hexPrefix) {
    i = 2;
  }
  if (i >= text.length) return NaN;
  let v = 0;
  for (; i < text.length; i++) {
    const d = digit(text.charCodeAt(i));
    if (d >= radix) return NaN;
    v = v * radix + d;
  }
  return v;
}

/** A slice of a token's text, so errors inside VALUE/MASK point at the right column. */
interface Part {
  tok: Token;
  text: string;
  offset: number;
}

const whole = (tok: Token): Part => ({ tok, text: tok.text, offset: 0 });

function numberIn(p: Part, what: string, max: number, base: Base, min = 0): number {
  const v = readUint(p.text, base);
  const at = positionIn(p.tok, p.offset);
  if (Number.isNaN(v)) failAt(at, `invalid ${what} "${p.text}": expected a ${base === 16 ? 'hex ' : ''}number`);
  if (v > max || v < min) failAt(at, `invalid ${what} "${p.text}": must be ${min}-${max}`);
  return v;
}

export function uint(t: Token, what: string, max: number, base: Base = 0, min = 0): number {
  return numberIn(whole(t), what, max, base, min);
}

/** A number in characters [from, to) of a token, e.g. one end of a `MIN-MAX` range. */
export function uintSlice(t: Token, from: number, to: number, what: string, max: number, base: Base = 0, min = 0): number {
  return numberIn({ tok: t, text: t.text.slice(from, to), offset: from }, what, max, base, min);
}

/** Splits VALUE/MASK at the first slash. */
function splitSlash(t: Token): [Part, Part | null] {
  const slash = t.text.indexOf('/');
  if (slash < 0) return [whole(t), null];
  return [
    { tok: t, text: t.text.slice(0, slash), offset: 0 },
    { tok: t, text: t.text.slice(slash + 1), offset: slash + 1 },
  ];
}

/** VALUE[/MASK]; the mask defaults to all ones of the field (iproute2 sends UINTn_MAX). */
export function maskedUint(t: Token, what: string, max: number, valueBase: Base, maskBase: Base = valueBase): Masked {
  const [v, m] = splitSlash(t);
  return { value: numberIn(v, what, max, valueBase), mask: m ? numberIn(m, `${what} mask`, max, maskBase) : max };
}

function ipv4In(p: Part, what: string): number {
  const at = positionIn(p.tok, p.offset);
  if (p.text.includes(':')) failAt(at, `IPv6 is not supported by the simulator: "${p.text}"`);
  const a = parseIpv4(p.text);
  if (a === null) failAt(at, `invalid ${what} "${p.text}": expected an IPv4 address`);
  return a;
}

/** An IPv4 address: the whole token, or its first `to` characters (the host of `IP:PORT`). */
export function ipv4(t: Token, what: string, to = t.text.length): number {
  return ipv4In({ tok: t, text: t.text.slice(0, to), offset: 0 }, what);
}

/** An IPv4 or IPv6 address (inet_pton of either family, as iproute2's get_addr with AF_UNSPEC). */
function ipIn(p: Part, what: string): IpAddr {
  if (!p.text.includes(':')) return { family: 4, addr: ipv4In(p, what) };
  const a = parseIpv6(p.text);
  if (a === null) failAt(positionIn(p.tok, p.offset), `invalid ${what} "${p.text}": expected an IPv6 address`);
  return { family: 6, addr: a };
}

export function ipAddr(t: Token, what: string): IpAddr {
  return ipIn(whole(t), what);
}

/** An address of either family in part of a token. */
export function ipSlice(t: Token, from: number, to: number, what: string): IpAddr {
  return ipIn({ tok: t, text: t.text.slice(from, to), offset: from }, what);
}

function netmaskBits(mask: number): number {
  for (let len = 0; len <= 32; len++) if (prefixMask(len) === mask) return len;
  return -1;
}

/** ADDR[/LEN] or ADDR/NETMASK (IPv4 only), as iproute2 get_prefix reads it; IPv6 up to /128. */
export function prefix(t: Token, what: string): Prefix {
  const [a, l] = splitSlash(t);
  const { family, addr } = ipIn(a, what);
  const bits = family === 6 ? 128 : 32;
  if (!l) return { family, addr, len: bits };
  let len = readUint(l.text, 0);
  if (Number.isNaN(len) && family === 4) {
    const mask = parseIpv4(l.text);
    len = mask === null ? -1 : netmaskBits(mask);
  }
  if (!(len >= 0 && len <= bits)) failAt(positionIn(t, l.offset - 1), `invalid prefix length "/${l.text}"`);
  return { family, addr, len };
}

function macIn(p: Part, what: string): number {
  const m = parseMac(p.text);
  if (m === null) failAt(positionIn(p.tok, p.offset), `invalid ${what} "${p.text}": expected a MAC address`);
  return m;
}

export function mac(t: Token, what: string): number {
  return macIn(whole(t), what);
}

const MAC_ALL = 2 ** 48 - 1;

/** MAC[/MASK] or MAC/BITS (flower_parse_eth_addr). */
export function maskedMac(t: Token, what: string): Masked {
  const [v, m] = splitSlash(t);
  const value = macIn(v, what);
  if (!m) return { value, mask: MAC_ALL };
  const bits = readUint(m.text, 10);
  if (Number.isNaN(bits)) return { value, mask: macIn(m, `${what} mask`) };
  if (bits > 48) failAt(positionIn(t, m.offset), `invalid ${what} mask "/${m.text}": must be 0-48 bits`);
  return { value, mask: MAC_ALL + 1 - 2 ** (48 - bits) };
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A network device name the kernel accepts (dev_valid_name: IFNAMSIZ, no '/', ':' or spaces). */
export function ifname(t: Token): Spanned<string> {
  const name = t.text;
  const bad = (why: string): never => failAt(t, `invalid device name "${name}": ${why}`);
  if (name.length === 0) bad('it is empty');
  if (utf8Length(name) > 15) bad('at most 15 bytes');
  if (name === '.' || name === '..') bad('reserved name');
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '/' || c === ':' || c === ' ' || c === '\t') bad(`"${c}" is not allowed`);
  }
  return spanned(t);
}

const LABEL_BYTES = 16;

/** Hex digits into the first bytes of a label, as hex2mem(str, buf, len / 2) does. */
function labelBytes(p: Part, what: string): Label {
  if (p.text.length > LABEL_BYTES * 2) failAt(positionIn(p.tok, p.offset), `invalid ${what} "${p.text}": at most ${LABEL_BYTES * 2} hex digits`);
  const words = [0, 0, 0, 0];
  // An odd last digit is never read by hex2mem, so iproute2 drops it; so does the simulator.
  for (let byte = 0; byte < p.text.length >> 1; byte++) {
    const hi = digit(p.text.charCodeAt(2 * byte));
    const lo = digit(p.text.charCodeAt(2 * byte + 1));
    if (hi > 15 || lo > 15) failAt(positionIn(p.tok, p.offset), `invalid ${what} "${p.text}": expected hex digits`);
    words[byte >> 2] += (hi * 16 + lo) * 2 ** (24 - 8 * (byte & 3));
  }
  return [words[0], words[1], words[2], words[3]];
}

/**
 * HEX[/HEXMASK]: left-aligned into 16 bytes, the rest zero; without a mask every bit is
 * significant (iproute2 sends 16 bytes of 0xff; the kernel zero-fills short attributes).
 */
export function maskedLabel(t: Token, what: string): MaskedLabel {
  const [v, m] = splitSlash(t);
  return { value: labelBytes(v, what), mask: m ? labelBytes(m, `${what} mask`) : [U32, U32, U32, U32] };
}

const MICROS = 1_000_000;

/** Seconds with up to six decimals: the virtual clock counts integer microseconds. */
export function seconds(t: Token, what: string, max: number): number {
  const text = t.text;
  const dot = text.indexOf('.');
  const int = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? '' : text.slice(dot + 1);
  const digits = (s: string) => [...s].every((c) => c >= '0' && c <= '9');
  if ((int === '' && frac === '') || !digits(int) || !digits(frac)) failAt(t, `invalid ${what} "${text}": expected seconds, e.g. 1.5`);
  if (frac.length > 6) failAt(t, `invalid ${what} "${text}": the clock resolution is 1 microsecond (at most 6 decimals)`);
  const micros = Number(int || '0') * MICROS + Number(frac.padEnd(6, '0'));
  if (micros > max * MICROS) failAt(t, `invalid ${what} "${text}": at most ${max} seconds`);
  return micros / MICROS;
}
