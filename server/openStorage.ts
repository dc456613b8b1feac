// What a node keeps durably, on the engine TEARLINE_STORE names: the store, the audit log and the
// release requests and notifications, all in one SQLite file or all in one PostgreSQL database.
import path from 'node:path';
import type { AuditAppendOptions } from './audit/groupedAppends';
import type { AuditLog } from './audit/log';
import { createPostgresAuditLog, postgresAuditTurns } from './audit/postgresAuditLog';
import { createSqliteAuditLog, sqliteAuditTurns } from './audit/sqliteAuditLog';
import type { ServerConfig } from './config';
import { createPostgresNotificationStore } from './notifications/postgresNotificationStore';
import { createSqliteNotificationStore } from './notifications/sqliteNotificationStore';
import type { NotificationStore } from './notifications/store';
import { createPostgresReleaseRequestStore } from './release/postgresRequestStore';
import type { ReleaseRequestStore } from './release/requestStore';
import { createSqliteReleaseRequestStore } from './release/sqliteRequestStore';
import { lockDataDir } from './store/dataDirLock';
import { openPool } from './store/pgPool';
import { PostgresStore } from './store/postgresStore';
import { SqliteStore } from './store/sqliteStore';
import type { Store } from './store/types';

export interface Storage {
  /** Closed last: it owns the file or the connection pool. */
  store: Store;
  audit: AuditLog;
  releaseStore: ReleaseRequestStore;
  notificationStore: NotificationStore;
}

export async function openStorage(
  config: Pick<ServerConfig, 'store' | 'databaseUrl' | 'dataDir' | 'sqliteSync' | 'pgStatementTimeoutMs'>,
  auditOptions: AuditAppendOptions,
): Promise<Storage> {
  if (config.store === 'postgres') {
    const pool = await openPool(config.databaseUrl, config.pgStatementTimeoutMs);
    const store = new PostgresStore(pool);
    const audit = createPostgresAuditLog(pool, undefined, auditOptions);
    // A re-mark's audit entry is chained in the re-mark's own transaction, after the log's queue.
    store.auditWith(postgresAuditTurns(audit));
    return {
      store,
      audit,
      releaseStore: createPostgresReleaseRequestStore(pool),
      notificationStore: createPostgresNotificationStore(pool),
    };
  }
  // Held while the store is open: a second node on this file stops at start instead.
  const unlock = lockDataDir(config.dataDir);
  let store: SqliteStore;
  try {
    store = new SqliteStore(path.join(config.dataDir, 'tearline.db'), { sync: config.sqliteSync, onClose: unlock });
  } catch (error) {
    unlock();
    throw error;
  }
  const audit = createSqliteAuditLog(store.db, undefined, auditOptions);
  store.auditWith(sqliteAuditTurns(store.db, audit));
  return {
    store,
    audit,
    releaseStore: createSqliteReleaseRequestStore(store.db),
    notificationStore: createSqliteNotificationStore(store.db),
  };
}
