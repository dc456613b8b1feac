// The participant's own release requests: where each stands, denial reasons, and withdrawal.
import type { ReleaseRequest } from '../../../shared/protocol';
import { isPending } from '../../../shared/release';
import { Dtg } from '../views/Dtg';
import { ErrorMessage } from '../views/ErrorMessage';
import { useAction } from '../workspace/useAction';
import { Countdown } from './Countdown';
import { outcomeSentence, STATE_LABELS } from './requestState';
import { useNow } from './useNow';

interface Props {
  requests: readonly ReleaseRequest[];
  nameOf: (objectId: string) => string;
  onWithdraw: (request: ReleaseRequest) => Promise<unknown>;
}

export function MyRequests({ requests, nameOf, onWithdraw }: Props) {
  const now = useNow();
  const action = useAction();
  return (
    <section className="my-requests" aria-labelledby="my-requests-title">
      <h3 id="my-requests-title">My requests ({requests.length})</h3>
      {requests.length === 0 && <p className="muted">You have not asked for any release in this cell.</p>}
      <ErrorMessage message={action.error} />
      <ul>
        {requests.map((request) => (
          <li key={request.id} className={`my-request state-${request.state}`} data-request-id={request.id}>
            <p>
              <span className="state-tag">{STATE_LABELS[request.state]}</span> {nameOf(request.objectId)} → {request.targetMarking}
            </p>
            <p className="muted">
              Asked <Dtg iso={request.requestedAt} />. {outcomeSentence(request)}
            </p>
            {request.state === 'denied' && <p className="denial-reason">Reason: {request.reason}</p>}
            {request.state === 'failed' && <p className="failure-reason">Why: {request.failure}</p>}
            {isPending(request) && (
              <p>
                <Countdown requestedAt={request.requestedAt} deadline={request.deadline} now={now} />{' '}
                <button type="button" className="link-button" disabled={action.busy} onClick={() => action.run(() => onWithdraw(request), 'The request was not withdrawn')}>
                  Withdraw
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
