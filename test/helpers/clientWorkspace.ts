// Fixtures for the web client's unit tests: a cell summary, people signed in, and the context a
// workspace view gives its panels over a static picture, so each test states only what it varies.
import type { Envelope, ObjectKind, WorkspaceSummary } from '../../shared/protocol';
import { workspaceMarkings } from '../../client/src/markings/cell';
import type { Identity } from '../../client/src/session/identity';
import type { StaticPicture } from '../../client/src/session/staticPicture';
import type { WorkspaceContextValue } from '../../client/src/workspace/context';

/** Cell ws1, "Strait watch": FVEY, SECRET system high, not an exercise; `fields` replace any of that. */
export function cellSummary(fields: Partial<WorkspaceSummary> = {}): WorkspaceSummary {
  return {
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
    ...fields,
  };
}

/** `count` USA objects of `kind` in cell ws1, marked for FVEY, ids `${kind}-0` on, created a second apart. */
export function usaObjects(kind: ObjectKind, count: number): Envelope[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${kind}-${i}`,
    workspaceId: 'ws1',
    kind,
    marking: 'SECRET//REL TO USA, FVEY',
    portion: '(S//REL TO USA, FVEY)',
    originator: 'USA',
    parentId: null,
    orderKey: 'a0',
    createdBy: 'usa-analyst',
    createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    epoch: 0,
  }));
}

/** Analysts with SECRET and the editor role. */
export const analysts = {
  usa: { token: 't', sub: 'usa-analyst', name: 'Alex Morgan', nation: 'USA', clearance: 'SECRET', compartments: [], roles: ['editor'] },
  gbr: { token: 't', sub: 'gbr-analyst', name: 'Tom Hughes', nation: 'GBR', clearance: 'SECRET', compartments: [], roles: ['editor'] },
  aus: { token: 't', sub: 'aus-analyst', name: 'Liam Walsh', nation: 'AUS', clearance: 'SECRET', compartments: [], roles: ['editor'] },
} satisfies Record<string, Identity>;

/**
 * What a workspace view gives its panels when `identity` reads `shown`: read-only (no session)
 * unless `more` says otherwise; `more` replaces any member.
 */
export function staticContext(shown: StaticPicture, identity: Identity, more: Partial<WorkspaceContextValue> = {}): WorkspaceContextValue {
  const snapshot = shown.getSnapshot();
  const cell = workspaceMarkings(snapshot.workspace!);
  return {
    picture: shown,
    snapshot,
    session: null,
    identity,
    canEdit: false,
    cell,
    picker: { cell, author: identity },
    setPresence: () => undefined,
    byId: new Map(snapshot.objects.map((object) => [object.id, object])),
    releases: null,
    openObject: () => undefined,
    focus: null,
    ...more,
  };
}
