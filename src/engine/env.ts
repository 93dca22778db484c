/**
 * What every engine module shares: virtual clock, seeded PRNG, event bus, sysctls, kernel
 * profile, and the id of the packet being processed (so deep code can stamp its events).
 */
import { Clock } from './clock';
import { EventBus } from './events';
import { PROFILES, type KernelProfile } from './profile';
import { Rng } from './rng';
import { Sysctls } from './sysctl';

export class Env {
  readonly clock = new Clock();
  readonly events = new EventBus();
  readonly sysctl = new Sysctls();
  rng: Rng;
  profile: KernelProfile = PROFILES['5.7'];
  /** Id of the packet being processed; 0 outside packet processing. */
  pkt = 0;

  constructor(seed = 1) {
    this.rng = new Rng(seed);
  }

  now(): number {
    return this.clock.now();
  }
}
