import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultPolicy, formatBanner, parseMarking } from '../../shared/markings';
import { createSqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import type { AuditLog } from '../../server/audit/log';
import type { ParticipantActor, ReleaseCell, ReleaseObject } from '../../server/release/machine';
import { configFromEnv } from '../../server/config';
import { createDeadlineScheduler, type DeadlineScheduler } from '../../server/release/scheduler';
import { createReleaseService, type NotifyEffect, type RemarkEffect, type ReleaseService } from '../../server/release/service';
import { createSqliteReleaseRequestStore } from '../../server/release/sqliteRequestStore';
import type { ReleaseRequestStore } from '../../server/release/requestStore';
import { TearlineError } from '../../server/errors';

const t0 = Date.parse('2025-03-01T08:00:00.000Z');
const minute = 60_000;

/** A viewer as the server would pass it: the participant and the objects they may see. */
interface Viewer {
  actor: ParticipantActor;
  sees(objectId: string): boolean;
}

const objectVisibility: Record<string, (nation: string) => boolean> = {};

function viewer(actor: ParticipantActor): Viewer {
  return { actor, sees: (id) => objectVisibility[id]?.(actor.nation) ?? false };
}
const usaFdo = viewer({ sub: 'usa-fdo', name: 'US FDO', nation: 'USA', roles: ['editor', 'fdo'] });
const gbrFdo = viewer({ sub: 'gbr-fdo', name: 'UK FDO', nation: 'GBR', roles: ['editor', 'fdo'] });
const usaAnalyst = viewer({ sub: 'usa-analyst', name: 'US analyst', nation: 'USA', roles: ['editor'] });
const ausAnalyst = viewer({ sub: 'aus-analyst', name: 'AUS analyst', nation: 'AUS', roles: ['editor'] });

let db: Database.Database;
let store: ReleaseRequestStore;
let audit: AuditLog;
let cell: ReleaseCell;
let objects: Map<string, ReleaseObject>;
let remarks: RemarkEffect[];
/** When set, the next re-marks throw it (an object the server cannot copy, a disk fault). */
let remarkFault: Error | undefined;
let notices: NotifyEffect[];
let woken: Date[];
let service: ReleaseService<Viewer>;
let ids: number;

function put(id: string, text: string): void {
  const marking = { ...parseMarking(text), originator: 'USA' };
  objects.set(id, { envelope: { id, workspaceId: 'ws-1', originator: 'USA', marking: formatBanner(marking) }, marking });
  objectVisibility[id] = (nation) => nation === 'USA' || marking.relTo.includes(nation);
}

function build(scheduler: Pick<DeadlineScheduler, 'wake'> = { wake: (d) => void woken.push(d) }): ReleaseService<Viewer> {
  return createReleaseService<Viewer>({
    store,
    audit,
    scheduler,
    actorOf: (v) => v.actor,
    load: async (workspaceId, objectId, v) => {
      if (workspaceId !== 'ws-1') return undefined;
      const object = objects.get(objectId);
      return { cell, object, actorCanSee: Boolean(object && v?.sees(objectId)) };
    },
    remark: async (effect) => {
      if (remarkFault) throw remarkFault;
      remarks.push(effect);
      put(effect.objectId, formatBanner(effect.marking));
    },
    notify: (effect) => void notices.push(effect),
    newId: () => `req-${++ids}`,
    clock: () => new Date(),
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: t0 });
  db = new Database(':memory:');
  store = createSqliteReleaseRequestStore(db);
  // Appends grouped within the tick: the clock is fake here, so a timed group would never be written.
  audit = createSqliteAuditLog(db, undefined, { groupMs: 0 });
  cell = { workspace: { id: 'ws-1', systemHigh: 'TOP SECRET', releasePolicy: { deadlineMinutes: 30, autoRelease: true, autoReleaseNations: ['USA'] } }, policy: defaultPolicy };
  remarkFault = undefined;
  objects = new Map();
  remarks = [];
  notices = [];
  woken = [];
  ids = 0;
  put('route', 'S//REL TO USA, AUS');
  service = build();
});
afterEach(() => {
  db.close();
  vi.useRealTimers();
});

const ask = { workspaceId: 'ws-1', objectId: 'route', targetMarking: 'S//REL TO USA, AUS, GBR', justification: 'GBR patrols the same strait.' };

async function auditActions(): Promise<string[]> {
  return (await audit.listForWorkspace('ws-1')).map((e) => e.action);
}

describe('release service', () => {
  it('request → approve: saves, audits, notifies, wakes the scheduler and re-marks the object', async () => {
    const request = await service.request(ausAnalyst, ask);
    expect(await store.get(request.id)).toEqual(request);
    expect(woken).toEqual([new Date(t0 + 30 * minute)]);
    expect(notices.map((n) => n.to)).toEqual([{ kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }]);
    expect(await service.inbox(usaFdo, 'ws-1')).toEqual([request]);
    expect(await service.inbox(gbrFdo, 'ws-1')).toEqual([]);
    expect(await service.inbox(ausAnalyst, 'ws-1')).toEqual([]);

    vi.setSystemTime(t0 + 12 * minute);
    const approved = await service.decide(usaFdo, request.id, { type: 'approve' });
    expect(approved).toMatchObject({ state: 'approved', closedAt: new Date(t0 + 12 * minute).toISOString() });
    expect(await store.get(request.id)).toEqual(approved);
    expect(remarks).toHaveLength(1);
    expect(objects.get('route')?.envelope.marking).toBe('SECRET//REL TO USA, AUS, GBR');
    expect(await auditActions()).toEqual(['release.request', 'release.approve']);
    expect(await audit.verify()).toMatchObject({ ok: true, count: 2 });
    expect(await service.inbox(usaFdo, 'ws-1')).toEqual([]);
    expect(await service.mine(ausAnalyst, 'ws-1')).toEqual([approved]);
  });

  it('turns refusals into errors with the code and words of the state machine, and changes nothing', async () => {
    const request = await service.request(ausAnalyst, ask);
    await expect(service.decide(usaAnalyst, request.id, { type: 'approve' })).rejects.toMatchObject({ code: 'forbidden', message: 'Only a foreign disclosure officer may approve a release.' });
    // The UK FDO may not see the object at all: the answer does not reveal it exists.
    await expect(service.decide(gbrFdo, request.id, { type: 'approve' })).rejects.toMatchObject({ code: 'not_found', message: 'No such object in this cell.' });
    await expect(service.decide(usaFdo, request.id, { type: 'deny', reason: ' ' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(service.decide(usaFdo, 'nope', { type: 'approve' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.request(gbrFdo, ask)).rejects.toMatchObject({ code: 'not_found', message: 'No such object in this cell.' });
    await expect(service.request(ausAnalyst, ask)).rejects.toMatchObject({ code: 'conflict' });
    expect((await store.get(request.id))?.state).toBe('pending');
    expect(remarks).toEqual([]);
    expect(await auditActions()).toEqual(['release.request']);
  });

  it('lets exactly one of an approval and a withdrawal racing each other win', async () => {
    const request = await service.request(ausAnalyst, ask);
    const [approve, withdraw] = await Promise.allSettled([
      service.decide(usaFdo, request.id, { type: 'approve' }),
      service.decide(ausAnalyst, request.id, { type: 'withdraw' }),
    ]);
    expect([approve.status, withdraw.status].sort()).toEqual(['fulfilled', 'rejected']);
    const loser = [approve, withdraw].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    // Both read the request while pending: the store's compare-and-set, not the machine, refused the loser.
    expect(loser.reason).toMatchObject({ code: 'conflict', message: expect.stringMatching(/decided a moment ago/) });
    const final = await store.get(request.id);
    expect(remarks.length).toBe(final?.state === 'approved' ? 1 : 0);
    expect(await auditActions()).toEqual(['release.request', final?.state === 'approved' ? 'release.approve' : 'release.withdraw']);
  });

  it('releases automatically at the deadline through the real scheduler, and only once', async () => {
    let scheduler: DeadlineScheduler | undefined;
    const deferred = { wake: (deadline: Date) => scheduler!.wake(deadline) };
    service = build(deferred);
    scheduler = createDeadlineScheduler({ store, onDeadline: (id) => service.deadline(id), retryMs: configFromEnv({}).releaseRetryMs });
    await scheduler.start();
    const request = await service.request(ausAnalyst, ask);
    await vi.advanceTimersByTimeAsync(30 * minute - 1);
    expect((await store.get(request.id))?.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await store.get(request.id)).toMatchObject({ state: 'auto_released', closedAt: new Date(t0 + 30 * minute).toISOString() });
    expect(objects.get('route')?.envelope.marking).toBe('SECRET//REL TO USA, AUS, GBR');
    expect(remarks).toEqual([expect.objectContaining({ actor: { sub: 'system', nation: null }, requestId: request.id })]);
    await service.deadline(request.id);
    expect(remarks).toHaveLength(1);
    expect(await auditActions()).toEqual(['release.request', 'release.auto']);
    await scheduler.stop();
  });

  it('expires at the deadline when the cell does not auto-release, telling the requester', async () => {
    cell = { ...cell, workspace: { ...cell.workspace, releasePolicy: { deadlineMinutes: 30, autoRelease: false, autoReleaseNations: ['USA'] } } };
    const request = await service.request(ausAnalyst, ask);
    notices.length = 0;
    vi.setSystemTime(t0 + 31 * minute);
    await service.deadline(request.id);
    expect(await store.get(request.id)).toMatchObject({ state: 'expired', cause: 'auto_release_off' });
    expect(remarks).toEqual([]);
    expect(notices.map((n) => n.to)).toEqual([
      { kind: 'participant', sub: 'aus-analyst' },
      { kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' },
    ]);
  });

  it('ignores a deadline fired early or for a request already decided', async () => {
    const request = await service.request(ausAnalyst, ask);
    await service.deadline(request.id);
    expect((await store.get(request.id))?.state).toBe('pending');
    await service.decide(usaFdo, request.id, { type: 'deny', reason: 'Source protection.' });
    vi.setSystemTime(t0 + 60 * minute);
    await service.deadline(request.id);
    expect(await store.get(request.id)).toMatchObject({ state: 'denied', reason: 'Source protection.' });
    expect(await auditActions()).toEqual(['release.request', 'release.deny']);
  });
});

describe('release service: automatic release is the originator’s call', () => {
  it('expires a request from another nation at the deadline when the originator has not opted in, whatever the cell says', async () => {
    cell = { ...cell, workspace: { ...cell.workspace, releasePolicy: { deadlineMinutes: 30, autoRelease: true, autoReleaseNations: ['AUS', 'GBR'] } } };
    const request = await service.request(ausAnalyst, ask);
    vi.setSystemTime(t0 + 30 * minute);
    await service.deadline(request.id);
    expect(await store.get(request.id)).toMatchObject({ state: 'expired', cause: 'originator_not_opted_in' });
    expect(remarks).toEqual([]);
    expect(objects.get('route')?.envelope.marking).toBe('SECRET//REL TO USA, AUS');
  });
});

describe('release service: a release that cannot be carried out', () => {
  it('records an approval whose re-mark throws as failed, with the reason, for the FDO, the requester and the audit trail', async () => {
    const request = await service.request(ausAnalyst, ask);
    notices.length = 0;
    remarkFault = new RangeError('Maximum call stack size exceeded');
    vi.setSystemTime(t0 + 5 * minute);
    const answer = await service.decide(usaFdo, request.id, { type: 'approve' });
    const failure = `The item is still marked SECRET//REL TO USA, AUS. The server could not re-mark it; the details are in the server log under request ${request.id}.`;
    expect(answer).toEqual({ ...request, state: 'failed', closedAt: new Date(t0 + 5 * minute).toISOString(), decidedBy: { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' }, failure });
    expect(await store.get(request.id)).toEqual(answer);
    expect(objects.get('route')?.envelope.marking).toBe('SECRET//REL TO USA, AUS');
    expect(await auditActions()).toEqual(['release.request', 'release.approve', 'release.fail']);
    expect((await audit.listForWorkspace('ws-1')).at(-1)?.detail).toEqual({ requestId: request.id, failure });
    // Only the failure is announced: nobody is told of a release that did not happen.
    expect(notices.map((n) => [n.to, n.request.state])).toEqual([
      [{ kind: 'participant', sub: 'aus-analyst' }, 'failed'],
      [{ kind: 'fdos', workspaceId: 'ws-1', nation: 'USA' }, 'failed'],
    ]);
    expect(await service.failures(usaFdo, 'ws-1')).toEqual([answer]);
    expect(await service.failures(gbrFdo, 'ws-1')).toEqual([]);
    expect(await service.mine(ausAnalyst, 'ws-1')).toEqual([answer]);
    // The object can be asked for again.
    remarkFault = undefined;
    expect((await service.request(ausAnalyst, ask)).state).toBe('pending');
  });

  it('records an automatic release whose re-mark throws as failed, and words a known refusal as it is', async () => {
    const request = await service.request(ausAnalyst, ask);
    remarkFault = new TearlineError('unavailable', 'The server cannot read this item’s stored content.');
    vi.setSystemTime(t0 + 30 * minute);
    await service.deadline(request.id);
    expect(await store.get(request.id)).toMatchObject({
      state: 'failed',
      decidedBy: null,
      failure: 'The item is still marked SECRET//REL TO USA, AUS. The server cannot read this item’s stored content.',
    });
    expect(await auditActions()).toEqual(['release.request', 'release.auto', 'release.fail']);
    expect(await audit.verify()).toMatchObject({ ok: true, count: 3 });
  });

  it('records a failure reported from outside (start-up recovery) once; a second report changes nothing', async () => {
    const request = await service.request(ausAnalyst, ask);
    const approved = await service.decide(usaFdo, request.id, { type: 'approve' });
    const failed = await service.fail(approved, new Error('null is not an object'));
    expect(failed).toMatchObject({ state: 'failed', decidedBy: { sub: 'usa-fdo' } });
    expect(await service.fail(approved, new Error('again'))).toEqual(failed);
    expect(await auditActions()).toEqual(['release.request', 'release.approve', 'release.fail']);
  });
});
