// An object's title (or other text field), live: re-renders when anyone edits it.
import { fieldText } from '../../../shared/content';
import { isSimulated } from '../../../shared/protocol';
import { useReplicaDoc } from '../session/hooks';
import { useWorkspace } from './context';

export function ObjectTitle({ id, field = 'title', fallback }: { id: string; field?: string; fallback: string }) {
  const { picture, byId } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(id));
  const text = doc ? fieldText(doc, field)?.trim() : undefined;
  const envelope = byId.get(id);
  return (
    <>
      {text || fallback}
      {envelope && isSimulated(envelope) && (
        <span className="simulated-tag" title="Posted by an exercise role player's simulated persona, not a real participant">
          SIMULATED
        </span>
      )}
    </>
  );
}
