/**
 * Devices and what lies behind them. The default topology is one NIC in switchdev mode:
 * `uplink` (the wire), VF representors rep0…rep3 and VMs vm0…vm3, each behind its VF.
 * Redirecting to repN's egress delivers to vmN; a packet sent by vmN arrives on repN's
 * ingress. Scenarios add VXLAN, veth and dummy devices with `ip link add`.
 */
export type DeviceKind = 'uplink' | 'rep' | 'vxlan' | 'veth' | 'dummy';

export interface Device {
  name: string;
  ifindex: number;
  kind: DeviceKind;
  /** rep: the VM behind the VF. */
  vm?: string;
  /** veth: the peer device. */
  peer?: string;
  /** vxlan: VNI (undefined in `external` / collect-metadata mode), UDP port, addresses. */
  vni?: number;
  external?: boolean;
  dstPort?: number;
  local?: number;
  remote?: number;
  /** ethtool -K DEV hw-tc-offload on|off (on by default for the NIC's ports). */
  hwTcOffload: boolean;
  /** Whether the device belongs to the switchdev NIC (uplink and representors). */
  onNic: boolean;
}

export const DEFAULT_VFS = 4;

export class Devices {
  private byName = new Map<string, Device>();
  private nextIfindex = 1;
  /** Bumped by every add and remove: a Device looked up earlier by name is still that name's while it is unchanged. */
  generation = 0;

  constructor() {
    this.add({ name: 'uplink', kind: 'uplink', hwTcOffload: true, onNic: true });
    for (let i = 0; i < DEFAULT_VFS; i++) {
      this.add({ name: `rep${i}`, kind: 'rep', vm: `vm${i}`, hwTcOffload: true, onNic: true });
    }
  }

  add(d: Omit<Device, 'ifindex'>): Device {
    const dev: Device = { ...d, ifindex: this.nextIfindex++ };
    this.byName.set(dev.name, dev);
    this.generation++;
    return dev;
  }

  remove(name: string): void {
    this.byName.delete(name);
    this.generation++;
  }

  get(name: string): Device | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  all(): Device[] {
    return [...this.byName.values()];
  }

  /** The representor behind which a VM sits (vmN → repN). */
  repOfVm(vm: string): Device | undefined {
    return this.all().find((d) => d.vm === vm);
  }
}
