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
  /** hash → identity; only valid keys are cached, and a revocation evicts at once. */
  private readonly cache = new Map<string, KeyIdentity>();
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

  async authenticate(key: string): Promise<KeyIdentity | undefined> {
    const h = hash(key);
    const cached = this.cache.get(h);
    if (cached) return cached;
    const row = await this.db.selectFrom('api_keys').select(['id', 'mode']).where('hash', '=', h).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return undefined;
    const identity = { id: row.id, mode: row.mode };
    this.cache.set(h, identity);
    return identity;
  }

  changed(change: Change): void {
    if (change.kind !== 'key') return;
    for (const [h, identity] of this.cache) if (identity.id === change.id) this.cache.delete(h);
  }

  reset(): void {
    this.cache.clear();
  }
}
