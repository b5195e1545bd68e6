import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { enrollments, orders, paymentEvents } from "@/db/schema";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments, type Instance } from "@/lib/testing/payments";
import { captureCheckout, startCheckout } from "./checkout";
import { processIpn, recordIpn } from "./ipn";

for (const engine of testEngines()) {
  describe(`legacy IPN on ${engine}`, () => {
    const h = usePayments(engine, { notifications: true });

    async function order(deps: Instance, outcome: "success" | "pending" = "success") {
      const [user, course] = await Promise.all([makeUser(h.db), makeCourse(h.db, { priceMinor: 4900 })]);
      const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveOrder(started.providerOrderId, { outcome });
      return { user, course, ...started };
    }
    const ipnEvents = async () => h.db.select().from(paymentEvents).where(eq(paymentEvents.source, "ipn"));
    const statusOf = async (id: string) => (await h.db.select().from(orders).where(eq(orders.id, id)))[0]!.status;
    const enrolled = async (userId: string) =>
      (await h.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active")))).length;

    it("a VERIFIED IPN settles a pending payment even when no webhook arrives", async () => {
      const deps = h.instance();
      await h.emulator.control.webhooks.setPolicy({ drop: 1 });
      const o = await order(deps, "pending");
      expect(await captureCheckout(deps, o.user.id, o.providerOrderId)).toMatchObject({ status: "pending" });
      await h.settle();
      const [pending] = (await ipnEvents()).filter((e) => e.orderId === o.orderId);
      expect(pending).toMatchObject({ verified: true, type: "Pending", outcome: expect.stringMatching(/^other: payment_status Pending/) });

      const state = await h.emulator.control.order(o.providerOrderId);
      const captureId = (state.order as { purchase_units: { payments: { captures: { id: string }[] } }[] }).purchase_units[0]!.payments.captures[0]!.id;
      await h.emulator.control.settleCapture(captureId, "completed");
      await h.settle();
      expect(await statusOf(o.orderId)).toBe("completed");
      expect(await enrolled(o.user.id)).toBe(1);
      const completed = (await ipnEvents()).find((e) => e.orderId === o.orderId && e.type === "Completed");
      expect(completed?.outcome).toMatch(/^completed: txn .*; pending → completed/);
      // Every variable PayPal sent is kept, as received.
      expect((completed!.raw as { fields: Record<string, string> }).fields).toMatchObject({ txn_id: captureId, mc_gross: "49.00", mc_currency: "USD", custom: o.orderId });
    });

    it("stores a duplicate once it is verified, and does nothing with it", async () => {
      const deps = h.instance();
      await h.emulator.control.ipn.setPolicy({ duplicate: true });
      const o = await order(deps);
      await captureCheckout(deps, o.user.id, o.providerOrderId);
      await h.settle();
      const events = (await ipnEvents()).filter((e) => e.type === "Completed" && (e.raw as { fields: { custom: string } }).fields.custom === o.orderId);
      expect(events).toHaveLength(2);
      expect(events.map((e) => e.outcome?.split(":")[0]).sort()).toEqual(["completed", "duplicate"]);
    });

    it("an IPN PayPal answers INVALID (tampered) changes nothing", async () => {
      const deps = h.instance();
      const o = await order(deps);
      await captureCheckout(deps, o.user.id, o.providerOrderId);
      await h.settle();
      const genuine = h.responses.find((r) => r.path === "/ipn" && r.raw.toString().includes(o.orderId))!;
      const tampered = Buffer.from(genuine.raw.toString("latin1").replace("mc_gross=49.00", "mc_gross=0.01"), "latin1");
      const id = await recordIpn(deps, tampered);
      expect(await processIpn(deps, id)).toMatchObject({ class: "invalid-ipn" });
      const [row] = await h.db.select().from(paymentEvents).where(eq(paymentEvents.id, id));
      expect(row).toMatchObject({ verified: false, outcome: expect.stringMatching(/^invalid-ipn/) });
      expect(await statusOf(o.orderId)).toBe("completed");
    });

    it("a genuine IPN for another merchant's receiver_email is classified invalid-data and ignored", async () => {
      const deps = { ...h.instance(), businessEmail: "someone-else@example.test" };
      h.receiveWith(deps);
      await h.emulator.control.webhooks.setPolicy({ drop: 1 });
      const o = await order(deps, "pending");
      await captureCheckout(deps, o.user.id, o.providerOrderId);
      await h.settle();
      const state = await h.emulator.control.order(o.providerOrderId);
      const captureId = (state.order as { purchase_units: { payments: { captures: { id: string }[] } }[] }).purchase_units[0]!.payments.captures[0]!.id;
      await h.emulator.control.settleCapture(captureId, "completed");
      await h.settle();
      const mine = (await ipnEvents()).filter((e) => (e.raw as { fields: { custom: string } }).fields.custom === o.orderId);
      expect(mine.every((e) => e.outcome?.startsWith("invalid-data: receiver"))).toBe(true);
      expect(await statusOf(o.orderId)).toBe("pending");
      expect(await enrolled(o.user.id)).toBe(0);
    });

    describe("data checks on VERIFIED messages", () => {
      // PayPal's answer is the only thing replaced here: these bodies are crafted, the checks are ours.
      const verified = (deps: Instance) => ({ ...deps, validateIpn: async () => "VERIFIED" as const });
      const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString(), "latin1");

      it.each([
        ["an amount that does not match the order", { mc_gross: "1.00" }, /^invalid-data: mc_gross/],
        ["another currency", { mc_currency: "EUR" }, /^invalid-data: currency/],
        ["an order that is not ours", { custom: "00000000-0000-4000-8000-000000000000" }, /^wrong-transaction-id/],
        ["no order at all", { custom: "" }, /^wrong-transaction-id/],
      ])("refuses %s", async (_, override, outcome) => {
        const deps = verified(h.instance());
        await h.emulator.control.webhooks.setPolicy({ drop: 1 }); // no approval webhook: the IPN is all there is
        const o = await order(deps);
        const id = await recordIpn(deps, form({
          txn_id: `T${Date.now()}${Math.random().toString(36).slice(2, 8)}`.toUpperCase(),
          payment_status: "Completed",
          receiver_email: deps.businessEmail!,
          mc_gross: "49.00",
          mc_currency: "USD",
          custom: o.orderId,
          ...override,
        }));
        const result = await processIpn(deps, id);
        expect(`${result.class}: ${result.detail}`).toMatch(outcome);
        expect(await statusOf(o.orderId)).toBe("created");
        expect(await enrolled(o.user.id)).toBe(0);
      });
    });
  });
}
