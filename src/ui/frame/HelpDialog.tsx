/** The "Keyboard shortcuts" overlay: a modal <dialog> listing the shortcut registry by group. */
import { useEffect, useId, useRef } from 'react';
import { SHORTCUTS, type Shortcut, type ShortcutGroup } from './shortcuts';

function byGroup(): [ShortcutGroup, Shortcut[]][] {
  const groups = new Map<ShortcutGroup, Shortcut[]>();
  for (const s of SHORTCUTS as readonly Shortcut[]) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return [...groups];
}

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
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
    <dialog ref={ref} className="help" aria-labelledby={titleId} onClose={onClose}>
      <header className="help-header">
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <button type="button" onClick={onClose} aria-label="Close keyboard shortcuts">
          ✕
        </button>
      </header>
      {byGroup().map(([group, shortcuts]) => (
        <section key={group} aria-label={group}>
          <h3>{group}</h3>
          <dl className="shortcut-list">
            {shortcuts.map((s) => (
              <div key={s.id}>
                <dt>
                  <kbd>{s.label}</kbd>
                </dt>
                <dd>{s.description}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </dialog>
  );
}
