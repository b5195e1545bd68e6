/** The IPN endpoint of the real production server is bounded: body size, per-sender rate, and an inbox. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ipnMessages, paymentEvents } from "@/db/schema";
import type { Db } from "@/db/client";
import { startAppWithDatabase, type AppProcess } from "@/lib/testing/app-process";

describe("POST /api/paypal/ipn", () => {
  let app: AppProcess & { db: Db };
  beforeAll(async () => {
    // No emulator is listening: post-backs find PayPal unavailable, so messages stay in the inbox.
    app = await startAppWithDatabase({ IPN_RATE_LIMIT_PER_MINUTE: "3", PAYPAL_EMULATOR_PORT: "1" });
  });
  afterAll(() => app?.stop());
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api/paypal/ipn`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });

  it("refuses a body over 20 KB unread, stores nothing", async () => {
    const response = await post(`txn_id=BIG&padding=${"x".repeat(60 * 1024)}`);
    expect(response.status).toBe(413);
    expect(await app.db.select().from(ipnMessages)).toEqual([]);
  });

  it("keeps unverified messages in the inbox, never in the permanent log, and limits each sender per minute", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(`txn_id=FORGED${i}&payment_status=Completed`, { "x-forwarded-for": `10.0.0.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const inbox = await app.db.select().from(ipnMessages);
    expect(inbox).toHaveLength(3);
    expect(new Set(inbox.map((m) => m.ip))).toEqual(new Set(["127.0.0.1"])); // the forged header changed nothing
    expect(await app.db.select().from(paymentEvents)).toEqual([]);
  });
});
