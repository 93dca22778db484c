/**
 * Errors as the user sees them on stderr: iproute2 prints a kernel extack message as
 * `Error: <msg>.` (lib/libnetlink.c print_ext_ack_msg) and a bare errno as `RTNETLINK answers:
 * <strerror>`; `tc filter`, `tc chain` and `tc actions` then add "We have an error talking to
 * the kernel", `tc qdisc` adds nothing.
 */
import type { Span } from '../script/ast';

export interface TcError {
  span: Span;
  message: string;
}

const STRERROR = {
  EINVAL: 'Invalid argument',
  EEXIST: 'File exists',
  ENOENT: 'No such file or directory',
  EPERM: 'Operation not permitted',
  EOPNOTSUPP: 'Operation not supported',
} as const;

export type Errno = keyof typeof STRERROR;

/** The stderr line for a kernel reply: its extack message if it set one, else the errno. */
export function kernelError(reply: { extack: string } | { errno: Errno }): string {
  if ('extack' in reply) return `Error: ${reply.extack}${reply.extack.endsWith('.') ? '' : '.'}`;
  return `RTNETLINK answers: ${STRERROR[reply.errno]}`;
}

export const TALK_ERROR = 'We have an error talking to the kernel';
export const FLUSH_ERROR = 'We have an error flushing';

/** iproute2's ll_name_to_index failure. */
export const noDevice = (name: string): string => `Cannot find device "${name}"`;

/** A kernel refusal of a `tc filter|chain|actions` request, with iproute2's closing line. */
export const talkError = (span: Span, reply: { extack: string } | { errno: Errno }): TcError => ({
  span,
  message: `${kernelError(reply)}\n${TALK_ERROR}`,
});
