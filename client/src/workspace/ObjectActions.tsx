// What can be done with any object: change its marking, request its release, derive a tearline,
// export it as marked text; and, for a tearline, the link to its source when the reader may see it.
import type { Envelope } from '../../../shared/protocol';
import { fieldText } from '../../../shared/content';
import { fetchExport } from '../session/api';
import { RemarkControl } from '../markings/RemarkControl';
import { RequestReleaseControl } from '../release/RequestReleaseControl';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from './context';
import { exportFileName, downloadText } from './exportDownload';
import { objectLabel } from './objectLabel';
import { useAction } from './useAction';

export function ObjectActions({ envelope }: { envelope: Envelope }) {
  const { session, releases, canEdit, identity, picture, openObject } = useWorkspace();
  const action = useAction();

  const createTearline = () =>
    action.run(async () => {
      if (!session) return;
      openObject((await session.createTearline(envelope.id)).id);
    }, 'The tearline was not created');

  const exportText = () =>
    action.run(async () => {
      const text = await fetchExport(identity.token, envelope.workspaceId, envelope.id);
      const doc = picture.replica(envelope.id)?.doc;
      const title = doc ? (fieldText(doc, 'title') ?? fieldText(doc, 'name')) : undefined;
      downloadText(exportFileName(envelope.kind, title, envelope.id), text);
    }, 'The export failed');

  return (
    <div className="object-actions">
      <TearlineOf envelope={envelope} />
      {session && canEdit && (
        <>
          <RemarkControl envelope={envelope} />
          {releases && <RequestReleaseControl envelope={envelope} board={releases} />}
          <button type="button" className="link-button" disabled={action.busy} onClick={createTearline} aria-label={`Create tearline ${envelope.portion}`}>
            Create tearline
          </button>
        </>
      )}
      {session && (
        <button type="button" className="link-button" disabled={action.busy} onClick={exportText} aria-label={`Export ${envelope.portion}`}>
          Export
        </button>
      )}
      <ErrorMessage message={action.error} />
    </div>
  );
}

/** "Tearline of …": present only when the server left `sourceId` in, i.e. the reader may see the source. */
function TearlineOf({ envelope }: { envelope: Envelope }) {
  const { byId, picture, openObject } = useWorkspace();
  const source = envelope.sourceId ? byId.get(envelope.sourceId) : undefined;
  if (!envelope.sourceId) return null;
  return (
    <span className="tearline-of">
      Tearline of{' '}
      {source ? (
        <button type="button" className="link-button" onClick={() => openObject(source.id)}>
          {objectLabel(source, picture)}
        </button>
      ) : (
        'an item not in this picture'
      )}
    </span>
  );
}
