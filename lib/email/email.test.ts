/**
 * Emails through the outbox to a real SMTP server (the local catcher), for every provider on both engines: each
 * notice is sent once however the payment's news arrives, and carries what the buyer needs.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { outboxJobs, subscriptions } from "@/db/schema";
import { startSmtpCatcher, type SmtpCatcher } from "@/emulators/smtp";
import { addToCart } from "@/lib/cart";
import { runOutboxOnce } from "@/lib/outbox";
import { outboxHandlers } from "@/lib/outbox/handlers";
import { enqueueEmail } from "@/lib/outbox/jobs";
import { captureCheckout, startCheckout } from "@/lib/payments/checkout";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { requestRefund } from "@/lib/payments/refunds";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeSubscriptionProduct, makeUser } from "@/lib/testing/fixtures";
import { PROVIDERS, useProvider } from "@/lib/testing/providers";
import { emailTransport } from ".";

for (const engine of testEngines()) {
  describe(`subscription notices by email on ${engine}`, () => {
    const t = useTestDb(engine);
    let catcher: SmtpCatcher;
    beforeAll(async () => {
      catcher = await startSmtpCatcher({ smtpPort: 0, webPort: 0 });
    });
    afterAll(() => catcher?.close());

    it("each notice names the membership and what to do, in HTML and in text", async () => {
      const user = await makeUser(t.db);
      const { product, price } = await makeSubscriptionProduct(t.db);
      const [subscription] = await t.db.insert(subscriptions).values({ userId: user.id, productId: product.id, priceId: price.id, provider: "paypal", status: "active" }).returning();
      for (const event of ["started", "payment_failed", "cancelled"] as const) await enqueueEmail(t.db, { template: "subscription", subscriptionId: subscription!.id, event }, "v1");
      await enqueueEmail(t.db, { template: "subscription", subscriptionId: subscription!.id, event: "started" }, "v1"); // the same notice again: nothing new
      await runOutboxOnce(t.db, outboxHandlers(t.db, { transport: emailTransport({ SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}` }) }));
      const mine = catcher.messages.filter((m) => m.to.includes(user.email));
      expect(mine.map((m) => m.subject).sort()).toEqual([`${product.name}: a payment did not go through`, `${product.name}: cancelled`, `${product.name}: you are in`]);
      const failed = mine.find((m) => m.subject.endsWith("did not go through"))!;
      expect(failed.text).toMatch(/Please pay what is owed/);
      expect(failed.html).toContain("/my/subscriptions");
    });
  });

  for (const provider of PROVIDERS) {
    describe(`emails after ${PROVIDER_LABEL[provider]} payments on ${engine}`, () => {
      const p = useProvider(provider, engine);
      let catcher: SmtpCatcher;
      beforeAll(async () => {
        catcher = await startSmtpCatcher({ smtpPort: 0, webPort: 0 });
      });
      afterAll(() => catcher?.close());
      beforeEach(async () => {
        catcher.messages.length = 0;
        await p.notifications("deliver");
      });
      const transport = () => emailTransport({ SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}` });
      const workers = async () => {
        // Two instances' workers, twice: every email job is claimed by one of them, once.
        const handlers = (db = p.db) => outboxHandlers(db, { transport: transport() });
        const second = p.secondPool();
        await Promise.all([runOutboxOnce(p.db, handlers()), runOutboxOnce(second, handlers(second))]);
        await Promise.all([runOutboxOnce(p.db, handlers()), runOutboxOnce(second, handlers(second))]);
      };

      async function checkedOut(prices: number[]) {
        const user = await makeUser(p.db);
        const courses = await Promise.all(prices.map((priceMinor) => makeCourse(p.db, { priceMinor, currency: "USD" })));
        for (const c of courses) await addToCart(p.db, user.id, c.id);
        const started = await startCheckout(p.instance(), user.id, { kind: "cart", currency: "USD" }, p.startOptions);
        if (!started.ok) throw new Error(started.message);
        return { user, courses, ...started };
      }

      it("a capture raced by its notification on two instances sends one receipt, with the items, the provider's ids and a link", async () => {
        const order = await checkedOut([4900, 2900]);
        await p.pay(order.providerOrderId);
        await Promise.all([captureCheckout(p.instance(), order.user.id, order.providerOrderId), captureCheckout(p.instance(p.secondPool()), order.user.id, order.providerOrderId), p.settle()]);
        await p.settle();
        await workers();
        const mine = catcher.messages.filter((m) => m.to.includes(order.user.email));
        expect(mine).toHaveLength(1);
        const [receipt] = mine;
        expect(receipt!.subject).toBe("Your receipt: $78.00 — 2 courses");
        for (const part of [receipt!.text, receipt!.html]) {
          expect(part).toContain(order.courses[0]!.title);
          expect(part).toContain("$49.00");
          expect(part).toContain(order.providerOrderId);
          expect(part).toContain(`/orders/${order.orderId}`);
        }
        expect(receipt!.messageId).toBe(`<email.receipt.${order.orderId}@coursepay>`);
        // Applied again (a late duplicate notification, reconciliation): nothing new is queued or sent.
        await captureCheckout(p.instance(), order.user.id, order.providerOrderId);
        await workers();
        expect(catcher.messages.filter((m) => m.to.includes(order.user.email))).toHaveLength(1);
      });

      it("a payment that clears later: pending first, then the receipt; a bounced one: pending, then failed", async () => {
        const clears = await checkedOut([1500]);
        await p.pay(clears.providerOrderId, "clears later");
        await captureCheckout(p.instance(), clears.user.id, clears.providerOrderId);
        await p.settle();
        await workers();
        await p.clear(clears.orderId, clears.providerOrderId);
        await p.settle();
        await workers();
        expect(catcher.messages.filter((m) => m.to.includes(clears.user.email)).map((m) => m.subject)).toEqual(["Your payment of $15.00 is pending", "Your receipt: $15.00 — " + clears.courses[0]!.title]);

        const bounces = await checkedOut([1500]);
        await p.pay(bounces.providerOrderId, "bounces later");
        await captureCheckout(p.instance(), bounces.user.id, bounces.providerOrderId);
        await p.settle();
        await workers();
        await p.clear(bounces.orderId, bounces.providerOrderId);
        await p.settle();
        await workers();
        expect(catcher.messages.filter((m) => m.to.includes(bounces.user.email)).map((m) => m.subject)).toEqual(["Your payment of $15.00 is pending", "Your payment of $15.00 did not go through"]);
      });

      it("a refund sends one email naming what was refunded and which access ended", async () => {
        const order = await checkedOut([4900, 2900]);
        await p.pay(order.providerOrderId);
        await captureCheckout(p.instance(), order.user.id, order.providerOrderId);
        await p.settle();
        const admin = await makeUser(p.db, { role: "admin" });
        expect(await requestRefund(p.instance(), { orderId: order.orderId, courseIds: [order.courses[1]!.id], actorId: admin.id })).toMatchObject({ ok: true });
        await p.settle();
        await workers();
        const refund = catcher.messages.filter((m) => m.to.includes(order.user.email) && m.subject.startsWith("Your refund"));
        expect(refund).toHaveLength(1);
        expect(refund[0]!.subject).toBe("Your refund of $29.00 was issued");
        expect(refund[0]!.text).toContain(order.courses[1]!.title);
        expect(refund[0]!.text).not.toContain(order.courses[0]!.title);
        expect(refund[0]!.text).toMatch(/Access to the courses below has ended/);
      });

      it("without an SMTP server configured, emails wait in the outbox and are sent once one is", async () => {
        const order = await checkedOut([900]);
        await p.pay(order.providerOrderId);
        await captureCheckout(p.instance(), order.user.id, order.providerOrderId);
        await p.settle();
        expect(await runOutboxOnce(p.db, outboxHandlers(p.db, { transport: null }))).toMatchObject({ claimed: 0 });
        const [job] = await p.db.select().from(outboxJobs).where(eq(outboxJobs.dedupeKey, `email:receipt:${order.orderId}`));
        expect(job).toMatchObject({ status: "pending", attempts: 0 });
        await workers();
        expect(catcher.messages.filter((m) => m.to.includes(order.user.email))).toHaveLength(1);
      });
    });
  }
}
