// The checks a scenario's shape cannot express: ids that must exist and be unique, nations that
// must be members of their cells, and markings, each parsed for its cell with the author nation as
// originator and held to the cell's system high, as the server holds a player's object.
import {
  canSee,
  checkOriginatorRules,
  classificationRank,
  formatBanner,
  MarkingError,
  parseMarking,
  policyWithGroups,
  remarkEffect,
  type Marking,
  type MarkingPolicy,
} from '../markings';
import { findLevel, isCompartment } from '../markings/policy';
import { memberNations } from '../membership';
import type { CellTemplate } from '../rest';
import type { Inject, Scenario, ScenarioCell, ScenarioIssue, ScenarioParticipant } from './scenario';

export interface ScenarioContext {
  /** The coalition templates a cell may name (server/workspaces/templates.ts). */
  templates: readonly CellTemplate[];
}

/** A scenario cell as the server would create it: members, groups and marking policy. */
export interface ResolvedCell {
  cell: ScenarioCell;
  members: string[];
  groups: Record<string, string[]>;
  nations: Set<string>;
  policy: MarkingPolicy;
}

type Path = (string | number)[];

export function resolveCell(cell: ScenarioCell, context: ScenarioContext): ResolvedCell {
  const template = cell.template === undefined ? undefined : context.templates.find((t) => t.id === cell.template);
  const groups = { ...template?.groups, ...cell.groups };
  const members = [...new Set([...(template?.members ?? []), ...cell.members])];
  const policy = policyWithGroups(groups);
  return { cell, members, groups, nations: memberNations({ members, groups }, policy), policy };
}

export function checkScenario(scenario: Scenario, context: ScenarioContext): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const report = (path: Path, message: string) => issues.push({ path, message });
  duplicates(scenario.cells, 'cells', 'cell', report);
  duplicates(scenario.participants, 'participants', 'participant', report);
  duplicates(scenario.msel, 'msel', 'inject', report);
  const cells = new Map<string, ResolvedCell>();
  scenario.cells.forEach((cell, i) => {
    const resolved = checkCell(cell, ['cells', i], context, report);
    if (resolved) cells.set(cell.id, resolved);
  });
  const participants = new Map(scenario.participants.map((p) => [p.id, p]));
  scenario.participants.forEach((p, i) => checkParticipant(p, ['participants', i], cells, report));
  const injects = new Map(scenario.msel.map((inject) => [inject.id, inject]));
  const objectives = new Set(scenario.objectives.map((o) => o.id));
  scenario.msel.forEach((inject, i) => checkInject(inject, ['msel', i], { cells, participants, injects, objectives }, report));
  return issues;
}

function duplicates(items: readonly { id: string }[], field: string, what: string, report: (path: Path, message: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) report([field, i, 'id'], `another ${what} already has the id "${item.id}"; ids must be unique.`);
    seen.add(item.id);
  });
}

function checkCell(cell: ScenarioCell, path: Path, context: ScenarioContext, report: (path: Path, message: string) => void): ResolvedCell | undefined {
  if (cell.template !== undefined && !context.templates.some((t) => t.id === cell.template)) {
    report([...path, 'template'], `"${cell.template}" is not a coalition template: use ${context.templates.map((t) => t.id).join(', ')}.`);
    return undefined;
  }
  let resolved: ResolvedCell;
  try {
    resolved = resolveCell(cell, context);
  } catch (error) {
    if (error instanceof MarkingError) report([...path, 'groups'], error.message);
    else throw error;
    return undefined;
  }
  resolved.members.forEach((member) => {
    if (!resolved.policy.nations.has(member) && !resolved.policy.groups[member]) {
      report([...path, 'members', cell.members.indexOf(member)], `"${member}" is not a country trigraph or a coalition group.`);
    }
  });
  if (resolved.nations.size === 0) report([...path, 'members'], 'the cell has no member nations: name a template or members.');
  if (!findLevel(cell.systemHigh, resolved.policy)) report([...path, 'systemHigh'], `"${cell.systemHigh}" is not a classification level.`);
  return resolved;
}

function checkParticipant(p: ScenarioParticipant, path: Path, cells: Map<string, ResolvedCell>, report: (path: Path, message: string) => void): void {
  const policy = cells.values().next().value?.policy;
  if (!policy) return;
  if (!findLevel(p.clearance, policy)) report([...path, 'clearance'], `"${p.clearance}" is not a clearance level.`);
  p.compartments.forEach((c, i) => {
    if (!isCompartment(c.toUpperCase(), policy)) report([...path, 'compartments', i], `"${c}" is not an SCI compartment of the policy.`);
  });
  (p.cells ?? []).forEach((id, i) => {
    const cell = cells.get(id);
    if (!cell) report([...path, 'cells', i], `there is no cell "${id}" in this scenario.`);
    else if (!cell.nations.has(p.nation)) report([...path, 'cells', i], `${p.nation} is not a member of cell "${id}".`);
  });
  if (p.cells === undefined && p.exerciseRole !== 'excon' && p.exerciseRole !== 'evaluator') {
    for (const cell of cells.values()) {
      if (!cell.nations.has(p.nation)) report([...path, 'nation'], `${p.nation} is not a member of cell "${cell.cell.id}": list the cells this participant sits in.`);
    }
  }
}

interface InjectScope {
  cells: Map<string, ResolvedCell>;
  participants: Map<string, ScenarioParticipant>;
  injects: Map<string, Inject>;
  objectives: Set<string>;
}

function checkInject(inject: Inject, path: Path, scope: InjectScope, report: (path: Path, message: string) => void): void {
  const targets = targetCells(inject, path, scope, report);
  for (const cell of targets) {
    if (!cell.nations.has(inject.author)) report([...path, 'author'], `${inject.author} is not a member of cell "${cell.cell.id}", so it cannot author an inject there.`);
  }
  const main = targets.length > 0 ? markingIn(inject.marking, inject, targets, [...path, 'marking'], scope, report) : undefined;
  let previous = main;
  inject.variants.forEach((variant, i) => {
    const marking = markingIn(variant.marking, inject, targets, [...path, 'variants', i, 'marking'], scope, report);
    if (marking && previous && targets[0] && remarkEffect(previous, marking, targets[0].policy) !== 'widens') {
      report(
        [...path, 'variants', i, 'marking'],
        `${formatBanner(marking, targets[0].policy)} must reach more readers than the version before it (${formatBanner(previous, targets[0].policy)}) and hide it from no one: a variant is the sanitised version for a wider audience.`,
      );
    }
    previous = marking ?? previous;
  });
  (inject.to ?? []).forEach((id, i) => {
    if (!scope.participants.has(id)) report([...path, 'to', i], `there is no participant "${id}" in this scenario.`);
  });
  if (inject.from !== undefined) checkPersona(inject, [...path, 'from'], main, targets, scope, report);
  if (inject.objective !== undefined && !scope.objectives.has(inject.objective)) {
    report([...path, 'objective'], `there is no objective "${inject.objective}" in this scenario.`);
  }
  checkKind(inject, path, targets, scope, report);
  checkCondition(inject, path, scope, report);
}

function targetCells(inject: Inject, path: Path, scope: InjectScope, report: (path: Path, message: string) => void): ResolvedCell[] {
  if (inject.cells === undefined) return [...scope.cells.values()];
  return inject.cells.flatMap((id, i) => {
    const cell = scope.cells.get(id);
    if (!cell) report([...path, 'cells', i], `there is no cell "${id}" in this scenario.`);
    return cell ? [cell] : [];
  });
}

/** The marking parsed for each target cell, author as originator, at or under system high. */
function markingIn(
  text: string,
  inject: Inject,
  cells: readonly ResolvedCell[],
  path: Path,
  scope: InjectScope,
  report: (path: Path, message: string) => void,
): Marking | undefined {
  let first: Marking | undefined;
  for (const { cell, policy } of cells) {
    let marking: Marking;
    try {
      marking = { ...parseMarking(text, policy), originator: inject.author };
      checkOriginatorRules(text, marking, policy);
    } catch (error) {
      if (!(error instanceof MarkingError)) throw error;
      report(path, `"${text}" is not a valid marking in cell "${cell.id}": ${error.message}`);
      return undefined;
    }
    if (findLevel(cell.systemHigh, policy) && classificationRank(marking.classification, policy) > classificationRank(cell.systemHigh, policy)) {
      report(path, `cell "${cell.id}" is accredited up to ${cell.systemHigh}; ${formatBanner(marking, policy)} is above it.`);
      return undefined;
    }
    const authors = [...scope.participants.values()].filter((p) => p.nation === inject.author);
    if (authors.length > 0 && !authors.some((p) => canSeeSafely(p, marking, policy))) {
      report(path, `no ${inject.author} participant could see an object marked ${formatBanner(marking, policy)}: it is above their clearance or outside their compartments.`);
      return undefined;
    }
    first ??= marking;
  }
  return first;
}

function canSeeSafely(p: ScenarioParticipant, marking: Marking, policy: MarkingPolicy): boolean {
  try {
    return canSee(p, marking, policy);
  } catch (error) {
    if (error instanceof MarkingError) return false;
    throw error;
  }
}

function checkPersona(
  inject: Inject,
  path: Path,
  marking: Marking | undefined,
  cells: readonly ResolvedCell[],
  scope: InjectScope,
  report: (path: Path, message: string) => void,
): void {
  const persona = scope.participants.get(inject.from!);
  if (!persona) return void report(path, `there is no participant "${inject.from}" in this scenario.`);
  if (persona.nation !== inject.author) report(path, `"${persona.id}" is ${persona.nation}, but the inject's author is ${inject.author}.`);
  const policy = cells[0]?.policy;
  if (marking && policy && !canSeeSafely(persona, marking, policy)) {
    report(path, `"${persona.id}" could not see an object marked ${formatBanner(marking, policy)}.`);
  }
}

function checkKind(
  inject: Inject,
  path: Path,
  cells: readonly ResolvedCell[],
  scope: InjectScope,
  report: (path: Path, message: string) => void,
): void {
  switch (inject.kind) {
    case 'create':
      if (inject.content === undefined) report([...path, 'content'], 'a create inject needs the content of the object it creates.');
      return;
    case 'message':
      if (!inject.to || inject.to.length === 0) report([...path, 'to'], 'a message needs the participants (role players) it goes to.');
      if (inject.content === undefined) report([...path, 'content'], 'a message needs its text.');
      return;
    case 'join': {
      if (inject.participant === undefined) return void report([...path, 'participant'], 'a join inject names the participant who joins.');
      if (!scope.participants.has(inject.participant)) report([...path, 'participant'], `there is no participant "${inject.participant}" in this scenario.`);
      return;
    }
    case 'edit':
    case 'release_request': {
      const target = inject.target === undefined ? undefined : scope.injects.get(inject.target);
      if (!target || target.kind !== 'create') {
        return void report([...path, 'target'], `an ${inject.kind === 'edit' ? 'edit' : 'release request'} names an earlier create inject as its target.`);
      }
      if (target.at > inject.at) report([...path, 'target'], `"${target.id}" is released after this inject; its target must come first.`);
      if (inject.kind === 'edit') return;
      if (inject.releaseTo === undefined) return void report([...path, 'releaseTo'], 'a release request needs the wider marking it asks for.');
      const wider = markingIn(inject.releaseTo, { ...inject, author: target.author }, cells, [...path, 'releaseTo'], scope, report);
      const from = cells[0] ? safeMarking(target.marking, target.author, cells[0].policy) : undefined;
      if (wider && from && cells[0] && remarkEffect(from, wider, cells[0].policy) !== 'widens') {
        report([...path, 'releaseTo'], `${inject.releaseTo} gives no one new access to "${target.id}" (${target.marking}), or hides it from someone; a release only adds readers.`);
      }
      return;
    }
  }
}

function safeMarking(text: string, originator: string, policy: MarkingPolicy): Marking | undefined {
  try {
    return { ...parseMarking(text, policy), originator };
  } catch (error) {
    if (error instanceof MarkingError) return undefined;
    throw error;
  }
}

function checkCondition(inject: Inject, path: Path, scope: InjectScope, report: (path: Path, message: string) => void): void {
  const condition = inject.condition;
  if (!condition) return;
  const decider = scope.injects.get(condition.inject);
  if (!decider || decider.id === inject.id) return void report([...path, 'condition', 'inject'], `"${condition.inject}" is not another inject of this scenario.`);
  if (!decider.expect) report([...path, 'condition', 'inject'], `"${decider.id}" has no expected action to decide on; give it an "expect".`);
  if (decider.at > inject.at) report([...path, 'condition', 'inject'], `"${decider.id}" comes after this inject; a condition can only look back.`);
}
