// Move a paragraph up or down (buttons, or Alt+↑ / Alt+↓ in the paragraph), drag it by its handle,
// or delete it. Only the originating nation's editors are offered these (the server enforces it).
import type { Envelope } from '../../../shared/protocol';
import { paragraphName } from '../../../shared/paragraphName';
import { ErrorMessage } from '../views/ErrorMessage';
import { PARAGRAPH_DRAG_TYPE } from './placement';
import { useWorkspace } from '../workspace/context';
import type { Action } from '../workspace/useAction';

interface Props {
  portion: Envelope;
  /** The keys that move it one place up and down; undefined at an end. */
  upKey: string | undefined;
  downKey: string | undefined;
  action: Action;
  onDeleted(deleted: { id: string; name: string; undoUntil: string }): void;
}

export function PortionPlacement({ portion, upKey, downKey, action, onDeleted }: Props) {
  const { session } = useWorkspace();
  if (!session) return null;
  const name = paragraphName(portion.id);
  const move = (key: string) => action.run(() => session.moveObject(portion.id, key), `Paragraph ${name} was not moved`);
  const remove = () =>
    action.run(async () => onDeleted({ id: portion.id, name, undoUntil: await session.deleteObject(portion.id) }), `Paragraph ${name} was not deleted`);
  return (
    <span className="portion-placement">
      <span className="drag-handle" draggable aria-hidden="true" title="Drag to move" onDragStart={(e) => e.dataTransfer.setData(PARAGRAPH_DRAG_TYPE, portion.id)}>
        ⠿
      </span>
      <button type="button" className="link-button" disabled={action.busy || upKey === undefined} onClick={() => upKey && move(upKey)} aria-label={`Move paragraph ${name} up`}>
        Up
      </button>
      <button type="button" className="link-button" disabled={action.busy || downKey === undefined} onClick={() => downKey && move(downKey)} aria-label={`Move paragraph ${name} down`}>
        Down
      </button>
      <button type="button" className="link-button" disabled={action.busy} onClick={remove} aria-label={`Delete paragraph ${name}`}>
        Delete
      </button>
      <ErrorMessage message={action.error} />
    </span>
  );
}
