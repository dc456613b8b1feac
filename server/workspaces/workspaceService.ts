// Cells: creation from a template or by hand, membership, and the marking policy each one uses.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  classificationRank,
  formatBanner,
  parseMarking,
  policyWithGroups,
  type MarkingPolicy,
} from '../../shared/markings';
import type { WorkspaceSummary } from '../../shared/protocol';
import type { NewWorkspace } from '../../shared/rest';
import type { Identity } from '../auth/verifier';
import { autoReleaseOptInRefusal, DEFAULT_RELEASE_POLICY, MIN_DEADLINE_MINUTES, type ReleasePolicy } from '../release/policy';
import { forbidden, TearlineError } from '../errors';
import type { Store } from '../store/types';
import { findTemplate, TEMPLATES } from './templates';
import { defaultMarkingFor } from '../../shared/cellDefaults';
import { isMember, memberNations } from '../../shared/membership';
import { CROSS_NATION_EDITING, DEFAULT_CROSS_NATION_EDITING } from '../../shared/suggestions';
import { line } from '../../shared/text';

const code = (pattern: RegExp, what: string) => z.string().regex(pattern, `${what}`);

/** `POST /api/workspaces` (NewWorkspace): strict, so a field the type lacks is refused. */
export const createWorkspaceSchema = z.strictObject({
  name: line().trim().min(1).max(120),
  template: z.enum(TEMPLATES.map((t) => t.id) as [string, ...string[]]).optional(),
  members: z.array(code(/^[A-Z]{3,4}$/, 'members are country trigraphs or group tetragraphs')).max(64).optional(),
  defaultMarking: line().min(1).max(512).optional(),
  systemHigh: line().min(1).max(32).optional(),
  groups: z
    .record(code(/^[A-Z]{4}$/, 'group names are four capital letters'), z.array(code(/^[A-Z]{3}$/, 'group members are trigraphs')).min(1).max(64))
    .optional(),
  exercise: z.boolean().optional(),
  releasePolicy: z
    .strictObject({
      deadlineMinutes: z.number().min(MIN_DEADLINE_MINUTES).max(90 * 24 * 60),
      autoRelease: z.boolean(),
      /** The creator, an FDO, may opt their own nation in; other nations' FDOs do so later (release:policy). */
      autoReleaseNations: z.array(code(/^[A-Z]{3}$/, 'nations are country trigraphs')).max(64).optional(),
    })
    .optional(),
  crossNationEditing: z.enum(CROSS_NATION_EDITING).optional(),
}) satisfies z.ZodType<NewWorkspace>;
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceSchema>;

export function policyOf(workspace: WorkspaceSummary): MarkingPolicy {
  return policyWithGroups(workspace.groups);
}

function badRequest(message: string): TearlineError {
  return new TearlineError('bad_request', message);
}

/** Checks a marking against the cell: parses it and keeps it at or under system high. */
export function checkMarkingForCell(workspace: WorkspaceSummary, text: string) {
  const policy = policyOf(workspace);
  const marking = parseMarking(text, policy);
  if (classificationRank(marking.classification, policy) > classificationRank(workspace.systemHigh, policy)) {
    throw new TearlineError('bad_marking', `This cell is accredited up to ${workspace.systemHigh}; "${text}" is above it.`);
  }
  return marking;
}

/** The new cell's release policy; only an FDO of a nation may opt that nation in. */
function initialReleasePolicy(input: CreateWorkspaceInput['releasePolicy'], creator: Identity): ReleasePolicy {
  const autoReleaseNations = [...new Set(input?.autoReleaseNations ?? [])].sort();
  for (const nation of autoReleaseNations) {
    const refusal = autoReleaseOptInRefusal(creator, nation);
    if (refusal) throw forbidden(refusal);
  }
  return { ...DEFAULT_RELEASE_POLICY, ...input, autoReleaseNations };
}

export function buildWorkspace(input: CreateWorkspaceInput, creator: Identity, now = new Date()): WorkspaceSummary {
  const template = input.template ? findTemplate(input.template) : undefined;
  const groups = { ...template?.groups, ...input.groups };
  const policy = policyWithGroups(groups);
  const members = [...new Set([...(template?.members ?? []), ...(input.members ?? [])])];
  for (const member of members) {
    if (!policy.groups[member] && !policy.nations.has(member)) {
      throw badRequest(`"${member}" is not a country trigraph or a coalition group.`);
    }
  }
  const draft: WorkspaceSummary = {
    id: randomUUID(),
    name: input.name,
    members,
    defaultMarking: 'UNCLASSIFIED',
    systemHigh: 'TOP SECRET',
    groups,
    exercise: input.exercise ?? false,
    releasePolicy: initialReleasePolicy(input.releasePolicy, creator),
    crossNationEditing: input.crossNationEditing ?? DEFAULT_CROSS_NATION_EDITING,
    createdAt: now.toISOString(),
    createdBy: creator.sub,
  };
  // The creator's own nation is always in its cell: otherwise nobody could open it.
  if (!isMember(draft, creator.nation)) draft.members.push(creator.nation);
  if (input.systemHigh) {
    const rank = classificationRank(input.systemHigh, policy);
    draft.systemHigh = levelName(policy, rank);
  }
  const nations = [...memberNations(draft)];
  const defaultMarking = input.defaultMarking ?? defaultMarkingFor(template?.defaultMarking, nations);
  draft.defaultMarking = formatBanner(checkMarkingForCell(draft, defaultMarking), policy);
  return draft;
}

function levelName(policy: MarkingPolicy, rank: number): string {
  const level = policy.levels.find((l) => l.rank === rank);
  if (!level) throw badRequest('Unknown classification level.');
  return level.name;
}

export class WorkspaceService {
  constructor(private readonly store: Store) {}

  async create(input: CreateWorkspaceInput, creator: Identity): Promise<WorkspaceSummary> {
    const workspace = buildWorkspace(input, creator);
    await this.store.createWorkspace(workspace);
    return workspace;
  }

  async get(id: string): Promise<WorkspaceSummary | undefined> {
    return this.store.getWorkspace(id);
  }

  /** The cells a participant's nation belongs to. */
  async listFor(identity: Identity): Promise<WorkspaceSummary[]> {
    const all = await this.store.listWorkspaces();
    return all.filter((w) => isMember(w, identity.nation));
  }
}
