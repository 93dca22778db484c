/** The "Keyboard shortcuts" overlay: a modal <dialog> listing the shortcut registry by group. */
import { ModalDialog } from './ModalDialog';
import { SHORTCUTS, type Shortcut, type ShortcutGroup } from './shortcuts';

function byGroup(): [ShortcutGroup, Shortcut[]][] {
  const groups = new Map<ShortcutGroup, Shortcut[]>();
  for (const s of SHORTCUTS as readonly Shortcut[]) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return [...groups];
}

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <ModalDialog open={open} onClose={onClose} title="Keyboard shortcuts" closeLabel="Close keyboard shortcuts" className="help">
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
    </ModalDialog>
  );
}
