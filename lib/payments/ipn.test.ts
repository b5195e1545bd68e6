import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { enrollments, ipnMessages, orders, paymentEvents } from "@/db/schema";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments, type Instance } from "@/lib/testing/payments";
import { captureCheckout, startCheckout } from "./checkout";
import { ipnLimits, processIpnMessage, receiveIpn, sweepIpnInbox } from "./ipn";

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

    const inbox = async (txnId: string) =>
      (await h.db.select().from(ipnMessages)).filter((m) => m.dedupeKey?.startsWith(`${txnId}:`));

    it("posts a duplicate back to PayPal only once, keeps one copy in the permanent log, and does nothing with the other", async () => {
      const base = h.instance();
      const postedBack: string[] = [];
      const deps = { ...base, validateIpn: (raw: Buffer) => (postedBack.push(raw.toString("latin1")), base.validateIpn(raw)) };
      h.receiveWith(deps);
      await h.emulator.control.ipn.setPolicy({ duplicate: true });
      const o = await order(deps);
      await captureCheckout(deps, o.user.id, o.providerOrderId);
      await h.settle();
      const events = (await ipnEvents()).filter((e) => e.type === "Completed" && (e.raw as { fields: { custom: string } }).fields.custom === o.orderId);
      expect(events).toHaveLength(1);
      expect(events[0]!.outcome).toMatch(/^completed/);
      const txnId = (events[0]!.raw as { fields: { txn_id: string } }).fields.txn_id;
      // A copy that arrived while the first was being validated waits for the sweep, which finds it a duplicate.
      await sweepIpnInbox(deps, new Date(Date.now() + 1000));
      expect((await inbox(txnId)).filter((m) => m.dedupeKey!.endsWith(":Completed")).map((m) => m.state).sort()).toEqual(["duplicate", "verified"]);
      expect(postedBack.filter((form) => form.includes(`txn_id=${txnId}&`) && form.includes("payment_status=Completed"))).toHaveLength(1);
    });

    it("an IPN PayPal answers INVALID (tampered) stays in the prunable inbox, out of the permanent log, and changes nothing", async () => {
      const deps = h.instance();
      const o = await order(deps);
      await captureCheckout(deps, o.user.id, o.providerOrderId);
      await h.settle();
      const genuine = h.responses.find((r) => r.path === "/ipn" && r.raw.toString().includes(o.orderId))!;
      const tampered = Buffer.from(genuine.raw.toString("latin1").replace("mc_gross=49.00", "mc_gross=0.01").replace(/txn_id=\w+/, "txn_id=FORGED1"), "latin1");
      const logBefore = (await ipnEvents()).length;
      const received = await receiveIpn(h.db, { raw: tampered, ip: "203.0.113.66" });
      if (received.status !== 200) throw new Error("not received");
      expect(await processIpnMessage(deps, received.messageId)).toMatchObject({ class: "invalid-ipn" });
      const [message] = await h.db.select().from(ipnMessages).where(eq(ipnMessages.id, received.messageId));
      expect(message).toMatchObject({ state: "invalid", ip: "203.0.113.66", form: tampered.toString("latin1"), eventId: null });
      expect((await ipnEvents()).length).toBe(logBefore);
      expect(await statusOf(o.orderId)).toBe("completed");
    });

    it("a forged copy of a genuine message's txn_id cannot hide the genuine one", async () => {
      const base = h.instance();
      await h.emulator.control.webhooks.setPolicy({ drop: 1 });
      const o = await order(base);
      const genuine = Buffer.from(
        new URLSearchParams({ txn_id: `G${Date.now()}`, payment_status: "Completed", receiver_email: base.businessEmail!, mc_gross: "49.00", mc_currency: "USD", custom: o.orderId }).toString(),
        "latin1",
      );
      const forged = Buffer.from(genuine.toString("latin1").replace("mc_gross=49.00", "mc_gross=0.01"), "latin1");
      // PayPal's answer depends on the exact bytes: only the genuine message is VERIFIED.
      const deps = { ...base, validateIpn: async (raw: Buffer) => (raw.equals(genuine) ? ("VERIFIED" as const) : ("INVALID" as const)) };
      const first = await receiveIpn(h.db, { raw: forged, ip: "203.0.113.67" });
      const second = await receiveIpn(h.db, { raw: genuine, ip: "198.51.100.9" });
      if (first.status !== 200 || second.status !== 200) throw new Error("not received");
      expect(await processIpnMessage(deps, first.messageId)).toMatchObject({ class: "invalid-ipn" });
      expect(await processIpnMessage(deps, second.messageId)).toMatchObject({ class: "completed" });
      expect(await statusOf(o.orderId)).toBe("completed");
    });

    it("validates copies arriving together once: the other waits, then is found to be a duplicate", async () => {
      let postBacksSent = 0;
      const deps = {
        ...h.instance(),
        validateIpn: async () => {
          postBacksSent++;
          await new Promise((r) => setTimeout(r, 100));
          return "VERIFIED" as const;
        },
      };
      const raw = Buffer.from(new URLSearchParams({ txn_id: `CONC${Date.now()}`, payment_status: "Refunded", receiver_email: "merchant@coursepay.test" }).toString(), "latin1");
      const copies = await Promise.all([receiveIpn(h.db, { raw, ip: "192.0.2.1" }), receiveIpn(h.db, { raw, ip: "192.0.2.1" })]);
      const ids = copies.map((c) => (c.status === 200 ? c.messageId : 0));
      const results = await Promise.all(ids.map((id) => processIpnMessage(deps, id)));
      expect(results.map((r) => r.class).sort()).toEqual(["deferred", "wrong-transaction-id"]);
      expect(postBacksSent).toBe(1);
      await sweepIpnInbox(deps, new Date(Date.now() + 1000));
      const states = await h.db.select({ state: ipnMessages.state }).from(ipnMessages).where(inArray(ipnMessages.id, ids));
      expect(states.map((m) => m.state).sort()).toEqual(["duplicate", "verified"]);
      expect(postBacksSent).toBe(1);
    });

    it("limits one sender per minute without storing what it refuses, and processes PayPal's retry afterwards", async () => {
      const deps = { ...h.instance(), validateIpn: async () => "VERIFIED" as const };
      await h.emulator.control.webhooks.setPolicy({ drop: 1 }); // the IPN is all the store hears of this payment
      const o = await order(deps);
      const limits = { ...ipnLimits(), perIpPerMinute: 5 };
      const ip = "198.51.100.77";
      const now = new Date();
      const junk = Buffer.from("txn_type=junk", "latin1");
      for (let i = 0; i < limits.perIpPerMinute; i++) expect(await receiveIpn(h.db, { raw: junk, ip, now }, limits)).toMatchObject({ status: 200 });
      const genuine = Buffer.from(
        new URLSearchParams({ txn_id: `RL${Date.now()}`, payment_status: "Completed", receiver_email: deps.businessEmail!, mc_gross: "49.00", mc_currency: "USD", custom: o.orderId }).toString(),
        "latin1",
      );
      const stored = (await h.db.select().from(ipnMessages)).length;
      expect(await receiveIpn(h.db, { raw: genuine, ip, now }, limits)).toEqual({ status: 429, retryAfterSeconds: 60 });
      expect((await h.db.select().from(ipnMessages)).length).toBe(stored);
      // Another sender is not affected; PayPal's retry a minute later goes through and is acted on.
      expect(await receiveIpn(h.db, { raw: junk, ip: "198.51.100.78", now }, limits)).toMatchObject({ status: 200 });
      const retried = await receiveIpn(h.db, { raw: genuine, ip, now: new Date(now.getTime() + 61_000) }, limits);
      if (retried.status !== 200) throw new Error("retry refused");
      expect(await processIpnMessage(deps, retried.messageId)).toMatchObject({ class: "completed" });
      expect(await statusOf(o.orderId)).toBe("completed");
      expect(await enrolled(o.user.id)).toBe(1);
    });

    it("prunes settled inbox messages after the retention period, never unprocessed ones", async () => {
      const deps = { ...h.instance(), validateIpn: async () => "UNAVAILABLE" as const };
      const old = new Date(Date.now() - 40 * 86_400_000);
      const settled = await receiveIpn(h.db, { raw: Buffer.from("txn_id=OLD1&payment_status=Completed"), ip: "192.0.2.9", now: old });
      const waiting = await receiveIpn(h.db, { raw: Buffer.from("txn_id=OLD2&payment_status=Completed"), ip: "192.0.2.9", now: old });
      if (settled.status !== 200 || waiting.status !== 200) throw new Error("not received");
      await h.db.update(ipnMessages).set({ state: "invalid" }).where(eq(ipnMessages.id, settled.messageId));
      const { pruned } = await sweepIpnInbox(deps, new Date(), new Date(), { ...ipnLimits(), retentionDays: 30 });
      expect(pruned).toBeGreaterThanOrEqual(1);
      const left = await h.db.select().from(ipnMessages).where(inArray(ipnMessages.id, [settled.messageId, waiting.messageId]));
      expect(left.map((m) => [m.id, m.state])).toEqual([[waiting.messageId, "received"]]);
      expect(left[0]!.attempts).toBe(1); // tried again by the sweep; PayPal still unavailable
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
        const received = await receiveIpn(h.db, { ip: "192.0.2.20", raw: form({
          txn_id: `T${Date.now()}${Math.random().toString(36).slice(2, 8)}`.toUpperCase(),
          payment_status: "Completed",
          receiver_email: deps.businessEmail!,
          mc_gross: "49.00",
          mc_currency: "USD",
          custom: o.orderId,
          ...override,
        }) });
        if (received.status !== 200) throw new Error("not received");
        const result = await processIpnMessage(deps, received.messageId);
        expect(`${result.class}: ${result.detail}`).toMatch(outcome);
        expect(await statusOf(o.orderId)).toBe("created");
        expect(await enrolled(o.user.id)).toBe(0);
      });
    });
  });
}
