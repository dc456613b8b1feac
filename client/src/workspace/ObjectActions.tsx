// What can be done with any object, in one menu: change its marking (only for those the server
// lets: remarkRight in shared/markings), request its release, derive a tearline, export it as
// marked text, open its comment threads or its history, plus what its view adds (a paragraph's
// "Insert paragraph below", "Move up", "Move down" and "Delete"); and, for a tearline, the link to
// its source when the reader may see it.
import { useState } from 'react';
import { remarkRight } from '../../../shared/markings';
import type { Envelope } from '../../../shared/protocol';
import { fieldText } from '../../../shared/content';
import { CommentThread, useThreads } from '../collab/CommentThread';
import { fetchExport } from '../session/api';
import { HistoryPanel } from '../history/HistoryPanel';
import { RemarkControl } from '../markings/RemarkControl';
import { RequestReleasePanel } from '../release/RequestReleasePanel';
import { ErrorMessage } from '../views/ErrorMessage';
import { MenuButton, type MenuItem } from '../views/MenuButton';
import { useWorkspace } from './context';
import { exportFileName, downloadText } from './exportDownload';
import { objectLabel } from './objectLabel';
import { useAction } from './useAction';

export function ObjectActions({ envelope, extra = [] }: { envelope: Envelope; extra?: readonly MenuItem[] }) {
  const { session, releases, canEdit, identity, picture, openObject } = useWorkspace();
  const action = useAction();
  const [panel, setPanel] = useState<'remark' | 'release' | 'comments' | 'history' | null>(null);
  const threads = useThreads(envelope).length;
  const right = session ? remarkRight(identity, envelope.originator) : 'none';

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

  const items: MenuItem[] = [
    ...(right !== 'none' ? [{ label: 'Change marking…', onSelect: () => setPanel('remark') }] : []),
    // An FDO of the originator widens directly; everyone else asks one.
    ...(session && canEdit && releases && right !== 'any' ? [{ label: 'Request release…', onSelect: () => setPanel('release') }] : []),
    ...(session && canEdit ? [{ label: 'Create tearline', onSelect: createTearline, disabled: action.busy }] : []),
    ...(session ? [{ label: 'Export', onSelect: exportText, disabled: action.busy }] : []),
    ...(session && (canEdit || threads > 0) ? [{ label: threads > 0 ? `Comments (${threads})` : 'Comment', onSelect: () => setPanel('comments') }] : []),
    ...(session ? [{ label: 'History', onSelect: () => setPanel('history') }] : []),
    ...extra,
  ];

  return (
    <div className="object-actions">
      <TearlineOf envelope={envelope} />
      {items.length > 0 && <MenuButton text="Actions" label={`Actions ${envelope.portion}`} items={items} />}
      {panel === 'remark' && right !== 'none' && <RemarkControl envelope={envelope} right={right} onClose={() => setPanel(null)} />}
      {panel === 'history' && <HistoryPanel envelope={envelope} onClose={() => setPanel(null)} />}
      {panel === 'release' && releases && <RequestReleasePanel envelope={envelope} board={releases} onClose={() => setPanel(null)} />}
      {panel === 'comments' && <CommentThread on={envelope} onClose={() => setPanel(null)} />}
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
