/** The datapath's packet tap writing a pcapng capture (`--pcap`), optionally of one device. */
import type { PacketTap } from '../datapath';
import type { Env } from '../env';
import type { Packet } from '../model/packet';
import { encodeFrame } from './frame';
import { PcapngWriter } from './pcapng';

export class PcapTap implements PacketTap {
  readonly pcap = new PcapngWriter();

  constructor(
    private readonly env: Env,
    /** Only this device's frames (`tcpdump -i DEV`); all devices when undefined. */
    private readonly dev: string | undefined,
  ) {}

  frame(pkt: Packet, dev: string, dir: 'in' | 'out'): void {
    // Only IPv4 frames are encoded so far (frame.ts).
    if ((this.dev === undefined || dev === this.dev) && pkt.family === 4) this.pcap.add(dev, dir, this.env.now(), encodeFrame(pkt));
  }
}
