import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { openPostgres } from "@/db/client";
import { outboxJobs } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { backoffMs, claimJobs, enqueue, LEASE_MS, MAX_ATTEMPTS, retryNow, runOutboxOnce, type JobHandler } from ".";

for (const engine of testEngines()) {
  describe(`the outbox on ${engine}`, () => {
    const t = useTestDb(engine);
    beforeEach(() => t.db.delete(outboxJobs));
    const job = async (id: number) => (await t.db.select().from(outboxJobs).where(eq(outboxJobs.id, id)))[0]!;
    const all = () => t.db.select().from(outboxJobs).orderBy(outboxJobs.id);

    it("a job exists exactly when the change that caused it was committed, once per cause", async () => {
      await expect(
        t.db.transaction(async (tx) => {
          await enqueue(tx, { kind: "test.echo", dedupeKey: "rolled-back", payload: {} });
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      expect(await all()).toEqual([]);
      expect(await t.db.transaction((tx) => enqueue(tx, { kind: "test.echo", dedupeKey: "receipt:order-1", payload: { n: 1 } }))).toBe(true);
      expect(await t.db.transaction((tx) => enqueue(tx, { kind: "test.echo", dedupeKey: "receipt:order-1", payload: { n: 2 } }))).toBe(false);
      expect((await all()).map((j) => j.payload)).toEqual([{ n: 1 }]);
    });

    it("retries a failing job with growing delays, then succeeds; a permanent refusal or too many failures is dead until retried", async () => {
      let clock = new Date("2026-12-01T12:00:00Z");
      const now = () => clock;
      const calls: number[] = [];
      let failuresLeft = 3;
      const handlers: Record<string, JobHandler> = {
        "test.flaky": async (j) => {
          calls.push(j.id);
          return failuresLeft-- > 0 ? { ok: false, retry: true, error: "503 from the LMS" } : { ok: true };
        },
        "test.refused": async () => ({ ok: false, retry: false, error: "404 no such course" }),
        "test.throws": async () => {
          throw new Error("a bug");
        },
      };
      await enqueue(t.db, { kind: "test.flaky", dedupeKey: "a", payload: {}, runAfter: clock });
      await enqueue(t.db, { kind: "test.refused", dedupeKey: "b", payload: {}, runAfter: clock });
      const [flaky, refused] = await all();
      expect(await runOutboxOnce(t.db, handlers, { now })).toEqual({ claimed: 2, done: 0, retrying: 1, dead: 1 });
      expect(await job(refused!.id)).toMatchObject({ status: "dead", attempts: 1, lastError: "404 no such course" });
      let waits = 0;
      for (let round = 0; round < 10 && (await job(flaky!.id)).status !== "done"; round++) {
        const { runAfter, status } = await job(flaky!.id);
        expect(status).toBe("pending");
        expect(await runOutboxOnce(t.db, handlers, { now })).toMatchObject({ claimed: 0 }); // not due yet
        waits += runAfter.getTime() - clock.getTime();
        clock = runAfter;
        await runOutboxOnce(t.db, handlers, { now });
      }
      expect(await job(flaky!.id)).toMatchObject({ status: "done", attempts: 4, lastError: null });
      expect(calls).toHaveLength(4);
      expect(waits).toBeGreaterThanOrEqual(backoffMs(1, () => 0) + backoffMs(2, () => 0) + backoffMs(3, () => 0));

      await enqueue(t.db, { kind: "test.throws", dedupeKey: "c", payload: {}, runAfter: clock });
      const thrower = (await all()).at(-1)!;
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        clock = new Date(clock.getTime() + 2 * 3600_000);
        await runOutboxOnce(t.db, handlers, { now });
      }
      expect(await job(thrower.id)).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS, lastError: "a bug" });
      expect(await retryNow(t.db, thrower.id, clock)).toBe(true);
      expect(await job(thrower.id)).toMatchObject({ status: "pending", attempts: 0 });
      expect(await retryNow(t.db, flaky!.id, clock)).toBe(false); // done stays done
    });

    it("a worker that died holding a job loses it when its lease ends; another worker finishes it", async () => {
      const start = new Date("2026-12-01T12:00:00Z");
      await enqueue(t.db, { kind: "test.echo", dedupeKey: "lease", payload: {}, runAfter: start });
      const [claimed] = await claimJobs(t.db, ["test.echo"], 10, start);
      expect(claimed).toMatchObject({ status: "running", attempts: 1 });
      expect(await claimJobs(t.db, ["test.echo"], 10, new Date(start.getTime() + LEASE_MS - 1000))).toEqual([]);
      const later = () => new Date(start.getTime() + LEASE_MS + 1000);
      expect(await runOutboxOnce(t.db, { "test.echo": async () => ({ ok: true }) }, { now: later })).toEqual({ claimed: 1, done: 1, retrying: 0, dead: 0 });
      expect(await job(claimed!.id)).toMatchObject({ status: "done", attempts: 2 });
    });

    it("several workers at once run each job once", async () => {
      const pools = engine === "postgres" && t.handle.url ? [0, 1, 2].map(() => openPostgres(t.handle.url!, { max: 3 })) : [];
      try {
        const dbs = pools.length ? pools.map((p) => p.db) : [t.db, t.db, t.db];
        for (let i = 0; i < 60; i++) await enqueue(t.db, { kind: "test.count", dedupeKey: `job-${i}`, payload: { i } });
        const runs = new Map<number, number>();
        const handler: JobHandler = async (j) => {
          runs.set(j.id, (runs.get(j.id) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 2));
          return { ok: true };
        };
        for (let round = 0; round < 10 && runs.size < 60; round++) {
          await Promise.all(dbs.map((db) => runOutboxOnce(db, { "test.count": handler }, { limit: 7 })));
        }
        expect(runs.size).toBe(60);
        expect([...runs.values()].every((n) => n === 1)).toBe(true);
        expect((await all()).every((j) => j.status === "done" && j.attempts === 1)).toBe(true);
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    });
  });
}
