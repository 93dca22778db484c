/**
 * What every engine module shares: virtual clock, seeded PRNG, event bus, sysctls, kernel
 * profile, and the id of the packet being processed (so deep code can stamp its events).
 */
import { Clock } from './clock';
import { EventBus } from './events';
import { DEFAULT_PROFILE, PROFILES, type KernelProfile } from './profile';
import { Rng } from './rng';
import { Sysctls } from './sysctl';

export class Env {
  readonly clock = new Clock();
  readonly events = new EventBus();
  readonly sysctl = new Sysctls();
  rng: Rng;
  private current: KernelProfile = PROFILES[DEFAULT_PROFILE];
  /** Id of the packet being processed; 0 outside packet processing. */
  pkt = 0;

  constructor(seed = 1) {
    this.rng = new Rng(seed);
    this.profile = this.current;
  }

  get profile(): KernelProfile {
    return this.current;
  }

  /** Switching kernels also changes which sysctls exist. */
  set profile(p: KernelProfile) {
    this.current = p;
    this.sysctl.absent = new Set(p.flowtableTimeoutSysctls ? [] : (['net.netfilter.nf_flowtable_tcp_timeout', 'net.netfilter.nf_flowtable_udp_timeout'] as const));
  }

  now(): number {
    return this.clock.now();
  }
}
