// The marking picker's rules, free of React: which choices exist for this author in this cell,
// how a choice becomes a marking, and who will and will not see it. It offers only what the
// policy's rules allow (a compartment or ORCON at a level high enough for it, NOFORN alone for
// HCS and KDK); a choice that still cannot make a valid marking yields a problem sentence
// instead of a marking. For a release request the picker is bounded below by the object's
// current marking: it offers only what keeps every reader and adds some (the server's own rule,
// `remarkEffect`).
import {
  classificationRank,
  compartmentRule,
  formatBanner,
  formatPortion,
  isCompartment,
  MarkingError,
  parseMarking,
  releasableNations,
  remarkEffect,
  remarkRefusal,
  type ClassificationLevel,
  type Marking,
  type MarkingPolicy,
  type Participant,
  type RemarkActor,
} from '../../../shared/markings';
import type { CellMarkings } from './cell';

/** `everyone`: UNCLASSIFIED with no dissemination control. */
export type Release = 'everyone' | 'relTo' | 'noforn';

export interface PickerChoice {
  /** Level code, e.g. 'S'. */
  classification: string;
  compartments: string[];
  release: Release;
  /** Partner nations and groups (the author's own nation is always added). */
  relTo: string[];
  orcon: boolean;
}

export interface PickerContext {
  cell: CellMarkings;
  author: Participant;
  /**
   * For a release request: the object's current marking, with its originator set. Only wider
   * markings are offered (no higher level, no added compartment, no partner removed, no NOFORN
   * over REL TO, ORCON as it is) and the result keeps that originator.
   */
  widerThan?: Marking;
  /**
   * For a re-mark: the object's current marking (with its originator) and who re-marks it. A
   * marking the server would refuse them (remarkRefusal, the server's own rule) is a problem.
   */
  remarkOf?: { from: Marking; actor: RemarkActor };
  /** Markings of the items this one sits under (a paragraph's report): they limit who sees it too. */
  within?: readonly Marking[];
}

export type PickerResult =
  | { ok: true; marking: Marking; banner: string; portion: string }
  | { ok: false; problem: string };

export function allowedLevels(context: PickerContext): ClassificationLevel[] {
  const { cell, author, widerThan } = context;
  const clearance = classificationRank(author.clearance, cell.policy);
  const current = widerThan ? classificationRank(widerThan.classification, cell.policy) : Infinity;
  const ceiling = Math.min(clearance, cell.systemHighRank, current);
  // A release keeps ORCON, so it cannot go below the lowest level ORCON may mark.
  const floor = lockedOrcon(context) ? orconFloor(context) : 0;
  return cell.policy.levels.filter((level) => level.rank <= ceiling && level.rank >= floor);
}

/** Compartments the author holds that may mark `classification` (a level code). */
export function allowedCompartments({ cell, author, widerThan }: PickerContext, classification: string): string[] {
  const rank = rankOf(classification, cell.policy);
  const held = author.compartments
    .map((c) => c.toUpperCase())
    .filter((c) => isCompartment(c, cell.policy) && classificationRank(compartmentRule(c, cell.policy)!.minLevel, cell.policy) <= rank);
  return (widerThan ? held.filter((c) => widerThan.compartments.includes(c)) : held).sort();
}

export function releaseOptions(choice: PickerChoice, { cell, widerThan }: PickerContext): Release[] {
  // HCS and KDK information is never released abroad.
  if (choice.compartments.some((c) => compartmentRule(c, cell.policy)?.noforn)) return ['noforn'];
  const unclassified = classificationRank(choice.classification, cell.policy) === 0;
  const options: Release[] = unclassified ? ['everyone', 'relTo', 'noforn'] : ['relTo', 'noforn'];
  // NOFORN over a REL TO marking would take the partners' access away: that is a re-mark.
  return widerThan && !widerThan.noforn ? options.filter((release) => release !== 'noforn') : options;
}

/** Whether ORCON may mark `classification` (a level code). */
export function orconAllowed(classification: string, context: PickerContext): boolean {
  return rankOf(classification, context.cell.policy) >= orconFloor(context);
}

/** Rank of a level code; -1 while none is chosen, which allows nothing. */
function rankOf(code: string, policy: MarkingPolicy): number {
  return policy.levelByWord.get(code)?.rank ?? -1;
}

function orconFloor({ cell }: PickerContext): number {
  const lowest = cell.policy.controls.orcon.minLevel;
  return lowest ? classificationRank(lowest, cell.policy) : 0;
}

/** Partners a release request may not drop: those the object is already released to. */
export function lockedPartners({ widerThan }: PickerContext): string[] {
  return widerThan && !widerThan.noforn ? widerThan.relTo : [];
}

/** ORCON is not the requester's to add or lift: a release keeps it as it is. */
export function lockedOrcon({ widerThan }: PickerContext): boolean | null {
  return widerThan ? widerThan.orcon : null;
}

/** Partners offered in REL TO: the cell's groups, then its nations other than the author's. */
export function partnerOptions({ cell, author }: PickerContext): { groups: string[]; nations: string[] } {
  return { groups: cell.groups, nations: cell.members.filter((nation) => nation !== author.nation) };
}

/** Keeps a choice consistent after one control changed (e.g. a classified item cannot be for everyone). */
export function normalizeChoice(choice: PickerChoice, context: PickerContext): PickerChoice {
  const levels = allowedLevels(context);
  const classification = levels.some((level) => level.code === choice.classification)
    ? choice.classification
    : (levels.at(-1)?.code ?? choice.classification);
  const compartments = allowedCompartments(context, classification);
  const next = { ...choice, classification, compartments: choice.compartments.filter((c) => compartments.includes(c)) };
  const releases = releaseOptions(next, context);
  if (!releases.includes(next.release)) next.release = releases.includes('noforn') ? 'noforn' : 'relTo';
  const { groups, nations } = partnerOptions(context);
  const offered = (name: string) => groups.includes(name) || nations.includes(name);
  const locked = next.release === 'relTo' ? lockedPartners(context).filter(offered) : [];
  next.relTo = [...new Set([...locked, ...choice.relTo])].filter(offered);
  next.orcon = lockedOrcon(context) ?? (choice.orcon && orconAllowed(classification, context));
  return next;
}

export function initialChoice(text: string | undefined, context: PickerContext): PickerChoice {
  const fallback: PickerChoice = { classification: '', compartments: [], release: 'noforn', relTo: [], orcon: false };
  if (!text) return normalizeChoice(fallback, context);
  let marking: Marking;
  try {
    marking = parseMarking(text, context.cell.policy);
  } catch (error) {
    if (error instanceof MarkingError) return normalizeChoice(fallback, context);
    throw error;
  }
  const release: Release = marking.noforn ? 'noforn' : marking.relTo.length > 0 ? 'relTo' : 'everyone';
  const level = context.cell.policy.levels.find((l) => l.code === marking.classification || l.name === marking.classification);
  const choice = normalizeChoice(
    {
      classification: level?.code ?? marking.classification,
      compartments: marking.compartments,
      release,
      relTo: marking.relTo,
      orcon: marking.orcon,
    },
    context,
  );
  const empty = choice.release === 'relTo' && choice.relTo.length === 0;
  return empty && releaseOptions(choice, context).includes('noforn') ? { ...choice, release: 'noforn' } : choice;
}

export function choiceToMarking(choice: PickerChoice, context: PickerContext): PickerResult {
  const { policy } = context.cell;
  if (!allowedLevels(context).some((level) => level.code === choice.classification)) {
    return { ok: false, problem: 'Choose a classification no higher than your clearance and the cell’s system high.' };
  }
  if (!releaseOptions(choice, context).includes(choice.release)) {
    return { ok: false, problem: 'Classified material needs a release decision: REL TO partners, or NOFORN.' };
  }
  if (choice.release === 'relTo' && choice.relTo.length === 0) {
    return { ok: false, problem: 'Choose at least one partner nation or group to release to, or choose NOFORN.' };
  }
  const marking: Marking = {
    classification: choice.classification,
    compartments: [...choice.compartments].sort(),
    noforn: choice.release === 'noforn',
    relTo: choice.release === 'relTo' ? [context.author.nation, ...choice.relTo] : [],
    relido: false,
    orcon: choice.orcon,
    displayOnly: [],
    originator: context.author.nation,
  };
  const originator = context.widerThan?.originator ?? context.author.nation;
  try {
    // Round-trip through the parser: what the picker produces is what the server will accept.
    const banner = formatBanner(marking, policy);
    const reparsed = { ...parseMarking(banner, policy), originator };
    const problem = context.widerThan
      ? releaseProblem(context.widerThan, reparsed, context)
      : context.remarkOf
        ? remarkRefusal(context.remarkOf.actor, originator, context.remarkOf.from, reparsed, policy)
        : null;
    if (problem) return { ok: false, problem };
    return { ok: true, marking: reparsed, banner, portion: formatPortion(reparsed, policy) };
  } catch (error) {
    if (error instanceof MarkingError) return { ok: false, problem: error.message };
    throw error;
  }
}

/** Why `target` is not a release of `current` (the server's rule), or null when it is one. */
function releaseProblem(current: Marking, target: Marking, { cell }: PickerContext): string | null {
  switch (remarkEffect(current, target, cell.policy)) {
    case 'widens':
      return null;
    case 'narrows':
    case 'mixed':
      return 'This would hide the item from some who see it now. A release only adds readers; change the marking to tighten it.';
    case 'same':
      return 'Choose a wider marking: add a partner nation or group, or lower the classification.';
  }
}

export interface AudienceSummary {
  visible: string[];
  hidden: string[];
  /** Who within a visible nation may see it, when not everyone there can. */
  conditions: string[];
  /** Nations that would see it and do not now (a re-mark or release; empty otherwise). */
  gains: string[];
  /** Nations that see it now and would not. */
  loses: string[];
}

/**
 * Which of the cell's nations will and will not see the marking, plus any individual condition.
 * Exact for the item: the markings it sits under (`within`) limit it as they do on the server, and
 * the change from its current marking (a re-mark or release) is named nation by nation.
 */
export function audienceSummary(marking: Marking, context: PickerContext): AudienceSummary {
  const { cell, within = [] } = context;
  const chain = [marking, ...within];
  const reach = reachOf(chain, cell.policy);
  const members = cell.members.includes(marking.originator ?? '') || !marking.originator
    ? cell.members
    : [...cell.members, marking.originator].sort(cell.policy.compareNames);
  const conditions: string[] = [];
  const rank = Math.max(...chain.map((m) => classificationRank(m.classification, cell.policy)));
  const level = cell.policy.levels.find((l) => l.rank === rank);
  if (level && level.rank > 0) conditions.push(`only people cleared ${level.name} or higher`);
  const compartments = [...new Set(chain.flatMap((m) => m.compartments))].sort();
  if (compartments.length > 0) conditions.push(`only those read into ${compartments.join(', ')}`);
  if (marking.orcon) conditions.push('any further release needs the originator’s approval (ORCON)');
  const from = context.remarkOf?.from ?? context.widerThan;
  const before = from ? reachOf([from, ...within], cell.policy) : reach;
  return {
    visible: members.filter((nation) => reach.has(nation)),
    hidden: members.filter((nation) => !reach.has(nation)),
    conditions,
    gains: members.filter((nation) => reach.has(nation) && !before.has(nation)),
    loses: members.filter((nation) => before.has(nation) && !reach.has(nation)),
  };
}

/** Nations every marking of the chain reaches. */
function reachOf(chain: readonly Marking[], policy: MarkingPolicy): Set<string> {
  const [first, ...rest] = chain.map((m) => new Set(releasableNations(m, policy)));
  return new Set([...first!].filter((nation) => rest.every((set) => set.has(nation))));
}

export function audienceSentence({ visible, hidden, gains, loses }: AudienceSummary): string {
  const seen = visible.length > 0 ? `Visible to ${visible.join(', ')}` : 'Visible to no member of this cell';
  const sentence = hidden.length > 0 ? `${seen}; not to ${hidden.join(', ')}.` : `${seen} (every nation in the cell).`;
  const change = [gains.length > 0 ? `Newly visible to ${gains.join(', ')}.` : '', loses.length > 0 ? `No longer visible to ${loses.join(', ')}.` : ''];
  return [sentence, ...change].filter(Boolean).join(' ');
}
