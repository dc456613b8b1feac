// An object's title (or other text field), live: re-renders when anyone edits it.
import { fieldText } from '../../../shared/content';
import { SimulatedTag } from '../exercise/SimulatedTag';
import { useReplicaDoc } from '../session/hooks';
import { useWorkspace } from './context';

export function ObjectTitle({ id, field = 'title', fallback }: { id: string; field?: string; fallback: string }) {
  const { picture, byId } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(id));
  const text = doc ? fieldText(doc, field)?.trim() : undefined;
  return (
    <>
      {text || fallback}
      <SimulatedTag envelope={byId.get(id)} />
    </>
  );
}
