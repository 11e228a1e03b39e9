// API keys: shown once, stored only as a SHA-256 hash, revocable at once on every instance.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from './audit.js';
import type { Database, Mode } from './db/schema.js';
import { publish, type Change, type ChangeHandler } from './notifications.js';
import type { Role } from './roles.js';

export interface KeyIdentity {
  readonly id: string;
  readonly mode: Mode;
  readonly name: string;
  /** null: every right in its mode (a key made before roles, or without one). */
  readonly role: Role | null;
}

/** How often the keys used since are written as used (last_used_at): a write per request would cost more than most requests. */
const TOUCH_MS = 30_000;

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
  private readonly usedIds = new Set<string>();
  private toucher: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    adminKey: string,
  ) {
    this.adminHash = Buffer.from(hash(adminKey), 'hex');
  }

  isAdmin(key: string): boolean {
    return timingSafeEqual(Buffer.from(hash(key), 'hex'), this.adminHash);
  }

  async create(mode: Mode, name: string, role: Role | null): Promise<{ id: string; key: string; mode: Mode; name: string; role: Role | null }> {
    const key = generateSecret(`sk_${mode}`);
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values({ id, name, mode, role, hash: hash(key) }).execute();
      await audit(trx, 'admin', { mode, action: 'key-created', detail: { id, name, role } });
    });
    return { id, key, mode, name, role };
  }

  /** Every key, newest first, without secrets or hashes. */
  async list() {
    await this.touch();
    return this.db.selectFrom('api_keys').select(['id', 'name', 'mode', 'role', 'created_at', 'last_used_at', 'revoked_at']).orderBy('created_at', 'desc').orderBy('id').execute();
  }

  /** Returns false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    const found = await this.db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).returning(['id', 'mode', 'name']).executeTakeFirst();
      if (row) {
        await publish(trx, { kind: 'key', id });
        await audit(trx, 'admin', { mode: row.mode, action: 'key-revoked', detail: { id, name: row.name } });
      }
      return row !== undefined;
    });
    if (found) this.changed({ kind: 'key', id });
    return found;
  }

  /** Notes a key as used; written with the others every TOUCH_MS (or when keys are listed). */
  used(id: string): void {
    this.usedIds.add(id);
    this.toucher ??= setTimeout(() => void this.touch().catch(() => undefined), TOUCH_MS).unref();
  }

  /** Writes the keys used since the last time as used now. */
  async touch(): Promise<void> {
    if (this.toucher) clearTimeout(this.toucher);
    this.toucher = undefined;
    if (!this.usedIds.size) return;
    const ids = [...this.usedIds];
    this.usedIds.clear();
    await this.db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', 'in', ids).execute();
  }

  /** A mode key already seen and not revoked since; never the admin key. */
  known(key: string): KeyIdentity | undefined {
    return this.cache.get(key);
  }

  async authenticate(key: string): Promise<KeyIdentity | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const generation = this.generation;
    const row = await this.db.selectFrom('api_keys').select(['id', 'mode', 'name', 'role']).where('hash', '=', hash(key)).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return undefined;
    const identity: KeyIdentity = { id: row.id, mode: row.mode, name: row.name, role: row.role };
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
