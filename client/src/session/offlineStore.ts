// The joined cell's replicas and the edits not yet acknowledged by the server, kept in IndexedDB
// so that a reload or a closed tab while the server is away loses nothing and still shows the
// last-known picture: per object its envelope, its server-confirmed Yjs state and its unsent
// updates. One database per user and cell, so another user of the same browser never opens it.
// Nothing stays that the server no longer releases: a record is deleted as soon as the object is
// removed or narrowed away, replaced when its epoch changes, and the whole database goes when the
// cell is no longer the user's (not_found on rejoin) and, with every other of the user's, on
// sign-out (the session calls `delete`/`clear`; the app `clearOfflineData`).
import type { Envelope, WorkspaceSummary } from '../../../shared/protocol';

export interface KeptObject {
  id: string;
  envelope: Envelope;
  epoch: number;
  /** What the server had confirmed (the replica as last known, and the merge base should the epoch change meanwhile). */
  confirmed: Uint8Array;
  /** The local updates sent or waiting, not acknowledged (none for most objects). */
  unacked: Uint8Array[];
}

/** The cell as last joined, so a reload while offline still shows the cell and its picture. */
export interface CellRecord {
  workspace: WorkspaceSummary;
  level: string | null;
  /** When the kept picture was last in step with the server (ISO 8601 UTC). */
  keptAt: string;
}

export interface OfflineStore {
  load(): Promise<{ cell: CellRecord | null; records: KeptObject[] }>;
  /** Writes (replaces) these objects' records together, in one transaction, and the cell's (null: left as it is). */
  put(records: readonly KeptObject[], cell: CellRecord | null): Promise<void>;
  /** Deletes these objects' records together, in one transaction. */
  delete(ids: readonly string[]): Promise<void>;
  /** Everything of this cell (the user lost the cell). */
  clear(): Promise<void>;
  close(): void;
}

const PREFIX = 'tearline-pending';
const RECORDS = 'records';
const META = 'meta';
const CELL_KEY = 'cell';

/** Per user and cell; `sub` is encoded so no user's name can run into another's. */
export function databaseName(sub: string, workspaceId: string): string {
  return `${PREFIX}:${encodeURIComponent(sub)}:${workspaceId}`;
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function finished(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Tells the browser no more requests come, so it commits as soon as they are done rather than once
 * the page has seen their answers (auto-commit): an edit is written in the task that made it, and
 * the page may be closed or killed right after. Older browsers lack `commit`, and auto-commit.
 */
function commitNow(transaction: IDBTransaction): void {
  if (typeof transaction.commit === 'function') transaction.commit();
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('IndexedDB deletion failed'));
    // Blocked by a connection still open in another tab: the deletion completes when it closes.
    request.onblocked = () => resolve();
  });
}

export class IndexedDbOfflineStore implements OfflineStore {
  private db: Promise<IDBDatabase> | null = null;
  private closed = false;

  constructor(private readonly name: string) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(this.name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(RECORDS, { keyPath: 'id' });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => {
        const db = request.result;
        // A deletion elsewhere (sign-out in another tab) must not wait for this tab.
        db.onversionchange = () => db.close();
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    });
    return this.db;
  }

  async load(): Promise<{ cell: CellRecord | null; records: KeptObject[] }> {
    const db = await this.open();
    const transaction = db.transaction([RECORDS, META], 'readonly');
    const [records, cell] = await Promise.all([
      done(transaction.objectStore(RECORDS).getAll() as IDBRequest<KeptObject[]>),
      done(transaction.objectStore(META).get(CELL_KEY) as IDBRequest<CellRecord | undefined>),
    ]);
    return { cell: cell ?? null, records };
  }

  async put(records: readonly KeptObject[], cell: CellRecord | null): Promise<void> {
    if (this.closed) return;
    const db = await this.open();
    const transaction = db.transaction([RECORDS, META], 'readwrite');
    for (const record of records) transaction.objectStore(RECORDS).put(record);
    if (cell) transaction.objectStore(META).put(cell, CELL_KEY);
    commitNow(transaction);
    await finished(transaction);
  }

  async delete(ids: readonly string[]): Promise<void> {
    // Closed (or cleared): opening again would create the database anew.
    if (this.closed || ids.length === 0) return;
    const db = await this.open();
    const transaction = db.transaction(RECORDS, 'readwrite');
    for (const id of ids) transaction.objectStore(RECORDS).delete(id);
    commitNow(transaction);
    await finished(transaction);
  }

  async clear(): Promise<void> {
    this.close();
    await deleteDatabase(this.name);
  }

  close(): void {
    this.closed = true;
    const db = this.db;
    this.db = null;
    void db?.then((open) => open.close(), () => undefined);
  }
}

/** The store of one user's replicas and pending edits in one cell, or null where the browser has no IndexedDB. */
export function openOfflineStore(sub: string, workspaceId: string): OfflineStore | null {
  return typeof indexedDB === 'undefined' ? null : new IndexedDbOfflineStore(databaseName(sub, workspaceId));
}

/** Deletes every cell's store of this user (sign-out). */
export async function clearOfflineData(sub: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const own = `${PREFIX}:${encodeURIComponent(sub)}:`;
  const databases = await indexedDB.databases();
  await Promise.all(databases.flatMap(({ name }) => (name?.startsWith(own) ? [deleteDatabase(name)] : [])));
}
