import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Alert } from '@tansiq/shared';

export type OutboxKind = 'create' | 'update' | 'ack';
/** queued: not yet confirmed by the hub; at_hub: committed there; rejected: the hub refused it. */
export type OutboxState = 'queued' | 'at_hub' | 'rejected';

export interface OutboxItem {
  /** The item's own id; for a create it is also the alert's id, for an update the entry's. */
  id: string;
  kind: OutboxKind;
  /** The alert the item creates or concerns. */
  alertId: string;
  /** What the hub receives (`alert:create`, `alert:update`, `alert:ack`). */
  payload: Record<string, unknown>;
  /** Shown in the outbox list: the alert's title when known. */
  label: string;
  state: OutboxState;
  createdAt: string;
  attempts: number;
  sentAt: string | null;
  error: { code: string; message: string } | null;
}

interface ConsoleDb extends DBSchema {
  outbox: { key: string; value: OutboxItem; indexes: { createdAt: string } };
  alerts: { key: string; value: Alert };
  meta: { key: string; value: number | Record<string, string> };
}

/**
 * One IndexedDB database per user on this browser: the outbox (what the user sent and the hub has
 * not yet confirmed), the alerts last seen and the last applied event number. Alerts and that
 * number are written in one transaction, so a reload resumes from exactly the state it shows.
 */
export class LocalDb {
  private constructor(private readonly db: IDBPDatabase<ConsoleDb>) {}

  static nameFor(userId: string): string {
    return `tansiq-${userId}`;
  }

  static async open(userId: string): Promise<LocalDb> {
    const db = await openDB<ConsoleDb>(LocalDb.nameFor(userId), 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
        db.createObjectStore('alerts', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    });
    return new LocalDb(db);
  }

  close(): void {
    this.db.close();
  }

  async outbox(): Promise<OutboxItem[]> {
    return this.db.getAllFromIndex('outbox', 'createdAt');
  }

  async putOutbox(item: OutboxItem): Promise<void> {
    await this.db.put('outbox', item);
  }

  async deleteOutbox(id: string): Promise<void> {
    await this.db.delete('outbox', id);
  }

  async loadState(): Promise<{
    alerts: Alert[];
    lastApplied: number;
    silentCentres: Record<string, string>;
  }> {
    const tx = this.db.transaction(['alerts', 'meta'], 'readonly');
    const [alerts, lastApplied, silent] = await Promise.all([
      tx.objectStore('alerts').getAll(),
      tx.objectStore('meta').get('lastApplied'),
      tx.objectStore('meta').get('silentCentres'),
    ]);
    await tx.done;
    return {
      alerts,
      lastApplied: typeof lastApplied === 'number' ? lastApplied : 0,
      silentCentres: typeof silent === 'object' ? silent : {},
    };
  }

  /** What a batch of events changed (alerts, silent centres) and the number of its last event, together. */
  async saveState(
    changed: Alert[],
    lastApplied: number,
    silentCentres: Record<string, string>,
  ): Promise<void> {
    const tx = this.db.transaction(['alerts', 'meta'], 'readwrite');
    await Promise.all([
      ...changed.map((a) => tx.objectStore('alerts').put(a)),
      tx.objectStore('meta').put(lastApplied, 'lastApplied'),
      tx.objectStore('meta').put(silentCentres, 'silentCentres'),
      tx.done,
    ]);
  }

  /** Forgets these cached alerts (closed ones past the retention age). */
  async deleteAlerts(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = this.db.transaction('alerts', 'readwrite');
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  }

  /** Forgets the cached alerts (on sign-out); the outbox stays until the hub has everything in it. */
  async clearState(): Promise<void> {
    const tx = this.db.transaction(['alerts', 'meta'], 'readwrite');
    await Promise.all([tx.objectStore('alerts').clear(), tx.objectStore('meta').clear(), tx.done]);
  }

  static remove(userId: string): Promise<void> {
    return deleteDB(LocalDb.nameFor(userId));
  }
}
