// The MSEL state machine, pure: which injects are planned, ready, released, held or cancelled,
// decided from the scenario, the scenario time and the expected player actions recorded so far.
// Like the release machine, it answers a new state and the effects to carry out, as data: the
// server releases each inject's versions into its cells and audits each event, in order.
//
//   planned ──its time, condition holds──▶ ready ──auto, or EXCON──▶ released
//      │  └──contingency not needed──▶ cancelled      ▲
//      └──hold──▶ held ──unhold──▶ planned            └── EXCON may release planned or held early
//   planned / ready / held ──cancel──▶ cancelled
import { canSee, formatBanner, parseMarking, participantFromLevelKey, type MarkingPolicy } from '../../shared/markings';
import type { Inject, InjectVersion, Scenario } from '../../shared/exercise/scenario';

export type InjectState = 'planned' | 'ready' | 'released' | 'held' | 'cancelled';

export interface MselState {
  /** Inject id → its state. */
  states: Record<string, InjectState>;
  /** Inject id → scenario time its expected player action was first seen. */
  actions: Record<string, number>;
}

/** When something happens, in both clocks. */
export interface ExerciseTime {
  scenarioMs: number;
  zulu: string;
}

/** Who may receive an inject in one cell: the cell's policy and its access levels (room keys). */
export interface CellAudience {
  policy: MarkingPolicy;
  levels: readonly string[];
}

export interface VersionDelivery {
  /** 0 the inject itself, 1… its variants in order. */
  version: number;
  marking: string;
  title: string;
  content: string | undefined;
  /** Access levels shown this version: for each level, the first version it may see. */
  levels: string[];
}

export interface CellDelivery {
  cellId: string;
  versions: VersionDelivery[];
  /** Levels that may see no version: the inject does not exist for them. */
  unreached: string[];
}

export interface MselEvent {
  injectId: string;
  from: InjectState;
  to: InjectState;
  /** 'clock' for what the scenario time decided, 'excon' for a control action. */
  by: 'clock' | 'excon';
  at: ExerciseTime;
  reason?: string;
}

export type MselEffect =
  | { type: 'event'; event: MselEvent }
  /** Carry the inject out (create, edit, release request, join, message) for these deliveries. */
  | { type: 'release'; inject: Inject; at: ExerciseTime; deliveries: CellDelivery[] };

export type MselAction =
  | { type: 'release'; injectId: string }
  | { type: 'hold'; injectId: string }
  | { type: 'unhold'; injectId: string }
  | { type: 'cancel'; injectId: string; reason: string };

export type MselResult = { ok: true; state: MselState; effects: MselEffect[] } | { ok: false; error: { code: 'not_found' | 'conflict' | 'bad_request'; message: string } };

export function newMsel(scenario: Scenario): MselState {
  return { states: Object.fromEntries(scenario.msel.map((inject) => [inject.id, 'planned' as InjectState])), actions: {} };
}

/** The expected action of `injectId` was seen at `scenarioMs`; the first sighting counts. */
export function recordAction(state: MselState, injectId: string, scenarioMs: number): MselState {
  if (state.actions[injectId] !== undefined) return state;
  return { ...state, actions: { ...state.actions, [injectId]: scenarioMs } };
}

export interface Due {
  /** Due and released automatically. */
  release: string[];
  /** Due, waiting for EXCON to release them by hand. */
  ready: string[];
  /** Contingencies no longer needed, with why. */
  cancel: { injectId: string; reason: string }[];
}

/** What the scenario time `scenarioMs` makes of the planned injects, in MSEL order. */
export function due(scenario: Scenario, state: MselState, scenarioMs: number): Due {
  const out: Due = { release: [], ready: [], cancel: [] };
  for (const inject of scenario.msel) {
    if (state.states[inject.id] !== 'planned' || inject.at > scenarioMs) continue;
    const verdict = conditionVerdict(inject, state);
    if (verdict === 'wait') continue;
    if (verdict !== 'go') out.cancel.push({ injectId: inject.id, reason: verdict.cancel });
    else (inject.release === 'auto' ? out.release : out.ready).push(inject.id);
  }
  return out;
}

function conditionVerdict(inject: Inject, state: MselState): 'go' | 'wait' | { cancel: string } {
  const condition = inject.condition;
  if (!condition) return 'go';
  const seenAt = state.actions[condition.inject];
  const deciderCancelled = state.states[condition.inject] === 'cancelled';
  if (condition.expected === 'met') {
    if (seenAt !== undefined) return 'go';
    return deciderCancelled ? { cancel: `${condition.inject} was cancelled, so its expected action can no longer happen.` } : 'wait';
  }
  if (seenAt !== undefined && seenAt <= inject.at) return { cancel: `The expected action of ${condition.inject} happened, so this contingency is not needed.` };
  return 'go';
}

/** Applies `due` at `at`: the events and releases of everything the clock made due. */
export function advance(scenario: Scenario, state: MselState, at: ExerciseTime, audiences: ReadonlyMap<string, CellAudience>): MselResult {
  const decided = due(scenario, state, at.scenarioMs);
  const states = { ...state.states };
  const effects: MselEffect[] = [];
  for (const { injectId, reason } of decided.cancel) effects.push(move(states, injectId, 'cancelled', 'clock', at, reason));
  for (const injectId of decided.ready) effects.push(move(states, injectId, 'ready', 'clock', at));
  for (const injectId of decided.release) {
    effects.push(move(states, injectId, 'ready', 'clock', at), move(states, injectId, 'released', 'clock', at));
    effects.push(releaseEffect(injectOf(scenario, injectId)!, at, audiences));
  }
  // In MSEL order, whatever decided them, so the audit trail reads like the script.
  const order = new Map(scenario.msel.map((inject, i) => [inject.id, i]));
  const rank = (effect: MselEffect) => order.get(effect.type === 'event' ? effect.event.injectId : effect.inject.id)!;
  effects.sort((a, b) => rank(a) - rank(b));
  return { ok: true, state: { ...state, states }, effects };
}

const ALLOWED: Record<MselAction['type'], readonly InjectState[]> = {
  release: ['planned', 'ready', 'held'],
  hold: ['planned', 'ready'],
  unhold: ['held'],
  cancel: ['planned', 'ready', 'held'],
};

const TARGET: Record<MselAction['type'], InjectState> = { release: 'released', hold: 'held', unhold: 'planned', cancel: 'cancelled' };

/** An EXCON control action on one inject. */
export function control(scenario: Scenario, state: MselState, action: MselAction, at: ExerciseTime, audiences: ReadonlyMap<string, CellAudience>): MselResult {
  const inject = injectOf(scenario, action.injectId);
  if (!inject) return { ok: false, error: { code: 'not_found', message: `There is no inject ${action.injectId} in this scenario.` } };
  const current = state.states[inject.id]!;
  if (!ALLOWED[action.type].includes(current)) {
    return { ok: false, error: { code: 'conflict', message: `Inject ${inject.id} is ${current}; it cannot be ${pastTense(action.type)} now.` } };
  }
  const reason = action.type === 'cancel' ? action.reason.trim() : undefined;
  if (action.type === 'cancel' && !reason) return { ok: false, error: { code: 'bad_request', message: 'Say why the inject is cancelled; the after-action review reports it.' } };
  const states = { ...state.states };
  const effects = [move(states, inject.id, TARGET[action.type], 'excon', at, reason)];
  if (action.type === 'release') effects.push(releaseEffect(inject, at, audiences));
  return { ok: true, state: { ...state, states }, effects };
}

function pastTense(type: MselAction['type']): string {
  return { release: 'released', hold: 'held', unhold: 'taken off hold', cancel: 'cancelled' }[type];
}

function move(states: Record<string, InjectState>, injectId: string, to: InjectState, by: MselEvent['by'], at: ExerciseTime, reason?: string): MselEffect {
  const from = states[injectId]!;
  states[injectId] = to;
  return { type: 'event', event: { injectId, from, to, by, at, ...(reason === undefined ? {} : { reason }) } };
}

function injectOf(scenario: Scenario, id: string): Inject | undefined {
  return scenario.msel.find((inject) => inject.id === id);
}

function releaseEffect(inject: Inject, at: ExerciseTime, audiences: ReadonlyMap<string, CellAudience>): MselEffect {
  const cellIds = inject.cells ?? [...audiences.keys()];
  const deliveries = cellIds.flatMap((cellId) => {
    const audience = audiences.get(cellId);
    return audience ? [deliver(inject, cellId, audience)] : [];
  });
  return { type: 'release', inject, at, deliveries };
}

/** Each level is shown the first version it may see: the full one for the author's own, the sanitised one for partners. */
export function deliver(inject: Inject, cellId: string, { policy, levels }: CellAudience): CellDelivery {
  const main: InjectVersion = { marking: inject.marking, title: inject.title, content: inject.content };
  const versions = [main, ...inject.variants].map((version, index) => ({
    version: index,
    parsed: { ...parseMarking(version.marking, policy), originator: inject.author },
    title: version.title ?? inject.title,
    content: version.content ?? inject.content,
    levels: [] as string[],
  }));
  const unreached: string[] = [];
  for (const level of levels) {
    const participant = participantFromLevelKey(level);
    const shown = versions.find((version) => canSee(participant, version.parsed, policy));
    if (shown) shown.levels.push(level);
    else unreached.push(level);
  }
  return {
    cellId,
    versions: versions.map(({ version, parsed, title, content, levels: shownTo }) => ({ version, marking: formatBanner(parsed, policy), title, content, levels: shownTo })),
    unreached,
  };
}
