/**
 * What tc needs from the rest of the simulated host. The datapath, conntrack and the NIC model
 * live elsewhere; tc reaches them only through this interface so it can be tested with fakes.
 */
import type { Conntrack } from '../conntrack/conntrack';
import type { Env } from '../env';
import type { Devices } from '../model/devices';
import type { Packet } from '../model/packet';
import type { ActCtApi } from './act_ct';
import type { Filter } from './objects';

export interface HwOffloadResult {
  /** How many driver callbacks accepted the rule (tc_setup_cb_add's ok_count). */
  inHwCount: number;
  /** The driver's extack text when it refused (e.g. `mlx5_core: matching on ct_state +new isn't supported`). */
  error?: string;
}

export interface TcHost {
  env: Env;
  devices: Devices;
  conntrack: Conntrack;
  actCt: ActCtApi;
  /** act_mirred: hand the packet (or, for mirror, a copy) to a device's egress or ingress. */
  mirred(pkt: Packet, dev: string, direction: 'egress' | 'ingress', mirror: boolean): void;
  /**
   * Hardware offload of a filter (fl_hw_replace_filter → the block's driver callbacks). Called on
   * add/replace unless the filter has skip_hw; `onFilterRemoved` on delete (fl_hw_destroy_filter).
   */
  offloadFilter(dev: string, filter: Filter): HwOffloadResult;
  onFilterRemoved(dev: string, filter: Filter): void;
}
