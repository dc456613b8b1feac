// The REST surface the client uses (DESIGN.md "The contract external clients rely on"). Every
// answer's shape is the server's own, from shared/rest.ts.
import type { WorkspaceSummary } from '../../../shared/protocol';
import { AUDIT_PAGE_MAX, type AuditTrailPage, type CellTemplate, type CellTracks, type FeatureTrack, type NewWorkspace, type RestAnswers, type SharingFigures } from '../../../shared/rest';
import { ServerError } from './errors';
import { requestJson, requestText } from './rest';

/** An audit entry as the server shows it to you, with the cursor to read on after it. */
export type AuditEntry = AuditTrailPage['entries'][number];

export type { Persona } from '../../../shared/protocol';
export type { CellTemplate, NewWorkspace, SharingFigures };

/** What the server tells every client before sign-in (demonstration identities on or off). */
export async function fetchPublicConfig(): Promise<RestAnswers['GET /api/config']> {
  return requestJson<RestAnswers['GET /api/config']>('/api/config');
}

/** The demo personas, or null when a real issuer is configured (the dev provider answers 404). */
export async function listPersonas(): Promise<RestAnswers['GET /api/dev/personas']['personas'] | null> {
  try {
    const body = await requestJson<RestAnswers['GET /api/dev/personas']>('/api/dev/personas');
    return body.personas;
  } catch (error) {
    if (error instanceof ServerError && error.code === 'not_found') return null;
    throw error;
  }
}

export async function issueDevToken(persona: string): Promise<string> {
  const body = await requestJson<RestAnswers['POST /api/dev/token']>('/api/dev/token', { method: 'POST', body: { persona } });
  return body.token;
}

export async function listTemplates(token: string): Promise<readonly CellTemplate[]> {
  return (await requestJson<RestAnswers['GET /api/workspace-templates']>('/api/workspace-templates', { token })).templates;
}

export async function listWorkspaces(token: string): Promise<WorkspaceSummary[]> {
  return (await requestJson<RestAnswers['GET /api/workspaces']>('/api/workspaces', { token })).workspaces;
}

export async function createWorkspace(token: string, workspace: NewWorkspace): Promise<WorkspaceSummary> {
  const body = await requestJson<RestAnswers['POST /api/workspaces']>('/api/workspaces', {
    token,
    method: 'POST',
    body: workspace,
  });
  return body.workspace;
}

/** The page after `after` (a cursor from an earlier page), or the first page. */
export async function fetchAudit(token: string, workspaceId: string, after: string | null = null): Promise<AuditTrailPage> {
  const query = new URLSearchParams({ limit: String(AUDIT_PAGE_MAX), ...(after === null ? {} : { after }) });
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/audit?${query.toString()}`;
  return requestJson<RestAnswers['GET /api/workspaces/:id/audit']>(path, { token });
}

export async function fetchFigures(token: string, workspaceId: string): Promise<SharingFigures> {
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/figures`;
  return (await requestJson<RestAnswers['GET /api/workspaces/:id/figures']>(path, { token })).figures;
}

/** The object as marked plain text (banners, portion marks); refused for DISPLAY ONLY material. */
export async function fetchExport(token: string, workspaceId: string, objectId: string): Promise<string> {
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/objects/${encodeURIComponent(objectId)}/export`;
  return requestText(path, { token });
}

/** A feature's moves the caller may see (server-detected), oldest first. */
export async function fetchTrack(token: string, workspaceId: string, objectId: string): Promise<FeatureTrack> {
  const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/objects/${encodeURIComponent(objectId)}/track`;
  return requestJson<RestAnswers['GET /api/workspaces/:id/objects/:objectId/track']>(path, { token });
}

/** Every visible feature's track the caller may see, for replaying the picture in time. */
export async function fetchTracks(token: string, workspaceId: string): Promise<CellTracks> {
  return requestJson<RestAnswers['GET /api/workspaces/:id/tracks']>(`/api/workspaces/${encodeURIComponent(workspaceId)}/tracks`, { token });
}

/** The cell's map features the caller may see and hold, as GeoJSON or KML (audited). */
export async function fetchFeatureExport(token: string, workspaceId: string, format: 'geojson' | 'kml'): Promise<string> {
  return requestText(`/api/workspaces/${encodeURIComponent(workspaceId)}/features.${format}`, { token });
}
