/**
 * `ct` action options (iproute2 tc/m_ct.c parse_ct) with its consistency rules, and the
 * kernel's (net/sched/act_ct.c tcf_ct_fill_params) treatment of what it keeps.
 */
import type { ActionSpec, CtActionSpec, NatSpec } from './ast';
import { compare6 } from '../model/addr6';
import { Cursor, keywordOf, matches, Once, positionIn, prefix, spanOf } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { indexValue, parseControl, parseIndex, PIPE } from './parse-control';
import { ipProtocolNumber } from './protocols';
import { ipSlice, maskedLabel, maskedUint, readUint, uint, uintSlice, U16, U32, U8 } from './values';

/** parse_ct's if-chain order: `c` abbreviates clear, `h` help. */
const CT_CHAIN = prefix('zone', 'nat', 'clear', 'commit', 'force', 'index', 'mark', 'label', 'help', 'helper');

const MORE_AFTER_NAT = 'iproute2 m_ct.c reads one more word here; end the action with a control such as "pipe"';

/**
 * `A[-B]` of `nat src|dst addr`, IPv4 or IPv6 (ct_parse_nat_addr_range: get_addr with
 * AF_UNSPEC, both ends of one family).
 */
function natAddresses(t: Token, nat: NatSpec): void {
  const dash = t.text.indexOf('-');
  const stop = dash < 0 ? t.text.length : dash;
  const min = ipSlice(t, 0, stop, 'nat address');
  const max = dash < 0 ? min : ipSlice(t, dash + 1, t.text.length, 'nat address');
  if (max.family !== min.family) failAt(positionIn(t, dash + 1), `invalid nat address range "${t.text}": both ends must be of one family`);
  nat.family = min.family;
  nat.addrMin = min.addr;
  nat.addrMax = max.addr;
  const above = min.family === 6 ? compare6(min.addr, max.addr) > 0 : min.addr > max.addr;
  if (above) failAt(t, `invalid nat address range "${t.text}": the first address is above the last`);
}

/** `P[-Q]` of `port` (get_be16 base 10). */
function natPorts(t: Token, nat: NatSpec): void {
  const dash = t.text.indexOf('-');
  const stop = dash < 0 ? t.text.length : dash;
  nat.portMin = uintSlice(t, 0, stop, 'nat port', U16, 10);
  nat.portMax = dash < 0 ? nat.portMin : uintSlice(t, dash + 1, t.text.length, 'nat port', U16, 10);
  if (nat.portMin > nat.portMax) failAt(t, `invalid nat port range "${t.text}": the first port is above the last`);
}

/** FAMILY-PROTO-NAME (ct_parse_helper); the name must fit the kernel's 16-byte helper name. */
function parseHelper(t: Token): string {
  const parts = t.text.split('-');
  const bad = (why: string): never => failAt(t, `invalid helper "${t.text}": ${why}`);
  if (t.text.length >= 32 || parts.length !== 3 || parts.some((p) => p === '')) bad('expected FAMILY-PROTO-NAME such as ipv4-tcp-ftp');
  const [family, proto, name] = parts;
  if (family !== 'ipv4' && family !== 'ipv6') bad('the family must be ipv4 or ipv6');
  const number = ipProtocolNumber(proto) ?? readUint(proto, 10);
  if (!(number <= U8)) bad(`unknown protocol "${proto}"`);
  if (name.length > 15) bad('the helper name is at most 15 characters');
  return t.text;
}

/** Parses the options after the `ct` word (already taken) up to and including its control and index. */
export function parseCtAction(c: Cursor, kind: Token): ActionSpec {
  const ct: CtActionSpec = { kind: 'ct', zone: 0, commit: false, force: false, clear: false };
  const once = new Once();
  let options = 0;
  let index: number | undefined;
  let clearTok: Token | undefined;
  let natTok: Token | undefined;
  let dirTok: Token | undefined;
  for (let kw = c.peek(); kw; kw = c.peek()) {
    const opt = keywordOf(kw, CT_CHAIN);
    if (!opt) break;
    c.take();
    if (opt !== 'nat') once.mark(opt, kw);
    if (opt !== 'index') options++;
    switch (opt) {
      case 'zone':
        ct.zone = uint(c.value(kw), 'zone', U16, 0);
        break;
      case 'commit':
        ct.commit = true;
        break;
      case 'force':
        ct.force = true;
        break;
      case 'clear':
        ct.clear = true;
        clearTok = kw;
        break;
      case 'index':
        index = indexValue(c, kw);
        break;
      case 'mark':
        ct.mark = maskedUint(c.value(kw), 'mark', U32, 0);
        break;
      case 'label':
        ct.label = maskedLabel(c.value(kw), 'label');
        break;
      case 'helper':
        ct.helper = parseHelper(c.value(kw));
        break;
      case 'help':
        failAt(kw, '"help" is not supported by the simulator');
        break;
      case 'nat': {
        natTok = kw;
        const dir = c.take();
        if (!dir) failAt(kw, `missing argument after "nat": ${MORE_AFTER_NAT}`);
        const type = keywordOf(dir, prefix('src', 'dst'));
        if (!type) {
          c.unread();
          ct.nat ??= { type: 'restore' };
          break;
        }
        if (ct.nat && ct.nat.type !== 'restore') {
          if (ct.nat.type === type) failAt(kw, `duplicate "nat ${type}"`);
          failAt(kw, "ct: src and dst nat can't be used together");
        }
        dirTok = kw;
        const nat: NatSpec = { type };
        const addrKw = c.value(dir);
        if (!matches(addrKw.text, 'addr')) failAt(addrKw, `expected "addr" after "nat ${type}"`);
        const addrs = c.value(addrKw);
        natAddresses(addrs, nat);
        const next = c.take();
        if (!next) failAt(addrs, `missing argument after "${addrs.text}": ${MORE_AFTER_NAT}`);
        if (matches(next.text, 'port')) natPorts(c.value(next), nat);
        else c.unread();
        ct.nat = nat;
        break;
      }
    }
  }
  if (clearTok && (ct.commit || ct.force || natTok)) failAt(clearTok, 'ct: clear can only be used alone');
  if (ct.commit && natTok && !dirTok) failAt(natTok, 'ct: commit and nat must set src or dst');
  if (!ct.commit && dirTok) failAt(dirTok, 'ct: src or dst is only valid if commit is set');
  const control = parseControl(c);
  const tail = c.peek();
  if (once.has('index') && tail && !tail.op && matches(tail.text, 'index')) failAt(tail, 'duplicate "index"');
  index ??= parseIndex(c);
  // tcf_ct_fill_params stops at `clear`: zone, mark, labels and helper are not kept.
  const body: CtActionSpec = ct.clear ? { kind: 'ct', zone: 0, commit: false, force: false, clear: true } : ct;
  return {
    body,
    control: control ?? PIPE,
    index,
    bindOnly: index !== undefined && options === 0 && !control,
    span: spanOf(kind),
  };
}
