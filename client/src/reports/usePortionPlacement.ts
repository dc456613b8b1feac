// Moving a paragraph one place up or down and deleting it, as items of the paragraph's one actions
// menu (and Alt+↑ / Alt+↓ in the paragraph). Only the originating nation's editors are offered
// them (the server enforces it); dragging is PortionBlock's, by a handle that is not a button.
import type { Envelope } from '../../../shared/protocol';
import { paragraphName } from '../../../shared/paragraphName';
import type { MenuItem } from '../views/MenuButton';
import { useWorkspace } from '../workspace/context';
import { useAction, type Action } from '../workspace/useAction';

interface Options {
  portion: Envelope;
  /** The keys that move it one place up and down; undefined at an end. */
  upKey: string | undefined;
  downKey: string | undefined;
  onDeleted(deleted: { id: string; name: string; undoUntil: string }): void;
}

export interface Placement {
  /** Empty for those who may not place the paragraph. */
  items: MenuItem[];
  /** Moves it to `key`; nothing for those who may not. */
  moveTo(key: string): void;
  action: Action;
}

export function usePortionPlacement({ portion, upKey, downKey, onDeleted }: Options): Placement {
  const { session, canEdit, identity } = useWorkspace();
  const action = useAction();
  if (!session || !canEdit || identity.nation !== portion.originator) return { items: [], moveTo: () => undefined, action };
  const name = paragraphName(portion.id);
  const moveTo = (key: string) => void action.run(() => session.moveObject(portion.id, key), `Paragraph ${name} was not moved`);
  const remove = () =>
    void action.run(async () => onDeleted({ id: portion.id, name, undoUntil: await session.deleteObject(portion.id) }), `Paragraph ${name} was not deleted`);
  return {
    items: [
      { label: 'Move up', onSelect: () => upKey && moveTo(upKey), disabled: action.busy || upKey === undefined },
      { label: 'Move down', onSelect: () => downKey && moveTo(downKey), disabled: action.busy || downKey === undefined },
      { label: 'Delete', onSelect: remove, disabled: action.busy },
    ],
    moveTo,
    action,
  };
}
