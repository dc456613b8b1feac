// The Releases tab: for FDOs the inbox of requests to decide, their nation's automatic-release
// setting and the releases that could not be carried out; for everyone their own requests.
import { useState } from 'react';
import type { ReleaseRequest } from '../../../shared/protocol';
import type { DenialCategory } from '../../../shared/release';
import { isFdo } from '../session/identity';
import { useReleaseBoard } from '../session/hooks';
import type { ReleaseBoard } from '../session/releaseBoard';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { objectContent, objectLabel } from '../workspace/objectLabel';
import { paragraphPlace } from '../workspace/selectors';
import { AutoReleaseOptIn } from './AutoReleaseOptIn';
import { FailedReleases } from './FailedReleases';
import { FdoInbox } from './FdoInbox';
import { MyRequests } from './MyRequests';
import { outcomeSentence } from './requestState';

export function ReleasesPanel({ board }: { board: ReleaseBoard }) {
  const { identity, byId, picture, cell, snapshot, openObject } = useWorkspace();
  const releases = useReleaseBoard(board);
  const [lastDecision, setLastDecision] = useState<string | null>(null);
  const nameOf = (objectId: string) => {
    const envelope = byId.get(objectId);
    return envelope ? objectLabel(envelope, picture) : 'an item no longer in your picture';
  };
  const locate = (objectId: string) => {
    const envelope = byId.get(objectId);
    const place = envelope ? paragraphPlace(snapshot.objects, envelope) : null;
    return place ? { reportId: place.report.id, index: place.index } : null;
  };
  const releasePolicy = snapshot.workspace?.releasePolicy;
  const decide = async (request: ReleaseRequest, decision: 'approve' | 'deny', reason?: string, category?: DenialCategory) => {
    const decided = await board.decide(request.id, decision, reason, category);
    setLastDecision(`${nameOf(decided.objectId)}: ${outcomeSentence(decided)}`);
  };

  return (
    <div className="releases-panel">
      <h2>Releases</h2>
      <ErrorMessage message={releases.error} />
      {!releases.loaded && !releases.error && <p className="muted">Loading release requests…</p>}
      {lastDecision && (
        <p className="decision-note" role="status">
          {lastDecision}
        </p>
      )}
      {isFdo(identity) && (
        <>
          {releasePolicy?.autoRelease && (
            <AutoReleaseOptIn nation={identity.nation} releasePolicy={releasePolicy} onChange={(on) => board.setAutoRelease(on)} />
          )}
          <FdoInbox
            requests={releases.inbox}
            releasePolicy={releasePolicy}
            policy={cell.policy}
            nameOf={nameOf}
            locate={locate}
            onDecide={decide}
            onShow={openObject}
            contentOf={(id) => objectContent(id, picture)}
          />
          <FailedReleases requests={releases.failed} nameOf={nameOf} />
        </>
      )}
      <MyRequests requests={releases.mine} nameOf={nameOf} onWithdraw={(request) => board.decide(request.id, 'withdraw')} />
    </div>
  );
}
