// The REST surface the client uses (DESIGN.md "The contract external clients rely on").
// The audit and figures shapes are the server's own types, imported for their types only.
import type { Persona, PublicConfig, WorkspaceSummary } from '../../../shared/protocol';
import type { AuditView } from '../../../server/audit/visibility';
import type { SharingFigures } from '../../../server/figures/sharingFigures';
import { ServerError } from './errors';
import { requestJson, requestText } from './rest';

/** An audit entry as the server shows it to you, with the cursor to read on after it. */
export type AuditEntry = AuditView & { cursor: string };

export type { Persona, SharingFigures };

export interface WorkspaceTemplate {
  id: string;
  name: string;
  members: string[];
  groups: Record<string, string[]>;
  /** Null: REL TO every member nation (shared/cellDefaults.ts). */
  defaultMarking: string | null;
}

export interface NewWorkspace {
  name: string;
  template?: string;
  members?: string[];
  defaultMarking?: string;
  systemHigh?: string;
  groups?: Record<string, string[]>;
  exercise?: boolean;
  releasePolicy?: WorkspaceSummary['releasePolicy'];
}

/** What the server tells every client before sign-in (demonstration identities on or off). */
export async function fetchPublicConfig(): Promise<PublicConfig> {
  return requestJson<PublicConfig>('/api/config');
}

/** The demo personas, or null when a real issuer is configured (the dev provider answers 404). */
export async function listPersonas(): Promise<Persona[] | null> {
  try {
    const body = await requestJson<{ personas: Persona[] }>('/api/dev/personas');
    return body.personas;
  } catch (error) {
    if (error instanceof ServerError && error.code === 'not_found') return null;
    throw error;
  }
}

export async function issueDevToken(persona: string): Promise<string> {
  const body = await requestJson<{ token: string }>('/api/dev/token', { method: 'POST', body: { persona } });
  return body.token;
}

export async function listTemplates(token: string): Promise<WorkspaceTemplate[]> {
  return (await requestJson<{ templates: WorkspaceTemplate[] }>('/api/workspace-templates', { token })).templates;
}

export async function listWorkspaces(token: string): Promise<WorkspaceSummary[]> {
  return (await requestJson<{ workspaces: WorkspaceSummary[] }>('/api/workspaces', { token })).workspaces;
}

export async function createWorkspace(token: string, workspace: NewWorkspace): Promise<WorkspaceSummary> {
  const body = await requestJson<{ workspace: WorkspaceSummary }>('/api/workspaces', {
    token,
    method: 'POST',
    body: workspace,
  });
  return body.workspace;
}

/** Largest audit page the server answers. */
export const AUDIT_PAGE_SIZE = 1000;

/** One page of audit entries, oldest first (FDOs and admins; only what you may see of entries about what you may see). */
export interface AuditPage {
  entries: AuditEntry[];
  /** Where the next page starts (null: nothing shown yet); opaque. */
  next: string | null;
}

/** The page after `after` (a cursor from an earlier page), or the first page. */
export async function fetchAudit(token: string, workspaceId: string, after: string | null = null): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE), ...(after === null ? {} : { after }) });
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/audit?${query.toString()}`;
  return requestJson<AuditPage>(path, { token });
}

export async function fetchFigures(token: string, workspaceId: string): Promise<SharingFigures> {
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/figures`;
  return (await requestJson<{ figures: SharingFigures }>(path, { token })).figures;
}

/** The object as marked plain text (banners, portion marks); refused for DISPLAY ONLY material. */
export async function fetchExport(token: string, workspaceId: string, objectId: string): Promise<string> {
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/objects/${encodeURIComponent(objectId)}/export`;
  return requestText(path, { token });
}
