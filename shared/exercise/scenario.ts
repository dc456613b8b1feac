// The scenario format: the coalition cells, the participants, the exercise's start and banner,
// the objectives, and the MSEL (master scenario events list) of timed injects. This schema checks
// the shape; scenarioChecks.ts checks what needs the markings policy (markings, nations, ids).
import { z } from 'zod';
import { OBJECT_KINDS, ROLES } from '../protocol';
import { parseScenarioTime, SCENARIO_TIME_HINT } from './scenarioTime';
import { line, prose } from '../text';

export const DEFAULT_BANNER = 'EXERCISE EXERCISE EXERCISE';

const INJECT_KINDS = ['create', 'edit', 'release_request', 'join', 'message'] as const;

/** What a participant does in the exercise; their Tearline roles (editor, fdo …) are separate. */
const EXERCISE_ROLES = ['player', 'role_player', 'excon', 'observer', 'evaluator'] as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const id = (what: string) => z.string().regex(ID, `${what} is 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit`);
const trigraph = z.string().regex(/^[A-Z]{3}$/, 'a nation is a country trigraph such as USA or JPN');
const text = (max: number) => prose().trim().min(1, 'cannot be empty').max(max, `is longer than ${max} characters`);

const scenarioTimeSchema = z.union([line(), z.number()]).transform((value, ctx) => {
  const ms = parseScenarioTime(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a scenario time: ${SCENARIO_TIME_HINT}` });
    return z.NEVER;
  }
  return ms;
});

const cellSchema = z.strictObject({
  id: id('A cell id'),
  name: text(120),
  /** A coalition template (server/workspaces/templates.ts), its members and groups. */
  template: line().optional(),
  /** Nations or groups on top of the template's. */
  members: z.array(z.string().regex(/^[A-Z]{3,4}$/, 'members are country trigraphs or group tetragraphs')).default([]),
  groups: z.record(line(), z.array(trigraph)).default({}),
  systemHigh: line().default('SECRET'),
});

const participantSchema = z.strictObject({
  id: id('A participant id'),
  name: text(120),
  nation: trigraph,
  clearance: line(),
  compartments: z.array(line()).default([]),
  roles: z.array(z.enum(ROLES)).default(['editor']),
  exerciseRole: z.enum(EXERCISE_ROLES).default('player'),
  /** Cells they sit in; all the scenario's cells when absent. */
  cells: z.array(line()).optional(),
  /** The token subject (`sub`) of the real person who plays them: how messages and joins find that person. */
  sub: line().trim().min(1).max(200).optional(),
});

const versionSchema = z.strictObject({
  marking: line(),
  title: text(200).optional(),
  content: prose().max(20_000, 'is longer than 20,000 characters').optional(),
});

const expectSchema = z.strictObject({
  /** What the players should do, in the planner's words (shown to EXCON and in the AAR). */
  action: text(500),
  /** The audit action that shows it happened, e.g. release.approve or tearline.create. */
  audit: line().optional(),
  /** The nation expected to act. */
  by: trigraph.optional(),
  /** How long after the inject the action counts as timely. */
  within: scenarioTimeSchema.optional(),
});

const conditionSchema = z.strictObject({
  /** The inject whose expected action decides. */
  inject: id('An inject id'),
  /** met: released once that action happened (not before `at`); missed: a contingency released at `at` only if it has not. */
  expected: z.enum(['met', 'missed']),
});

export const injectSchema = z.strictObject({
  id: id('An inject id'),
  at: scenarioTimeSchema,
  author: trigraph,
  kind: z.enum(INJECT_KINDS),
  marking: line(),
  title: text(200),
  content: prose().max(20_000, 'is longer than 20,000 characters').optional(),
  objectKind: z.enum(OBJECT_KINDS).default('report'),
  /** Target cells; every cell of the scenario when absent. */
  cells: z.array(line()).optional(),
  /** Target participants (a message's role players); everyone in the cells when absent. */
  to: z.array(line()).optional(),
  /** Persona posting it (a role player); must be able to see its own marking. */
  from: line().optional(),
  /** The inject whose object an edit or a release request is about. */
  target: line().optional(),
  /** A release request's wider marking. */
  releaseTo: line().optional(),
  /** The participant a join inject brings in. */
  participant: line().optional(),
  release: z.enum(['auto', 'manual']).default('auto'),
  objective: line().optional(),
  expect: expectSchema.optional(),
  condition: conditionSchema.optional(),
  /** Versions for wider audiences (the sanitised one for partners), each releasable to more than the one before. */
  variants: z.array(versionSchema).default([]),
});

export const scenarioSchema = z.strictObject({
  id: id('A scenario id'),
  title: text(200),
  description: prose().max(5000).optional(),
  /** STARTEX in the scenario's world, as a UTC date and time. */
  start: z.iso.datetime({ offset: true, message: 'start is a date and time such as 2025-03-04T06:00:00Z' }),
  banner: text(80).default(DEFAULT_BANNER),
  objectives: z.array(z.strictObject({ id: id('An objective id'), text: text(500) })).default([]),
  cells: z.array(cellSchema).min(1, 'a scenario needs at least one cell'),
  participants: z.array(participantSchema).min(1, 'a scenario needs at least one participant'),
  msel: z.array(injectSchema),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioCell = Scenario['cells'][number];
export type ScenarioParticipant = Scenario['participants'][number];
export type Inject = Scenario['msel'][number];
export type InjectVersion = z.output<typeof versionSchema>;

/** A fault in a scenario: where (field path, and the line when read from a file) and what, in a sentence. */
export interface ScenarioIssue {
  path: (string | number)[];
  line?: number;
  message: string;
}

/** 'msel[2].marking' */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '') || 'the scenario';
}

/** One sentence for the planner: 'Line 14, msel[2].marking: …'. */
export function describeIssue(issue: ScenarioIssue): string {
  const where = formatPath(issue.path);
  return issue.line === undefined ? `${where}: ${issue.message}` : `Line ${issue.line}, ${where}: ${issue.message}`;
}

/** zod's issues reworded for a planner, one per fault. */
export function schemaIssues(error: z.ZodError): ScenarioIssue[] {
  return error.issues.flatMap((issue): ScenarioIssue[] => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path: [...path, key], message: `"${key}" is not a field here; check its spelling.` }));
      case 'invalid_type':
        return [{ path, message: /received undefined/.test(issue.message) ? 'is missing.' : `should be ${article(issue.expected)}.` }];
      case 'invalid_value':
        return [{ path, message: `must be one of ${issue.values.map((v) => `"${String(v)}"`).join(', ')}.` }];
      case 'invalid_union':
        return [{ path, message: 'should be a scenario time (text or a number of minutes).' }];
      default:
        return [{ path, message: `${issue.message.replace(/\.$/, '')}.` }];
    }
  });
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a set of fields';
  if (expected === 'string') return 'text';
  return `a ${expected}`;
}
