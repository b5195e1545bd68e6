import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { settings, users } from "@/db/schema";
import { recordAdminAction, type AdminAction } from "@/lib/audit";
import type { FieldErrors } from "@/lib/forms";
import { decryptSecret } from "@/lib/secrets";

/**
 * One provider's settings as a row of `settings` (JSON value, who saved it and when): how it is read, locked,
 * saved with its audit line, and followed by every app instance. What the JSON holds is the provider module's.
 */
export class SettingsRow {
  constructor(readonly key: string) {}

  /** Saves, and key rotation, of this row happen one at a time across all instances. */
  async lock(tx: Queryable): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`settings:${this.key}`}))`);
  }

  async read(db: Queryable): Promise<unknown> {
    const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, this.key));
    return row?.value;
  }

  /** The value with who saved it last, for the admin page. */
  async readWithMeta(db: Queryable): Promise<{ value: unknown; lastSaved: { at: Date; by: string | null } | null }> {
    const [row] = await db
      .select({ value: settings.value, at: settings.updatedAt, by: users.email })
      .from(settings)
      .leftJoin(users, eq(users.id, settings.updatedBy))
      .where(eq(settings.key, this.key));
    return { value: row?.value, lastSaved: row ? { at: row.at, by: row.by } : null };
  }

  async overwrite(tx: Queryable, value: unknown): Promise<void> {
    await tx.update(settings).set({ value }).where(eq(settings.key, this.key));
  }

  /**
   * Saves the admin's form: all of it or, on any error, nothing. `decide` sees what is saved now (under the row's
   * lock, so concurrent saves are each checked against the one before) and returns the new value with the names of
   * the fields that changed, or the form's errors. The change and its audit line (names, never values) are one
   * transaction.
   */
  async save(db: Db, actorId: string, action: AdminAction, decide: (stored: unknown) => { fieldErrors: FieldErrors } | { value: unknown; changed: string[] }): Promise<SaveResult> {
    return db.transaction(async (tx): Promise<SaveResult> => {
      await this.lock(tx);
      const decision = decide(await this.read(tx));
      if ("fieldErrors" in decision) return { ok: false, fieldErrors: decision.fieldErrors };
      if (decision.changed.length === 0) return { ok: true, changed: [] };
      const row = { value: decision.value, updatedBy: actorId, updatedAt: new Date() };
      await tx
        .insert(settings)
        .values({ key: this.key, ...row })
        .onConflictDoUpdate({ target: settings.key, set: row });
      await recordAdminAction(tx, actorId, action, { type: "settings", id: this.key }, { changed: decision.changed });
      return { ok: true, changed: decision.changed };
    });
  }
}

/** How a provider's settings are read from the row, checked against the admin's form, and written back. */
export type SettingsCodec<Saved, Input> = {
  decode(stored: unknown): Saved;
  /** The settings the form asks for, checked against what is saved and what the environment provides. */
  apply(before: Saved, input: Input): { next: Saved; fieldErrors: FieldErrors | null };
  encode(saved: Saved): unknown;
  /** Field path → value, to name what changed (the audit log gets the names only). */
  flat(saved: Saved): Record<string, unknown>;
};

/**
 * Saves an admin's settings form through `codec` (SettingsRow.save), then makes this instance use the change at once
 * (`resolver`); the other instances follow within their resolver's maximum age.
 */
export async function saveSettingsForm<Saved, Input>(
  db: Db,
  actorId: string,
  target: { row: SettingsRow; action: AdminAction; resolver: { invalidate(): void } },
  codec: SettingsCodec<Saved, Input>,
  input: Input,
): Promise<SaveResult> {
  const result = await target.row.save(db, actorId, target.action, (stored) => {
    const before = codec.decode(stored);
    const { next, fieldErrors } = codec.apply(before, input);
    return fieldErrors ? { fieldErrors } : { value: codec.encode(next), changed: changedFields(codec.flat(before), codec.flat(next)) };
  });
  if (result.ok && result.changed.length) target.resolver.invalidate();
  return result;
}

/** For "Test connection": the settings the form would put in force, or the refusal to show when it is not valid. */
export async function settingsUnderTest<Saved, Input>(db: Queryable, row: SettingsRow, codec: SettingsCodec<Saved, Input>, input: Input): Promise<{ next: Saved } | { refused: ConnectionResult }> {
  const { next, fieldErrors } = codec.apply(codec.decode(await row.read(db)), input);
  return fieldErrors ? { refused: { ok: false, message: "Please correct the highlighted fields first.", fieldErrors } } : { next };
}

export type SaveResult = { ok: true; changed: string[] } | { ok: false; fieldErrors: FieldErrors };
export type ConnectionResult = { ok: boolean; message: string; fieldErrors?: FieldErrors };

/** A stored secret in clear, or null when no configured key opens it (the key changed without rotation). */
export function openSecret(encrypted: string, purpose: string): string | null {
  try {
    return decryptSecret(encrypted, purpose);
  } catch {
    return null;
  }
}

/** A secret as the browser may see it: where it comes from and its last four characters (null: unreadable). */
export type SecretView = { source: "settings" | "environment"; endsWith: string | null } | null;

export const secretEnding = (secret: string) => `…${secret.slice(-4)}`;

/** Paths of the fields that differ between two flat records of settings (never their values). */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys({ ...before, ...after }).filter((field) => before[field] !== after[field]);
}

/**
 * The configuration in force, as one app instance sees it. A change saved by any instance is seen by every other
 * within `maxAgeMs` (one primary-key read per check, nothing decrypted unless the row changed), and at once by the
 * instance that saved it. The same object comes back for as long as the configuration stays the same, so
 * whatever is built from it (payment deps with their token and certificate caches) is rebuilt only on a change.
 * `defaults` returns the environment's values; a new object there (the variables changed) counts as a change too.
 */
export class SettingsResolver<T> {
  private cached: { raw: string; defaults: unknown; key: string; value: T; checkedAt: number } | null = null;
  private inflight: Promise<T> | null = null;
  private generation = 0;

  constructor(
    private readonly row: SettingsRow,
    private readonly build: (value: unknown) => T,
    private readonly defaults: () => unknown,
    private readonly maxAgeMs = 2_000,
  ) {}

  current(db: Queryable): Promise<T> {
    if (this.cached && performance.now() - this.cached.checkedAt < this.maxAgeMs) return Promise.resolve(this.cached.value);
    if (!this.inflight) {
      const refresh = this.refresh(db).finally(() => {
        if (this.inflight === refresh) this.inflight = null;
      });
      this.inflight = refresh;
    }
    return this.inflight;
  }

  /** Forgets the cached configuration, including a read that may have started before the change. */
  invalidate(): void {
    this.generation++;
    this.cached = null;
    this.inflight = null;
  }

  private async refresh(db: Queryable): Promise<T> {
    const generation = this.generation;
    const checkedAt = performance.now();
    const value = await this.row.read(db);
    const raw = JSON.stringify(value ?? null);
    const defaults = this.defaults();
    const cached = this.cached;
    if (cached && cached.raw === raw && cached.defaults === defaults) {
      cached.checkedAt = checkedAt;
      return cached.value;
    }
    const fresh = this.build(value);
    const key = JSON.stringify(fresh);
    const result = cached?.key === key ? cached.value : fresh;
    if (generation === this.generation) this.cached = { raw, defaults, key, value: result, checkedAt };
    return result;
  }
}
