// The workspace and the participant the client's component tests show: a FVEY cell at SECRET and
// a USA analyst who may edit.
import type { WorkspaceSummary } from '../../shared/protocol';
import type { Identity } from '../../client/src/session/identity';

export const straitWatch: WorkspaceSummary = {
  id: 'ws1',
  name: 'Strait watch',
  members: ['FVEY'],
  defaultMarking: 'SECRET//REL TO USA, FVEY',
  systemHigh: 'SECRET',
  groups: {},
  exercise: false,
  releasePolicy: { deadlineMinutes: 60, autoRelease: false, autoReleaseNations: [] },
  crossNationEditing: 'suggest',
  createdAt: '2025-01-01T00:00:00.000Z',
  createdBy: 'usa-analyst',
};

export const usaAnalyst: Identity = { token: 't', sub: 'usa-analyst', name: 'Alex Morgan', nation: 'USA', clearance: 'SECRET', compartments: [], roles: ['editor'] };
