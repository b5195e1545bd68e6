import { inArray, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgres, queryRows, type DbHandle, type Queryable } from "@/db/client";
import { orders, paymentEvents } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeUser } from "@/lib/testing/fixtures";
import { appendPaymentEvent, markProcessed } from "./events";

for (const engine of testEngines()) {
  describe(`the notification log on ${engine}`, () => {
    const t = useTestDb(engine);
    let counted: DbHandle | undefined;
    afterAll(() => counted?.close());

    async function logged(db: Queryable, n: number, extra: { orderId?: string } = {}) {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        const stored = await appendPaymentEvent(db, { provider: "paypal", source: "webhook", type: "PAYMENT.CAPTURE.COMPLETED", dedupeKey: `WH-${crypto.randomUUID()}`, raw: { i }, verified: true, ...extra });
        ids.push(stored.id);
      }
      return ids;
    }
    const rows = async (ids: number[]) => t.db.select().from(paymentEvents).where(inArray(paymentEvents.id, ids));

    it("stores the payload and headers as JSON, a missing value as NULL, and a second copy of a deduplicated event not at all", async () => {
      const raw = { id: "WH-1", resource: { amount: { value: "49.00" } }, list: [1, "two", null] };
      const first = await appendPaymentEvent(t.db, { provider: "paypal", source: "webhook", type: "X", dedupeKey: "WH-json-1", raw, headers: { "paypal-transmission-id": "t-1" }, verified: true });
      const bare = await appendPaymentEvent(t.db, { provider: "paypal", source: "api", type: "POST /v2/checkout/orders", raw: { ok: true } });
      expect(await appendPaymentEvent(t.db, { provider: "paypal", source: "webhook", type: "X", dedupeKey: "WH-json-1", raw: {} })).toEqual({ id: 0, duplicate: true });
      const [withHeaders] = await rows([first.id]);
      expect(withHeaders).toMatchObject({ raw, headers: { "paypal-transmission-id": "t-1" }, verified: true, dedupeKey: "WH-json-1", orderId: null, httpStatus: null });
      const nulls = await queryRows<{ headers_null: boolean; verified_null: boolean; kind: string }>(
        t.db,
        sql`select headers is null as headers_null, verified is null as verified_null, jsonb_typeof(raw) as kind from ${paymentEvents} where id = ${bare.id}`,
      );
      expect(nulls).toEqual([{ headers_null: true, verified_null: true, kind: "object" }]);
    });

    it("marks every event with its own outcome; marks made together share one statement", async () => {
      let statements = 0;
      // PostgreSQL: a pool of its own whose statements are counted (PGlite has no such hook; it checks the rows).
      const db = engine === "postgres" ? (counted = openPostgres(t.handle.url!, { max: 5, onQuery: () => statements++ })).db : t.db;
      const ids = await logged(db, 40);
      statements = 0;
      await Promise.all(ids.map((id, i) => markProcessed(db, id, { outcome: `outcome ${i}`, orderId: null })));
      // The first mark goes alone; the 39 made while it was in flight go in the next statement.
      if (engine === "postgres") expect(statements).toBe(2);
      const marked = await rows(ids);
      expect(marked).toHaveLength(40);
      for (const row of marked) {
        expect(row.processedAt).toBeInstanceOf(Date);
        expect(row.outcome).toBe(`outcome ${ids.indexOf(row.id)}`);
      }
    });

    it("keeps a link the event already has when the outcome names none, and adds one it learned", async () => {
      const user = await makeUser(t.db);
      const [order] = await t.db.insert(orders).values({ userId: user.id, status: "completed", currency: "USD", totalMinor: 100, provider: "paypal", providerOrderId: `O-${crypto.randomUUID()}`, courseIds: [] }).returning();
      const [linked] = await logged(t.db, 1, { orderId: order!.id });
      const [unlinked] = await logged(t.db, 1);
      await Promise.all([markProcessed(t.db, linked!, { outcome: "ignored: unknown order", orderId: null }), markProcessed(t.db, unlinked!, { outcome: "approved → completed", orderId: order!.id })]);
      const byId = new Map((await rows([linked!, unlinked!])).map((row) => [row.id, row]));
      expect(byId.get(linked!)).toMatchObject({ orderId: order!.id, outcome: "ignored: unknown order" });
      expect(byId.get(unlinked!)).toMatchObject({ orderId: order!.id, outcome: "approved → completed" });
    });

    it("a statement that fails rejects the marks in it and leaves their events unprocessed; later marks still work", async () => {
      const [first, second, third] = await logged(t.db, 3);
      const good = markProcessed(t.db, first!, { outcome: "fine", orderId: null });
      const bad = markProcessed(t.db, second!, { outcome: "broken", orderId: "not-a-uuid" });
      const sharesTheBadStatement = markProcessed(t.db, third!, { outcome: "fine too", orderId: null });
      await expect(good).resolves.toBeUndefined();
      await expect(bad).rejects.toThrow();
      await expect(sharesTheBadStatement).rejects.toThrow();
      const byId = new Map((await rows([first!, second!, third!])).map((row) => [row.id, row]));
      expect(byId.get(first!)!.processedAt).toBeInstanceOf(Date);
      expect(byId.get(second!)!.processedAt).toBeNull();
      expect(byId.get(third!)!.processedAt).toBeNull();
      await markProcessed(t.db, third!, { outcome: "fine at last", orderId: null });
      expect((await rows([third!]))[0]).toMatchObject({ outcome: "fine at last" });
    });
  });
}
