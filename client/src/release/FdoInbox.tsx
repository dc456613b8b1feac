// The FDO inbox: pending requests about this FDO's nation's items, soonest deadline first, each
// with a live countdown.
import type { MarkingPolicy } from '../../../shared/markings';
import type { ReleaseRequest } from '../../../shared/protocol';
import type { Decision } from '../session/releaseBoard';
import { InboxItem } from './InboxItem';
import { deadlineSentence } from './requestState';
import { useNow } from './useNow';

interface Props {
  requests: readonly ReleaseRequest[];
  autoRelease: boolean;
  policy: MarkingPolicy;
  nameOf: (objectId: string) => string;
  onDecide: (request: ReleaseRequest, decision: Exclude<Decision, 'withdraw'>, reason?: string) => Promise<unknown>;
  onShow?: (objectId: string) => void;
}

export function FdoInbox({ requests, autoRelease, policy, nameOf, onDecide, onShow }: Props) {
  const now = useNow();
  return (
    <section className="fdo-inbox" aria-labelledby="fdo-inbox-title">
      <h3 id="fdo-inbox-title">Inbox: releases to decide ({requests.length})</h3>
      {requests.length === 0 && <p className="muted">No release request is waiting for you.</p>}
      {requests.map((request) => (
        <InboxItem
          key={request.id}
          request={request}
          objectName={nameOf(request.objectId)}
          now={now}
          deadlineNote={deadlineSentence(request, autoRelease, policy)}
          onDecide={(decision, reason) => onDecide(request, decision, reason)}
          onShow={onShow && (() => onShow(request.objectId))}
        />
      ))}
    </section>
  );
}
