// "Paragraph Kilo-7QF deleted. Undo": offered until the server's grace period ends.
import { useEffect } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';

export interface Deleted {
  id: string;
  name: string;
  /** ISO 8601: after it the server refuses the undo. */
  undoUntil: string;
}

export function UndoDeletion({ deleted, onDone }: { deleted: Deleted; onDone(): void }) {
  const { session } = useWorkspace();
  const action = useAction();
  useEffect(() => {
    const timer = setTimeout(onDone, Math.max(0, Date.parse(deleted.undoUntil) - Date.now()));
    return () => clearTimeout(timer);
  }, [deleted, onDone]);
  const undo = () =>
    action.run(async () => {
      await session?.restoreObject(deleted.id);
      onDone();
    }, `Paragraph ${deleted.name} was not restored`);
  return (
    <p className="undo-deletion" role="status">
      Paragraph {deleted.name} deleted for everyone.{' '}
      <button type="button" className="link-button" disabled={action.busy} onClick={undo}>
        Undo
      </button>
      <ErrorMessage message={action.error} />
    </p>
  );
}
