// For an FDO: their nation's releases that were decided (or due at the deadline) but that the
// server could not carry out. The item kept its marking; the reason says what to do next.
import type { ReleaseRequest } from '../../../shared/protocol';
import { outcomeSentence } from './requestState';

interface Props {
  requests: readonly ReleaseRequest[];
  nameOf: (objectId: string) => string;
}

export function FailedReleases({ requests, nameOf }: Props) {
  if (requests.length === 0) return null;
  return (
    <section className="failed-releases" aria-labelledby="failed-releases-title">
      <h3 id="failed-releases-title">Releases not carried out ({requests.length})</h3>
      <ul>
        {requests.map((request) => (
          <li key={request.id} className="my-request state-failed" data-request-id={request.id}>
            <p>
              {nameOf(request.objectId)} → {request.targetMarking}
            </p>
            <p className="muted">{outcomeSentence(request)}</p>
            {request.state === 'failed' && <p className="failure-reason">Why: {request.failure}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
