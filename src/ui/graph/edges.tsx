/**
 * The graph's one edge type: xyflow's bezier path, with its label (a miss, a rate) in HTML
 * through EdgeLabelRenderer. xyflow's own SVG label measures itself (getBBox) whenever its text
 * changes, which forces a layout of the whole page; rates change several times a second while
 * fast-forwarding.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';

export type LabelledEdge = Edge<{ text?: string }, 'labelled'>;

function LabelledEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, style, data }: EdgeProps<LabelledEdge>) {
  const [path, x, y] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} style={style} />
      {data?.text && (
        <EdgeLabelRenderer>
          <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}>
            {data.text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const edgeTypes = { labelled: memo(LabelledEdgeView) };
