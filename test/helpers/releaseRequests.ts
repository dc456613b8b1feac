// A release request for store, scheduler and figures tests: AUS asks to release a NOFORN object
// (pending unless `rest` says otherwise).
import type { ReleaseRequest } from '../../shared/release';

export function pendingRequest(
  id: string,
  { deadlineMs, requestedMs, ...rest }: Partial<ReleaseRequest> & { deadlineMs: number; requestedMs: number },
): ReleaseRequest {
  return {
    id,
    workspaceId: 'ws-1',
    objectId: `obj-${id}`,
    originator: 'USA',
    fromMarking: 'SECRET//NOFORN',
    targetMarking: 'SECRET//REL TO USA, AUS',
    justification: 'AUS task force needs the route.',
    requestedBy: { sub: 'aus-analyst', name: 'AUS analyst', nation: 'AUS' },
    requestedAt: new Date(requestedMs).toISOString(),
    deadline: new Date(deadlineMs).toISOString(),
    state: 'pending',
    ...rest,
  } as ReleaseRequest;
}
