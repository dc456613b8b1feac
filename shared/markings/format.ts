// Marking → canonical text. Order: classification, SCI compartments, then dissemination controls
// in CAPCO order (ORCON, NOFORN, REL TO, RELIDO, DISPLAY ONLY), "/" within a category. A REL TO
// list that reaches the lead nation names it first, as the parser does.
import { MarkingError } from './errors';
import { canonicalNames, canonicalRelTo, defaultPolicy, findLevel } from './policy';
import type { ClassificationLevel, ControlKind, MarkingPolicy } from './policy';
import type { Marking } from './types';

/** 'SECRET//REL TO USA, AUS, GBR' */
export function formatBanner(m: Marking, policy: MarkingPolicy = defaultPolicy): string {
  return join(levelOf(m, policy).name, m, 'banner', policy);
}

/** '(S//REL TO USA, AUS, GBR)' */
export function formatPortion(m: Marking, policy: MarkingPolicy = defaultPolicy): string {
  return `(${join(levelOf(m, policy).code, m, 'portion', policy)})`;
}

type Form = 'banner' | 'portion';

function levelOf(m: Marking, policy: MarkingPolicy): ClassificationLevel {
  const level = findLevel(m.classification, policy);
  if (!level) throw new MarkingError(`"${m.classification}" is not a classification of this policy.`, m.classification);
  return level;
}

function join(level: string, m: Marking, form: Form, policy: MarkingPolicy): string {
  const controls: string[] = [];
  if (m.orcon) controls.push(policy.controls.orcon[form]);
  if (m.noforn) controls.push(policy.controls.noforn[form]);
  if (m.relTo.length > 0) controls.push(list('relTo', m.relTo, form, policy));
  if (m.relido) controls.push(policy.controls.relido[form]);
  if (m.displayOnly.length > 0) controls.push(list('displayOnly', m.displayOnly, form, policy));
  const segments = [level];
  if (m.compartments.length > 0) segments.push([...new Set(m.compartments)].sort().join('/'));
  if (controls.length > 0) segments.push(controls.join('/'));
  return segments.join('//');
}

function list(kind: ControlKind, names: string[], form: Form, policy: MarkingPolicy): string {
  const ordered = kind === 'relTo' ? canonicalRelTo(names, policy) : canonicalNames(names, policy);
  return `${policy.controls[kind][form]} ${ordered.join(', ')}`;
}
