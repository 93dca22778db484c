/**
 * The graph's custom nodes, declared at module scope and memoised: they re-render only when
 * their own data changes (a counter, a row added), never per animation frame. Filter rows
 * carry `data-hit` keys so the motion layer can light them imperatively.
 */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { PipelineFilter } from '../../worker/pipeline';
import type { NodeData } from './layout';

/** `mark`: what the node holds of the connection selected in a table (selection.ts). */
export type GraphNode = Node<NodeData & { mark?: string } & Record<string, unknown>>;

/** Longest match or actions text a row shows; the whole filter is in the row's title. */
const SHORT = 44;

export function shorten(text: string, max = SHORT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `gact action goto chain 2` → `goto chain 2`, `mirred (Egress Redirect to device rep0) stolen` → `mirred → rep0`. */
export function shortAction(a: string): string {
  const mirred = /^mirred \((\w+) (Redirect|Mirror) to device (\S+)\)/.exec(a);
  if (mirred) return `mirred ${mirred[2] === 'Mirror' ? 'mirror' : ''}→ ${mirred[3]}`.replace('  ', ' ');
  return a.replace(/^gact action /, '').replace(/ pipe$/, '');
}

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} id="l" isConnectable={false} />
      <Handle type="source" position={Position.Right} id="r" isConnectable={false} />
      <Handle type="target" position={Position.Top} id="t" isConnectable={false} />
      <Handle type="source" position={Position.Bottom} id="b" isConnectable={false} />
    </>
  );
}

const Badge = memo(function Badge({ f }: { f: PipelineFilter }) {
  if (f.skipHw) return <span className="badge badge-sw">skip_hw</span>;
  return f.inHw ? <span className="badge badge-hw">in_hw</span> : <span className="badge badge-nohw">not_in_hw</span>;
});

function Counters({ sw, hw }: { sw: number; hw: number }) {
  return (
    <span className="counters" title={`${sw} packets in software, ${hw} in hardware`}>
      <span className="c-sw">sw {sw}</span> <span className="c-hw">hw {hw}</span>
    </span>
  );
}

/** Classes of a table node: `conn` rings the tables holding the selected connection. */
const tableClass = (kind: string, selected: boolean, mark: string | undefined) => `gnode table ${kind}${selected ? ' selected' : ''}${mark ? ' conn' : ''}`;

/** The selected connection's note, on the node's lower edge (outside its box: the node keeps its size). */
function ConnMark({ mark }: { mark: string | undefined }) {
  return mark ? <div className="conn-mark">{mark}</div> : null;
}

function LaneNode({ data }: NodeProps<GraphNode>) {
  if (data.type !== 'lane') return null;
  return <div className={`lane lane-${data.lane}`}>{data.title}</div>;
}

function PortNode({ data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'port') return null;
  return (
    <div className={`gnode port${selected ? ' selected' : ''}`} data-hit={`port:${data.dev}`}>
      <Handles />
      <strong>{data.dev}</strong>
      <span className="sub">{data.kind === 'uplink' ? 'from the wire' : data.vm ? `from ${data.vm}` : data.kind}</span>
      <span className="sub">{data.onNic ? (data.offload ? 'hw-tc-offload on' : 'hw-tc-offload off') : 'not on the NIC'}</span>
    </div>
  );
}

function ChainNode({ id, data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'chain') return null;
  return (
    <div className={`gnode chain${selected ? ' selected' : ''}`} data-hit={id}>
      <Handles />
      <div className="gnode-title">
        {data.dev} {data.hook} <b>chain {data.chain}</b>
      </div>
      {data.collapsed && (
        <div className="summary">
          {data.collapsed.filters} filters, {data.collapsed.inHw} in_hw · <Counters sw={data.collapsed.sw} hw={data.collapsed.hw} />
        </div>
      )}
      {data.rows.length === 0 && <div className="summary">no filters</div>}
      {data.rows.map(({ key, filter: f }) => (
        <div key={key} className="frow" data-hit={`${id}#${key}`} title={f.text}>
          <div className="frow-1">
            <span className="pref">pref {f.prio}</span>
            <span className="match">{shorten(f.match || '(any)')}</span>
            <Badge f={f} />
          </div>
          <div className="frow-2">
            <span className="acts">{shorten(f.actions.map(shortAction).join(' · '))}</span>
            <Counters sw={f.swPackets} hw={f.hwPackets} />
          </div>
        </div>
      ))}
    </div>
  );
}

function HwChainNode({ id, data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'hwchain') return null;
  return (
    <div className={`gnode hwchain${selected ? ' selected' : ''}`} data-hit={id}>
      <Handles />
      <div className="gnode-title">
        {data.dev} <b>chain {data.chain}</b> table
      </div>
      {data.rows.map(({ key, filter: f }) => (
        <div key={key} className="hrow" data-hit={`${id}#${key}`} title={f.text}>
          <span className="pref">prio {f.prio}</span>
          <span className="match">{shorten(`${f.match || '(any)'} → ${f.actions.map(shortAction).join(', ')}`, 40)}</span>
          <span className="c-hw">{f.hwPackets}</span>
        </div>
      ))}
      {data.more > 0 && <div className="summary">… {data.more} more rules</div>}
    </div>
  );
}

function HwCtNode({ id, data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'hwct') return null;
  const pct = data.capacity ? Math.min(100, (100 * data.size) / data.capacity) : 0;
  return (
    <>
      <div className={tableClass('hwct', selected, data.mark)} data-hit={id}>
        <Handles />
        <div className="gnode-title">
          <b>CT table</b> (hardware)
        </div>
        <div className="occupancy" aria-label={`hardware CT table ${data.size} of ${data.capacity}`}>
          {data.size.toLocaleString('en')} / {data.capacity.toLocaleString('en')}
          <span className="bar">
            <span style={{ width: `${pct}%` }} />
          </span>
        </div>
      </div>
      <ConnMark mark={data.mark} />
    </>
  );
}

function FlowtableNode({ id, data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'flowtable') return null;
  return (
    <>
      <div className={tableClass('flowtable', selected, data.mark)} data-hit={id}>
        <Handles />
        <div className="gnode-title">
          <b>flowtable</b> zone {data.zone}
        </div>
        <div className="sub">{data.flows.toLocaleString('en')} flows (fast path)</div>
      </div>
      <ConnMark mark={data.mark} />
    </>
  );
}

function ConntrackNode({ id, data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'conntrack') return null;
  return (
    <>
      <div className={tableClass('conntrack', selected, data.mark)} data-hit={id}>
        <Handles />
        <div className="gnode-title">
          <b>conntrack</b>
        </div>
        <div className="sub">{data.entries.toLocaleString('en')} entries</div>
        <div className="sub">zones {data.zones.length ? data.zones.join(', ') : '—'}</div>
      </div>
      <ConnMark mark={data.mark} />
    </>
  );
}

function EndNode({ id, data, selected }: NodeProps<GraphNode>) {
  if (data.type !== 'end') return null;
  return (
    <div className={`gnode end${selected ? ' selected' : ''}`} data-hit={id}>
      <Handles />
      <strong>{data.title}</strong>
    </div>
  );
}

export const nodeTypes = {
  lane: memo(LaneNode),
  port: memo(PortNode),
  chain: memo(ChainNode),
  hwchain: memo(HwChainNode),
  hwct: memo(HwCtNode),
  flowtable: memo(FlowtableNode),
  conntrack: memo(ConntrackNode),
  end: memo(EndNode),
};
