// Who is in a cell: its member list with coalition groups expanded to nations. The server admits
// by it (join, REST, figures, refresh); the web client lists partners and audiences by it.
import { policyWithGroups, type MarkingPolicy } from './markings';

/** A cell's member list and its own groups (a WorkspaceSummary, or a form being filled in). */
export interface CellMembers {
  members: readonly string[];
  groups: Readonly<Record<string, string[]>>;
}

/**
 * The member nations. A name that is neither a nation nor a group of the policy is no one: the
 * server refuses such names when a cell is created, and a form may hold them while being typed.
 */
export function memberNations(cell: CellMembers, policy: MarkingPolicy = policyWithGroups(cell.groups)): Set<string> {
  const nations = new Set<string>();
  for (const member of cell.members) {
    if (policy.nations.has(member)) nations.add(member);
    else for (const nation of policy.groups[member] ?? []) nations.add(nation);
  }
  return nations;
}

export function isMember(cell: CellMembers, nation: string): boolean {
  return memberNations(cell).has(nation);
}
