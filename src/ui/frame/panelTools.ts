/**
 * A panel's header slot for its content's own tools (the graph's legend and zoom buttons), so
 * they take no height from the panel's body. Outside a panel (presenter mode) there is none, and
 * the content draws its tools itself.
 */
import { createContext, useContext } from 'react';

export const PanelToolsContext = createContext<HTMLElement | null>(null);

export const usePanelTools = (): HTMLElement | null => useContext(PanelToolsContext);
