// The FDO inbox groups a report's pending request with the pending requests of its paragraphs
// (sent together from the release dialog), so the FDO decides a report as one piece of work.
// Pure: the inbox renders it, the tests pin it.
import type { ReleaseRequest } from '../../../shared/protocol';

export interface InboxGroup {
  lead: ReleaseRequest;
  /** Pending requests for paragraphs of the lead's report, in the report's order. */
  paragraphs: ReleaseRequest[];
}

/** Where an object sits in a report: its report's id and its place there; null for anything else. */
export type ParagraphLocator = (objectId: string) => { reportId: string; index: number } | null;

/** Groups in inbox order (the lead's); a paragraph whose report has no pending request stays on its own. */
export function groupInbox(requests: readonly ReleaseRequest[], locate: ParagraphLocator): InboxGroup[] {
  const reportRequests = new Map(requests.map((request) => [request.objectId, request]));
  const joined = new Map<string, { request: ReleaseRequest; index: number }[]>();
  const groups: ReleaseRequest[] = [];
  for (const request of requests) {
    const place = locate(request.objectId);
    const lead = place ? reportRequests.get(place.reportId) : undefined;
    if (place && lead) joined.set(lead.id, [...(joined.get(lead.id) ?? []), { request, index: place.index }]);
    else groups.push(request);
  }
  return groups.map((lead) => ({
    lead,
    paragraphs: (joined.get(lead.id) ?? []).sort((a, b) => a.index - b.index).map(({ request }) => request),
  }));
}
