// The REST surface the client uses (DESIGN.md "The contract external clients rely on").
import type { WorkspaceSummary } from '../../../shared/protocol';
import { ServerError } from './errors';
import { requestJson } from './rest';

export interface Persona {
  id: string;
  name: string;
  nation: string;
  clearance: string;
  compartments: string[];
  roles: string[];
}

export interface WorkspaceTemplate {
  id: string;
  name: string;
  members: string[];
  groups: Record<string, string[]>;
  defaultMarking?: string;
}

export interface NewWorkspace {
  name: string;
  template?: string;
  members?: string[];
  defaultMarking?: string;
  systemHigh?: string;
  groups?: Record<string, string[]>;
  exercise?: boolean;
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
