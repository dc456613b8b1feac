// Runs release requests end to end around the pure state machine: load, decide, save, then act.
// The decision is claimed in the store first (insert, or compare-and-set from `pending`), and
// only the winner carries out the effects, so an approval racing a withdrawal or the deadline
// never re-marks an object for a request that lost. The server supplies the ports: how to load a
// cell and object for a viewer, re-mark, and notify.
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/log';
import { TearlineError } from '../errors';
import { failRelease, transition, type ParticipantActor, type ReleaseAction, type ReleaseContext, type ReleaseEffect } from './machine';
import type { ReleaseRequest } from '../../shared/release';
import type { ReleaseRequestStore } from './requestStore';
import type { DeadlineScheduler } from './scheduler';

export type RemarkEffect = Extract<ReleaseEffect, { type: 'remark' }>;
export type NotifyEffect = Extract<ReleaseEffect, { type: 'notify' }>;

export interface ReleasePorts<Viewer> {
  store: ReleaseRequestStore;
  audit: Pick<AuditLog, 'append'>;
  scheduler: Pick<DeadlineScheduler, 'wake'>;
  /** The participant behind a viewer (a socket session, say). */
  actorOf(viewer: Viewer): ParticipantActor;
  /**
   * The cell, the object (undefined when gone) and whether `viewer` may see it now; no viewer
   * means the server itself. Undefined when the cell does not exist.
   */
  load(workspaceId: string, objectId: string, viewer?: Viewer): Promise<ReleaseContext | undefined>;
  /**
   * Re-marks the object (a widening: new epoch, new audience), audited with the request id. When
   * it throws, nothing may have changed: the request is then recorded as failed. A TearlineError's
   * message becomes part of the reason the requester and FDOs read; anything else is logged by the
   * port and described in general words.
   */
  remark(effect: RemarkEffect): Promise<void>;
  /** Tells the requester or the FDOs; only those who may see the object may be told about it. */
  notify(effect: NotifyEffect): void;
  newId?(): string;
  clock?(): Date;
}

export interface NewReleaseRequest {
  workspaceId: string;
  objectId: string;
  targetMarking: string;
  justification: string;
}

export type Decision = Extract<ReleaseAction, { type: 'approve' | 'deny' | 'withdraw' }>;

export interface ReleaseService<Viewer> {
  request(viewer: Viewer, input: NewReleaseRequest): Promise<ReleaseRequest>;
  decide(viewer: Viewer, requestId: string, decision: Decision): Promise<ReleaseRequest>;
  /** The scheduler's onDeadline: releases or expires a due request; a no-op once it is decided. */
  deadline(requestId: string): Promise<void>;
  /** An FDO's inbox: pending requests of the FDO's nation in a cell, about objects they may see, soonest deadline first. */
  inbox(viewer: Viewer, workspaceId: string): Promise<ReleaseRequest[]>;
  /** The viewer's own requests in a cell, oldest first, with their outcome (a denial's reason). */
  mine(viewer: Viewer, workspaceId: string): Promise<ReleaseRequest[]>;
  /** An FDO's releases that could not be carried out: their nation's, about objects they may see, oldest first. */
  failures(viewer: Viewer, workspaceId: string): Promise<ReleaseRequest[]>;
  /**
   * Records that an approved or automatically released request could not be carried out (its
   * re-mark threw `error`): saved, audited and told like any outcome. Answers the stored request.
   */
  fail(request: ReleaseRequest, error: unknown): Promise<ReleaseRequest>;
}

const NO_SUCH_REQUEST = 'No such release request.';

/** Why a release was not carried out, for the requester, the FDOs and the audit trail. */
function failureReason(request: ReleaseRequest, error: unknown): string {
  const why =
    error instanceof TearlineError
      ? error.message
      : `The server could not re-mark it; the details are in the server log under request ${request.id}.`;
  return `The item is still marked ${request.fromMarking}. ${why}`;
}

export function createReleaseService<Viewer>(ports: ReleasePorts<Viewer>): ReleaseService<Viewer> {
  const newId = ports.newId ?? randomUUID;
  const clock = ports.clock ?? (() => new Date());

  async function loadOrFail(workspaceId: string, objectId: string, viewer?: Viewer): Promise<ReleaseContext> {
    const context = await ports.load(workspaceId, objectId, viewer);
    if (!context) throw new TearlineError('not_found', 'No such cell.');
    return context;
  }

  /** Carries out the effects of `request`'s transition; answers the request as it ends up (failed when its re-mark threw). */
  async function carryOut(request: ReleaseRequest, effects: ReleaseEffect[]): Promise<ReleaseRequest> {
    for (const effect of effects) {
      switch (effect.type) {
        case 'audit':
          await ports.audit.append(effect.entry);
          break;
        case 'remark':
          try {
            await ports.remark(effect);
          } catch (error) {
            // The effects after the re-mark announce a release that did not happen: the failure's own replace them.
            return recordFailure(request, error);
          }
          break;
        case 'notify':
          ports.notify(effect);
          break;
        case 'schedule':
          ports.scheduler.wake(effect.deadline);
          break;
        default:
          throw new Error(`unexpected release effect ${JSON.stringify(effect satisfies never)}`);
      }
    }
    return request;
  }

  /** The requests about objects `viewer` may see now: the others do not exist for them. */
  async function aboutVisibleObjects(viewer: Viewer, workspaceId: string, requests: ReleaseRequest[]): Promise<ReleaseRequest[]> {
    const visible: ReleaseRequest[] = [];
    for (const request of requests) {
      const context = await ports.load(workspaceId, request.objectId, viewer);
      if (context?.object && context.actorCanSee) visible.push(request);
    }
    return visible;
  }

  async function recordFailure(request: ReleaseRequest, error: unknown): Promise<ReleaseRequest> {
    const result = failRelease(request, failureReason(request, error), clock());
    if (!result.ok) throw new TearlineError(result.error.code, result.error.message);
    if (!(await ports.store.update(result.request, request.state))) {
      // Recorded already (by another node's recovery, say): its outcome stands.
      return (await ports.store.get(request.id)) ?? result.request;
    }
    return carryOut(result.request, result.effects);
  }

  return {
    async request(viewer, input) {
      const context = await loadOrFail(input.workspaceId, input.objectId, viewer);
      const action: ReleaseAction = { type: 'request', id: newId(), targetMarking: input.targetMarking, justification: input.justification };
      const result = transition(null, action, ports.actorOf(viewer), clock(), context);
      if (!result.ok) throw new TearlineError(result.error.code, result.error.message);
      await ports.store.insert(result.request);
      return carryOut(result.request, result.effects);
    },

    async decide(viewer, requestId, decision) {
      const request = await ports.store.get(requestId);
      if (!request) throw new TearlineError('not_found', NO_SUCH_REQUEST);
      const context = await loadOrFail(request.workspaceId, request.objectId, viewer);
      const result = transition(request, decision, ports.actorOf(viewer), clock(), context);
      if (!result.ok) throw new TearlineError(result.error.code, result.error.message);
      if (!(await ports.store.update(result.request, request.state))) {
        throw new TearlineError('conflict', 'This release request was decided a moment ago; reload it to see the outcome.');
      }
      return carryOut(result.request, result.effects);
    },

    async deadline(requestId) {
      const request = await ports.store.get(requestId);
      if (request?.state !== 'pending') return;
      // Cells are never deleted; a missing one is a fault the scheduler logs and retries.
      const context = await loadOrFail(request.workspaceId, request.objectId);
      const result = transition(request, { type: 'deadline' }, 'system', clock(), context);
      if (!result.ok) {
        if (result.error.code === 'conflict') return;
        throw new TearlineError(result.error.code, result.error.message);
      }
      // Another node, or a decision, may have won the race; then it carried out its own effects.
      if (await ports.store.update(result.request, 'pending')) await carryOut(result.request, result.effects);
    },

    async inbox(viewer, workspaceId) {
      const actor = ports.actorOf(viewer);
      if (!actor.roles.includes('fdo')) return [];
      return aboutVisibleObjects(viewer, workspaceId, await ports.store.listPending({ workspaceId, originator: actor.nation }));
    },

    async mine(viewer, workspaceId) {
      const { sub } = ports.actorOf(viewer);
      return (await ports.store.listForWorkspace(workspaceId)).filter((request) => request.requestedBy.sub === sub);
    },

    async failures(viewer, workspaceId) {
      const actor = ports.actorOf(viewer);
      if (!actor.roles.includes('fdo')) return [];
      const failed = (await ports.store.listForWorkspace(workspaceId)).filter((r) => r.state === 'failed' && r.originator === actor.nation);
      return aboutVisibleObjects(viewer, workspaceId, failed);
    },

    fail: recordFailure,
  };
}
