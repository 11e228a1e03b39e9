// API keys: shown once, stored only as a SHA-256 hash, revocable at once on every instance.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Mode } from './db/schema.js';
import { publish, type Change, type ChangeHandler } from './notifications.js';

export interface KeyIdentity {
  readonly id: string;
  readonly mode: Mode;
}

const hash = (key: string): string => createHash('sha256').update(key).digest('hex');

export function generateSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export class Keys implements ChangeHandler {
  /**
   * key → identity, so a known key costs one lookup rather than a SHA-256 per request. Only
   * valid keys are cached (so its size is bounded by the keys issued), and a revocation evicts.
   */
  private readonly cache = new Map<string, KeyIdentity>();
  /** Bumped by every revocation, so a lookup that raced one is not cached. */
  private generation = 0;
  private readonly adminHash: Buffer;

  constructor(
    private readonly db: Kysely<Database>,
    adminKey: string,
  ) {
    this.adminHash = Buffer.from(hash(adminKey), 'hex');
  }

  isAdmin(key: string): boolean {
    return timingSafeEqual(Buffer.from(hash(key), 'hex'), this.adminHash);
  }

  async create(mode: Mode, name: string): Promise<{ id: string; key: string; mode: Mode; name: string }> {
    const key = generateSecret(`sk_${mode}`);
    const id = randomUUID();
    await this.db.insertInto('api_keys').values({ id, name, mode, hash: hash(key) }).execute();
    return { id, key, mode, name };
  }

  /** Returns false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    const found = await this.db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).returning('id').executeTakeFirst();
      if (row) await publish(trx, { kind: 'key', id });
      return row !== undefined;
    });
    if (found) this.changed({ kind: 'key', id });
    return found;
  }

  /** A mode key already seen and not revoked since; never the admin key. */
  known(key: string): KeyIdentity | undefined {
    return this.cache.get(key);
  }

  async authenticate(key: string): Promise<KeyIdentity | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const generation = this.generation;
    const row = await this.db.selectFrom('api_keys').select(['id', 'mode']).where('hash', '=', hash(key)).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return undefined;
    const identity = { id: row.id, mode: row.mode };
    if (generation === this.generation) this.cache.set(key, identity);
    return identity;
  }

  changed(change: Change): void {
    if (change.kind !== 'key') return;
    this.generation++;
    for (const [key, identity] of this.cache) if (identity.id === change.id) this.cache.delete(key);
  }

  reset(): void {
    this.generation++;
    this.cache.clear();
  }
}
