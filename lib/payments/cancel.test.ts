import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders } from "@/db/schema";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments } from "@/lib/testing/payments";
import { cancelCheckout, startCheckout } from "./checkout";

for (const engine of testEngines()) {
  describe(`a buyer closing PayPal on ${engine}`, () => {
    const h = usePayments(engine);
    const status = async (id: string) => (await h.db.select({ status: orders.status }).from(orders).where(eq(orders.id, id)))[0]!.status;

    async function started() {
      const user = await makeUser(h.db);
      const course = await makeCourse(h.db);
      const result = await startCheckout(h.instance(), user.id, { kind: "course", courseId: course.id });
      if (!result.ok) throw new Error(result.message);
      return { user, ...result };
    }

    it("cancels the order PayPal never saw approved, once, and only for its owner", async () => {
      const { user, orderId, providerOrderId } = await started();
      const stranger = await makeUser(h.db);
      expect(await cancelCheckout(h.instance(), stranger.id, providerOrderId)).toBe(false);
      expect(await status(orderId)).toBe("created");

      expect(await cancelCheckout(h.instance(), user.id, providerOrderId)).toBe(true);
      expect(await status(orderId)).toBe("cancelled");
      expect(await cancelCheckout(h.instance(), user.id, providerOrderId)).toBe(false);
    });

    it("leaves an order PayPal says was approved for the capture paths", async () => {
      const { user, orderId, providerOrderId } = await started();
      await h.emulator.control.approveOrder(providerOrderId);
      expect(await cancelCheckout(h.instance(), user.id, providerOrderId)).toBe(false);
      expect(await status(orderId)).toBe("created");
    });

    it("leaves the order open when PayPal cannot be asked", async () => {
      const { user, orderId, providerOrderId } = await started();
      await h.emulator.control.addFault({ method: "GET", path: `/v2/checkout/orders/${providerOrderId}`, count: 10, kind: "http500", phase: "before" });
      expect(await cancelCheckout(h.instance(undefined, { maxRetries: 1 }), user.id, providerOrderId)).toBe(false);
      expect(await status(orderId)).toBe("created");
    });
  });
}
