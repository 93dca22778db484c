/**
 * TCP connection tracking (net/netfilter/nf_conntrack_proto_tcp.c): tcp_error, tcp_new,
 * the tcp_conntracks state table, nf_conntrack_tcp_packet and tcp_in_window.
 *
 * Modelled: the state table, flag validity, mid-stream pickup (nf_conntrack_tcp_loose),
 * simultaneous open, the TIME_WAIT/CLOSE re-open, ignored packets and their SYN/ACK resync,
 * RST sequence checks, window tracking per direction (td_end / td_maxend / td_maxwin /
 * td_maxack, window scale 0: segments carry no options), BE_LIBERAL, the timeout rules.
 * Simplified: no SACK blocks (no options on segments), no NAT sequence adjustment, and no
 * retransmission counter (tcp_max_retrans / the RETRANS timeout after repeated identical
 * segments is not applied).
 */
import { US_PER_SEC } from '../clock';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG, type Packet } from '../model/packet';
import { L4_ACCEPT, L4_INVALID, L4_REPEAT, type L4Host, type L4Verdict } from './l4';
import {
  TCPF_BE_LIBERAL,
  TCPF_CLOSE_INIT,
  TCPF_DATA_UNACKNOWLEDGED,
  TCPF_EXP_CHALLENGE_ACK,
  TCPF_MAXACK_SET,
  TCPF_SACK_PERM,
  TCPF_SIMULTANEOUS_OPEN,
  type CtStore,
} from './storage';
import { TCP_TIMEOUT_RETRANS, TCP_TIMEOUT_UNACK } from './timeouts';
import { DIR_ORIGINAL, DIR_REPLY, IPS_ASSURED, IPS_FIXED_TIMEOUT, IPS_SEEN_REPLY, TCP_STATE_NAMES, type Dir } from './types';
import { H8, H16, H32, H64, H_STATUS, H_TCP_STATE, H_LAST_INDEX, H_LAST_DIR, H_LAST_FLAGS, H_LAST_ACK, H_LAST_END, H_LAST_WIN, H_TIMEOUT_AT, tdFlagsAt } from './storage';

// enum tcp_conntrack, plus the table's two pseudo states.
const sNO = 0;
const sSS = 1;
const sSR = 2;
const sES = 3;
const sFW = 4;
const sCW = 5;
const sLA = 6;
const sTW = 7;
const sCL = 8;
const sS2 = 9;
const sIV = 10; // TCP_CONNTRACK_MAX: invalid
const sIG = 11; // TCP_CONNTRACK_IGNORE

// enum tcp_bit_set (get_conntrack_index).
const TCP_SYN_SET = 0;
const TCP_SYNACK_SET = 1;
const TCP_FIN_SET = 2;
const TCP_ACK_SET = 3;
const TCP_RST_SET = 4;
const TCP_NONE_SET = 5;

const STATES = 10;
const INDEXES = 6;

/** tcp_conntracks[dir][index][old_state] (current kernels' rows). */
// prettier-ignore
const TABLE = new Uint8Array([
  /* ORIGINAL     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
  /* syn    */    sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2,
  /* synack */    sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR,
  /* fin    */    sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
  /* ack    */    sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV,
  /* rst    */    sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
  /* none   */    sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
  /* REPLY        sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
  /* syn    */    sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2,
  /* synack */    sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR,
  /* fin    */    sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
  /* ack    */    sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG,
  /* rst    */    sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
  /* none   */    sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
]);

export function tcpTransition(dir: Dir, index: number, state: number): number {
  return TABLE[(dir * INDEXES + index) * STATES + state];
}

/** get_conntrack_index(): RST > SYN (SYN/ACK) > FIN > ACK > none. */
export function tcpPacketIndex(flags: number): number {
  if (flags & TCP_RST) return TCP_RST_SET;
  if (flags & TCP_SYN) return flags & TCP_ACK ? TCP_SYNACK_SET : TCP_SYN_SET;
  if (flags & TCP_FIN) return TCP_FIN_SET;
  if (flags & TCP_ACK) return TCP_ACK_SET;
  return TCP_NONE_SET;
}

/** tcp_valid_flags[]: PSH, ECE and CWR are always allowed. */
const VALID_FLAGS = new Set([
  TCP_SYN,
  TCP_SYN | TCP_URG,
  TCP_SYN | TCP_ACK,
  TCP_RST,
  TCP_RST | TCP_ACK,
  TCP_FIN | TCP_ACK,
  TCP_FIN | TCP_ACK | TCP_URG,
  TCP_ACK,
  TCP_ACK | TCP_URG,
]);
const VALID = new Uint8Array(64);
for (const f of VALID_FLAGS) VALID[f] = 1;

/** tcp_error(): only the flag combination can be wrong here (no truncated headers or checksums). */
export function tcpFlagsValid(flags: number): boolean {
  return VALID[flags & ~(TCP_ECE | TCP_CWR | TCP_PSH) & 0x3f] === 1;
}

// ---- sequence arithmetic (before()/after() in include/net/tcp.h) ----------------------------
const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const after = (a: number, b: number): boolean => ((b - a) | 0) < 0;
const u32 = (x: number): number => x >>> 0;

/** segment_seq_plus_len(): the sequence number after the segment (SYN and FIN count one). */
function segmentEnd(p: Packet): number {
  return u32(p.seq + p.payloadLen + (p.tcpFlags & TCP_SYN ? 1 : 0) + (p.tcpFlags & TCP_FIN ? 1 : 0));
}

const MAXACKWINCONST = 66000;

const enum Win {
  ACCEPT,
  IGNORE,
  INVALID,
}

/**
 * tcp_new(): initialises a brand-new entry from its first packet. Only a SYN (SYN_SENT) or,
 * with nf_conntrack_tcp_loose, an ACK (mid-stream pickup, both directions liberal) may
 * create a connection.
 */
export function tcpNew(h: L4Host, slot: number, p: Packet): boolean {
  const s = h.store;
  const newState = tcpTransition(DIR_ORIGINAL, tcpPacketIndex(p.tcpFlags), sNO);
  if (newState >= sIV) {
    h.reason = 'invalid new connection (not a SYN)';
    return false;
  }
  const o = 2 * slot;
  const orig = s.sender.at(o);
  if (newState === sSS) {
    s.clearTcp(slot);
    orig.end = segmentEnd(p);
    orig.maxwin = p.win === 0 ? 1 : p.win;
    orig.maxend = orig.end;
  } else if (h.env.sysctl.hot.tcpLoose === 0) {
    h.reason = 'mid-stream pickup refused (nf_conntrack_tcp_loose=0)';
    return false;
  } else {
    s.clearTcp(slot);
    orig.end = segmentEnd(p);
    orig.maxwin = p.win === 0 ? 1 : p.win;
    orig.maxend = u32(orig.end + orig.maxwin);
    // "We assume SACK and liberal window checking to handle window scaling".
    s.h8[tdFlagsAt(o)] = s.h8[tdFlagsAt(o + 1)] = TCPF_SACK_PERM | TCPF_BE_LIBERAL;
  }
  s.h8[slot * H8 + H_LAST_INDEX] = TCP_NONE_SET;
  return true;
}

/** tcp_init_sender(): a SYN or SYN/ACK (re)initialises the sender's window data. */
function initSender(s: CtStore, sender: number, end: number, win: number): void {
  const snd = s.sender.at(sender);
  snd.end = end;
  snd.maxend = end;
  snd.maxwin = win === 0 ? 1 : win;
}

/** nf_tcp_store_invalid(): BE_LIBERAL (sysctl or per direction) turns any failure into ACCEPT. */
function outOfWindow(h: L4Host, sender: number, result: Win, reason: string): Win {
  if (h.store.h8[tdFlagsAt(sender)] & TCPF_BE_LIBERAL || h.env.sysctl.hot.tcpBeLiberal) {
    return Win.ACCEPT;
  }
  h.reason = reason;
  return result;
}

/** tcp_in_window(): checks I–IV and, for an acceptable segment, updates both directions. */
function tcpInWindow(h: L4Host, slot: number, dir: Dir, index: number, p: Packet): Win {
  const s = h.store;
  const sender = 2 * slot + dir;
  const receiver = 2 * slot + (dir ^ 1);
  const snd = s.sender.at(sender);
  const rcv = s.receiver.at(receiver);
  const state = s.h8[slot * H8 + H_TCP_STATE];
  const flags = p.tcpFlags;
  let seq = u32(p.seq);
  let ack = u32(p.ack);
  let sack = ack;
  const win = p.win & 0xffff;
  let end = segmentEnd(p);
  const modern = h.behaviour.tcpIgnoreBelowWindow;

  if (snd.maxwin === 0) {
    if (flags & TCP_SYN) {
      // SYN/ACK in reply to a SYN, or a SYN from the reply direction (simultaneous open).
      initSender(s, sender, end, win);
      if (!(flags & TCP_ACK)) return Win.ACCEPT;
    } else {
      // Mid-connection: its history is lost, use the data from the packet.
      snd.end = end;
      snd.maxwin = win === 0 ? 1 : win;
      snd.maxend = u32(end + snd.maxwin);
      if (rcv.maxwin === 0) {
        rcv.end = rcv.maxend = sack;
      } else if (modern && sack === u32(rcv.end + 1)) {
        rcv.end = sack; // likely a reply to a keepalive
      }
    }
  } else if (modern) {
    if (flags & TCP_SYN && after(end, snd.end) && (state === sSS || state === sSR)) {
      // RFC 793: a reinitialised TCP uses larger sequence numbers; re-init this direction.
      initSender(s, sender, end, win);
      if (dir === DIR_REPLY && !(flags & TCP_ACK)) return Win.ACCEPT;
    }
  } else if (((state === sSS && dir === DIR_ORIGINAL) || (state === sSR && dir === DIR_REPLY)) && after(end, snd.end)) {
    initSender(s, sender, end, win);
  }

  if (!(flags & TCP_ACK)) {
    ack = sack = rcv.end; // no ACK: pretend it was set and acceptable
  } else if ((flags & (TCP_ACK | TCP_RST)) === (TCP_ACK | TCP_RST) && ack === 0) {
    ack = sack = rcv.end; // broken stacks: RST|ACK with a zero ack
  }
  if (flags & TCP_RST && seq === 0 && state === sSS) {
    seq = end = snd.end; // RST answering a SYN
  }

  const maxAckWindow = snd.maxwin > MAXACKWINCONST ? snd.maxwin : MAXACKWINCONST;
  const seqOk = before(seq, u32(snd.maxend + 1));
  const ackOk = before(sack, u32(rcv.end + 1));
  const inRecvWin = rcv.maxwin === 0 || after(end, u32(snd.end - rcv.maxwin - 1));
  const ackAboveLower = after(sack, u32(rcv.end - maxAckWindow - 1));

  if (modern) {
    if (!seqOk) {
      const overshot = u32(end - snd.maxend + 1);
      if (rcv.maxwin !== 0 && inRecvWin && ackAboveLower && overshot <= rcv.maxwin && ackOk) {
        // A sender that overshoots the receive window: remember the data so its ACK passes.
        snd.end = end;
        s.h8[tdFlagsAt(sender)] |= TCPF_DATA_UNACKNOWLEDGED;
        return outOfWindow(h, sender, Win.IGNORE, 'bytes more than expected');
      }
      return outOfWindow(h, sender, Win.INVALID, 'SEQ is over upper bound (over the window of the receiver)');
    }
    if (!ackOk) return outOfWindow(h, sender, Win.INVALID, 'ACK is over upper bound (ACKed data not seen yet)');
    if (!inRecvWin) return outOfWindow(h, sender, Win.IGNORE, 'SEQ is under lower bound (already ACKed data retransmitted)');
    if (!ackAboveLower) return outOfWindow(h, sender, Win.IGNORE, 'ignored ACK under lower bound (possible overly delayed)');
  } else if (!(seqOk && inRecvWin && ackOk && ackAboveLower)) {
    return outOfWindow(
      h,
      sender,
      Win.INVALID,
      !seqOk
        ? 'SEQ is over the upper bound (over the window of the receiver)'
        : !inRecvWin
          ? 'SEQ is under the lower bound (already ACKed data retransmitted)'
          : !ackOk
            ? 'ACK is over the upper bound (ACKed data not seen yet)'
            : 'ACK is under the lower bound (possible overly delayed ACK)',
    );
  }

  // Update sender data (window scale is 0: no options are modelled).
  const swin = u32(win + (sack - ack));
  if (snd.maxwin < swin) snd.maxwin = swin;
  if (after(end, snd.end)) {
    snd.end = end;
    s.h8[tdFlagsAt(sender)] |= TCPF_DATA_UNACKNOWLEDGED;
  }
  if (flags & TCP_ACK) {
    if (!(s.h8[tdFlagsAt(sender)] & TCPF_MAXACK_SET)) {
      snd.maxack = ack;
      s.h8[tdFlagsAt(sender)] |= TCPF_MAXACK_SET;
    } else if (after(ack, snd.maxack)) {
      snd.maxack = ack;
    }
  }
  // Update receiver data.
  if (rcv.maxwin !== 0 && after(end, snd.maxend)) {
    rcv.maxwin = u32(rcv.maxwin + end - snd.maxend);
  }
  if (after(u32(sack + win), u32(rcv.maxend - 1))) {
    rcv.maxend = u32(sack + win + (win === 0 ? 1 : 0));
  }
  if (ack === rcv.end) s.h8[tdFlagsAt(receiver)] &= ~TCPF_DATA_UNACKNOWLEDGED;
  if (index === TCP_ACK_SET) {
    s.h32[slot * H32 + H_LAST_ACK] = ack;
    s.h32[slot * H32 + H_LAST_END] = end;
    s.h16[slot * H16 + H_LAST_WIN] = win;
  }
  return Win.ACCEPT;
}

/** nf_conntrack_tcp_established(). */
function established(s: CtStore, slot: number): boolean {
  return s.h8[slot * H8 + H_TCP_STATE] === sES && (s.h16[slot * H16 + H_STATUS] & IPS_ASSURED) !== 0;
}

/** tcp_can_early_drop(): closing states, in which a RST is not sequence-checked. */
function closing(state: number): boolean {
  return state === sFW || state === sLA || state === sTW || state === sCL || state === sCW;
}

/** nf_tcp_handle_invalid(): an out-of-window FIN/RST from both sides lowers the timeout to UNACK. */
function lowerTimeoutOnInvalid(h: L4Host, slot: number, dir: Dir, index: number): void {
  const s = h.store;
  if (!(s.h16[slot * H16 + H_STATUS] & IPS_ASSURED) || s.h16[slot * H16 + H_STATUS] & IPS_FIXED_TIMEOUT) return;
  if (index !== TCP_RST_SET && index !== TCP_FIN_SET) return;
  if (s.h8[slot * H8 + H_LAST_DIR] !== dir && (s.h8[slot * H8 + H_LAST_INDEX] === TCP_FIN_SET || s.h8[slot * H8 + H_LAST_INDEX] === TCP_RST_SET)) {
    const now = h.env.now();
    const expires = s.hf64[slot * H64 + H_TIMEOUT_AT] - now;
    const unack = h.env.sysctl.get(TCP_TIMEOUT_UNACK) * US_PER_SEC;
    if (expires >= 120 * US_PER_SEC && expires > unack) h.setTimeoutAt(slot, now + unack);
  } else {
    s.h8[slot * H8 + H_LAST_INDEX] = index;
    s.h8[slot * H8 + H_LAST_DIR] = dir;
  }
}

function stateTimeoutSec(h: L4Host, state: number): number {
  return h.tcpStateTimeout[state];
}

/** The ignored-packet bookkeeping of nf_conntrack_tcp_packet's TCP_CONNTRACK_IGNORE case. */
function ignorePacket(h: L4Host, slot: number, dir: Dir, index: number, old: number, p: Packet): L4Verdict {
  const s = h.store;
  s.h8[slot * H8 + H_LAST_INDEX] = index;
  s.h8[slot * H8 + H_LAST_DIR] = dir;
  s.h32[slot * H32 + H_LAST_END] = segmentEnd(p);
  s.h16[slot * H16 + H_LAST_WIN] = p.win & 0xffff;
  if (index === TCP_SYN_SET && dir === DIR_ORIGINAL) {
    // A SYN in ORIGINAL: client and server may be in sync while we are not. In LAST_ACK the
    // server may answer with an RFC 5961 challenge ACK that must not close the entry.
    s.h8[slot * H8 + H_LAST_FLAGS] = old === sLA ? TCPF_EXP_CHALLENGE_ACK : 0;
  }
  if (old === sSS && index === TCP_ACK_SET && dir === DIR_REPLY) s.h32[slot * H32 + H_LAST_ACK] = u32(p.ack);
  if (h.env.events.active) h.reason = `packet (index ${index}) in dir ${dir} ignored, state ${TCP_STATE_NAMES[old]}`;
  return L4_ACCEPT;
}

/**
 * nf_conntrack_tcp_packet(): validity, the state table, window tracking and the timeout.
 * `confirmed` is false for the packet that created the entry (tcp_new runs first).
 */
export function tcpPacket(h: L4Host, slot: number, dir: Dir, p: Packet, confirmed: boolean): L4Verdict {
  const s = h.store;
  const flags = p.tcpFlags;
  if (!tcpFlagsValid(flags)) {
    h.reason = 'invalid tcp flag combination';
    return L4_INVALID;
  }
  if (!confirmed && !tcpNew(h, slot, p)) return L4_INVALID;

  let old = s.h8[slot * H8 + H_TCP_STATE];
  const index = tcpPacketIndex(flags);
  let next = tcpTransition(dir, index, old);
  let skipWindow = false;

  switch (next) {
    case sSS:
    case sIG:
      if (next === sSS) {
        if (old < sTW) break;
        // RFC 1122 re-open from TIME_WAIT/CLOSE, or a client aborting and starting over:
        // delete this connection and look the packet up again as a new one.
        const closeInit = (s.h8[tdFlagsAt(2 * slot)] | s.h8[tdFlagsAt(2 * slot + 1)]) & TCPF_CLOSE_INIT;
        if (closeInit || (s.h8[slot * H8 + H_LAST_DIR] === dir && s.h8[slot * H8 + H_LAST_INDEX] === TCP_RST_SET)) {
          h.kill(slot, 'replaced');
          return L4_REPEAT;
        }
      }
      if (index === TCP_SYNACK_SET && s.h8[slot * H8 + H_LAST_INDEX] === TCP_SYN_SET && s.h8[slot * H8 + H_LAST_DIR] !== dir && u32(p.ack) === s.h32[slot * H32 + H_LAST_END]) {
        // This SYN/ACK acknowledges a SYN we ignored: both ends are in sync, we are not.
        // Resynchronise from the annotated SYN.
        const last = 2 * slot + s.h8[slot * H8 + H_LAST_DIR];
        const lastSeen = s.sender.at(last);
        old = sSS;
        next = sSR;
        lastSeen.end = s.h32[slot * H32 + H_LAST_END];
        lastSeen.maxend = s.h32[slot * H32 + H_LAST_END];
        lastSeen.maxwin = s.h16[slot * H16 + H_LAST_WIN] === 0 ? 1 : s.h16[slot * H16 + H_LAST_WIN];
        s.h8[slot * H8 + H_LAST_FLAGS] &= ~TCPF_EXP_CHALLENGE_ACK;
        s.h8[tdFlagsAt(last)] = s.h8[slot * H8 + H_LAST_FLAGS];
        const cur = 2 * slot + dir;
        const current = s.receiver.at(cur);
        current.end = current.maxend = current.maxwin = current.maxack = 0;
        s.h8[tdFlagsAt(cur)] &= TCPF_BE_LIBERAL;
        break;
      }
      return ignorePacket(h, slot, dir, index, old, p);
    case sIV:
      if (h.env.events.active) h.reason = `packet (index ${index}) in dir ${dir} invalid, state ${TCP_STATE_NAMES[old]}`;
      return L4_INVALID;
    case sTW:
      if (
        old === sLA &&
        index === TCP_ACK_SET &&
        s.h8[slot * H8 + H_LAST_DIR] !== dir &&
        s.h8[slot * H8 + H_LAST_INDEX] === TCP_SYN_SET &&
        s.h8[slot * H8 + H_LAST_FLAGS] & TCPF_EXP_CHALLENGE_ACK
      ) {
        // An RFC 5961 challenge ACK answering a spurious SYN does not ACK the last FIN.
        s.h8[slot * H8 + H_LAST_FLAGS] &= ~TCPF_EXP_CHALLENGE_ACK;
        h.reason = 'challenge-ack ignored';
        return L4_ACCEPT;
      }
      break;
    case sS2:
      s.h8[slot * H8 + H_LAST_FLAGS] |= TCPF_SIMULTANEOUS_OPEN; // the table cannot express simultaneous open
      break;
    case sSR:
      if (dir === DIR_REPLY && index === TCP_ACK_SET && s.h8[slot * H8 + H_LAST_FLAGS] & TCPF_SIMULTANEOUS_OPEN) next = sES;
      break;
    case sCL: {
      if (index !== TCP_RST_SET) break;
      const verdict = checkRst(h, slot, dir, old, p);
      if (verdict === RST_INVALID) return L4_INVALID;
      if (verdict === RST_KEEP_STATE) next = old;
      skipWindow = verdict === RST_SKIP_WINDOW;
      break;
    }
  }

  if (!skipWindow) {
    const res = tcpInWindow(h, slot, dir, index, p);
    if (res === Win.IGNORE) return L4_ACCEPT;
    if (res === Win.INVALID) {
      if (h.behaviour.tcpIgnoreBelowWindow) lowerTimeoutOnInvalid(h, slot, dir, index);
      return L4_INVALID;
    }
  }

  // From here on the packet is in window.
  s.h8[slot * H8 + H_LAST_INDEX] = index;
  s.h8[slot * H8 + H_LAST_DIR] = dir;
  s.h8[slot * H8 + H_TCP_STATE] = next;
  if (old !== next && next === sFW) s.h8[tdFlagsAt(2 * slot + dir)] |= TCPF_CLOSE_INIT;

  const stateTimeout = stateTimeoutSec(h, next);
  const unack = h.env.sysctl.get(TCP_TIMEOUT_UNACK);
  let timeout: number;
  if (index === TCP_RST_SET) {
    timeout = stateTimeoutSec(h, sCL);
  } else if ((s.h8[tdFlagsAt(2 * slot)] | s.h8[tdFlagsAt(2 * slot + 1)]) & TCPF_DATA_UNACKNOWLEDGED && stateTimeout > unack) {
    timeout = unack;
  } else if (s.h16[slot * H16 + H_LAST_WIN] === 0 && stateTimeout > h.env.sysctl.get(TCP_TIMEOUT_RETRANS)) {
    timeout = h.env.sysctl.get(TCP_TIMEOUT_RETRANS);
  } else {
    timeout = stateTimeout;
  }

  if (!(s.h16[slot * H16 + H_STATUS] & IPS_SEEN_REPLY)) {
    if (flags & TCP_RST) {
      // "If only reply is a RST, we can consider ourselves not to have an established
      // connection": delete it now (nf_ct_kill_acct).
      h.account(slot, dir, p);
      h.kill(slot, 'killed');
      return L4_ACCEPT;
    }
    if (h.behaviour.tcpSynRetransKeepsTimeout && index === TCP_SYN_SET && old === sSS) {
      return L4_ACCEPT; // a SYN retransmit does not renew the timeout
    }
    // A picked-up (loose) ESTABLISHED without a reply keeps the short UNACK timeout.
    if (next === sES && timeout > unack) timeout = unack;
  } else if (!(s.h16[slot * H16 + H_STATUS] & IPS_ASSURED) && (old === sSR || old === sES) && next === sES) {
    // A valid ACK in ESTABLISHED after SYN_RECV, or an answer to a picked-up connection.
    s.h16[slot * H16 + H_STATUS] |= IPS_ASSURED;
  }
  h.refreshAcct(slot, dir, p, timeout);
  return L4_ACCEPT;
}

const RST_CHECK_WINDOW = 0;
const RST_SKIP_WINDOW = 1;
const RST_KEEP_STATE = 2;
const RST_INVALID = 3;

/** The TCP_CONNTRACK_CLOSE case for a RST: sequence checks against the peer's max ACK. */
function checkRst(h: L4Host, slot: number, dir: Dir, old: number, p: Packet): number {
  const s = h.store;
  // Closing: the tuple may have been reused already; do not validate.
  if (closing(s.h8[slot * H8 + H_TCP_STATE])) return RST_SKIP_WINDOW;
  const peer = 2 * slot + (dir ^ 1);
  const other = s.receiver.at(peer);
  const seq = u32(p.seq);
  let result = RST_CHECK_WINDOW;
  if (s.h8[tdFlagsAt(peer)] & TCPF_MAXACK_SET && s.h8[slot * H8 + H_LAST_INDEX] !== TCP_SYN_SET) {
    if (seq === 0 && !established(s, slot)) return RST_CHECK_WINDOW; // answer to a SYN we let through
    if (before(seq, other.maxack) && !h.env.sysctl.get('net.netfilter.nf_conntrack_tcp_ignore_invalid_rst')) {
      h.reason = 'invalid rst';
      return RST_INVALID;
    }
    if (!established(s, slot) || seq === other.maxack) return RST_CHECK_WINDOW;
    // Part of a train (data then RST at its end)?
    if (s.h8[slot * H8 + H_LAST_INDEX] === TCP_ACK_SET && s.h8[slot * H8 + H_LAST_DIR] === dir && seq === s.h32[slot * H32 + H_LAST_END]) return RST_CHECK_WINDOW;
    // Not an exact match: keep the state, to allow a challenge ACK.
    result = RST_KEEP_STATE;
  }
  const ack = u32(p.ack);
  if (
    ((s.h16[slot * H16 + H_STATUS] & IPS_SEEN_REPLY && s.h8[slot * H8 + H_LAST_INDEX] === TCP_SYN_SET && s.h8[slot * H8 + H_LAST_DIR] !== dir) ||
      (!(s.h16[slot * H16 + H_STATUS] & IPS_ASSURED) && s.h8[slot * H8 + H_LAST_INDEX] === TCP_ACK_SET)) &&
    ack === s.h32[slot * H32 + H_LAST_END]
  ) {
    return RST_SKIP_WINDOW; // RST to a SYN or ACK we let through as ignored
  }
  if (old === sSS && s.h8[slot * H8 + H_LAST_INDEX] === TCP_ACK_SET && s.h8[slot * H8 + H_LAST_DIR] === DIR_REPLY && seq === s.h32[slot * H32 + H_LAST_ACK]) {
    return RST_SKIP_WINDOW; // reset answering a challenge ACK we let through
  }
  return result;
}

/**
 * flow_offload_fixup_tcp(): the flowtable hands the entry back. `pickup` (5.7) forces
 * ESTABLISHED and clears both max windows; current kernels clear MAXACK_SET so the stale
 * td_maxack cannot fail the RST check.
 */
export function tcpOffloadFixup(s: CtStore, slot: number, pickup: boolean): void {
  const o = 2 * slot;
  if (pickup) {
    s.h8[slot * H8 + H_TCP_STATE] = sES;
    s.sender.at(o).maxwin = 0;
    s.receiver.at(o + 1).maxwin = 0;
  } else {
    s.h8[tdFlagsAt(o)] &= ~TCPF_MAXACK_SET;
    s.h8[tdFlagsAt(o + 1)] &= ~TCPF_MAXACK_SET;
  }
}

/** Sets IP_CT_TCP_FLAG_BE_LIBERAL on both directions (act_ct when it offloads a TCP flow). */
export function tcpSetBeLiberal(s: CtStore, slot: number): void {
  s.h8[tdFlagsAt(2 * slot)] |= TCPF_BE_LIBERAL;
  s.h8[tdFlagsAt(2 * slot + 1)] |= TCPF_BE_LIBERAL;
}
