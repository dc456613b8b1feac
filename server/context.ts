// Everything a handler needs, built once by startServer. Handlers take it as their first argument.
import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { Participant } from '../shared/markings';
import type { BinaryEncoding, PresenceState, ServerEvents } from '../shared/protocol';
import type { AuditLog } from './audit/log';
import type { Identity, VerifyToken } from './auth/verifier';
import type { ServerConfig } from './config';
import type { Metrics } from './http/metrics';
import type { DocRegistry } from './objects/docRegistry';
import type { Fanout } from './rooms/fanout';
import type { PresenceBatcher } from './rooms/presenceBatch';
import type { PersonBudgets } from './sessions/rateLimiter';
import type { Releases } from './release/releaseHandlers';
import type { ReleaseRequestStore } from './release/requestStore';
import type { StorageHealth } from './store/storageHealth';
import type { Store } from './store/types';
import type { JoinAdmission } from './workspaces/admission';
import type { CellRegistry } from './workspaces/cellRegistry';
import type { WorkspaceService } from './workspaces/workspaceService';

export interface SessionData {
  identity: Identity;
  participant: Participant;
  /** accessLevelKey(participant): the room key of this socket in every cell it joined. */
  level: string;
  joined: Set<string>;
  /** How binary fields are sent to this socket (auth.encoding at connect). */
  encoding: BinaryEncoding;
  /** Presence per joined cell, as the participant sent it (filtered on the way out). A plain
   * object, not a Map: fetchSockets() carries it from other nodes as JSON. */
  presence: Record<string, PresenceState>;
}

export type TearlineServer = Server<Record<string, never>, ServerEvents, Record<string, never>, SessionData>;
export type TearlineSocket = Socket<Record<string, never>, ServerEvents, Record<string, never>, SessionData>;

export interface Context {
  config: ServerConfig;
  log: Logger;
  store: Store;
  verify: VerifyToken;
  workspaces: WorkspaceService;
  cells: CellRegistry;
  docs: DocRegistry;
  fanout: Fanout;
  audit: AuditLog;
  /** Free space and write failures of the data directory's storage (/healthz, metrics). */
  storage: StorageHealth;
  releaseStore: ReleaseRequestStore;
  releases: Releases;
  metrics: Metrics;
  io: TearlineServer;
  /** Message budgets and socket places per person on this node. */
  people: PersonBudgets;
  /** Presence changes waiting for their cell's window. */
  presence: PresenceBatcher;
  /** Joins admitted on this node (a reconnect storm is let in at a bounded rate). */
  joins: JoinAdmission;
}
