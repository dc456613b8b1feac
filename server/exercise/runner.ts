// The server-owned exercise runner of one scenario: its clock and MSEL state, a timer that asks
// the MSEL what is due, and the carrying out of each release through the same creation path a
// player's object takes (planned, stored and indexed through the cell registry, audited, fanned
// out to the levels its marking allows). An inject's versions are marked objects like any other:
// the server's filter, not the runner, decides who receives them.
//
// `edit` and `release_request` injects act on the object of their own marking among those their
// target inject became (the same marking exactly, so no text reaches readers its marking does not
// allow): an edit through the player's doc-update path (./objects/writeAs.ts), a release request
// through the release service, as the simulated persona.
//
// A `message` inject is a note of its own marking in the cell, holding its title only, and a
// notification carrying the text to each addressed participant's real person (the scenario's
// `sub`): the notifier gives it only to that person, and only while they may see the note.
//
// A `join` inject brings a participant into a cell at its scenario time: their nation is added to
// the cell's members if it was not one (the cell's own record, as any membership change), it is
// audited (`exercise.join`), and until then the real person the scenario names for them (`sub`)
// may not open the cell (`admits`).
//
// Everything a runner does runs one step at a time (timer ticks and EXCON's actions queue), so
// the MSEL is never decided twice for the same moment. After each step its state is saved
// (`ports.save`, the store's `exercises` table), so a restarted node carries the exercise on.
// A node that dies between storing an inject's objects and saving that state releases the inject
// again when restored: its objects' ids are derived from the release (./injectIds.ts), so the ones
// already stored are found, not made twice, and only their missing audit entries are written.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { bodyOf, buildContent } from '../../shared/content';
import type { Inject, Scenario } from '../../shared/exercise/scenario';
import { parseMarking, type Participant } from '../../shared/markings';
import { SIMULATED_SUB_PREFIX, type ExerciseClockView, type MselImportRow, type MselRow } from '../../shared/protocol';
import { AUDIT_PAGE_MAX, type AuditActor, type AuditView } from '../../shared/rest';
import type { AuditLog } from '../audit/log';
import type { Notifier } from '../notifications/service';
import { TearlineError } from '../errors';
import { createObjects, planObject } from '../objects/create';
import { writeAs, type WriteAsPorts } from '../objects/writeAs';
import type { Fanout } from '../rooms/fanout';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import { newClock, scenarioNow, transition, type ClockAction, type ClockEvent, type ClockState } from './clock';
import { advance, control, newMsel, recordAction, type CellAudience, type ExerciseTime, type MselAction, type MselEffect, type MselState, type VersionDelivery } from './msel';
import { TEMPLATES } from '../workspaces/templates';
import { amendScenario, amendScenarioWith, injectInput, type Amended, type InjectInput } from './amend';
import { describeCsvIssue, importMsel } from '../../shared/exercise/mselCsv';
import { injectObjectId } from './injectIds';
import { admitsTo, watcherRoleIn, type WatcherRole } from './seats';
import { encodeRunnerState, type Released, type RunnerState } from './runnerState';
import { wakeDelay } from './wake';

/** How often a running exercise reads the audit trail while players' expected actions are awaited. */
const WATCH_MS = 200;

/** A role player the server posts as: `sub` in the simulated namespace, never a token's. */
export interface SimulatedPersona {
  sub: string;
  name: string;
  participant: Participant;
}

/** The server itself, for what the clock decides. */
const CLOCK_ACTOR: AuditActor = { sub: 'exercise-clock', nation: null };

export interface RunnerPorts {
  cells: Pick<CellRegistry, 'get' | 'createObjects'>;
  audit: Pick<AuditLog, 'append' | 'listForWorkspace' | 'listForObject'>;
  fanout: Pick<Fanout, 'envelope' | 'update'>;
  docs: WriteAsPorts['docs'];
  /** Asks for a release as a simulated persona, by the release service (audited, FDOs told). */
  requestRelease(persona: SimulatedPersona, request: { workspaceId: string; objectId: string; targetMarking: string; justification: string }): Promise<void>;
  notifier: Pick<Notifier, 'send'>;
  /** Adds a nation to a cell's members; false when it was one already. */
  addMember(workspaceId: string, nation: string): Promise<boolean>;
  /**
   * Ends, on every node, the sessions in a cell of those it no longer admits (`admits` false for
   * their token subject): after a reset, whoever a join inject brought in is out until it plays again.
   */
  unseat(workspaceId: string, admits: (sub: string) => boolean): Promise<void>;
  /** Sends the clock to every participant of a cell (it carries nothing marked). */
  broadcast(clock: ExerciseClockView): void;
  log: Pick<Logger, 'error'>;
  now(): number;
  /** EXCON closed the exercise: its cells are marked closed (their history may be compacted from now on). */
  closeCells(workspaceIds: readonly string[]): Promise<void>;
  /** Stores the runner's state (./runnerState.ts), after each step that changed it. */
  save(state: string): Promise<void>;
  /** The scenario file as it stands (stored with the runner's state). */
  scenarioText(): string;
  /** EXCON changed the MSEL: the scenario file stored with the next save is this one. */
  scenarioChanged(text: string): void;
  /** Fault tests only (TEARLINE_TEST_FAULT=kill-after-inject): called once an inject's object is stored, before the state is saved. */
  afterInjectStored?: () => void;
}

export class ExerciseRunner {
  private clock: ClockState;
  private msel: MselState;
  private readonly released: Map<string, Released>;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Per cell, the last audit entry read for players' expected actions. */
  private readonly auditSeq: Map<string, number>;
  private readonly answered: Set<string>;
  /** `cellId/participantId` of the participants join injects brought in. */
  private readonly joined: Set<string>;
  /** The state last saved, so a step that changed nothing writes nothing. */
  private saved: string | undefined;
  /** How many times EXCON reset the exercise: a release after a reset makes new objects. */
  private resets: number;

  constructor(
    private current: Scenario,
    /** Scenario cell id → the workspace id it became. */
    readonly cells: ReadonlyMap<string, string>,
    private readonly ports: RunnerPorts,
    /** The state a stopped node saved: the runner goes on from it (a running clock kept running meanwhile). */
    restored?: RunnerState,
  ) {
    const scenario = current;
    this.clock = restored?.clock ?? newClock(Date.parse(scenario.start), ports.now());
    this.msel = restored?.msel ?? newMsel(scenario);
    this.released = new Map(Object.entries(restored?.released ?? {}));
    this.auditSeq = new Map(Object.entries(restored?.auditSeq ?? {}));
    this.answered = new Set(restored?.answered ?? []);
    this.resets = restored?.resets ?? 0;
    this.joined = new Set(restored?.joined ?? []);
    if (restored) {
      this.saved = encodeRunnerState(this.state());
      // What came due while the node was down is released now, then the clock decides as before.
      this.step(() => this.tick()).catch((error: unknown) => this.ports.log.error({ err: error, scenario: scenario.id }, 'exercise restore step failed'));
    }
  }

  /** The scenario as it stands: EXCON's own injects (./amend.ts) included. */
  get scenario(): Scenario {
    return this.current;
  }

  /**
   * EXCON adds an inject to the MSEL (`replace` false; an id is chosen when none is given), or
   * rewrites one still planned (`replace` true). It is checked as a scenario file's inject is, the
   * scenario read again whole with it (./amend.ts), stored with the runner's state, and audited
   * (`exercise.plan`, EXCON only) in each cell it targets. One already due is released at once.
   */
  plan(input: InjectInput, replace: boolean, actor: AuditActor): Promise<MselRow> {
    return this.step(async () => {
      if (this.clock.status === 'ended' || this.clock.status === 'closed') throw new TearlineError('conflict', 'The exercise has ended (ENDEX): its MSEL no longer changes.');
      const inject = { ...input, id: input.id ?? this.freeInjectId() };
      const state = this.msel.states[inject.id];
      if (replace && state === undefined) throw noSuchInject(inject.id);
      if (!replace && state !== undefined) throw new TearlineError('conflict', `There is already an inject ${inject.id}: give the new one another id.`);
      if (replace && state !== 'planned') throw new TearlineError('conflict', `Inject ${inject.id} is ${state}: only a planned inject can be changed. Add a new one instead.`);
      const amended = amendScenario(this.ports.scenarioText(), inject, { templates: TEMPLATES });
      if (!amended.ok) {
        throw faultList('The inject', amended.faults);
      }
      this.apply(amended, [inject.id]);
      const planned = this.planned(inject.id);
      await this.auditPlan(planned, replace ? 'changed' : 'added', actor);
      await this.tick();
      return this.row(planned);
    });
  }

  /**
   * EXCON's MSEL spreadsheet merged into the MSEL, all or nothing: each row is checked as
   * shared/exercise/mselCsv.ts reads it (faults named by row and column), then the scenario is
   * read again whole with every inject, as plan() does. A new id is added, a planned one rewritten;
   * one already released, held or cancelled refuses the import. `dryRun` stops before applying.
   */
  importMsel(csv: string, dryRun: boolean, actor: AuditActor): Promise<{ applied: boolean; injects: MselImportRow[] }> {
    return this.step(async () => {
      if (this.clock.status === 'ended' || this.clock.status === 'closed') throw new TearlineError('conflict', 'The exercise has ended (ENDEX): its MSEL no longer changes.');
      const parsed = importMsel(csv, this.current, { templates: TEMPLATES });
      if (!parsed.ok) throw faultList('The MSEL file', parsed.issues.map((issue) => describeCsvIssue(issue, parsed.header)));
      if (parsed.msel.length === 0) throw new TearlineError('bad_request', 'The MSEL file has no injects: only its header row.');
      const settled = parsed.msel.filter((inject) => (this.msel.states[inject.id] ?? 'planned') !== 'planned');
      if (settled.length > 0) {
        const names = settled.map((inject) => `${inject.id} (${this.msel.states[inject.id]})`).join(', ');
        throw new TearlineError('conflict', `Only planned injects can be changed; the file rewrites ${names}. Give them new ids or remove their rows. Nothing was imported.`);
      }
      const amended = amendScenarioWith(this.ports.scenarioText(), parsed.msel.map(injectInput), { templates: TEMPLATES });
      if (!amended.ok) throw faultList('The MSEL file', amended.faults);
      const injects = parsed.msel.map((inject): MselImportRow => ({ id: inject.id, at: inject.at, title: inject.title, change: this.msel.states[inject.id] === undefined ? 'added' : 'changed' }));
      if (dryRun) return { applied: false, injects };
      this.apply(amended, injects.map((row) => row.id));
      for (const row of injects) await this.auditPlan(this.planned(row.id), row.change, actor);
      await this.tick();
      return { applied: true, injects };
    });
  }

  /** The amended scenario in force, `ids` planned, kept with the runner's state. */
  private apply(amended: Extract<Amended, { ok: true }>, ids: readonly string[]): void {
    this.current = amended.scenario;
    this.msel = { ...this.msel, states: { ...this.msel.states, ...Object.fromEntries(ids.map((id) => [id, 'planned' as const])) } };
    this.ports.scenarioChanged(amended.text);
    this.saved = undefined;
  }

  /** Inject `id` of the scenario in force (one just planned). */
  private planned(id: string): Inject {
    return this.current.msel.find((i) => i.id === id)!;
  }

  /** `exercise.plan` in each cell the inject targets (EXCON reads it). */
  private async auditPlan(planned: Inject, change: 'added' | 'changed', actor: AuditActor): Promise<void> {
    for (const workspaceId of this.targetCells(planned.id)) {
      await this.ports.audit.append({
        workspaceId,
        actor,
        action: 'exercise.plan',
        detail: { ...this.times(this.at()), injectId: planned.id, change, at: planned.at, kind: planned.kind, marking: planned.marking, title: planned.title },
      });
    }
  }

  /** The first `X-NN` no inject has. */
  private freeInjectId(): string {
    const taken = new Set(this.current.msel.map((inject) => inject.id));
    let n = taken.size + 1;
    while (taken.has(`X-${String(n).padStart(2, '0')}`)) n += 1;
    return `X-${String(n).padStart(2, '0')}`;
  }

  /** Everything a restarted runner needs to go on. */
  state(): RunnerState {
    return { clock: this.clock, msel: this.msel, released: Object.fromEntries(this.released), auditSeq: Object.fromEntries(this.auditSeq), answered: [...this.answered], joined: [...this.joined], resets: this.resets };
  }

  /** Whether the first answer of RFI `objectId` is recorded already. */
  hasAnswer(objectId: string): boolean {
    return this.answered.has(objectId);
  }

  /** Records, once, that a player answered RFI `objectId` (`exercise.answer`, both clocks): the AAR's answer time. */
  recordAnswer(workspaceId: string, objectId: string, actor: AuditActor): Promise<void> {
    return this.step(async () => {
      if (this.answered.has(objectId)) return;
      this.answered.add(objectId);
      await this.ports.audit.append({ workspaceId, actor, action: 'exercise.answer', objectId, detail: this.times(this.at()) });
    });
  }

  /** The clock as a participant of `workspaceId` sees it now. */
  view(workspaceId: string): ExerciseClockView {
    const nowMs = this.ports.now();
    const scenarioMs = scenarioNow(this.clock, nowMs);
    return {
      workspaceId,
      banner: this.scenario.banner,
      scenarioTitle: this.scenario.title,
      status: this.clock.status,
      speed: this.clock.speed,
      scenarioMs,
      scenarioTime: new Date(this.clock.startexMs + scenarioMs).toISOString(),
      zulu: new Date(nowMs).toISOString(),
      startex: this.scenario.start,
      realWorld: this.clock.realWorld && { reason: this.clock.realWorld.reason, since: new Date(this.clock.realWorld.sinceMs).toISOString() },
    };
  }

  /** EXCON's clock action: applied, audited in every cell, broadcast, then whatever it made due is released. */
  clockAction(action: ClockAction, actor: AuditActor): Promise<void> {
    return this.step(async () => {
      const result = transition(this.clock, action, this.ports.now());
      if (!result.ok) throw new TearlineError(result.error.code, result.error.message);
      if (action.type === 'reset') {
        await this.observe();
        this.msel = newMsel(this.scenario);
        this.released.clear();
        this.joined.clear();
        this.resets += 1;
        for (const workspaceId of this.cells.values()) await this.ports.unseat(workspaceId, (sub) => this.admits(workspaceId, sub));
      }
      if (action.type === 'close') await this.ports.closeCells([...this.cells.values()]);
      this.clock = result.state;
      await this.auditClock(result.event, actor);
      for (const workspaceId of this.cells.values()) this.ports.broadcast(this.view(workspaceId));
      if (action.type !== 'reset') await this.tick();
    });
  }

  /** EXCON's release, hold, unhold or cancel of one inject. */
  injectAction(action: MselAction, actor: AuditActor): Promise<MselRow> {
    return this.step(async () => {
      if (this.clock.status === 'ended' || this.clock.status === 'closed') throw new TearlineError('conflict', 'The exercise has ended (ENDEX): its injects no longer change.');
      const result = control(this.scenario, this.msel, action, this.at(), await this.audiences());
      if (!result.ok) throw result.error.code === 'not_found' ? noSuchInject(action.injectId) : new TearlineError(result.error.code, result.error.message);
      this.msel = result.state;
      await this.carryOut(result.effects, actor);
      return this.row(this.scenario.msel.find((inject) => inject.id === action.injectId)!);
    });
  }

  /** The MSEL with each inject's state: EXCON's ground truth. */
  rows(): MselRow[] {
    return this.scenario.msel.map((inject) => this.row(inject));
  }

  /**
   * Whether `injectId` exists for a participant: EXCON sees every inject; a player only one
   * released into this cell as an object they may see now.
   */
  injectVisible(cell: Cell, injectId: string, participant: Participant, excon: boolean): boolean {
    if (!this.scenario.msel.some((inject) => inject.id === injectId)) return false;
    if (excon) return true;
    const objects = this.released.get(injectId)?.objects ?? [];
    return objects.some((object) => object.workspaceId === cell.workspace.id && cell.index.canSee(participant, object.id));
  }

  /** Whether the person with token subject `sub` may open cell `workspaceId` now (./seats.ts). */
  admits(workspaceId: string, sub: string): boolean {
    return admitsTo(this.scenario, this.cells, this.joined, workspaceId, sub);
  }

  /** `observer` or `evaluator` when the scenario seats the person with token subject `sub` as one (./seats.ts). */
  watcherRole(sub: string): WatcherRole | undefined {
    return watcherRoleIn(this.scenario, sub);
  }

  /** No further steps are started; resolves when the one under way (and its save) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  /** Runs `work` after the steps before it; then saves what changed and sets the next look. */
  private step<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      try {
        return await work();
      } finally {
        await this.save();
        this.arm();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async save(): Promise<void> {
    const text = encodeRunnerState(this.state());
    if (text === this.saved) return;
    await this.ports.save(text);
    this.saved = text;
  }

  /** One timer, set for the moment the clock makes the next inject due (./wake.ts). */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const delay = this.stopped ? undefined : wakeDelay(this.scenario, this.msel, this.clock, this.ports.now(), WATCH_MS);
    if (delay === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.step(() => this.tick()).catch((error: unknown) => this.ports.log.error({ err: error, scenario: this.scenario.id }, 'exercise tick failed'));
    }, delay);
    this.timer.unref();
  }

  private at(): ExerciseTime {
    const nowMs = this.ports.now();
    return { scenarioMs: scenarioNow(this.clock, nowMs), zulu: new Date(nowMs).toISOString() };
  }

  /** Releases what the scenario time made due (a jump counts: what is past is due). */
  private async tick(): Promise<void> {
    await this.observe();
    const result = advance(this.scenario, this.msel, this.at(), await this.audiences());
    if (!result.ok) return;
    this.msel = result.state;
    await this.carryOut(result.effects, CLOCK_ACTOR);
  }

  /** Records the expected player actions the cells' audit trails show since the last look. */
  private async observe(): Promise<void> {
    const scenarioMs = this.at().scenarioMs;
    const released = new Map([...this.released].map(([injectId, { objects }]) => [injectId, new Set(objects.map((object) => object.id))]));
    for (const workspaceId of this.cells.values()) {
      for (let after = this.auditSeq.get(workspaceId) ?? 0; ; ) {
        const batch = await this.ports.audit.listForWorkspace(workspaceId, { afterSeq: after, limit: AUDIT_PAGE_MAX });
        for (const entry of batch) {
          for (const injectId of expectedActionsShown(this.scenario, released, entry)) {
            const before = this.msel;
            this.msel = recordAction(this.msel, injectId, scenarioMs);
            // The first sighting decides the inject's conditions: the audit trail says when and what showed it.
            if (this.msel !== before) {
              await this.ports.audit.append({
                workspaceId,
                actor: CLOCK_ACTOR,
                action: 'exercise.action',
                detail: { ...this.times(this.at()), injectId, shownBy: entry.action, nation: entry.actor.nation },
              });
            }
          }
        }
        if (batch.length > 0) after = batch.at(-1)!.seq;
        this.auditSeq.set(workspaceId, after);
        if (batch.length < AUDIT_PAGE_MAX) break;
      }
    }
  }

  private async audiences(): Promise<Map<string, CellAudience>> {
    const out = new Map<string, CellAudience>();
    for (const [scenarioCell, workspaceId] of this.cells) {
      const cell = await this.ports.cells.get(workspaceId);
      if (cell) out.set(scenarioCell, { policy: cell.policy, levels: cell.audience.knownLevels() });
    }
    return out;
  }

  private async carryOut(effects: readonly MselEffect[], actor: AuditActor): Promise<void> {
    for (const effect of effects) {
      if (effect.type === 'event') {
        const { event } = effect;
        for (const workspaceId of this.targetCells(event.injectId)) {
          await this.ports.audit.append({
            workspaceId,
            actor,
            action: 'exercise.msel',
            detail: { ...this.times(event.at), injectId: event.injectId, from: event.from, to: event.to, by: event.by, ...(event.reason ? { reason: event.reason } : {}) },
          });
        }
      } else {
        await this.release(effect);
      }
    }
  }

  /** Creates every version of a `create` inject as its own marked object, in each target cell. */
  private async release({ inject, at, deliveries }: Extract<MselEffect, { type: 'release' }>): Promise<void> {
    const released: Released = { objects: [], unreached: [] };
    this.released.set(inject.id, released);
    for (const delivery of deliveries) {
      const workspaceId = this.cells.get(delivery.cellId);
      const cell = workspaceId === undefined ? undefined : await this.ports.cells.get(workspaceId);
      if (!cell) continue;
      released.unreached.push(...delivery.unreached);
      if (inject.kind === 'join') {
        await this.join(inject, at, cell, delivery.cellId);
        continue;
      }
      if (inject.kind === 'edit' || inject.kind === 'release_request') {
        await this.actOnTarget(inject, at, cell, delivery.versions, released);
        continue;
      }
      if (inject.kind !== 'create' && inject.kind !== 'message') continue;
      for (const version of delivery.versions) {
        const { id, fresh } = await this.storeVersion(inject, at, cell, version);
        if (fresh && inject.kind === 'message') await this.sendMessage(inject, at, cell, delivery.cellId, version, id);
        await this.became(released, inject, at, version, cell.workspace.id, id);
      }
    }
  }

  /**
   * The object a version of a create (or message) inject becomes, created as its persona unless
   * stored already (`fresh` false): a release this runner did not live to save (see the top of this file).
   */
  private async storeVersion(inject: Inject, at: ExerciseTime, cell: Cell, version: VersionDelivery): Promise<{ id: string; fresh: boolean }> {
    const id = injectObjectId(cell.workspace.id, inject.id, version.version, this.resets);
    if (cell.index.get(id) !== undefined) return { id, fresh: false };
    const persona = { sub: `${SIMULATED_SUB_PREFIX}${inject.from ?? inject.author}`, nation: inject.author };
    const author = { sub: persona.sub, participant: personaFor(cell, inject, version.marking) };
    const message = inject.kind === 'message';
    const planned = planObject(
      cell,
      author,
      {
        workspaceId: cell.workspace.id,
        kind: message ? 'note' : inject.objectKind === 'portion' ? 'report' : inject.objectKind,
        marking: version.marking,
        // A message's text goes to its addressees alone (sendMessage), never into the shared note.
        content: buildContent({ fields: injectFields(inject, version.title, this.times(at).scenarioTime), body: message ? '' : (version.content ?? '') }),
      },
      { originator: inject.author, id },
    );
    await createObjects(this.ports, cell, persona, [planned]);
    this.ports.afterInjectStored?.();
    return { id, fresh: true };
  }

  /** Brings a join inject's participant into the cell: their nation made a member if it was not, audited. */
  private async join(inject: Inject, at: ExerciseTime, cell: Cell, scenarioCell: string): Promise<void> {
    const participant = this.scenario.participants.find((p) => p.id === inject.participant);
    const key = `${scenarioCell}/${inject.participant}`;
    if (!participant || this.joined.has(key)) return;
    const nationAdded = await this.ports.addMember(cell.workspace.id, participant.nation);
    this.joined.add(key);
    await this.ports.audit.append({
      workspaceId: cell.workspace.id,
      actor: CLOCK_ACTOR,
      action: 'exercise.join',
      detail: { ...this.times(at), injectId: inject.id, participant: participant.id, nation: participant.nation, nationAdded },
    });
  }

  /** Tells each addressee of a message who sits in this cell, by the real person the scenario names for them. */
  private async sendMessage(inject: Inject, at: ExerciseTime, cell: Cell, scenarioCell: string, version: VersionDelivery, objectId: string): Promise<void> {
    const addressees = this.scenario.participants.filter(
      (p) => inject.to?.includes(p.id) && p.sub !== undefined && (p.cells === undefined || p.cells.includes(scenarioCell)),
    );
    await this.ports.notifier.send(
      addressees.map((p) => ({
        target: { kind: 'person', sub: p.sub! },
        notification: {
          id: randomUUID(),
          workspaceId: cell.workspace.id,
          kind: 'exercise_message',
          objectId,
          at: at.zulu,
          actor: { name: inject.from ?? `${inject.author} role player`, nation: inject.author },
          message: { title: version.title, text: version.content ?? '' },
        },
      })),
    );
  }

  /** An edit or release request, on each of its target's objects in `cell` whose marking is one of its versions'. */
  private async actOnTarget(inject: Inject, at: ExerciseTime, cell: Cell, versions: readonly VersionDelivery[], released: Released): Promise<void> {
    const targets = (this.released.get(inject.target ?? '')?.objects ?? []).filter((object) => object.workspaceId === cell.workspace.id);
    const sub = `${SIMULATED_SUB_PREFIX}${inject.from ?? inject.author}`;
    for (const version of versions) {
      const object = targets.find(({ id }) => cell.index.get(id)?.envelope.marking === version.marking);
      if (!object) continue;
      try {
        if (inject.kind === 'edit') {
          await writeAs(this.ports, cell, object.id, sub, (doc) => {
            const body = bodyOf(doc);
            doc.transact(() => {
              body.delete(0, body.length);
              body.insert(0, version.content ?? '');
            });
          });
        } else {
          const persona = { sub, name: inject.from ?? `${inject.author} role player`, participant: personaFor(cell, inject, version.marking) };
          await this.ports.requestRelease(persona, { workspaceId: cell.workspace.id, objectId: object.id, targetMarking: inject.releaseTo!, justification: version.content ?? inject.title });
        }
      } catch (error) {
        // Refused as a player would be (a request already pending, say): the MSEL says released, the log why nothing changed.
        this.ports.log.error({ err: error, scenario: this.scenario.id, injectId: inject.id, objectId: object.id }, 'an exercise inject was refused');
        continue;
      }
      await this.became(released, inject, at, version, cell.workspace.id, object.id);
    }
  }

  /**
   * Notes that a version of `inject` became (or acted on) object `id`, and audits it as
   * `exercise.inject` unless a release this runner did not live to save audited it already.
   */
  private async became(released: Released, inject: Inject, at: ExerciseTime, version: VersionDelivery, workspaceId: string, id: string): Promise<void> {
    released.objects.push({ workspaceId, id, marking: version.marking, levels: version.levels });
    const history = await this.ports.audit.listForObject(id);
    if (history.some((entry) => entry.action === 'exercise.inject' && entry.detail.injectId === inject.id && entry.detail.version === version.version)) return;
    await this.ports.audit.append({
      workspaceId,
      actor: CLOCK_ACTOR,
      action: 'exercise.inject',
      objectId: id,
      detail: { ...this.times(at), injectId: inject.id, version: version.version, objectIds: [id] },
    });
  }

  private targetCells(injectId: string): string[] {
    const inject = this.scenario.msel.find((i) => i.id === injectId);
    const ids = inject?.cells ?? [...this.cells.keys()];
    return ids.flatMap((id) => this.cells.get(id) ?? []);
  }

  private times(at: ExerciseTime): { scenarioMs: number; scenarioTime: string } {
    return { scenarioMs: at.scenarioMs, scenarioTime: new Date(this.clock.startexMs + at.scenarioMs).toISOString() };
  }

  private async auditClock(event: ClockEvent, actor: AuditActor): Promise<void> {
    for (const workspaceId of this.cells.values()) {
      await this.ports.audit.append({
        workspaceId,
        actor,
        action: 'exercise.clock',
        detail: {
          type: event.type,
          scenarioMs: event.scenarioMs,
          scenarioTime: event.scenarioTime,
          status: event.status,
          speed: event.speed,
          realWorld: event.realWorld,
          ...(event.reason === undefined ? {} : { reason: event.reason }),
        },
      });
    }
  }

  private row(inject: Inject): MselRow {
    const released = this.released.get(inject.id);
    return {
      id: inject.id,
      at: inject.at,
      author: inject.author,
      kind: inject.kind,
      marking: inject.marking,
      title: inject.title,
      release: inject.release,
      state: this.msel.states[inject.id]!,
      objects: (released?.objects ?? []).map(({ id, marking, levels }) => ({ id, marking, levels })),
      unreached: released?.unreached ?? [],
      expected: inject.expect?.action ?? null,
    };
  }
}

/** An inject's fields as its kind's views read them: a feature's name, an event's time (the scenario's). */
function injectFields(inject: Inject, title: string, scenarioTime: string): Record<string, string> {
  const fields: Record<string, string> = { [inject.objectKind === 'feature' ? 'name' : 'title']: title, injectId: inject.id };
  if (inject.objectKind === 'event') fields.when = scenarioTime;
  return fields;
}

/**
 * The released injects whose expected action an audit entry shows: its action, by a player (never
 * a simulated persona) of the expected nation, about an object the inject became (or its source,
 * for a tearline); an `object.create` expectation counts any player's new object.
 */
export function expectedActionsShown(
  scenario: Scenario,
  released: ReadonlyMap<string, ReadonlySet<string>>,
  entry: Pick<AuditView, 'action' | 'actor' | 'objectId' | 'detail'>,
): string[] {
  if (entry.actor.nation === null || entry.actor.sub.startsWith(SIMULATED_SUB_PREFIX)) return [];
  return scenario.msel.flatMap((inject) => {
    const objects = released.get(inject.id);
    const expect = inject.expect;
    if (!objects || !expect?.audit || expect.audit !== entry.action) return [];
    if (expect.by !== undefined && expect.by !== entry.actor.nation) return [];
    const about = [entry.objectId, entry.detail.sourceId].some((id) => typeof id === 'string' && objects.has(id));
    return about || entry.action === 'object.create' ? [inject.id] : [];
  });
}

/**
 * The persona an inject is posted as: of the author nation, cleared to the cell's system high and
 * holding the version's compartments, so it can see what it posts (as a player's author must).
 */
function personaFor(cell: Cell, inject: Inject, marking: string): Participant {
  const parsed = parseMarking(marking, cell.policy);
  return { nation: inject.author, clearance: cell.workspace.systemHigh, compartments: [...parsed.compartments] };
}

/** An inject that is absent and one the caller may not see get this same answer. */
export function noSuchInject(injectId: string): TearlineError {
  return new TearlineError('not_found', `There is no inject ${injectId} in this scenario.`);
}

/** The runners of the node, one per scenario, found by any of its cells. */
export class ExerciseRunners {
  private readonly byCell = new Map<string, ExerciseRunner>();

  add(runner: ExerciseRunner): void {
    for (const workspaceId of runner.cells.values()) this.byCell.set(workspaceId, runner);
  }

  /** The runner of an exercise cell; a cell without one answers `not_found` (nothing to control). */
  of(workspaceId: string): ExerciseRunner {
    const runner = this.find(workspaceId);
    if (!runner) throw new TearlineError('not_found', 'This cell is not running an exercise.');
    return runner;
  }

  find(workspaceId: string): ExerciseRunner | undefined {
    return this.byCell.get(workspaceId);
  }

  /** A runner this node no longer runs (another node took its exercise over: ./leadership.ts). */
  remove(runner: ExerciseRunner): void {
    for (const workspaceId of runner.cells.values()) if (this.byCell.get(workspaceId) === runner) this.byCell.delete(workspaceId);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...new Set(this.byCell.values())].map((runner) => runner.stop()));
  }
}

/** `bad_request` listing each fault on a line of its own: '<what> has 2 faults:\n…'. */
function faultList(what: string, faults: readonly string[]): TearlineError {
  return new TearlineError('bad_request', `${what} has ${faults.length} fault${faults.length === 1 ? '' : 's'}:\n${faults.join('\n')}`);
}
