/**
 * <kind>_init for a new action (or for the parameters of one being replaced); act_ct
 * initialises through the ActCtApi and may refuse.
 */
import type { ActionSpec } from '../../script/ast';
import { controlValue } from '../control';
import { talkError, type TcError } from '../errors';
import type { TcHost } from '../host';
import type { TcAction } from './action';
import { CsumAction } from './csum';
import { CtAction } from './ct';
import { GactAction } from './gact';
import { MirredAction } from './mirred';
import { PeditAction } from './pedit';
import { TunnelKeyAction } from './tunnel_key';

export function buildAction(spec: ActionSpec, index: number, bindcnt: number, host: TcHost): TcAction | TcError {
  const body = spec.body;
  const control = controlValue(spec.control);
  const now = host.env.now();
  switch (body.kind) {
    case 'ct': {
      const state = host.actCt.init(body);
      if (typeof state === 'string') return talkError(spec.span, { extack: state });
      return new CtAction(index, control, bindcnt, now, state);
    }
    case 'gact':
      return new GactAction(index, control, bindcnt, now);
    case 'mirred':
      // iproute2 has resolved the device already (a missing one never reaches the kernel).
      return new MirredAction(index, control, bindcnt, now, body, host.devices.get(body.dev.value)?.ifindex ?? 0);
    case 'tunnel_key':
      return new TunnelKeyAction(index, control, bindcnt, now, body);
    case 'pedit':
      return new PeditAction(index, control, bindcnt, now, body);
    case 'csum':
      return new CsumAction(index, control, bindcnt, now, body);
  }
}
