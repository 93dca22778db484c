/**
 * The configuration at the cursor, as the pipeline graph draws it: devices, each hook's chains
 * with their filters in prio order (match and actions in tc syntax, in_hw, counters, where the
 * filter sends packets), the conntrack zones and their flowtables, and the NIC's CT table.
 * Everything here is command-rate state (rules, devices, settings): its size grows with the
 * configuration, never with the number of connections.
 */
import { renderOneFilter } from '../engine/render/tc';
import type { Hook } from '../engine/script/ast';
import type { Simulator } from '../engine/simulator';
import { CtAction } from '../engine/tc/actions/ct';
import { MirredAction } from '../engine/tc/actions/mirred';
import type { Filter } from '../engine/tc/objects';
import type { FilterRowView } from './protocol';
import { flowtablesView } from './queries';

export interface PipelineDevice {
  name: string;
  kind: string;
  /** rep: the VM behind the VF. */
  vm?: string;
  hwTcOffload: boolean;
  onNic: boolean;
}

export interface PipelineFilter extends FilterRowView {
  /** The flower keys as `tc filter show` prints them, on one line (eth_type left out). */
  match: string;
  /** Each action as `tc filter show` prints its first line (`ct zone 1 pipe`, `gact action goto chain 2`). */
  actions: string[];
  /** Chains the filter's actions go to. */
  gotos: number[];
  /** Devices its mirred actions send to. */
  redirects: string[];
  /** Conntrack zones its ct actions use. */
  zones: number[];
}

export interface PipelineChain {
  index: number;
  filters: PipelineFilter[];
}

export interface PipelineHook {
  dev: string;
  hook: Hook;
  chains: PipelineChain[];
}

export interface PipelineView {
  profile: string;
  devices: PipelineDevice[];
  hooks: PipelineHook[];
  /** Conntrack zones a ct action uses or a flowtable exists for, ascending. */
  zones: number[];
  /** act_ct's flowtable per zone with its flows. */
  flowtables: { zone: number; flows: number }[];
  conntrack: number;
  hwCt: { size: number; capacity: number };
  ovs: boolean;
}

const HOOKS: readonly Hook[] = ['ingress', 'egress'];
/** Lines of `tc filter show` that are not flower keys. */
const NOT_A_KEY = /^(eth_type|in_hw|not_in_hw|skip_hw|skip_sw|verbose)\b/;

/**
 * Splits a rendered filter (iproute2's print_filter/fl_print_opt output) into its keys and
 * its actions' first lines, so the graph shows the same words `tc filter show` does.
 */
export function splitFilterText(text: string): { match: string; actions: string[] } {
  const keys: string[] = [];
  const actions: string[] = [];
  for (const line of text.split('\n')) {
    const action = /^\taction order \d+: (.*)$/.exec(line);
    if (action) actions.push(action[1].trim());
    else if (/^ {2}\S/.test(line)) {
      const key = line.trim();
      if (!NOT_A_KEY.test(key)) keys.push(key);
    }
  }
  return { match: keys.join(' '), actions };
}

function filterView(f: Filter, text: string): PipelineFilter {
  const { match, actions } = splitFilterText(text);
  const gotos: number[] = [];
  const redirects: string[] = [];
  const zones: number[] = [];
  for (const a of f.actions) {
    if (a instanceof MirredAction) redirects.push(a.spec.dev.value);
    else if (a instanceof CtAction && !zones.includes(a.spec.zone)) zones.push(a.spec.zone);
  }
  for (const a of actions) {
    const g = /goto chain (\d+)/.exec(a);
    if (g) gotos.push(Number(g[1]));
  }
  return {
    chain: f.chain,
    prio: f.prio,
    handle: f.handle,
    text,
    inHw: f.inHwCount > 0,
    skipHw: f.skipHw,
    skipSw: f.skipSw,
    swPackets: f.swPackets,
    hwPackets: f.hwPackets,
    // The graph does not edit filters: where a filter came from is the controls' concern.
    source: null,
    match,
    actions,
    gotos,
    redirects,
    zones,
  };
}

export function pipelineView(sim: Simulator): PipelineView {
  const now = sim.env.now();
  const behaviour = sim.tc.behaviour;
  const hooks: PipelineHook[] = [];
  const zones = new Set<number>();
  for (const dev of sim.devices.all()) {
    const q = sim.tc.qdisc(dev.name);
    if (!q) continue;
    for (const hook of HOOKS) {
      if (hook === 'egress' && !q.egress) continue;
      const block = q.blockFor(hook);
      const chains: PipelineChain[] = block.chains.map((chain) => {
        const filters: PipelineFilter[] = [];
        for (const tp of chain.tps) {
          for (const f of tp.filters) {
            const view = filterView(f, renderOneFilter(block, tp, f, { hook, stats: false, now, behaviour }));
            for (const z of view.zones) zones.add(z);
            filters.push(view);
          }
        }
        return { index: chain.index, filters };
      });
      hooks.push({ dev: dev.name, hook, chains });
    }
  }
  const flowtables = flowtablesView(sim, 0, () => new Int32Array(0));
  for (const ft of flowtables) zones.add(ft.zone);
  return {
    profile: sim.env.profile.name,
    devices: sim.devices.all().map((d) => ({ name: d.name, kind: d.kind, ...(d.vm ? { vm: d.vm } : {}), hwTcOffload: d.hwTcOffload, onNic: d.onNic })),
    hooks,
    zones: [...zones].sort((a, b) => a - b),
    flowtables,
    conntrack: sim.conntrack.count(),
    hwCt: { size: sim.hw.nic.table.size, capacity: sim.hw.nic.table.capacity },
    ovs: sim.hw.ovs.enabled,
  };
}
