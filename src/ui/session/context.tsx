/** Gives views the session's controller (their actions); state comes from the store. */
import { createContext, useContext } from 'react';
import type { LabController } from './controller';

export const ControllerContext = createContext<LabController | null>(null);

export function useController(): LabController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('useController outside <ControllerContext.Provider>');
  return c;
}
