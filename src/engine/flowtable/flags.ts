/** enum nf_flow_flags (include/net/netfilter/nf_flow_table.h), as bits of a flow's flags word. */
export const NF_FLOW_SNAT = 1 << 0;
export const NF_FLOW_DNAT = 1 << 1;
export const NF_FLOW_TEARDOWN = 1 << 2;
export const NF_FLOW_HW = 1 << 3;
export const NF_FLOW_HW_DYING = 1 << 4;
export const NF_FLOW_HW_DEAD = 1 << 5;
export const NF_FLOW_HW_PENDING = 1 << 6;
export const NF_FLOW_HW_BIDIRECTIONAL = 1 << 7;
export const NF_FLOW_HW_ESTABLISHED = 1 << 8;

/** Flow directions (enum flow_offload_tuple_dir). */
export const FLOW_OFFLOAD_DIR_ORIGINAL = 0;
export const FLOW_OFFLOAD_DIR_REPLY = 1;
