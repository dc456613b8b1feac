// The cell's rule for editing another nation's paragraph, changed by its creator or an
// administrator: partners suggest (the default) or edit directly. Everyone else sees the rule.
import type { CrossNationEditing } from '../../../shared/suggestions';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';

export function CrossNationSetting() {
  const { snapshot, session, identity } = useWorkspace();
  const action = useAction();
  const workspace = snapshot.workspace;
  if (!workspace) return null;
  const mayChange = session !== null && (identity.sub === workspace.createdBy || identity.roles.includes('admin'));
  const set = (value: CrossNationEditing) => void action.run(() => session!.setCrossNationEditing(value), 'The setting was not changed');
  return (
    <section className="cross-nation-setting">
      <label className="check">
        <input type="checkbox" checked={workspace.crossNationEditing === 'direct'} disabled={!mayChange || action.busy} onChange={(e) => set(e.target.checked ? 'direct' : 'suggest')} />
        Nations edit each other’s paragraphs directly (otherwise they suggest changes, which the paragraph’s nation accepts or rejects)
      </label>
      <ErrorMessage message={action.error} />
    </section>
  );
}
