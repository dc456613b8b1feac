// A stop that was not clean (a crash, kill -9, power loss) leaves joins without leaves in the
// audit log. At start, before anyone can join, each such session is closed in the log with the
// reason, and each cell it was in records the restart, which also marks where the next start
// begins counting. A clean stop leaves nothing to close, and records nothing.
import { SYSTEM_ACTOR, type AuditDraft } from './entry';
import type { AuditLog } from './log';

/**
 * Records the restart in the cells whose sessions a stop left open; returns how many sessions it
 * closed. `node` (one of several nodes): only the sessions this node held, never those other
 * nodes still hold; its id must then stay the same across its restarts (TEARLINE_NODE_ID).
 */
export async function recordRestart(audit: AuditLog, node?: string): Promise<number> {
  const drafts: AuditDraft[] = [];
  const closedPerCell = new Map<string, number>();
  const onNode: Record<string, string> = node === undefined ? {} : { node };
  for (const { workspaceId, actor, level, count } of await audit.sessionsLeftOpen(node)) {
    for (let i = 0; i < count; i++) {
      drafts.push({ workspaceId, actor, action: 'workspace.leave', detail: { level, reason: 'server restarted', ...onNode } });
    }
    closedPerCell.set(workspaceId, (closedPerCell.get(workspaceId) ?? 0) + count);
  }
  for (const [workspaceId, sessionsClosed] of closedPerCell) {
    drafts.push({ workspaceId, actor: SYSTEM_ACTOR, action: 'server.restart', detail: { sessionsClosed, ...onNode } });
  }
  // Appended together, so they share one transaction: the leaves never without their restart entry.
  await Promise.all(drafts.map((draft) => audit.append(draft)));
  return drafts.length - closedPerCell.size;
}
