/**
 * One test vocabulary for every payment provider: the money path's suites (lib/payments/money-path.test.ts) say
 * "the buyer pays", "the provider refunds from its dashboard", "notifications are lost" once, and each driver
 * says it to its own emulator. Both drivers stand on the real harnesses (real emulators, real SDK clients,
 * notifications delivered over HTTP to the same lib functions the routes call); nothing of ours is mocked.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { orders, payments } from "@/db/schema";
import type { StartDeps } from "@/lib/payments/checkout";
import type { ProviderName } from "@/lib/payments/types";
import type { Engine } from "./db";
import { usePayments } from "./payments";
import { STRIPE_RETURN_URLS, useStripe } from "./stripe";

export const PROVIDERS: readonly ProviderName[] = ["paypal", "stripe"];

/** How the buyer pays: at once, or by a method that clears later (PayPal eCheck, Stripe's delayed bank debit). */
export type Funding = "instant" | "clears later" | "bounces later";

export type ProviderDriver = {
  readonly name: ProviderName;
  readonly db: Db;
  /** One app instance's payment services (over another pool: another instance). */
  instance(db?: Db): StartDeps;
  /** A second connection pool to the same database, as a second app instance would have. */
  secondPool(): Db;
  /** What startCheckout needs besides the selection (Stripe's return URLs). */
  readonly startOptions: Parameters<typeof import("@/lib/payments/checkout").startCheckout>[3];
  /** The buyer, on the provider's page, approves (PayPal) or pays (Stripe) the checkout. */
  pay(providerOrderId: string, funding?: Funding): Promise<void>;
  /** The provider settles a payment that was clearing (how it ends was chosen by `pay`). */
  clear(orderId: string, providerOrderId: string): Promise<void>;
  /** A refund made in the provider's own dashboard: the store hears of it only by notification. */
  refundAtProvider(orderId: string, amountMinor?: number): Promise<void>;
  /** A chargeback (PayPal) or dispute (Stripe) opened by the buyer's bank. */
  reverseAtProvider(orderId: string): Promise<void>;
  /** Notifications from now on: delivered, delivered twice, held for release, or lost. */
  notifications(policy: "deliver" | "duplicate" | "hold" | "lose"): Promise<void>;
  /** Releases held notifications in the given order. */
  release(order?: "fifo" | "reverse"): Promise<void>;
  /** Waits until every notification sent so far has been handled. */
  settle(): Promise<void>;
};

const STRIPE_BANK = { "clears later": "000123456789", "bounces later": "000111111113" } as const;

export function useProvider(name: ProviderName, engine: Engine): ProviderDriver {
  return name === "paypal" ? payPalDriver(engine) : stripeDriver(engine);
}

function payPalDriver(engine: Engine): ProviderDriver {
  const h = usePayments(engine, { notifications: true });
  const outcomes = new Map<string, "completed" | "denied">();
  const captureOf = async (db: Db, orderId: string) => (await db.select().from(payments).where(eq(payments.orderId, orderId)))[0]!.providerCaptureId;
  /** PayPal takes amounts as decimal strings; every course in these suites is priced in USD. */
  const decimal = (minor: number) => (minor / 100).toFixed(2);
  return {
    name: "paypal",
    get db() {
      return h.db;
    },
    instance: (db) => h.instance(db),
    secondPool: () => h.secondPool(),
    startOptions: {},
    async pay(providerOrderId, funding = "instant") {
      if (funding !== "instant") outcomes.set(providerOrderId, funding === "clears later" ? "completed" : "denied");
      await h.emulator.control.approveOrder(providerOrderId, { outcome: funding === "instant" ? "success" : "pending" });
    },
    async clear(orderId, providerOrderId) {
      await h.emulator.control.settleCapture(await captureOf(h.db, orderId), outcomes.get(providerOrderId) ?? "completed");
    },
    async refundAtProvider(orderId, amountMinor) {
      await h.emulator.control.refundCapture(await captureOf(h.db, orderId), amountMinor === undefined ? undefined : decimal(amountMinor));
    },
    async reverseAtProvider(orderId) {
      await h.emulator.control.reverseCapture(await captureOf(h.db, orderId));
    },
    async notifications(policy) {
      const { webhooks, ipn } = h.emulator.control;
      if (policy === "hold") return webhooks.hold();
      const update = { duplicate: policy === "duplicate", drop: policy === "lose" ? 1 : 0 };
      await Promise.all([webhooks.setPolicy(update), ipn.setPolicy(update)]);
    },
    async release(order = "fifo") {
      await h.emulator.control.webhooks.release({ order });
    },
    settle: () => h.settle(),
  };
}

function stripeDriver(engine: Engine): ProviderDriver {
  const h = useStripe(engine);
  const chargeOf = async (db: Db, orderId: string) => {
    const [order] = await db.select({ session: orders.providerOrderId }).from(orders).where(eq(orders.id, orderId));
    const session = await h.emulator.control.session(order!.session!);
    return (session.payment_intent as { latest_charge: { id: string } }).latest_charge.id;
  };
  return {
    name: "stripe",
    get db() {
      return h.db;
    },
    instance: (db) => h.instance(db),
    secondPool: () => h.secondPool(),
    startOptions: { returnUrls: STRIPE_RETURN_URLS },
    async pay(providerOrderId, funding = "instant") {
      const paid = await h.emulator.control.pay(providerOrderId, funding === "instant" ? { card: "4242424242424242" } : { bankAccount: STRIPE_BANK[funding] });
      if (!paid.ok) throw new Error(`the Stripe emulator refused the payment: ${paid.message}`);
    },
    async clear(_orderId, providerOrderId) {
      await h.emulator.control.settle(providerOrderId);
    },
    async refundAtProvider(orderId, amountMinor) {
      await h.emulator.control.refundFromDashboard(await chargeOf(h.db, orderId), amountMinor);
    },
    async reverseAtProvider(orderId) {
      await h.emulator.control.dispute(await chargeOf(h.db, orderId));
    },
    async notifications(policy) {
      await h.emulator.control.setDeliveryPolicy({ duplicate: policy === "duplicate", drop: policy === "lose" ? 1 : 0, hold: policy === "hold" });
    },
    async release(order = "fifo") {
      await h.emulator.control.setDeliveryPolicy({ hold: false });
      await h.emulator.control.releaseDeliveries(order);
    },
    settle: () => h.settle(),
  };
}
