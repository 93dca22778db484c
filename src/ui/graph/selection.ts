/**
 * The connection selected in a table (`selectedCt`), as the graph's nodes show it: the tables
 * that hold it — conntrack always, its zone's flowtable while it has a flow, the NIC's CT table
 * while the entry is in hardware — each with a short note. (Its packets' dots are marked by the
 * motion layer from the entry id each flight carries.) Pure: a function of the conntrack row
 * the worker answered for the selection.
 */
import type { ConntrackRow } from '../../worker/protocol';
import { FLOW_HW_TEXT } from '../tables/rowModel';
import { CONNTRACK_ID, flowtableId, HWCT_ID } from './layout';

/** Node id → what the node holds of the selected connection; empty without a selection. */
export function selectionMarks(row: ConntrackRow | undefined): Record<string, string> {
  if (!row) return {};
  const marks: Record<string, string> = { [CONNTRACK_ID]: `selected: entry ${row.id}${row.state ? ` ${row.state}` : ''}` };
  if (row.flow) marks[flowtableId(row.flow.zone)] = `selected: flow, ${FLOW_HW_TEXT[row.flow.hw]}`;
  if (row.hwLastUsed !== null) marks[HWCT_ID] = 'selected: entry in the CT table';
  return marks;
}
