// Export of one object as marked plain text: banner top and bottom (the roll-up of what is
// exported), each portion with its portion mark. DISPLAY ONLY material is for viewing, never for
// export: it is left out, and an object the caller may only view is refused. Every export is audited.
// An exercise cell's export is stamped as exercise material above the banner.
import * as Y from 'yjs';
import { bodyOf, fieldsOf, fieldText } from '../../../shared/content';
import { DEFAULT_BANNER } from '../../../shared/exercise/scenario';
import { positionText } from '../../../shared/geo/interchange';
import { canHoldCopy, formatBanner, rollUp, type Marking } from '../../../shared/markings';
import type { Identity } from '../../auth/verifier';
import { exerciseScenario } from '../../exercise/leadership';
import { auditActor } from '../../sessions/session';
import type { Context } from '../context';
import { forbidden, notFound } from '../../errors';
import { memberCell, unchangedSince } from './cellReports';

async function docOf(ctx: Context, id: string): Promise<Y.Doc> {
  const doc = new Y.Doc({ guid: id });
  Y.applyUpdate(doc, (await ctx.docs.encodeState(id)).update);
  return doc;
}

export async function exportObject(ctx: Context, identity: Identity, workspaceId: string, objectId: string): Promise<string> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  const entry = cell.index.get(objectId);
  if (!entry || !cell.index.canSee(participant, objectId)) throw notFound();
  if (!canHoldCopy(participant, entry.marking, cell.policy)) {
    throw forbidden('This object is DISPLAY ONLY to your nation: it may be viewed here, never exported.');
  }
  const read = [entry.envelope];
  const doc = await docOf(ctx, objectId);
  const title = fieldText(doc, 'title') ?? fieldText(doc, 'name');
  const lines: string[] = [];
  const markings: Marking[] = [entry.marking];
  if (title) lines.push(`${entry.envelope.portion} ${title}`, '');
  const position = positionText(fieldsOf(doc).get('geometry'));
  if (position) lines.push(`${entry.envelope.portion} ${position}`, '');
  if (bodyOf(doc).length > 0) lines.push(bodyOf(doc).toString(), '');
  const portions = cell.index.visibleChildren(participant, objectId);
  let withheld = 0;
  for (const portion of portions) {
    if (!canHoldCopy(participant, portion.marking, cell.policy)) {
      withheld++;
      continue;
    }
    markings.push(portion.marking);
    read.push(portion.envelope);
    lines.push(`${portion.envelope.portion} ${bodyOf(await docOf(ctx, portion.envelope.id)).toString()}`, '');
  }
  unchangedSince(cell, participant, read);
  if (withheld > 0) lines.push(`[${withheld} DISPLAY ONLY portion(s) not exported]`, '');
  const banner = formatBanner(rollUp(markings, cell.policy), cell.policy);
  // An exercise cell's export is stamped in its scenario's wording (a blank exercise cell: the default).
  const prefix = cell.workspace.exercise ? `${exerciseScenario(ctx, cell.workspace.id)?.banner ?? DEFAULT_BANNER}\n` : '';
  await ctx.audit.append({
    workspaceId: cell.workspace.id,
    actor: auditActor({ identity }),
    action: 'export',
    objectId,
    detail: { banner, portions: portions.length - withheld, withheld },
  });
  return `${prefix}${banner}\n\n${lines.join('\n')}\n${banner}\n`;
}
