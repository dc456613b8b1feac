// The socket contract between Tearline clients and servers (DESIGN.md, "The contract external
// clients rely on"). Every client → server payload has a zod schema here; the server parses with
// these and nothing else, so an unknown field or a wrong type is rejected before any handler runs.
import { decodeStateVector } from 'yjs';
import { z } from 'zod';
import { VERSION_ID, type VersionSummary, type VersionView } from './history';
import type { AarFigures } from './exercise/aarFigures';
import type { Notification } from './notifications';
import { DENIAL_CATEGORIES, type ReleasePolicy, type ReleaseRequest } from './release';
import { CROSS_NATION_EDITING, SUGGESTION_LIMITS, type CrossNationEditing } from './suggestions';
import { holdsStorableText, line, prose, PROSE_RULE } from './text';

export type { AttributedRun, HistoryActor, VersionSummary, VersionView } from './history';
export type { Notification } from './notifications';
export type { ReleasePolicy, ReleaseRequest } from './release';

/**
 * The version of this contract. Bump it on every change an older client or server cannot handle
 * (a renamed or removed event or field, a new required field, a changed meaning): the server
 * refuses a client that connects with another version, telling its user to reload the page.
 */
export const PROTOCOL_VERSION = 2;

/**
 * `comment`: one comment of a thread, under the object it is on (a reply: under the comment).
 * `suggestion`: tracked changes to another nation's paragraph, under that paragraph (shared/suggestions.ts).
 */
export const OBJECT_KINDS = ['feature', 'report', 'portion', 'event', 'rfi', 'note', 'comment', 'suggestion'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** `excon`: exercise control (the white cell), who runs an exercise cell's clock and MSEL. */
export const ROLES = ['viewer', 'editor', 'fdo', 'admin', 'excon'] as const;
export type Role = (typeof ROLES)[number];

/** Parts of the workspace a presence state may name: nothing else travels in presence but ids. */
export const PRESENCE_VIEWS = ['map', 'reports', 'timeline', 'rfis', 'releases', 'audit', 'figures'] as const;
export const ERROR_CODES = [
  'unauthorized',
  'not_found',
  'forbidden',
  'bad_request',
  'bad_marking',
  'bad_update',
  'too_large',
  'rate_limited',
  'conflict',
  'unavailable',
  'internal',
  /** A direct edit of another nation's paragraph in a cell where other nations suggest (suggestion:create). */
  'suggest_only',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** With `rate_limited`: when the same request may succeed, in milliseconds from now. */
  retryAfterMs?: number;
}

export type Ack<T extends object = Record<string, never>> =
  | ({ ok: true } & T)
  | { ok: false; error: ProtocolError };

/** Server-owned metadata of an object. Never inside the object's Y.Doc. */
export interface Envelope {
  id: string;
  workspaceId: string;
  kind: ObjectKind;
  /** Canonical banner form, e.g. `SECRET//REL TO USA, GBR`. */
  marking: string;
  /** Canonical portion form, e.g. `(S//REL TO USA, GBR)`. */
  portion: string;
  /** Nation (trigraph) of the originator: it always sees its own material. */
  originator: string;
  parentId: string | null;
  /** Fractional index among siblings (`fractional-indexing`). */
  orderKey: string;
  createdBy: string;
  createdAt: string;
  /** Bumped when the doc is rebuilt from current content (a widening re-mark). */
  epoch: number;
  /** For a tearline: the object it was derived from, present only for those who can see it. */
  sourceId?: string;
}

/**
 * How the server sends binary fields to a socket, chosen at connect time (`auth.encoding`):
 * - `binary` (default): Uint8Array. Socket.io sends each as an extra frame, and its clients
 *   refuse messages with more than 10 of them, so `doc:sync` answers at most 10 docs.
 * - `base64`: base64 strings. Every message is one text frame; updates arrive batched per room
 *   as `doc:updates`, and `doc:sync` answers up to SYNC_MAX_DOCS docs. Use this for anything
 *   busy: it halves the server's cost per delivery.
 * Clients may send any binary field either way, whatever they chose for the answers: base64
 * text saves socket.io's extra frame per message (one frame per edit instead of two).
 */
export const BINARY_ENCODINGS = ['binary', 'base64'] as const;
export type BinaryEncoding = (typeof BINARY_ENCODINGS)[number];
/** Socket.io-parser's default `maxAttachments`: more binary fields in one message disconnect the client. */
export const BINARY_SYNC_MAX_DOCS = 10;
export const SYNC_MAX_DOCS = 1000;

/** What a client sends at connect (socket.io's `auth`). */
export interface HandshakeAuth {
  token: string;
  /** PROTOCOL_VERSION as the client knows it. */
  protocol: number;
  /** How the server should send binary fields to this socket; default `binary`. */
  encoding?: BinaryEncoding;
}

export function handshakeAuth(token: string, encoding?: BinaryEncoding): HandshakeAuth {
  return { token, protocol: PROTOCOL_VERSION, ...(encoding ? { encoding } : {}) };
}

/** A binary field as sent to a client: Uint8Array, or base64 text for `base64` sockets. */
export type Bytes = Uint8Array | string;

/** Bytes as base64 text (btoa: the same in browsers and Node). */
export function base64Of(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** A payload with every binary field as base64 text: one frame on the wire instead of 1 + fields. */
export function withBase64Fields<T>(value: T): T {
  if (value instanceof Uint8Array) return base64Of(value) as T;
  if (Array.isArray(value)) return value.map(withBase64Fields) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withBase64Fields(field)])) as T;
  }
  return value;
}

/** Node's Buffer, absent in browsers (the web client's bundle has no polyfill). */
const nodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: 'base64'): Uint8Array } }).Buffer;

export function bytesOf(value: Bytes): Uint8Array {
  if (typeof value !== 'string') return value instanceof Uint8Array ? value : new Uint8Array(value);
  // Native where the runtime has it (Chromium 140+, Firefox 133+, Safari 18.2+): the web client
  // decodes every object of a join on its main thread, and atob with a copy loop was 7 % of
  // loading 20,000 objects.
  const typed = Uint8Array as { fromBase64?: (text: string) => Uint8Array };
  if (typed.fromBase64) return typed.fromBase64(value);
  // Node's native decoder (Node 20 has no fromBase64): the server's and the bench's clients' own
  // decoding, at under half atob's CPU for an object's ~1 KB (docs/performance.md, round 6). Copied
  // out, so a small update kept long does not hold Buffer's shared 8 KB slab.
  if (nodeBuffer) return new Uint8Array(nodeBuffer.from(value, 'base64'));
  const text = atob(value);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

// Binary fields arrive as Buffer on Node and Uint8Array in browsers (Buffer is a Uint8Array), or
// as canonical base64 text, which is decoded here so handlers only ever see bytes. One check, not
// a union: a union tried the binary branch first and built a refusal for every base64 update (the
// web client's, so the common case), a third of the cost of checking a doc:update.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const bytes = z
  .custom<Uint8Array | string>((v) => (typeof v === 'string' ? BASE64.test(v) : v instanceof Uint8Array), {
    message: 'expected binary data or base64 text',
  })
  .transform((value) => (typeof value === 'string' ? bytesOf(value) : value));
/** Decoded once where the payload is checked, so no reader is handed a vector it cannot read. */
const stateVector = bytes.refine((vector) => {
  try {
    decodeStateVector(vector);
    return true;
  } catch {
    return false;
  }
}, 'expected a Yjs state vector (as Y.encodeStateVector writes it)');
/** A cell's, an object's or a request's id, in payloads and in REST addresses alike. */
export const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, _ and -');
const id = idSchema;
const markingText = line().min(1).max(512);
const position = z.string().min(1).max(SUGGESTION_LIMITS.maxPosition).regex(BASE64, 'a position is base64 text (an encoded Yjs relative position)');
const suggestedText = prose().min(1).max(SUGGESTION_LIMITS.maxText);

/**
 * An inject as EXCON writes it in the cell: the fields of a scenario file's inject (docs/exercises.md),
 * bounded here; the scenario reader then checks it whole (markings under the cell's policy, author, targets).
 */
/** The largest MSEL spreadsheet EXCON may import (1 MB). */
export const MSEL_CSV_MAX = 1_000_000;

const plannedInjectSchema = z.strictObject({
  at: z.union([line().max(20), z.number().min(0).max(366 * 24 * 60)]),
  author: line().max(3),
  kind: z.enum(['create', 'edit', 'release_request', 'message']),
  marking: line().max(300),
  title: line().max(200),
  content: prose().max(20_000).optional(),
  objectKind: z.enum(['report', 'feature', 'event', 'rfi', 'note']).optional(),
  cells: z.array(line().max(40)).max(20).optional(),
  to: z.array(line().max(40)).max(100).optional(),
  from: line().max(40).optional(),
  target: line().max(40).optional(),
  releaseTo: line().max(300).optional(),
  release: z.enum(['auto', 'manual']).optional(),
  variants: z.array(z.strictObject({ marking: line().max(300), title: line().max(200).optional(), content: prose().max(20_000).optional() })).max(5).optional(),
});

export const schemas = {
  'workspace:join': z.strictObject({ workspaceId: id }),
  /** The next page of a join's objects, when the join answered `next` (a cell too large for one answer). */
  'workspace:objects': z.strictObject({ workspaceId: id, cursor: line().min(1).max(64) }),
  'workspace:leave': z.strictObject({ workspaceId: id }),
  'doc:sync': z.strictObject({
    workspaceId: id,
    docs: z.array(z.strictObject({ id, stateVector: stateVector.optional() })).max(SYNC_MAX_DOCS),
  }),
  'doc:update': z.strictObject({ workspaceId: id, id, epoch: z.number().int().min(0), update: bytes }),
  'object:create': z.strictObject({
    workspaceId: id,
    kind: z
      .enum(OBJECT_KINDS)
      .refine((kind) => kind !== 'comment', 'comments are made with comment:create, which checks their marking and mentions')
      .refine((kind) => kind !== 'suggestion', 'suggestions are made with suggestion:create, which checks them against the paragraph'),
    marking: markingText,
    parentId: id.optional(),
    orderKey: line().min(1).max(128).optional(),
    content: bytes.optional(),
  }),
  /** `from`: the marking the requester saw (the envelope's, as received); when given and no longer the object's, `conflict`. */
  'object:remark': z.strictObject({ workspaceId: id, id, marking: markingText, from: markingText.optional() }),
  /** Deletes an object (a report with its portions): it leaves everyone; its tombstone stays for the audit trail. */
  'object:delete': z.strictObject({ workspaceId: id, id }),
  /** Undoes a deletion, within the time its `object:delete` answered. */
  'object:restore': z.strictObject({ workspaceId: id, id }),
  /** Moves an object among its siblings: `orderKey` chosen between the two it should sit between. */
  'object:move': z.strictObject({ workspaceId: id, id, orderKey: line().min(1).max(128) }),
  'awareness:update': z.strictObject({
    workspaceId: id,
    state: z
      .strictObject({
        /** The object the participant is in (cursor, selection, map focus), if any. */
        objectId: id.optional(),
        /** Where in that object (Yjs relative positions); only with objectId, and dropped with it. */
        cursor: z
          .unknown()
          .refine((v) => JSON.stringify(v ?? null).length <= 2048, 'a cursor is at most 2 KB')
          .refine(holdsStorableText, `a cursor's ${PROSE_RULE}`)
          .optional(),
        /** Which part of the workspace is open. */
        view: z.enum(PRESENCE_VIEWS).optional(),
      })
      .refine((s) => s.cursor === undefined || s.objectId !== undefined, 'a cursor needs the objectId it points into')
      .nullable(),
  }),
  /** FDOs: the picture a partner level sees (only objects the FDO may see too: their content is
   * already the FDO's, so only the envelopes are sent). */
  'workspace:view-as': z.strictObject({
    workspaceId: id,
    level: z.strictObject({
      nation: z.string().regex(/^[A-Z]{3}$/, 'nation is a country trigraph'),
      clearance: line().min(1).max(32),
      compartments: z.array(z.string().regex(/^[A-Z0-9-]{1,16}$/)).max(32).default([]),
    }),
  }),
  /** Ask the originator's FDOs to widen an object's marking. */
  'release:request': z.strictObject({
    workspaceId: id,
    id,
    marking: markingText,
    justification: prose().max(4000),
  }),
  /** An FDO approves or denies (reason required); the requester withdraws. */
  'release:decide': z.strictObject({
    workspaceId: id,
    requestId: id,
    decision: z.enum(['approve', 'deny', 'withdraw']),
    reason: prose().max(4000).optional(),
    /** With `deny`: why, from DENIAL_CATEGORIES (shared/release.ts); `other` when left out. */
    category: z.enum(DENIAL_CATEGORIES).optional(),
  }),
  /** The FDO inbox (pending requests to decide) and one's own requests. */
  'release:list': z.strictObject({ workspaceId: id }),
  /** An FDO opts their own nation's material in to (or out of) automatic release at the deadline in this cell. */
  'release:policy': z.strictObject({ workspaceId: id, autoRelease: z.boolean() }),
  /** A tearline: a new object with a fresh copy of the source's current content, marked like it. */
  'tearline:create': z.strictObject({ workspaceId: id, sourceId: id }),
  /** An exercise cell's clock as every participant sees it (both clocks, REAL WORLD). */
  'exercise:status': z.strictObject({ workspaceId: id }),
  /** EXCON: the clock (start, pause, resume, speed, jump, reset, REAL WORLD and its clearing, ENDEX, close). */
  'exercise:clock': z.strictObject({
    workspaceId: id,
    action: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('start') }),
      z.strictObject({ type: z.literal('pause') }),
      z.strictObject({ type: z.literal('resume') }),
      z.strictObject({ type: z.literal('speed'), speed: z.number() }),
      z.strictObject({ type: z.literal('jump'), scenarioMs: z.number().int().min(0).max(366 * 24 * 3600_000) }),
      z.strictObject({ type: z.literal('reset') }),
      z.strictObject({ type: z.literal('real_world'), reason: prose().max(500) }),
      z.strictObject({ type: z.literal('clear_real_world') }),
      z.strictObject({ type: z.literal('endex') }),
      z.strictObject({ type: z.literal('close') }),
    ]),
  }),
  /** EXCON: release, hold, take off hold or cancel (reason required) one inject. */
  'exercise:inject': z.strictObject({
    workspaceId: id,
    injectId: line().min(1).max(40),
    action: z.enum(['release', 'hold', 'unhold', 'cancel']),
    reason: prose().max(500).optional(),
  }),
  /** EXCON: the MSEL (the ground truth) with each inject's state, and the AAR draft. */
  'exercise:msel': z.strictObject({ workspaceId: id }),
  /** EXCON: a new inject in the MSEL (an id is chosen when none is given), checked as a scenario file's inject. */
  'exercise:inject:add': z.strictObject({ workspaceId: id, inject: plannedInjectSchema.extend({ id: line().min(1).max(40).optional() }) }),
  /** EXCON: a planned inject rewritten whole (same fields as when added). */
  'exercise:inject:edit': z.strictObject({ workspaceId: id, injectId: line().min(1).max(40), inject: plannedInjectSchema }),
  /**
   * EXCON: an MSEL spreadsheet (shared/exercise/mselCsv.ts) merged into the running MSEL, all or
   * nothing: new ids are added, planned ones rewritten. `dryRun`: checked and described, not applied.
   */
  'exercise:msel:import': z.strictObject({ workspaceId: id, csv: prose().min(1).max(MSEL_CSV_MAX), dryRun: z.boolean().optional() }),
  /**
   * EXCON or an evaluator: an observation, marked, optionally about one inject (and one of its
   * expected actions); the server stamps it with both clocks. Seen only by EXCON and evaluators
   * who may read its marking, never by players or observers.
   */
  'exercise:observe': z.strictObject({
    workspaceId: id,
    injectId: line().min(1).max(40).optional(),
    expectedAction: prose().min(1).max(500).optional(),
    text: prose().trim().min(1).max(4000),
    marking: markingText,
  }),
  /** EXCON or an evaluator: the observations recorded in the cell that they may read, oldest first. */
  'exercise:observations': z.strictObject({ workspaceId: id }),
  /**
   * EXCON or an evaluator: the cell as access level `level` held it at Zulu time `at` (and as the
   * requester may see it too), from the exercise's stored history. Without `level` and `at`, only
   * the timeline to scrub. An evaluator may name only a level their own access covers.
   */
  /** EXCON: the AAR/IP draft as a report of the cell, every portion at `marking`, to edit like any report. */
  'exercise:aar-report': z.strictObject({ workspaceId: id, marking: markingText }),
  'exercise:replay': z.strictObject({
    workspaceId: id,
    level: line().max(200).optional(),
    at: z.iso.datetime().optional(),
  }),
  /**
   * A comment on an object or paragraph (`onId`), or a reply (`onId` a comment), marked no wider
   * than what it is on. `mentions`: people or whole nations told of it; each nation (a person's too) must be able to
   * read it, and a person is told only while they may (never refused for their clearance).
   */
  'comment:create': z.strictObject({
    workspaceId: id,
    onId: id,
    marking: markingText,
    text: prose().trim().min(1, 'a comment needs some text').max(4000),
    mentions: z
      .array(
        z.discriminatedUnion('kind', [
          z.strictObject({ kind: z.literal('person'), sub: line().min(1).max(128) }),
          z.strictObject({ kind: z.literal('nation'), nation: z.string().regex(/^[A-Z]{3}$/, 'nation is a country trigraph') }),
        ]),
      )
      .max(20)
      .default([]),
  }),
  /**
   * An answer to an RFI (`rfiId`): an object of its own (kind `comment`, `fields.rfiAnswer` true) under
   * the RFI, marked at its own level, no wider than the RFI's. The server refuses an empty answer.
   */
  'rfi:answer': z.strictObject({ workspaceId: id, rfiId: id, marking: markingText, text: prose().max(8000) }),
  /** One's notifications in a cell, newest first (only those about objects one may see now). */
  'notifications:list': z.strictObject({ workspaceId: id }),
  /** Marks one's notifications read. */
  'notifications:read': z.strictObject({ workspaceId: id, ids: z.array(id).max(500) }),
  /**
   * Tracked changes to another nation's paragraph (`onId`, a portion), for an editor of its
   * originator nation to accept or reject. Marked like the paragraph; each op anchored with Yjs
   * relative positions into its `body` (shared/suggestions.ts).
   */
  'suggestion:create': z.strictObject({
    workspaceId: id,
    onId: id,
    ops: z
      .array(
        z.discriminatedUnion('kind', [
          z.strictObject({ kind: z.literal('insert'), at: position, after: position, text: suggestedText }),
          z.strictObject({ kind: z.literal('delete'), from: position, to: position, text: suggestedText }),
        ]),
      )
      .min(1, 'a suggestion changes something')
      .max(SUGGESTION_LIMITS.maxOps),
  }),
  /** An editor of the paragraph's originator nation accepts or rejects; the suggester may reject (withdraw) their own. */
  'suggestion:decide': z.strictObject({ workspaceId: id, id, decision: z.enum(['accept', 'reject']) }),
  /** The cell's owner or an administrator: whether other nations edit a paragraph directly or suggest. */
  'workspace:settings': z.strictObject({ workspaceId: id, crossNationEditing: z.enum(CROSS_NATION_EDITING) }),
  /** An object's versions, oldest first: only those of the epochs one's level could see all along. */
  'history:list': z.strictObject({ workspaceId: id, id }),
  /** One version's content, each run of text with who wrote it. */
  'history:version': z.strictObject({ workspaceId: id, id, version: z.string().regex(VERSION_ID, 'a version is <epoch>.<number>, as history:list names it') }),
  /** Editors: makes the object's content that of an earlier version, as a new edit (the marking stays). */
  'history:restore': z.strictObject({ workspaceId: id, id, version: z.string().regex(VERSION_ID, 'a version is <epoch>.<number>, as history:list names it') }),
  /** A fresh token, e.g. after the participant's attributes changed: rooms change at once. */
  'session:refresh': z.strictObject({ token: line().min(1).max(8192) }),
} as const;

export type ClientEvent = keyof typeof schemas;
/** A payload as the server's handlers see it, once checked (binary fields decoded to bytes). */
export type ClientPayload<E extends ClientEvent> = z.infer<(typeof schemas)[E]>;
/** A payload as a client may send it (binary fields as bytes or base64 text, defaults left out). */
export type ClientInput<E extends ClientEvent> = z.input<(typeof schemas)[E]>;

export interface DocState {
  id: string;
  epoch: number;
  update: Bytes;
  /**
   * Sequence numbers (docs/protocol.md, "Sequence numbers"): the object's stored updates are
   * numbered 1, 2, 3 … within each epoch (the epoch's first content is 0), the same on every node.
   * On `doc:update` / `doc:updates`: the highest number this update holds, `from` the lowest (absent:
   * the same). On `doc:reset` and in `doc:sync` answers: every update through `seq` is in `update`.
   * Absent from servers before this field (clients then track nothing).
   */
  seq?: number;
  from?: number;
}

/** What each client event answers on success (the `ok: true` part). */
export interface AckBodies {
  /**
   * `seqs`: for objects whose doc this node holds in memory, the highest number (within the epoch)
   * it holds: the copy a `doc:sync` then gives you must reach it (if not, sync that object again).
   * `next`, only when the objects you may see do not fit in one answer: the cursor of the next
   * page (`workspace:objects`); `objects` is then the first page.
   */
  'workspace:join': { level: string; objects: Envelope[]; workspace: WorkspaceSummary; seqs?: Record<string, number>; next?: string };
  /** One more page of the join's objects, with their `seqs` as in the join's answer; `next` while there are more. */
  'workspace:objects': { objects: Envelope[]; seqs?: Record<string, number>; next?: string };
  'workspace:leave': Record<string, never>;
  /**
   * `missing`: ids that are absent or not releasable to you (indistinguishable on purpose).
   * `unavailable`, only when there are any: objects you may see whose stored content the server
   * cannot read now, each with why (code `unavailable`); the other docs are answered as usual.
   */
  'doc:sync': { docs: DocState[]; missing: string[]; unavailable?: { id: string; error: ProtocolError }[] };
  /** `seq`: the stored update's number within its epoch (the fan-out does not echo it back to you when you alone wrote in that window). */
  'doc:update': { seq?: number };
  'object:create': { object: Envelope };
  'object:remark': { object: Envelope };
  /** `undoUntil`: until when `object:restore` puts it back (ISO 8601). */
  'object:delete': { undoUntil: string };
  'object:restore': { object: Envelope };
  'object:move': { object: Envelope };
  'awareness:update': Record<string, never>;
  'workspace:view-as': { level: string; objects: Envelope[] };
  'session:refresh': { level: string };
  'release:request': { request: ReleaseRequest };
  'release:decide': { request: ReleaseRequest };
  /** `failed`: for FDOs, their nation's releases that could not be carried out, about objects they may see. */
  'release:list': { inbox: ReleaseRequest[]; mine: ReleaseRequest[]; failed: ReleaseRequest[] };
  'release:policy': { workspace: WorkspaceSummary };
  /** For a report, `portions` are the tearlines of its portions the creator may see, in order. */
  'tearline:create': { object: Envelope; portions: Envelope[] };
  /** `seat`: how the scenario seats the requester, when as a watcher (read only): their client shows it. */
  'exercise:status': { clock: ExerciseClockView; seat: WatcherSeat | null };
  'exercise:clock': { clock: ExerciseClockView };
  'exercise:inject': { inject: MselRow };
  /** `figures`: the AAR's figures the draft is written from (charted on EXCON's page); `mselCsv`: the scenario's MSEL as CSV (shared/exercise/mselCsv.ts). */
  'exercise:msel': { clock: ExerciseClockView; msel: MselRow[]; aar: string; figures: AarFigures; mselCsv: string };
  'exercise:aar-report': { report: Envelope; portions: Envelope[] };
  'exercise:replay': { timeline: ReplayTimeline; level: string | null; at: string | null; objects: ReplayObject[] };
  'exercise:inject:add': { inject: MselRow };
  'exercise:inject:edit': { inject: MselRow };
  /** `applied` false for a dry run: the injects say what an import would do. */
  'exercise:msel:import': { applied: boolean; injects: MselImportRow[] };
  'exercise:observe': { observation: Observation };
  'exercise:observations': { observations: Observation[] };
  'comment:create': { object: Envelope };
  'rfi:answer': { object: Envelope };
  'notifications:list': { notifications: Notification[] };
  'notifications:read': Record<string, never>;
  'suggestion:create': { object: Envelope };
  /** `applied`: the paragraph's text changed (an accepted suggestion). */
  'suggestion:decide': { applied: boolean };
  'workspace:settings': { workspace: WorkspaceSummary };
  'history:list': { versions: VersionSummary[] };
  'history:version': { view: VersionView };
  'history:restore': Record<string, never>;
}

/** An exercise cell's clock, server-owned: what every participant's banner shows. */
export interface ExerciseClockView {
  workspaceId: string;
  /** The scenario's banner wording, above the classification banner. */
  banner: string;
  scenarioTitle: string;
  /** `ended` after ENDEX; `closed` once EXCON declared the after-action review final. */
  status: 'stopped' | 'running' | 'paused' | 'ended' | 'closed';
  speed: number;
  /** Scenario time at `zulu`, in milliseconds from STARTEX and as the scenario's own date. */
  scenarioMs: number;
  scenarioTime: string;
  /** Real (Zulu) time the view was taken. */
  zulu: string;
  /** STARTEX in the scenario's world. */
  startex: string;
  /** A REAL WORLD interrupt in force, with its reason. */
  realWorld: { reason: string; since: string } | null;
}

/** One inject of the MSEL as EXCON sees it. */
/** One inject of an imported MSEL: new, or a planned one rewritten. */
export interface MselImportRow {
  id: string;
  at: number;
  title: string;
  change: 'added' | 'changed';
}

export interface MselRow {
  id: string;
  at: number;
  author: string;
  kind: string;
  marking: string;
  title: string;
  release: 'auto' | 'manual';
  state: 'planned' | 'ready' | 'released' | 'held' | 'cancelled';
  /** The objects its versions became, with the levels each was shown to at release. */
  objects: { id: string; marking: string; levels: string[] }[];
  /** Levels that could see no version when it was released. */
  unreached: string[];
  expected: string | null;
}

/** What a replay scrubs over: the cell's access levels, its span in Zulu time, the clock's changes and the injects' releases. */
export interface ReplayTimeline {
  levels: string[];
  from: string;
  to: string;
  /** Each change of the exercise clock, oldest first: scenario time follows from them (shared/exercise/replayTime.ts). */
  clock: { zulu: string; scenarioMs: number; status: ExerciseClockView['status']; speed: number }[];
  injects: { injectId: string; zulu: string; scenarioMs: number }[];
}

/** One object of a replay: its envelope and its content as the level held them then. */
export interface ReplayObject {
  envelope: Envelope;
  content: { fields: { [key: string]: unknown }; body: string };
}

/** A scenario's read-only seats: an observer watches; an evaluator watches, records observations and replays. */
export type WatcherSeat = 'observer' | 'evaluator';

/** An evaluator's (or EXCON's) observation of an exercise, stamped by the server with both clocks. */
export interface Observation {
  injectId: string | null;
  expectedAction: string | null;
  text: string;
  /** Banner form; only EXCON and evaluators who may read it are ever shown the observation. */
  marking: string;
  scenarioMs: number;
  scenarioTime: string;
  zulu: string;
  author: { sub: string; nation: string; role: 'excon' | 'evaluator' };
}

/** Objects posted by an exercise inject are created by a simulated persona: a sub no token may carry. */
export const SIMULATED_SUB_PREFIX = 'simulated:';

/** Whether an object was posted by a role-player persona of an exercise (server-set: see SIMULATED_SUB_PREFIX). */
export function isSimulated(envelope: Pick<Envelope, 'createdBy'>): boolean {
  return envelope.createdBy.startsWith(SIMULATED_SUB_PREFIX);
}

export interface PresenceState {
  clientId: string;
  sub: string;
  name: string;
  nation: string;
  objectId?: string;
  cursor?: unknown;
  view?: string;
}

/** Server → client events. */
export interface ServerEvents {
  'object:added': (envelope: Envelope) => void;
  'object:changed': (envelope: Envelope) => void;
  'object:removed': (body: { id: string }) => void;
  'doc:update': (body: DocState) => void;
  'doc:reset': (body: DocState) => void;
  /** `base64` sockets only: every update for your level in the last few milliseconds, one frame. */
  'doc:updates': (body: { updates: DocState[] }) => void;
  /** `states`: new or changed presence (already filtered for you); `removed`: client ids that left. */
  awareness: (body: { workspaceId: string; states: PresenceState[]; removed?: string[] }) => void;
  /** A release request you made, or one waiting for you as FDO, changed (new, decided, expired, failed). */
  'release:changed': (request: ReleaseRequest) => void;
  /** A cell you joined changed its settings (a nation opted in to or out of automatic release). */
  'workspace:changed': (workspace: WorkspaceSummary) => void;
  /** An exercise cell's clock changed (start, pause, speed, jump, REAL WORLD …): every participant. */
  'exercise:clock': (clock: ExerciseClockView) => void;
  /** An observation was recorded: only to EXCON and evaluators of the cell who may read its marking. */
  'exercise:observation': (observation: Observation) => void;
  /** Something one is told about, about an object one may see (shared/notifications.ts). */
  notification: (notification: Notification) => void;
  /** Sent just before the server closes a session (expired token, removed from the cell). */
  'session:ended': (body: ProtocolError) => void;
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  members: string[];
  defaultMarking: string;
  systemHigh: string;
  groups: Record<string, string[]>;
  exercise: boolean;
  /** When EXCON closed the exercise (its AAR final): from then on its history may be compacted. */
  exerciseClosedAt?: string;
  /** Release requests: how long an FDO has, and whether silence means release (and for whose material). */
  releasePolicy: ReleasePolicy;
  /** Whether editors of other nations suggest changes to a paragraph (the default) or edit it directly. */
  crossNationEditing: CrossNationEditing;
  createdAt: string;
  createdBy: string;
}

/** `GET /api/config`: what a client must know before anyone signs in. */
export interface PublicConfig {
  /** The demonstration identity provider is on: anyone can sign in as anyone. */
  devIdentity: boolean;
  /** The node that answered, when this is one of several (REDIS_URL set): shown discreetly. */
  node?: string;
}

/** A demo persona of the development identity provider (`GET /api/dev/personas`). */
export interface Persona {
  id: string;
  name: string;
  nation: string;
  clearance: string;
  compartments: string[];
  roles: Role[];
}

/**
 * The longest text claim (`sub`, `name`, `clearance`, each compartment) and the most compartments
 * a token may carry: far beyond any real identity provider's, short of what would bloat every
 * audit entry, presence state and access level the claims end up in.
 */
export const CLAIM_TEXT_MAX = 256;
const claimText = line().min(1, 'a claim may not be empty').max(CLAIM_TEXT_MAX, `a claim may be at most ${CLAIM_TEXT_MAX} characters`);

/** JWT claims Tearline reads (DESIGN.md, "Participants and identity"). */
export const claimsSchema = z.object({
  // The simulated personas' namespace is the server's: a token claiming it is refused.
  sub: claimText.refine((sub) => !sub.startsWith(SIMULATED_SUB_PREFIX), 'this subject is reserved for simulated personas'),
  name: claimText,
  nation: z.string().regex(/^[A-Z]{3}$/),
  clearance: claimText,
  compartments: z.array(claimText).max(CLAIM_TEXT_MAX, `a token may list at most ${CLAIM_TEXT_MAX} compartments`).default([]),
  roles: z.array(z.enum(ROLES)).default([]),
});
export type Claims = z.infer<typeof claimsSchema>;
