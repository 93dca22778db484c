/** A modal <dialog> with a titled header and a close button, open while `open` is true. */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ModalDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  /** The close button's accessible name. */
  closeLabel: string;
  className: string;
  children: ReactNode;
}

export function ModalDialog({ open, onClose, title, closeLabel, className, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    // The native dialog closes itself on Escape and reports it as `close`.
    <dialog ref={ref} className={className} aria-labelledby={titleId} onClose={onClose}>
      <header className="help-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" onClick={onClose} aria-label={closeLabel}>
          ✕
        </button>
      </header>
      {children}
    </dialog>
  );
}
