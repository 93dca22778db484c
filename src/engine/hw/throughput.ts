/**
 * The throughput model behind the talk's comparison (§8): with about a million connections,
 * software conntrack forwards about 1 Mpps while hardware forwards at line rate — 25 Gbit/s of
 * 114-byte VXLAN frames is about 23 Mpps.
 *
 *   line rate (pps)   = port speed / ((frame + 20 bytes of preamble and inter-frame gap) × 8)
 *   software capacity = cores × 1e9 / software cost per packet (ns)
 *   offered at line rate, a share s of the packets needs software, so
 *   modelled rate     = min(line rate, software capacity / s)       (line rate when s = 0)
 *   CPU load          = modelled rate × s / software capacity        (0–1, per core set)
 *
 * The software cost (1000 ns per packet on one core) is calibrated to the talk's ≈1 Mpps with
 * 1M connections (cache-missing conntrack and flowtable lookups); hardware costs no CPU.
 */
export interface ThroughputSettings {
  /** Port speed, Gbit/s. */
  portGbps: number;
  /** Frame size on the wire without preamble/IFG, bytes (the talk: 114-byte VXLAN packets). */
  frameBytes: number;
  /** CPU time software spends per packet, ns. */
  swCostNs: number;
  /** Cores handling the software path (RSS spreads packets over them). */
  cores: number;
}

export const DEFAULT_THROUGHPUT: ThroughputSettings = { portGbps: 25, frameBytes: 114, swCostNs: 1000, cores: 1 };

/** Ethernet preamble + start delimiter (8) and inter-frame gap (12) per frame. */
const WIRE_OVERHEAD_BYTES = 20;

export interface ThroughputFigures {
  lineRatePps: number;
  swCapacityPps: number;
  /** Share of packets software handles (0–1). */
  swShare: number;
  modelledPps: number;
  /** modelled / line rate. */
  lineShare: number;
  cpuLoad: number;
}

export function throughput(s: ThroughputSettings, hwPackets: number, swPackets: number): ThroughputFigures {
  const lineRatePps = (s.portGbps * 1e9) / ((s.frameBytes + WIRE_OVERHEAD_BYTES) * 8);
  const swCapacityPps = (s.cores * 1e9) / s.swCostNs;
  const total = hwPackets + swPackets;
  const swShare = total === 0 ? 1 : swPackets / total;
  const modelledPps = swShare === 0 ? lineRatePps : Math.min(lineRatePps, swCapacityPps / swShare);
  return { lineRatePps, swCapacityPps, swShare, modelledPps, lineShare: modelledPps / lineRatePps, cpuLoad: (modelledPps * swShare) / swCapacityPps };
}

const mpps = (pps: number): string => `${(pps / 1e6).toFixed(2)} Mpps`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** `sim show throughput`: the settings, the measured mix, and the modelled figures (all software, all hardware, this mix). */
export function renderThroughput(s: ThroughputSettings, hwPackets: number, swPackets: number): string {
  const sw = throughput(s, 0, 1);
  const hw = throughput(s, 1, 0);
  const mix = throughput(s, hwPackets, swPackets);
  return (
    `port ${s.portGbps} Gbit/s, frame ${s.frameBytes} bytes: line rate ${mpps(mix.lineRatePps)}\n` +
    `software: ${s.swCostNs} ns/packet on ${s.cores} core${s.cores === 1 ? '' : 's'}: capacity ${mpps(mix.swCapacityPps)}\n` +
    `all software: ${mpps(sw.modelledPps)} (${pct(sw.lineShare)} of line rate), cpu ${pct(sw.cpuLoad)}\n` +
    `all hardware: ${mpps(hw.modelledPps)} (${pct(hw.lineShare)} of line rate), cpu ${pct(hw.cpuLoad)}\n` +
    `this traffic: ${hwPackets} packets in hardware, ${swPackets} in software (${pct(mix.swShare)} software): ${mpps(mix.modelledPps)} (${pct(mix.lineShare)} of line rate), cpu ${pct(mix.cpuLoad)}\n`
  );
}
