// Sharing figures for one cell (DESIGN.md, "Why it exists": nobody can see how much is shared).
// Pure: plain data in, plain JSON out; the server gathers the objects and requests.
//   - per partner nation: the share of objects, and of text, that nation may see;
//   - the NOFORN rate;
//   - release requests: counts by outcome, time from request to decision, denials by category and by reason.
// A nation "may see" an object when it is in the marking's audience (releasableNations: the
// originator, REL TO, DISPLAY ONLY; everyone for plain UNCLASSIFIED) and in that of every
// enclosing object (a portion's report). Individual clearances are not counted: the figure is
// what the nation's cleared staff could see.
import { parseMarking, releasableNations, defaultPolicy, type MarkingPolicy } from '../../shared/markings';
import { DENIAL_CATEGORIES, type DenialCategory, type ReleaseRequest } from '../../shared/release';
import type { SharingFigures } from '../../shared/rest';
import { median, percentile, ratio } from './stats';

export interface FigureObject {
  /** Banner marking. */
  marking: string;
  /** Originator nation (trigraph). */
  originator: string;
  /** Characters of visible text (`visibleText(doc).length`). */
  textLength: number;
  /** Markings of the enclosing objects (a portion's report), outermost first; default none. */
  parentMarkings?: readonly string[];
}

export interface FiguresInput {
  /** The cell's partner nations (member groups expanded). */
  partners: readonly string[];
  objects: readonly FigureObject[];
  /** Every release request of the cell (the store's listForWorkspace). */
  requests: readonly ReleaseRequest[];
  /** The cell's marking policy (its own groups); default CAPCO-style policy. */
  policy?: MarkingPolicy;
}

export function sharingFigures(input: FiguresInput): SharingFigures {
  const policy = input.policy ?? defaultPolicy;
  const partners = [...new Set(input.partners)].sort(policy.compareNames);
  const byNation = new Map(partners.map((nation) => [nation, { objects: 0, textLength: 0 }]));
  let textLength = 0;
  let noforn = 0;
  for (const object of input.objects) {
    const own = { ...parseMarking(object.marking, policy), originator: object.originator };
    if (own.noforn) noforn++;
    textLength += object.textLength;
    let audience = new Set(releasableNations(own, policy));
    for (const text of object.parentMarkings ?? []) {
      const enclosing = new Set(releasableNations({ ...parseMarking(text, policy), originator: object.originator }, policy));
      audience = new Set([...audience].filter((nation) => enclosing.has(nation)));
    }
    for (const [nation, share] of byNation) {
      if (!audience.has(nation)) continue;
      share.objects++;
      share.textLength += object.textLength;
    }
  }
  const total = input.objects.length;
  return {
    totals: { objects: total, textLength },
    partners: partners.map((nation) => {
      const share = byNation.get(nation)!;
      return { nation, objects: share.objects, objectShare: ratio(share.objects, total), textLength: share.textLength, textShare: ratio(share.textLength, textLength) };
    }),
    noforn: { objects: noforn, rate: ratio(noforn, total) },
    releases: releaseFigures(input.requests),
  };
}

function releaseFigures(requests: readonly ReleaseRequest[]): SharingFigures['releases'] {
  const counts = { pending: 0, approved: 0, denied: 0, withdrawn: 0, autoReleased: 0, expired: 0, failed: 0 };
  const decisionMs: number[] = [];
  const denials = new Map<string, { reason: string; count: number }>();
  const categories = new Map<DenialCategory, number>();
  for (const request of requests) {
    switch (request.state) {
      case 'pending':
        counts.pending++;
        break;
      case 'withdrawn':
        counts.withdrawn++;
        break;
      case 'expired':
        counts.expired++;
        break;
      case 'failed':
        counts.failed++;
        break;
      case 'approved':
        counts.approved++;
        decisionMs.push(elapsed(request.requestedAt, request.closedAt));
        break;
      case 'auto_released':
        counts.autoReleased++;
        decisionMs.push(elapsed(request.requestedAt, request.closedAt));
        break;
      case 'denied': {
        counts.denied++;
        decisionMs.push(elapsed(request.requestedAt, request.closedAt));
        const reason = request.reason.trim().replace(/\s+/g, ' ');
        const key = reason.toLowerCase();
        const group = denials.get(key) ?? { reason, count: 0 };
        group.count++;
        denials.set(key, group);
        const category = request.category ?? 'other';
        categories.set(category, (categories.get(category) ?? 0) + 1);
        break;
      }
      default:
        throw new Error(`unexpected release state ${JSON.stringify(request satisfies never)}`);
    }
  }
  return {
    requested: requests.length,
    ...counts,
    decisionTime: { count: decisionMs.length, medianMs: median(decisionMs), p90Ms: percentile(decisionMs, 90) },
    denialsByCategory: DENIAL_CATEGORIES.filter((category) => categories.has(category)).map((category) => ({ category, count: categories.get(category)! })),
    denialsByReason: [...denials.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)),
  };
}

function elapsed(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}
