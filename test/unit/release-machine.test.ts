import { describe, expect, it } from 'vitest';
import { defaultPolicy, formatBanner, parseMarking } from '../../shared/markings';
import { SYSTEM_ACTOR } from '../../server/audit/entry';
import { notFound } from '../../server/errors';
import {
  failRelease,
  TEXT_MAX,
  transition,
  type ParticipantActor,
  type ReleaseAction,
  type ReleaseActor,
  type ReleaseCell,
  type ReleaseContext,
  type ReleaseObject,
  type TransitionResult,
} from '../../server/release/machine';
import type { ReleaseRequest, ReleaseState } from '../../shared/release';

const t0 = new Date('2025-03-01T08:00:00.000Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

const usaFdo: ParticipantActor = { sub: 'usa-fdo', name: 'US FDO', nation: 'USA', roles: ['editor', 'fdo'] };
const usaFdo2: ParticipantActor = { sub: 'usa-fdo-2', name: 'Second US FDO', nation: 'USA', roles: ['fdo'] };
const gbrFdo: ParticipantActor = { sub: 'gbr-fdo', name: 'UK FDO', nation: 'GBR', roles: ['editor', 'fdo'] };
const usaAnalyst: ParticipantActor = { sub: 'usa-analyst', name: 'US analyst', nation: 'USA', roles: ['editor'] };
const usaAdmin: ParticipantActor = { sub: 'usa-admin', name: 'US admin', nation: 'USA', roles: ['admin'] };
const ausAnalyst: ParticipantActor = { sub: 'aus-analyst', name: 'AUS analyst', nation: 'AUS', roles: ['editor'] };
const ausViewer: ParticipantActor = { sub: 'aus-viewer', name: 'AUS viewer', nation: 'AUS', roles: ['viewer'] };

function cellWith(releasePolicy: ReleaseCell['workspace']['releasePolicy'], systemHigh = 'TOP SECRET'): ReleaseCell {
  return { workspace: { id: 'ws-1', systemHigh, releasePolicy }, policy: defaultPolicy };
}
/** The cell auto-releases and USA, the originator of the objects below, opted in. */
const autoCell = cellWith({ deadlineMinutes: 60, autoRelease: true, autoReleaseNations: ['USA'] });
const manualCell = cellWith({ deadlineMinutes: 60, autoRelease: false, autoReleaseNations: ['USA'] });
/** The cell auto-releases, and every nation but the originator opted in. */
const othersOptedIn = cellWith({ deadlineMinutes: 60, autoRelease: true, autoReleaseNations: ['AUS', 'GBR'] });

function objectMarked(text: string, originator = 'USA', id = 'obj-1'): ReleaseObject {
  const marking = { ...parseMarking(text), originator };
  return { envelope: { id, workspaceId: 'ws-1', originator, marking: formatBanner(marking) }, marking };
}
const relAus = objectMarked('S//REL TO USA, AUS');

function context(overrides: Partial<ReleaseContext> = {}): ReleaseContext {
  return { cell: autoCell, object: relAus, actorCanSee: true, ...overrides };
}

function ok(result: TransitionResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result;
}

const ask: ReleaseAction = { type: 'request', id: 'req-1', targetMarking: 'secret//rel to gbr, usa, aus', justification: '  GBR shares the patrol area.  ' };

/** A pending request by AUS to release the object to GBR as well. */
function pendingRequest(ctx: Partial<ReleaseContext> = {}): ReleaseRequest {
  return ok(transition(null, ask, ausAnalyst, t0, context(ctx))).request;
}

/** The request carried to `state` through legal transitions. */
function requestIn(state: ReleaseState): ReleaseRequest {
  const pending = pendingRequest();
  const step: Record<ReleaseState, () => TransitionResult> = {
    pending: () => ({ ok: true, request: pending, effects: [] }),
    approved: () => transition(pending, { type: 'approve' }, usaFdo, minutes(5), context()),
    denied: () => transition(pending, { type: 'deny', reason: 'Source protection.' }, usaFdo, minutes(5), context()),
    withdrawn: () => transition(pending, { type: 'withdraw' }, ausAnalyst, minutes(5), context()),
    auto_released: () => transition(pending, { type: 'deadline' }, 'system', minutes(60), context()),
    expired: () => transition(pending, { type: 'deadline' }, 'system', minutes(60), context({ cell: manualCell })),
    failed: () => failRelease(requestIn('approved'), 'The item is still marked SECRET//REL TO USA, AUS.', minutes(6)),
  };
  return ok(step[state]()).request;
}

function expectError(result: TransitionResult, code: string, message?: RegExp | string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  if (typeof message === 'string') expect(result.error.message).toBe(message);
  else if (message) expect(result.error.message).toMatch(message);
}

describe('request', () => {
  it('opens a pending request with a canonical target, a trimmed justification and the cell deadline', () => {
    const result = ok(transition(null, ask, ausAnalyst, t0, context()));
    expect(result.request).toEqual({
      id: 'req-1',
      workspaceId: 'ws-1',
      objectId: 'obj-1',
      originator: 'USA',
      fromMarking: 'SECRET//REL TO USA, AUS',
      targetMarking: 'SECRET//REL TO USA, AUS, GBR',
      justification: 'GBR shares the patrol area.',
      requestedBy: { sub: 'aus-analyst', name: 'AUS analyst', nation: 'AUS' },
      requestedAt: '2025-03-01T08:00:00.000Z',
      deadline: '2025-03-01T09:00:00.000Z',
      state: 'pending',
    });
    expect(result.effects).toEqual([
      {
        type: 'audit',
        entry: {
          workspaceId: 'ws-1',
          actor: { sub: 'aus-analyst', nation: 'AUS' },
          action: 'release.request',
          objectId: 'obj-1',
          at: '2025-03-01T08:00:00.000Z',
          detail: {
            requestId: 'req-1',
            from: 'SECRET//REL TO USA, AUS',
            to: 'SECRET//REL TO USA, AUS, GBR',
            justification: 'GBR shares the patrol area.',
            deadline: '2025-03-01T09:00:00.000Z',
          },
        },
      },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
      { type: 'schedule', requestId: 'req-1', deadline: minutes(60) },
    ]);
  });

  it('takes the deadline from the cell: 72 hours by default, minutes for a crisis cell', () => {
    expect(pendingRequest({ cell: cellWith(undefined) }).deadline).toBe(minutes(72 * 60).toISOString());
    expect(pendingRequest({ cell: cellWith({ deadlineMinutes: 15, autoRelease: true, autoReleaseNations: [] }) }).deadline).toBe(minutes(15).toISOString());
  });

  it('goes to the FDOs of the originator nation, which need not be the USA', () => {
    const gbrObject = objectMarked('S//REL TO USA, GBR', 'GBR');
    const request = ok(transition(null, { ...ask, targetMarking: 'S//REL TO USA, GBR, AUS' }, usaAnalyst, t0, context({ object: gbrObject }))).request;
    expect(request.originator).toBe('GBR');
  });

  it('accepts a tearline-style release: lower classification and more nations', () => {
    const nf = objectMarked('S//NF');
    const request = ok(transition(null, { ...ask, targetMarking: 'C//REL TO USA, FVEY' }, usaAnalyst, t0, context({ object: nf }))).request;
    expect(request).toMatchObject({ fromMarking: 'SECRET//NOFORN', targetMarking: 'CONFIDENTIAL//REL TO USA, FVEY' });
  });

  it('answers not_found, in the same words as a missing object, when the requester may not see the object', () => {
    const hidden = notFound().toJSON();
    expect(transition(null, ask, ausAnalyst, t0, context({ actorCanSee: false }))).toEqual({ ok: false, error: hidden });
    expect(transition(null, ask, ausAnalyst, t0, context({ object: undefined }))).toEqual({ ok: false, error: hidden });
    expect(transition(null, ask, ausAnalyst, t0, context({ object: objectMarked('S//REL TO USA, AUS', 'USA', 'obj-1'), cell: { ...autoCell, workspace: { ...autoCell.workspace, id: 'ws-2' } } }))).toEqual({ ok: false, error: hidden });
  });

  it('is for editors only', () => {
    expectError(transition(null, ask, ausViewer, t0, context()), 'forbidden', 'Only an editor may ask for a release.');
    expectError(transition(null, ask, usaAdmin, t0, context()), 'forbidden');
    expectError(transition(null, ask, 'system', t0, context()), 'forbidden');
  });

  it('needs a justification of at most 2000 characters', () => {
    expectError(transition(null, { ...ask, justification: ' \n\t ' }, ausAnalyst, t0, context()), 'bad_request', /justification/);
    expectError(transition(null, { ...ask, justification: 'x'.repeat(TEXT_MAX + 1) }, ausAnalyst, t0, context()), 'bad_request', /2000/);
    expect(ok(transition(null, { ...ask, justification: ` ${'x'.repeat(TEXT_MAX)} ` }, ausAnalyst, t0, context())).request.justification).toHaveLength(TEXT_MAX);
  });

  it('rejects a target marking that does not parse, naming the bad token, or is above system high', () => {
    expectError(transition(null, { ...ask, targetMarking: 'SECRET//REL TO USA, XYZ' }, ausAnalyst, t0, context()), 'bad_marking', /XYZ/);
    const secretCell = cellWith({ deadlineMinutes: 60, autoRelease: true, autoReleaseNations: ['USA'] }, 'SECRET');
    const tsObject = objectMarked('S//REL TO USA, AUS');
    expectError(transition(null, { ...ask, targetMarking: 'TS//REL TO USA, FVEY' }, ausAnalyst, t0, context({ cell: secretCell, object: tsObject })), 'bad_marking', /accredited up to SECRET/);
  });

  it('only widens: the same marking, a narrowing, a mixed change or no new reader is refused', () => {
    const target = (targetMarking: string) => transition(null, { ...ask, targetMarking }, ausAnalyst, t0, context());
    expectError(target('SECRET//REL TO AUS, USA'), 'bad_request', 'The object is already marked SECRET//REL TO USA, AUS.');
    expectError(target('S//NF'), 'bad_request', /would hide this object/);
    expectError(target('TS//REL TO USA, AUS, GBR'), 'bad_request', /would hide this object/);
    expectError(target('S//ORCON/REL TO USA, AUS'), 'bad_request', /gives no one new access/);
  });

  it('counts a copy as new access: DISPLAY ONLY → REL TO is a release', () => {
    const displayOnly = objectMarked('S//REL TO USA, AUS//DISPLAY ONLY JPN');
    const result = ok(transition(null, { ...ask, targetMarking: 'S//REL TO USA, AUS, JPN' }, ausAnalyst, t0, context({ object: displayOnly })));
    expect(result.request.targetMarking).toBe('SECRET//REL TO USA, AUS, JPN');
  });

  it('cannot be made twice from an existing request', () => {
    expectError(transition(pendingRequest(), ask, ausAnalyst, t0, context()), 'conflict');
  });
});

describe('approve', () => {
  it('by an FDO of the originator nation: re-marks the object to the target and tells the requester', () => {
    const pending = pendingRequest();
    const result = ok(transition(pending, { type: 'approve' }, usaFdo, minutes(7), context()));
    expect(result.request).toEqual({
      ...pending,
      state: 'approved',
      closedAt: minutes(7).toISOString(),
      decidedBy: { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' },
    });
    expect(result.effects).toEqual([
      {
        type: 'audit',
        entry: {
          workspaceId: 'ws-1',
          actor: { sub: 'usa-fdo', nation: 'USA' },
          action: 'release.approve',
          objectId: 'obj-1',
          at: minutes(7).toISOString(),
          detail: { requestId: 'req-1', to: 'SECRET//REL TO USA, AUS, GBR' },
        },
      },
      {
        type: 'remark',
        objectId: 'obj-1',
        marking: { ...parseMarking('SECRET//REL TO USA, AUS, GBR'), originator: 'USA' },
        actor: { sub: 'usa-fdo', nation: 'USA' },
        requestId: 'req-1',
      },
      { type: 'notify', to: { kind: 'participant', sub: 'aus-analyst' }, request: result.request },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
    ]);
  });

  it('is refused to a participant who is not an FDO, even of the originator nation', () => {
    expectError(transition(pendingRequest(), { type: 'approve' }, usaAnalyst, minutes(1), context()), 'forbidden', 'Only a foreign disclosure officer may approve a release.');
    expectError(transition(pendingRequest(), { type: 'approve' }, usaAdmin, minutes(1), context()), 'forbidden');
    expectError(transition(pendingRequest(), { type: 'approve' }, ausAnalyst, minutes(1), context()), 'forbidden');
  });

  it('is refused to an FDO of another nation', () => {
    expectError(transition(pendingRequest(), { type: 'approve' }, gbrFdo, minutes(1), context()), 'forbidden', /Only an FDO of USA/);
  });

  it('is for the FDOs of the originator, whichever nation that is', () => {
    const gbrObject = objectMarked('S//REL TO USA, GBR', 'GBR');
    const pending = ok(transition(null, { ...ask, targetMarking: 'S//REL TO USA, GBR, AUS' }, usaAnalyst, t0, context({ object: gbrObject }))).request;
    expectError(transition(pending, { type: 'approve' }, usaFdo, minutes(1), context({ object: gbrObject })), 'forbidden', /Only an FDO of GBR/);
    expect(ok(transition(pending, { type: 'approve' }, gbrFdo, minutes(1), context({ object: gbrObject }))).request.state).toBe('approved');
  });

  it('answers not_found to an FDO who may not see the object, or when it is gone', () => {
    expect(transition(pendingRequest(), { type: 'approve' }, usaFdo, minutes(1), context({ actorCanSee: false }))).toEqual({ ok: false, error: notFound().toJSON() });
    expect(transition(pendingRequest(), { type: 'approve' }, usaFdo, minutes(1), context({ object: undefined }))).toEqual({ ok: false, error: notFound().toJSON() });
    expect(transition(null, { type: 'approve' }, usaFdo, minutes(1), context())).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('is refused after the object was re-marked, so a tightening is never undone by an old request', () => {
    const narrowed = objectMarked('S//NF');
    expectError(transition(pendingRequest(), { type: 'approve' }, usaFdo, minutes(1), context({ object: narrowed })), 'conflict', /re-marked SECRET\/\/NOFORN after the request/);
  });

  it('is not for the server', () => {
    expectError(transition(pendingRequest(), { type: 'approve' }, 'system', minutes(1), context()), 'forbidden');
  });
});

describe('deny', () => {
  it('needs a reason, which the requester gets, with its category', () => {
    const pending = pendingRequest();
    const result = ok(transition(pending, { type: 'deny', reason: '  Reveals the collection platform.  ', category: 'sources_methods' }, usaFdo, minutes(3), context()));
    expect(result.request).toEqual({
      ...pending,
      state: 'denied',
      closedAt: minutes(3).toISOString(),
      decidedBy: { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' },
      reason: 'Reveals the collection platform.',
      category: 'sources_methods',
    });
    expect(result.effects).toEqual([
      {
        type: 'audit',
        entry: {
          workspaceId: 'ws-1',
          actor: { sub: 'usa-fdo', nation: 'USA' },
          action: 'release.deny',
          objectId: 'obj-1',
          at: minutes(3).toISOString(),
          detail: { requestId: 'req-1', reason: 'Reveals the collection platform.', category: 'sources_methods' },
        },
      },
      { type: 'notify', to: { kind: 'participant', sub: 'aus-analyst' }, request: result.request },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
    ]);
  });

  it('without a reason, or with a blank or too long one, is refused and changes nothing', () => {
    const pending = pendingRequest();
    expectError(transition(pending, { type: 'deny', reason: '' }, usaFdo, minutes(1), context()), 'bad_request', /Give a reason/);
    expectError(transition(pending, { type: 'deny', reason: '   \n ' }, usaFdo, minutes(1), context()), 'bad_request', /Give a reason/);
    expectError(transition(pending, { type: 'deny', reason: 'r'.repeat(TEXT_MAX + 1) }, usaFdo, minutes(1), context()), 'bad_request', /under 2000/);
    expect(ok(transition(pending, { type: 'deny', reason: 'r'.repeat(TEXT_MAX) }, usaFdo, minutes(1), context())).request.state).toBe('denied');
    expect(pending.state).toBe('pending');
  });

  it('is refused to non-FDOs, FDOs of another nation, FDOs who may not see the object and the server', () => {
    const deny: ReleaseAction = { type: 'deny', reason: 'No.' };
    expectError(transition(pendingRequest(), deny, usaAnalyst, minutes(1), context()), 'forbidden');
    expectError(transition(pendingRequest(), deny, gbrFdo, minutes(1), context()), 'forbidden', /Only an FDO of USA/);
    expectError(transition(pendingRequest(), deny, usaFdo, minutes(1), context({ actorCanSee: false })), 'not_found');
    expectError(transition(pendingRequest(), deny, 'system', minutes(1), context()), 'forbidden');
  });

  it('is allowed after the object was re-marked (only approval is refused then)', () => {
    expect(ok(transition(pendingRequest(), { type: 'deny', reason: 'Overtaken.' }, usaFdo, minutes(1), context({ object: objectMarked('S//NF') }))).request.state).toBe('denied');
  });
});

describe('withdraw', () => {
  it('by the requester, while pending', () => {
    const pending = pendingRequest();
    const result = ok(transition(pending, { type: 'withdraw' }, ausAnalyst, minutes(2), context()));
    expect(result.request).toEqual({ ...pending, state: 'withdrawn', closedAt: minutes(2).toISOString() });
    expect(result.effects).toEqual([
      {
        type: 'audit',
        entry: { workspaceId: 'ws-1', actor: { sub: 'aus-analyst', nation: 'AUS' }, action: 'release.withdraw', objectId: 'obj-1', at: minutes(2).toISOString(), detail: { requestId: 'req-1' } },
      },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
    ]);
  });

  it("works even when the requester may no longer see the object (it is their own request)", () => {
    expect(ok(transition(pendingRequest(), { type: 'withdraw' }, ausAnalyst, minutes(2), context({ actorCanSee: false, object: undefined }))).request.state).toBe('withdrawn');
  });

  it("is refused for someone else's request, even to an FDO, and to the server", () => {
    const other: ParticipantActor = { ...ausAnalyst, sub: 'aus-analyst-2' };
    for (const actor of [other, usaFdo, gbrFdo] as ReleaseActor[]) {
      expectError(transition(pendingRequest(), { type: 'withdraw' }, actor, minutes(1), context()), 'forbidden', 'Only the participant who asked for this release may withdraw it.');
    }
    expectError(transition(pendingRequest(), { type: 'withdraw' }, 'system', minutes(1), context()), 'forbidden');
  });
});

describe('deadline', () => {
  it('releases automatically when the cell says so and the object is not ORCON', () => {
    const pending = pendingRequest();
    const result = ok(transition(pending, { type: 'deadline' }, 'system', minutes(60), context()));
    expect(result.request).toEqual({ ...pending, state: 'auto_released', closedAt: minutes(60).toISOString() });
    expect(result.effects).toEqual([
      {
        type: 'audit',
        entry: { workspaceId: 'ws-1', actor: SYSTEM_ACTOR, action: 'release.auto', objectId: 'obj-1', at: minutes(60).toISOString(), detail: { requestId: 'req-1', to: 'SECRET//REL TO USA, AUS, GBR' } },
      },
      { type: 'remark', objectId: 'obj-1', marking: { ...parseMarking('SECRET//REL TO USA, AUS, GBR'), originator: 'USA' }, actor: SYSTEM_ACTOR, requestId: 'req-1' },
      { type: 'notify', to: { kind: 'participant', sub: 'aus-analyst' }, request: result.request },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
    ]);
  });

  it('is refused before the deadline', () => {
    expectError(transition(pendingRequest(), { type: 'deadline' }, 'system', new Date(minutes(60).getTime() - 1), context()), 'conflict', /not due until 2025-03-01T09:00:00.000Z/);
  });

  it('is applied by the server only', () => {
    expectError(transition(pendingRequest(), { type: 'deadline' }, usaFdo, minutes(60), context()), 'forbidden');
  });

  it.each([
    ['auto-release is off in the cell', { cell: manualCell }, 'auto_release_off'],
    ['the cell auto-releases but the originator (USA) has not opted in, though other nations have', { cell: othersOptedIn }, 'originator_not_opted_in'],
    ['no nation has opted in', { cell: cellWith({ deadlineMinutes: 60, autoRelease: true, autoReleaseNations: [] }) }, 'originator_not_opted_in'],
    ['the originator opted in but the cell does not auto-release (a cell setting may only be stricter)', { cell: cellWith({ deadlineMinutes: 60, autoRelease: false, autoReleaseNations: ['USA'] }) }, 'auto_release_off'],
    ['the object is ORCON', { object: objectMarked('S//OC/REL TO USA, AUS') }, 'orcon'],
    ['the object was re-marked since the request', { object: objectMarked('S//REL TO USA, AUS, NZL') }, 'marking_changed'],
    ['the object no longer exists', { object: undefined }, 'object_gone'],
  ] as const)('expires the request, without re-marking anything, when %s', (_why, ctx, cause) => {
    const orcon = 'object' in ctx && ctx.object?.marking.orcon;
    const pending = orcon
      ? ok(transition(null, { ...ask, targetMarking: 'S//OC/REL TO USA, AUS, GBR' }, ausAnalyst, t0, context({ object: ctx.object }))).request
      : pendingRequest();
    const result = ok(transition(pending, { type: 'deadline' }, 'system', minutes(90), context(ctx)));
    expect(result.request).toEqual({ ...pending, state: 'expired', closedAt: minutes(90).toISOString(), cause });
    expect(result.effects.some((e) => e.type === 'remark')).toBe(false);
    expect(result.effects[0]).toEqual({
      type: 'audit',
      entry: { workspaceId: 'ws-1', actor: SYSTEM_ACTOR, action: 'release.expire', objectId: 'obj-1', at: minutes(90).toISOString(), detail: { requestId: 'req-1', cause } },
    });
    expect(result.effects.slice(1)).toEqual([
      { type: 'notify', to: { kind: 'participant', sub: 'aus-analyst' }, request: result.request },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
    ]);
  });

  it('reads auto-release from the cell at the deadline, not at request time', () => {
    const pending = pendingRequest({ cell: autoCell });
    expect(ok(transition(pending, { type: 'deadline' }, 'system', minutes(60), context({ cell: manualCell }))).request).toMatchObject({ state: 'expired', cause: 'auto_release_off' });
  });

  it('reads the originator’s opt-in at the deadline: a nation that opts out stops its pending requests going out', () => {
    const pending = pendingRequest({ cell: autoCell });
    expect(ok(transition(pending, { type: 'deadline' }, 'system', minutes(60), context({ cell: othersOptedIn }))).request).toMatchObject({ state: 'expired', cause: 'originator_not_opted_in' });
  });

  it('releases material of a non-US originator only on that nation’s opt-in', () => {
    const gbrObject = objectMarked('S//REL TO USA, GBR', 'GBR');
    const pending = ok(transition(null, { ...ask, targetMarking: 'S//REL TO USA, GBR, AUS' }, usaAnalyst, t0, context({ object: gbrObject }))).request;
    expect(ok(transition(pending, { type: 'deadline' }, 'system', minutes(60), context({ object: gbrObject }))).request).toMatchObject({ state: 'expired', cause: 'originator_not_opted_in' });
    expect(ok(transition(pending, { type: 'deadline' }, 'system', minutes(60), context({ object: gbrObject, cell: othersOptedIn }))).request.state).toBe('auto_released');
  });
});

describe('failure to carry out a release', () => {
  const why = 'The item is still marked SECRET//REL TO USA, AUS. The server could not re-mark it.';

  it('records an approval whose re-mark failed as failed, keeping the approving FDO, and tells everyone the reason', () => {
    const approved = requestIn('approved');
    const result = ok(failRelease(approved, why, minutes(8)));
    expect(result.request).toEqual({
      ...pendingRequest(),
      state: 'failed',
      closedAt: minutes(8).toISOString(),
      decidedBy: { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' },
      failure: why,
    });
    expect(result.effects).toEqual([
      {
        type: 'audit',
        entry: { workspaceId: 'ws-1', actor: SYSTEM_ACTOR, action: 'release.fail', objectId: 'obj-1', at: minutes(8).toISOString(), detail: { requestId: 'req-1', failure: why } },
      },
      { type: 'notify', to: { kind: 'participant', sub: 'aus-analyst' }, request: result.request },
      { type: 'notify', to: { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, request: result.request },
    ]);
    expect(result.effects.some((e) => e.type === 'remark')).toBe(false);
  });

  it('records an automatic release whose re-mark failed, with no deciding FDO', () => {
    expect(ok(failRelease(requestIn('auto_released'), why, minutes(61))).request).toMatchObject({ state: 'failed', decidedBy: null, failure: why });
  });

  it.each(['pending', 'denied', 'withdrawn', 'expired', 'failed'] as const)('is refused for a request %s (nothing was being carried out)', (state) => {
    expectError(failRelease(requestIn(state), why, minutes(9)), 'conflict');
  });
});

describe('final states', () => {
  const finals: ReleaseState[] = ['approved', 'denied', 'withdrawn', 'auto_released', 'expired', 'failed'];
  // Each action by the one actor who could take it on a pending request.
  const attempts: [string, ReleaseAction, ReleaseActor][] = [
    ['approve', { type: 'approve' }, usaFdo],
    ['approve by another FDO', { type: 'approve' }, usaFdo2],
    ['deny', { type: 'deny', reason: 'Too late.' }, usaFdo],
    ['withdraw', { type: 'withdraw' }, ausAnalyst],
    ['deadline', { type: 'deadline' }, 'system'],
  ];

  it.each(finals.flatMap((state) => attempts.map(([name, action, actor]) => [state, name, action, actor] as const)))(
    'a request %s refuses %s with conflict and stays as it was',
    (state, _name, action, actor) => {
      const request = requestIn(state);
      const result = transition(request, action, actor, minutes(120), context());
      expectError(result, 'conflict');
      expect(request.state).toBe(state);
    },
  );

  it('explains why in words: approving after withdrawal, double decisions', () => {
    expectError(transition(requestIn('withdrawn'), { type: 'approve' }, usaFdo, minutes(9), context()), 'conflict', 'This release request was withdrawn by its requester.');
    expectError(transition(requestIn('approved'), { type: 'approve' }, usaFdo2, minutes(9), context()), 'conflict', 'This release was already approved by US FDO (USA).');
    expectError(transition(requestIn('denied'), { type: 'approve' }, usaFdo2, minutes(9), context()), 'conflict', 'This release was already denied by US FDO (USA).');
    expectError(transition(requestIn('auto_released'), { type: 'deny', reason: 'No.' }, usaFdo, minutes(90), context()), 'conflict', /released automatically/);
    expectError(transition(requestIn('expired'), { type: 'approve' }, usaFdo, minutes(90), context()), 'conflict', /expired at its deadline/);
    expectError(transition(requestIn('failed'), { type: 'approve' }, usaFdo, minutes(90), context()), 'conflict', /could not be carried out\. The item is still marked/);
  });

  it('checks who is acting before saying what state the request is in', () => {
    expectError(transition(requestIn('withdrawn'), { type: 'approve' }, gbrFdo, minutes(9), context()), 'forbidden');
    expectError(transition(requestIn('approved'), { type: 'withdraw' }, usaFdo, minutes(9), context()), 'forbidden');
  });
});
