/**
 * The app frame: a header (title, the toolbar slot, theme switch, help) and the named regions
 * laid out by FRAME_LAYOUT, resizable by splitters and collapsible per panel. Region contents
 * come from props; a region whose prop is missing is not rendered. Layout state persists in
 * localStorage (see layout.ts).
 */
import { Fragment, useEffect, useId, useState, type ReactNode } from 'react';
import { HelpDialog } from './HelpDialog';
import { PanelToolsContext } from './panelTools';
import {
  FRAME_LAYOUT,
  REGION_IDS,
  REGION_NAMES,
  isCollapsed,
  loadLayout,
  pruneLayout,
  saveLayout,
  weightOf,
  type Direction,
  type LayoutNode,
  type LayoutState,
  type RegionId,
} from './layout';
import { useShortcuts } from './shortcuts';
import { Splitter } from './Splitter';
import { useTheme } from './theme';

export type FrameProps = { toolbar?: ReactNode; /** Header buttons beside the theme switch. */ actions?: ReactNode } & Partial<Record<RegionId, ReactNode>>;

/** How a splitter names what it resizes: a region by its name, a split by what it holds. */
const SPLIT_NAMES: Record<string, string> = { main: 'Pipeline and tables', dock: 'Tables', side: 'Side panels' };
const paneName = (node: LayoutNode) => (node.kind === 'region' ? REGION_NAMES[node.id] : (SPLIT_NAMES[node.id] ?? node.id));

interface LayoutContext {
  contents: Partial<Record<RegionId, ReactNode>>;
  layout: LayoutState;
  collapsed: ReadonlySet<RegionId>;
  idPrefix: string;
  setSizes: (sizes: Record<string, number>) => void;
  toggle: (id: RegionId) => void;
}

export function Frame({ toolbar, actions, ...contents }: FrameProps) {
  const { theme, toggleTheme } = useTheme();
  const [helpOpen, setHelpOpen] = useState(false);
  const [layout, setLayout] = useState(loadLayout);
  const idPrefix = useId();
  useShortcuts({ help: () => setHelpOpen(true) });
  useEffect(() => saveLayout(layout), [layout]);

  const present = new Set(REGION_IDS.filter((id) => contents[id] != null));
  const tree = pruneLayout(FRAME_LAYOUT, present);
  const context: LayoutContext = {
    contents,
    layout,
    collapsed: new Set(layout.collapsed),
    idPrefix,
    setSizes: (sizes) => setLayout((l) => ({ ...l, sizes: { ...l.sizes, ...sizes } })),
    toggle: (id) =>
      setLayout((l) => ({
        ...l,
        collapsed: l.collapsed.includes(id) ? l.collapsed.filter((c) => c !== id) : [...l.collapsed, id],
      })),
  };

  return (
    <div className="frame">
      <header className="frame-header">
        <h1>CT Offload Lab</h1>
        <div className="frame-toolbar">{toolbar}</div>
        {actions}
        <button type="button" role="switch" aria-checked={theme === 'dark'} onClick={toggleTheme} className="theme-switch">
          <span aria-hidden="true" className="switch-track" />
          {/* "Dark" on screen beside the switch's track; its name is the whole "Dark theme". */}
          Dark<span className="visually-hidden"> theme</span>
        </button>
        <button type="button" aria-haspopup="dialog" onClick={() => setHelpOpen(true)}>
          Help <kbd aria-hidden="true">?</kbd>
        </button>
      </header>
      <main className="frame-body">{tree && <Node node={tree} parent="row" context={context} />}</main>
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

function Node({ node, parent, context }: { node: LayoutNode; parent: Direction; context: LayoutContext }) {
  if (node.kind === 'split') return <Split node={node} context={context} />;
  return (
    <Panel
      id={`${context.idPrefix}-${node.id}`}
      name={REGION_NAMES[node.id]}
      collapsed={context.collapsed.has(node.id)}
      strip={parent === 'row'}
      onToggle={() => context.toggle(node.id)}
    >
      {context.contents[node.id]}
    </Panel>
  );
}

function Split({ node, context }: { node: Extract<LayoutNode, { kind: 'split' }>; context: LayoutContext }) {
  const expanded = node.children.filter((c) => !isCollapsed(c, context.collapsed));
  const weights = expanded.map((c) => weightOf(c, context.layout.sizes));
  const setWeights = (next: number[]) => context.setSizes(Object.fromEntries(expanded.map((c, i) => [c.id, next[i]])));

  return (
    <div className={`split split-${node.direction}`}>
      {node.children.map((child, i) => {
        const collapsed = isCollapsed(child, context.collapsed);
        const before = node.children[i - 1];
        const resizable = before && !collapsed && !isCollapsed(before, context.collapsed);
        const paneId = `${context.idPrefix}-pane-${child.id}`;
        return (
          <Fragment key={child.id}>
            {before &&
              (resizable ? (
                <Splitter
                  direction={node.direction}
                  label={`Resize ${paneName(before)} / ${paneName(child)}`}
                  weights={weights}
                  index={expanded.indexOf(before)}
                  controls={`${context.idPrefix}-pane-${before.id}`}
                  onChange={setWeights}
                />
              ) : (
                <div className={`divider divider-${node.direction}`} aria-hidden="true" />
              ))}
            <div
              id={paneId}
              className="pane"
              style={collapsed ? { flex: '0 0 auto' } : { flex: `${weightOf(child, context.layout.sizes)} 1 0` }}
            >
              <Node node={child} parent={node.direction} context={context} />
            </div>
          </Fragment>
        );
      })}
    </div>
  );
}

interface PanelProps {
  id: string;
  name: string;
  collapsed: boolean;
  /** Collapses to a narrow vertical strip (panes side by side) rather than to its header. */
  strip: boolean;
  onToggle: () => void;
  children: ReactNode;
}

function Panel({ id, name, collapsed, strip, onToggle, children }: PanelProps) {
  const bodyId = `${id}-body`;
  const [tools, setTools] = useState<HTMLElement | null>(null);
  return (
    <section role="region" aria-label={name} className={`panel${collapsed ? ' collapsed' : ''}${strip ? ' strip' : ''}`}>
      <header className="panel-header">
        <h2>{name}</h2>
        <div className="panel-tools" ref={setTools} />
        <button
          type="button"
          className="panel-toggle"
          aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${name}`}
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          title={`${collapsed ? 'Expand' : 'Collapse'} ${name}`}
          onClick={onToggle}
        >
          <span aria-hidden="true">{collapsed ? '+' : '−'}</span>
        </button>
      </header>
      <div id={bodyId} className="panel-body" hidden={collapsed}>
        <PanelToolsContext.Provider value={tools}>{children}</PanelToolsContext.Provider>
      </div>
    </section>
  );
}
