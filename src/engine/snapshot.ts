/**
 * A canonical text of everything a user can observe of the engine: the same renderers the show
 * commands use (`conntrack -L`, /proc/net/nf_conntrack, `tc -s filter show` on every device and
 * hook, `tc actions ls` of every kind) plus what other commands reveal (devices and their
 * features, qdiscs and chains, sysctls, kernel profile, virtual time, flowtables, pending
 * timers). Two snapshots are equal exactly when no command could tell the states apart, which
 * is how tests check that a rejected command changed nothing.
 *
 * Listing conntrack reaps entries that have already expired, as a real dump does; that never
 * changes what a later listing shows.
 */
import { renderConntrackList, renderProcConntrack } from './render/conntrack';
import { renderActionList, renderFilters } from './render/tc';
import type { Hook } from './script/ast';
import type { Simulator } from './simulator';
import type { ActionKind } from './tc/actions/action';
import type { Qdisc } from './tc/objects';

const ACTION_KINDS: readonly ActionKind[] = ['ct', 'gact', 'mirred', 'tunnel_key', 'pedit', 'csum'];
const HOOKS: readonly Hook[] = ['ingress', 'egress'];

export function snapshot(sim: Simulator): string {
  const env = sim.env;
  const sections = [
    section('time', `${env.now()} us\n`),
    section('profile', `${env.profile.name}\n`),
    // The generator's state decides later NAT port picks; `sim seed` is how a script sets it.
    section('prng', `${JSON.stringify(env.rng)}\n`),
    section('sysctl', sysctls(sim)),
    section('devices', devices(sim)),
    section('tc', tc(sim)),
    section('tc actions', actions(sim)),
    section('conntrack -L', renderConntrackList(sim.conntrack)),
    section('/proc/net/nf_conntrack', renderProcConntrack(sim.conntrack)),
    section('flowtables', flowtables(sim)),
    section('timers', `${env.clock.pendingCount()} pending\n`),
  ];
  return sections.join('');
}

function section(title: string, body: string): string {
  return `== ${title}\n${body}`;
}

function sysctls(sim: Simulator): string {
  return sim.env.sysctl
    .entries()
    .map(([k, v]) => `${k} = ${v}\n`)
    .sort()
    .join('');
}

/** Every field of every device (`ip -d link show`, `ethtool -k`), by name. */
function devices(sim: Simulator): string {
  return sim.devices
    .all()
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => `${JSON.stringify(d, Object.keys(d).sort())}\n`)
    .join('');
}

/** Per device with a qdisc: its kind, its chains (`tc chain show`) and `tc -s filter show` per hook. */
function tc(sim: Simulator): string {
  const now = sim.env.now();
  const behaviour = sim.tc.behaviour;
  let out = '';
  for (const dev of sim.devices.all().map((d) => d.name).sort()) {
    const q = sim.tc.qdisc(dev);
    if (!q) continue;
    out += `qdisc ${q.kind} dev ${dev}\n`;
    for (const hook of HOOKS) {
      if (hook === 'egress' && !q.egress) continue;
      out += chains(q, hook);
      out += renderFilters(q.blockFor(hook), { hook, stats: true, now, behaviour });
    }
  }
  return out;
}

/** Chains in list order with what holds them (hidden ones included: goto still finds them). */
function chains(q: Qdisc, hook: Hook): string {
  const block = q.blockFor(hook);
  const held = block.chains.map((c) => `${c.index}${c.explicitlyCreated ? '+explicit' : ''}${c.actionRefs ? `+${c.actionRefs}goto` : ''}`);
  return `${hook} chains: ${held.join(' ')} classid=${block.classidHook ?? '-'}\n`;
}

function actions(sim: Simulator): string {
  const now = sim.env.now();
  const behaviour = sim.tc.behaviour;
  return ACTION_KINDS.map((k) => `action ${k}\n${renderActionList(sim.tc.actions.list(k), true, now, behaviour)}`).join('');
}

function flowtables(sim: Simulator): string {
  return sim.flowtables
    .all()
    .sort((a, b) => a.zone - b.zone)
    .map((ft) => `zone ${ft.zone}: ${ft.size} flows, ${ft.refs} refs\n`)
    .join('');
}
