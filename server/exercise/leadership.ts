// Exercises across nodes (issue 14): each exercise's runner (its clock, its MSEL, the timer that
// releases injects) runs on one node at a time, the node holding the exercise's PostgreSQL
// advisory lock. The lock is a session lock on a connection of its own, so it goes with the node:
// a node that dies (SIGKILL, power) closes that connection, the database frees the lock, and
// another node takes it at its next claim round, restores the runner from the state the dead one
// saved after its last step, and carries the exercise on (what came due meanwhile is released
// then, once: what was released is in the saved state). A node that loses its lock connection
// stops the runners it led at once, before anyone else can take them.
//
// Control works from any node: EXCON's requests (and players' RFI answers, inject visibility)
// are carried out on the runner where it runs; a node without it forwards the request to the
// others (socket.io's server-side emit with answers) and the leader answers. Forwarded requests
// are checked with zod on arrival. With one node (SQLite, or no REDIS_URL) every runner is local
// and nothing here runs.
import pg from 'pg';
import { z } from 'zod';
import type { Scenario } from '../../shared/exercise/scenario';
import { parseScenarioFile } from '../../shared/exercise/scenarioFile';
import { ERROR_CODES, schemas, type AckBodies, type ClientInput, type ErrorCode, type ExerciseClockView, type MselRow, type WorkspaceSummary } from '../../shared/protocol';
import type { AuditActor } from '../../shared/rest';
import type { Participant } from '../../shared/markings';
import { TearlineError } from '../errors';
import type { TearlineServer } from '../sessions/session';
import type { ExerciseRecord } from '../store/types';
import { TEMPLATES } from '../workspaces/templates';
import type { CellRegistry } from '../workspaces/cellRegistry';
import type { MselAction } from './msel';
import type { ExerciseRunner, ExerciseRunners } from './runner';
import { decodeRunnerState } from './runnerState';
import { admitsTo, watcherRoleIn, type WatcherRole } from './seats';

/** The socket.io server-side event forwarded requests travel under. */
export const EXERCISE_FORWARD_EVENT = 'exercise';

/** What may be asked of an exercise, wherever its runner runs. */
export type ExerciseRequest =
  | { kind: 'status' }
  | { kind: 'msel' }
  | { kind: 'clock'; payload: ClientInput<'exercise:clock'>; actor: AuditActor }
  | { kind: 'inject'; payload: ClientInput<'exercise:inject'>; actor: AuditActor }
  | { kind: 'visible'; injectId: string; participant: Participant; excon: boolean }
  | { kind: 'answer'; objectId: string; actor: AuditActor }
  | { kind: 'plan'; inject: ClientInput<'exercise:inject:add'>['inject']; replace: boolean; actor: AuditActor }
  | { kind: 'import'; csv: string; dryRun: boolean; actor: AuditActor };

export interface ExerciseAnswers {
  status: ExerciseClockView;
  msel: { clock: ExerciseClockView; msel: MselRow[] };
  clock: ExerciseClockView;
  inject: MselRow;
  visible: boolean;
  answer: null;
  plan: MselRow;
  import: AckBodies['exercise:msel:import'];
}

type Kind = ExerciseRequest['kind'];
type RequestOf<K extends Kind> = Extract<ExerciseRequest, { kind: K }>;

const text = z.string().max(512);
const actor = z.strictObject({ sub: text, nation: text.nullable() });
const forwardedSchema = z.strictObject({
  workspaceId: z.string().min(1).max(64),
  request: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('status') }),
    z.strictObject({ kind: z.literal('msel') }),
    z.strictObject({ kind: z.literal('clock'), payload: schemas['exercise:clock'], actor }),
    z.strictObject({ kind: z.literal('inject'), payload: schemas['exercise:inject'], actor }),
    z.strictObject({
      kind: z.literal('visible'),
      injectId: text,
      participant: z.strictObject({ nation: text, clearance: text, compartments: z.array(text).max(64) }),
      excon: z.boolean(),
    }),
    z.strictObject({ kind: z.literal('answer'), objectId: text, actor }),
    z.strictObject({ kind: z.literal('plan'), inject: schemas['exercise:inject:add'].shape.inject, replace: z.boolean(), actor }),
    z.strictObject({ kind: z.literal('import'), csv: schemas['exercise:msel:import'].shape.csv, dryRun: z.boolean(), actor }),
  ]),
});

/** A leader's answer as it travels back: the body, or the refusal to pass on. */
type Answer = { ok: true; body: unknown } | { ok: false; error: { code: string; message: string } };

/** Carries out a request on a runner this node holds. */
export async function onRunner<K extends Kind>(cells: Pick<CellRegistry, 'get'>, runner: ExerciseRunner, workspaceId: string, request: RequestOf<K>): Promise<ExerciseAnswers[K]> {
  const r = request as ExerciseRequest;
  const answer = async (): Promise<ExerciseAnswers[Kind]> => {
    switch (r.kind) {
      case 'status':
        return runner.view(workspaceId);
      case 'msel':
        return { clock: runner.view(workspaceId), msel: runner.rows() };
      case 'clock':
        await runner.clockAction(r.payload.action, r.actor);
        return runner.view(workspaceId);
      case 'inject': {
        const { injectId, action, reason } = r.payload;
        const msel = (action === 'cancel' ? { type: 'cancel', injectId, reason: reason ?? '' } : { type: action, injectId }) satisfies MselAction;
        return runner.injectAction(msel, r.actor);
      }
      case 'visible': {
        const cell = await cells.get(workspaceId);
        return cell !== undefined && runner.injectVisible(cell, r.injectId, r.participant, r.excon);
      }
      case 'answer':
        if (!runner.hasAnswer(r.objectId)) await runner.recordAnswer(workspaceId, r.objectId, r.actor);
        return null;
      case 'plan':
        return runner.plan(r.inject, r.replace, r.actor);
      case 'import':
        return runner.importMsel(r.csv, r.dryRun, r.actor);
    }
  };
  return (await answer()) as ExerciseAnswers[K];
}

const NO_EXERCISE = 'This cell is not running an exercise.';

/** What finding an exercise needs: this node's runners, and the leadership when there are several nodes. */
export interface ExerciseFinder {
  exercises: ExerciseRunners;
  exerciseLeadership?: ExerciseLeadership;
  cells: Pick<CellRegistry, 'get'>;
}

/** Carries out a request on the cell's exercise: here if this node runs it, else on the node that does. */
export function exerciseCall<K extends Kind>(ctx: ExerciseFinder, workspaceId: string, request: RequestOf<K>): Promise<ExerciseAnswers[K]> {
  const runner = ctx.exercises.find(workspaceId);
  if (runner) return onRunner(ctx.cells, runner, workspaceId, request);
  if (ctx.exerciseLeadership) return ctx.exerciseLeadership.forward(workspaceId, request);
  return Promise.reject(new TearlineError('not_found', NO_EXERCISE));
}

/** The scenario of an exercise cell, wherever its runner runs. */
export function exerciseScenario(ctx: ExerciseFinder, workspaceId: string): Scenario | undefined {
  return ctx.exercises.find(workspaceId)?.scenario ?? ctx.exerciseLeadership?.scenarioOf(workspaceId);
}

/** Who an exercise seats where (./seats.ts): the join gate and the watchers' refusal. */
export interface Seating {
  admits(workspaceId: string, sub: string): boolean;
  watcherRole(sub: string): WatcherRole | undefined;
}

/**
 * The seating of an exercise cell on any node: the runner's own when it runs here, else from the
 * state its runner last saved in the store (read again every claim round). Undefined for a cell
 * that runs no exercise; null when this node cannot tell (the store unread for too long, or the
 * saved state unreadable), and then the caller fails closed.
 */
export async function exerciseSeating(ctx: ExerciseFinder, workspace: Pick<WorkspaceSummary, 'id' | 'exercise'>): Promise<Seating | null | undefined> {
  if (!workspace.exercise) return undefined;
  const runner = ctx.exercises.find(workspace.id);
  // One node: every runner is local, so a cell without one runs no exercise.
  if (runner || !ctx.exerciseLeadership) return runner;
  const seats = await ctx.exerciseLeadership.seatsOf(workspace.id);
  if (!seats) return seats;
  return {
    admits: (workspaceId, sub) => admitsTo(seats.scenario, seats.cells, seats.joined, workspaceId, sub),
    watcherRole: (sub) => watcherRoleIn(seats.scenario, sub),
  };
}

/**
 * Whether the person with token subject `sub` is in the cell as far as its exercise goes: always
 * for a real cell; for an exercise cell, once no join inject for them is still to come, and never
 * while this node cannot tell (fail closed). `whenUnknown` answers for that case instead, for a
 * session the gate already let in.
 */
export async function seated(ctx: ExerciseFinder, workspace: Pick<WorkspaceSummary, 'id' | 'exercise'>, sub: string, whenUnknown = false): Promise<boolean> {
  const seating = await exerciseSeating(ctx, workspace);
  if (seating === null) return whenUnknown;
  return seating?.admits(workspace.id, sub) !== false;
}

/** What a node that does not run an exercise knows of its seats, as its runner last saved them. */
export interface ExerciseSeats {
  scenario: Scenario;
  /** Scenario cell id → workspace id. */
  cells: ReadonlyMap<string, string>;
  joined: ReadonlySet<string>;
}

/** How often a node looks for exercises no node leads (and so how soon a dead leader's are taken over). */
const CLAIM_MS = 1000;
/** How many claim periods a node's knowledge of others' exercises may be old before it cannot tell who is seated. */
const STALE_ROUNDS = 3;
/** How long a forwarded request waits for the leader's answer. */
const FORWARD_MS = 5000;

export interface LeadershipPorts {
  node: string;
  /** The database, for a connection of the leadership's own (its session holds the locks). */
  databaseUrl: string;
  pool: pg.Pool;
  io: TearlineServer;
  runners: ExerciseRunners;
  cells: Pick<CellRegistry, 'get'>;
  /** A runner for a stored exercise, from its saved state (undefined: it no longer reads; logged). */
  restore(record: ExerciseRecord): ExerciseRunner | undefined;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
  claimMs?: number;
}

export class ExerciseLeadership {
  private locks: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  /** Exercise id → the runner this node leads. */
  private readonly led = new Map<string, ExerciseRunner>();
  /** Exercise ids whose lock this node's session holds (a session's advisory locks are re-entrant: never taken twice). */
  private readonly held = new Set<string>();
  /** Every stored exercise's cells and scenario, led here or not: workspace id → exercise id. */
  private readonly known = new Map<string, string>();
  private readonly scenarios = new Map<string, Scenario>();
  /** Exercise id → the scenario text last read from the store. */
  private readonly texts = new Map<string, string>();
  /** Exercise id → its scenario cells, and who its runner had seen join when last saved (absent: the state did not read). */
  private readonly cellsOf = new Map<string, ReadonlyMap<string, string>>();
  private readonly joined = new Map<string, ReadonlySet<string>>();
  private refreshing: Promise<void> | undefined;
  /** When the store's exercises were last read (0: never). */
  private readAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly ports: LeadershipPorts) {
    ports.io.on(EXERCISE_FORWARD_EVENT, (raw, ack) => void this.answer(raw).then(ack));
  }

  /** Takes the exercises no node leads; then goes on looking every claim period. Answers how many it leads. */
  async start(): Promise<number> {
    this.round = this.claimRound();
    await this.round;
    this.timer = setInterval(() => {
      this.round = this.round.then(() => this.claimRound()).catch((err: unknown) => this.ports.log.warn({ err }, 'exercise claim round failed; tried again shortly'));
    }, this.ports.claimMs ?? CLAIM_MS);
    this.timer.unref();
    return this.led.size;
  }

  /** Takes the lock of a new exercise (before it is stored, so no other node can take it first). */
  async lead(exerciseId: string): Promise<boolean> {
    const client = await this.lockClient();
    if (this.held.has(exerciseId)) return false;
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('tearline.exercise'), hashtext($1)) AS locked", [exerciseId]);
    if (rows[0]!.locked) this.held.add(exerciseId);
    return rows[0]!.locked;
  }

  /** A new exercise's runner, led here (its lock taken by `lead`). */
  adopt(exerciseId: string, runner: ExerciseRunner): void {
    this.led.set(exerciseId, runner);
    this.ports.runners.add(runner);
    this.know(exerciseId, runner.cells, runner.scenario);
  }

  /** The scenario of an exercise cell, wherever its runner runs. */
  scenarioOf(workspaceId: string): Scenario | undefined {
    const id = this.known.get(workspaceId);
    return id === undefined ? undefined : this.scenarios.get(id);
  }

  /**
   * The seats of the exercise run in cell `workspaceId`, as last read from the store: read again
   * first when unknown or old. Undefined: the cell runs none; null: this node cannot tell.
   */
  async seatsOf(workspaceId: string): Promise<ExerciseSeats | null | undefined> {
    const claimMs = this.ports.claimMs ?? CLAIM_MS;
    const stale = () => Date.now() - this.readAt > STALE_ROUNDS * claimMs;
    if (stale() || !this.known.has(workspaceId)) await this.refresh();
    if (stale()) return null;
    const id = this.known.get(workspaceId);
    if (id === undefined) return undefined;
    const joined = this.joined.get(id);
    return joined === undefined ? null : { scenario: this.scenarios.get(id)!, cells: this.cellsOf.get(id)!, joined };
  }

  /** A claim round now, shared by every caller that asks while it runs (an exercise cell without a record must not start one per event). */
  private refresh(): Promise<void> {
    this.refreshing ??= (this.round = this.round.then(() => this.claimRound()).catch(() => undefined)).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Asks the node leading the cell's exercise; `not_found` for a cell that runs none. */
  async forward<K extends Kind>(workspaceId: string, request: RequestOf<K>): Promise<ExerciseAnswers[K]> {
    if (!this.known.has(workspaceId)) await (this.round = this.round.then(() => this.claimRound()));
    if (!this.known.has(workspaceId)) throw new TearlineError('not_found', NO_EXERCISE);
    const answers = await new Promise<unknown[]>((resolve) => {
      const timer = setTimeout(() => resolve([]), FORWARD_MS);
      (this.ports.io.serverSideEmit as (event: string, ...args: unknown[]) => boolean)(EXERCISE_FORWARD_EVENT, { workspaceId, request }, (_err: unknown, responses: unknown[]) => {
        clearTimeout(timer);
        resolve(responses ?? []);
      });
    });
    const answer = answers.find((a): a is Answer => a !== null && typeof a === 'object' && 'ok' in a);
    if (!answer) {
      throw new TearlineError('unavailable', 'The exercise clock is moving to another server (the one running it stopped). Nothing was changed; try again in a few seconds.');
    }
    if (!answer.ok) {
      const code = (ERROR_CODES as readonly string[]).includes(answer.error.code) ? (answer.error.code as ErrorCode) : 'internal';
      throw new TearlineError(code, answer.error.message);
    }
    return answer.body as ExerciseAnswers[K];
  }

  /** Stops looking, stops the runners led here, then lets the locks go (not before: no two nodes run one exercise). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    await Promise.all([...this.led.values()].map((runner) => runner.stop()));
    await this.locks?.end().catch(() => undefined);
    this.locks = undefined;
  }

  /** Another node's forwarded request: answered if this node leads the cell's exercise, else null. */
  private async answer(raw: unknown): Promise<Answer | null> {
    const parsed = forwardedSchema.safeParse(raw);
    if (!parsed.success) {
      this.ports.log.warn({ issues: parsed.error.issues.length }, 'a forwarded exercise request was malformed and is dropped');
      return null;
    }
    const { workspaceId, request } = parsed.data;
    const runner = this.ports.runners.find(workspaceId);
    if (!runner) return null;
    try {
      return { ok: true, body: await onRunner(this.ports.cells, runner, workspaceId, request as ExerciseRequest) };
    } catch (error) {
      const refusal = error instanceof TearlineError ? error : new TearlineError('internal', 'The exercise could not carry this out.');
      if (!(error instanceof TearlineError)) this.ports.log.error({ err: error }, 'a forwarded exercise request failed');
      return { ok: false, error: { code: refusal.code, message: refusal.message } };
    }
  }

  /** Every stored exercise; those no node leads are taken, each from the state saved last. */
  private async claimRound(): Promise<void> {
    if (this.stopped) return;
    const { rows } = await this.ports.pool.query<{ id: string; cells: Record<string, string>; scenario: string; state: string }>('SELECT id, cells, scenario, state FROM exercises ORDER BY created');
    for (const row of rows) {
      // Read again when EXCON changed the MSEL (./amend.ts).
      if (this.texts.get(row.id) !== row.scenario) {
        const parsed = parseScenarioFile(row.scenario, { templates: TEMPLATES });
        if (parsed.ok) this.know(row.id, Object.entries(row.cells), parsed.scenario);
        this.texts.set(row.id, row.scenario);
      }
      this.readSeats(row.id, row.state);
      if (this.stopped || !(await this.lead(row.id))) continue;
      // Read again under the lock: the last leader may have saved a step since the list.
      const { rows: current } = await this.ports.pool.query<ExerciseRecord>('SELECT id, node, scenario, cells, state FROM exercises WHERE id = $1', [row.id]);
      const runner = current[0] && this.ports.restore(current[0]);
      if (!runner) continue;
      this.led.set(row.id, runner);
      this.ports.runners.add(runner);
      this.ports.log.warn({ exercise: row.id, node: this.ports.node }, 'this node now runs the exercise');
    }
    this.readAt = Date.now();
  }

  /** Who had joined, from an exercise's saved state; a state that does not read leaves its seats unknown (fail closed). */
  private readSeats(exerciseId: string, state: string): void {
    const scenario = this.scenarios.get(exerciseId);
    try {
      if (!scenario) throw new Error('the scenario does not read');
      this.joined.set(exerciseId, new Set(decodeRunnerState(state, scenario).joined));
    } catch {
      this.joined.delete(exerciseId);
    }
  }

  private know(exerciseId: string, cells: Iterable<[string, string]>, scenario: Scenario): void {
    const byScenarioCell = new Map(cells);
    this.scenarios.set(exerciseId, scenario);
    this.cellsOf.set(exerciseId, byScenarioCell);
    for (const workspaceId of byScenarioCell.values()) this.known.set(workspaceId, exerciseId);
  }

  /** The connection whose session holds this node's locks; losing it stops every runner led here. */
  private lockClient(): Promise<pg.Client> {
    if (this.locks) return Promise.resolve(this.locks);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.ports.databaseUrl, connectionTimeoutMillis: 5000 });
      client.on('error', () => void this.lost(client));
      client.on('end', () => void this.lost(client));
      try {
        await client.connect();
        this.locks = client;
        return client;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** The locks went with the connection: another node may take the exercises now, so none runs here. */
  private async lost(client: pg.Client): Promise<void> {
    if (this.locks !== client) return;
    this.locks = undefined;
    const runners = [...this.led.values()];
    this.led.clear();
    this.held.clear();
    if (!this.stopped) this.ports.log.error({ exercises: runners.length }, 'the exercise lock connection was lost: this node stops running its exercises');
    for (const runner of runners) {
      this.ports.runners.remove(runner);
      await runner.stop();
    }
  }
}
