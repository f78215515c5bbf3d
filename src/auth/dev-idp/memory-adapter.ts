/**
 * In-memory storage for oidc-provider (development only; sessions and grants
 * do not survive a restart, JWT access tokens do since they are verified with
 * the persisted signing keys).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface StoredEntry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

const MAX_STORED_ENTRIES = 10_000;

class DevMemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: Map<string, StoredEntry>,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  private live(key: string): StoredEntry | undefined {
    const entry = this.store.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.store.delete(key);
      return undefined;
    }
    return entry;
  }

  private *ownEntries(): IterableIterator<[string, StoredEntry]> {
    const prefix = `${this.model}:`;
    for (const [key, entry] of this.store) {
      if (key.startsWith(prefix) && this.live(key)) yield [key, entry];
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.store) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.store.delete(key);
    }
    // Still too large: drop the oldest entries (Map iterates in insertion order).
    for (const key of this.store.keys()) {
      if (this.store.size <= MAX_STORED_ENTRIES) break;
      this.store.delete(key);
    }
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    this.store.delete(key); // re-insert so that insertion order tracks recency
    this.store.set(key, {
      payload,
      expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined,
    });
    if (this.store.size > MAX_STORED_ENTRIES) this.sweep();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.live(this.key(id))?.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [, entry] of this.ownEntries()) if (entry.payload.uid === uid) return entry.payload;
    return undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [, entry] of this.ownEntries()) if (entry.payload.userCode === userCode) return entry.payload;
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = this.live(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, entry] of [...this.ownEntries()]) {
      if (entry.payload.grantId === grantId) this.store.delete(key);
    }
  }
}

/**
 * Returns oidc-provider's `adapter` option: one DevMemoryAdapter per model, all
 * sharing a single store.
 */
export function devMemoryAdapterFactory(): (model: string) => Adapter {
  const store = new Map<string, StoredEntry>();
  return (model: string) => new DevMemoryAdapter(model, store);
}
