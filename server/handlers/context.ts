// Everything the handlers need, built once by startServer. Only server/handlers/ sees it whole:
// domain modules are given the few parts they use.
import type { RestCounters } from './http/rateLimits';
import type { Logger } from 'pino';
import type { ExerciseLeadership } from '../exercise/leadership';
import type { ExerciseRunners } from '../exercise/runner';
import type { AuditLog } from '../audit/log';
import type { VerifyToken } from '../auth/verifier';
import type { ServerConfig } from '../config';
import type { Metrics } from '../metrics/metrics';
import type { Notifier } from '../notifications/service';
import type { NotificationStore } from '../notifications/store';
import type { DocRegistry } from '../objects/docRegistry';
import type { Remark } from '../objects/remark';
import type { ReadGate } from '../relay/readGate';
import type { Fanout } from '../rooms/fanout';
import type { PresenceBatcher } from '../rooms/presenceBatch';
import type { ReleaseService } from '../release/service';
import type { ReleaseRequestStore } from '../release/requestStore';
import type { PersonBudgets } from '../sessions/rateLimiter';
import type { SessionData, TearlineServer, TearlineSocket } from '../sessions/session';
import type { StorageHealth } from '../store/storageHealth';
import type { Store } from '../store/types';
import type { ExpirySweep } from '../sessions/expirySweep';
import type { JoinAdmission } from '../workspaces/admission';
import type { CellRegistry } from '../workspaces/cellRegistry';
import type { WorkspaceService } from '../workspaces/workspaceService';

export type { SessionData, TearlineServer, TearlineSocket } from '../sessions/session';

export type Releases = ReleaseService<SessionData>;

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
  /** Re-marks an object (object:remark, an approved release), one at a time per cell. */
  remark: Remark;
  metrics: Metrics;
  io: TearlineServer;
  /** Message budgets and socket places per person on this node. */
  people: PersonBudgets;
  /** Ends each session when its token runs out: one sweep for every socket of the node. */
  sessionExpiry: ExpirySweep<TearlineSocket>;
  /** Presence changes waiting for their cell's window. */
  presence: PresenceBatcher;
  /** The exercise runners of this node, one per running scenario. */
  exercises: ExerciseRunners;
  /** With several nodes: which node runs each exercise, and requests forwarded to it (server/exercise/leadership.ts). */
  exerciseLeadership?: ExerciseLeadership;
  /** Joins admitted on this node (a reconnect storm is let in at a bounded rate). */
  joins: JoinAdmission;
  /** Notifications and the people of each cell (who a mention may name). */
  notificationStore: NotificationStore;
  /** Stores notifications, then tells the sockets they address that may see their object. */
  notifier: Notifier;
  /** REST budgets' counts in Redis, shared by the nodes (several nodes); undefined: per node. */
  restCounters?: RestCounters;
  /** Several nodes: holds a read of a cell back until this node's picture of it may be read (server/relay/readGate.ts). */
  readGate?: ReadGate;
}
