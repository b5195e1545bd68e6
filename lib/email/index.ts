import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import { createTransport, type Transporter } from "nodemailer";
import type { ReactElement } from "react";
import { z } from "zod";
import { render } from "@react-email/components";
import type { Db } from "@/db/client";
import { orderItems, orders, payments, refundItems, refunds, subscriptionProducts, subscriptions, users, type OutboxJob } from "@/db/schema";
import { formatMoney, money } from "@/lib/money";
import type { JobOutcome } from "@/lib/outbox";
import type { EmailJob, SubscriptionEmailEvent } from "@/lib/outbox/jobs";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { emailChangeToken } from "@/lib/auth/account-settings";
import { ConfirmEmailEmail, PaymentFailedEmail, PaymentPendingEmail, ReceiptEmail, RefundEmail, SubscriptionNoticeEmail } from "./templates";

/**
 * Emails, always through the outbox (lib/outbox/jobs.ts says which change queues which email, once): the handler
 * reads what the email is about from the database when it runs, renders the React template to HTML and plain text,
 * and hands it to SMTP (nodemailer, `SMTP_URL`). Without `SMTP_URL` no worker takes email jobs: they wait, queued,
 * and the admin sees a warning — nothing is lost.
 *
 * Delivery is at least once (a worker that dies after the SMTP server accepted a message but before recording it
 * sends it again): each email carries a Message-ID made from its job's dedupe key, so the receiving side can tell
 * the two copies are one message.
 */
export type Email = { to: string; subject: string; html: string; text: string };

export const emailJobSchema: z.ZodType<EmailJob> = z.union([
  z.object({ template: z.enum(["receipt", "pending", "failed"]), orderId: z.uuid() }),
  z.object({ template: z.literal("refund"), refundId: z.uuid() }),
  z.object({ template: z.literal("subscription"), subscriptionId: z.uuid(), event: z.enum(["started", "payment_failed", "suspended", "cancelled", "expired", "completed"]) }),
  z.object({ template: z.literal("confirm_email"), userId: z.uuid(), email: z.string().min(3).max(320) }),
]);

/** The SMTP transport for `SMTP_URL` (smtp:// or smtps://), or null when none is configured. */
export function emailTransport(env: Record<string, string | undefined> = process.env): Transporter | null {
  return env.SMTP_URL ? createTransport(env.SMTP_URL) : null;
}

const FROM = () => process.env.EMAIL_FROM ?? "Coursepay <no-reply@coursepay.local>";
/** Links in emails: the store's public address (AUTH_URL), else this process's own. */
const origin = () => (process.env.AUTH_URL ? new URL(process.env.AUTH_URL).origin : `http://localhost:${process.env.PORT ?? 3000}`);
const when = (d: Date) => `${new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(d)} UTC`;

async function rendered(to: string, subject: string, element: ReactElement): Promise<Email> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { to, subject, html, text };
}

/** What an email job sends now, or null when there is no one to send it to (an LMS learner, a deleted account). */
export async function composeEmail(db: Db, job: EmailJob): Promise<Email | null> {
  if (job.template === "refund") return composeRefund(db, job.refundId);
  if (job.template === "subscription") return composeSubscription(db, job.subscriptionId, job.event);
  if (job.template === "confirm_email") {
    const [user] = await db.select({ name: users.name }).from(users).where(and(eq(users.id, job.userId), isNull(users.deletedAt)));
    if (!user) return null;
    const link = `${origin()}/account/confirm-email?token=${encodeURIComponent(await emailChangeToken(job.userId, job.email))}`;
    return rendered(job.email, "Confirm your new email address", ConfirmEmailEmail({ name: user.name, email: job.email, link }));
  }
  const [row] = await db
    .select({ order: orders, buyer: { name: users.name, email: users.email }, payment: payments })
    .from(orders)
    .innerJoin(users, and(eq(users.id, orders.userId), isNull(users.deletedAt)))
    .leftJoin(payments, eq(payments.orderId, orders.id))
    .where(eq(orders.id, job.orderId));
  if (!row) return null;
  const { order, buyer, payment } = row;
  const items = await db.select().from(orderItems).where(eq(orderItems.orderId, order.id)).orderBy(asc(orderItems.title));
  const lines = items.map((i) => ({ label: i.title, amount: formatMoney(money(i.unitPriceMinor, i.currency)) }));
  const total = formatMoney(money(order.totalMinor, order.currency));
  const provider = PROVIDER_LABEL[order.provider];
  const receiptUrl = `${origin()}/orders/${order.id}`;
  switch (job.template) {
    case "receipt":
      return rendered(
        buyer.email,
        `Your receipt: ${total} — ${items.length === 1 ? items[0]!.title : `${items.length} courses`}`,
        ReceiptEmail({ name: buyer.name, lines, total, provider, providerOrderId: order.providerOrderId ?? "—", captureId: payment?.providerCaptureId ?? "—", orderId: order.id, receiptUrl, paidAt: when(order.closedAt ?? order.updatedAt) }),
      );
    case "pending":
      return rendered(buyer.email, `Your payment of ${total} is pending`, PaymentPendingEmail({ name: buyer.name, lines, total, provider, orderId: order.id, receiptUrl }));
    case "failed":
      return rendered(buyer.email, `Your payment of ${total} did not go through`, PaymentFailedEmail({ name: buyer.name, total, provider, orderId: order.id, retryUrl: `${origin()}/cart` }));
  }
}

async function composeRefund(db: Db, refundId: string): Promise<Email | null> {
  const [row] = await db
    .select({ refund: refunds, order: orders, buyer: { name: users.name, email: users.email } })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .innerJoin(users, and(eq(users.id, orders.userId), isNull(users.deletedAt)))
    .where(and(eq(refunds.id, refundId), eq(refunds.status, "completed")));
  if (!row) return null;
  const covered = await db
    .select({ title: orderItems.title, amountMinor: refundItems.amountMinor, currency: orderItems.currency })
    .from(refundItems)
    .innerJoin(orderItems, eq(orderItems.id, refundItems.orderItemId))
    .where(eq(refundItems.refundId, refundId))
    .orderBy(asc(orderItems.title));
  const amount = formatMoney(money(row.refund.amountMinor, row.refund.currency));
  const reversal = row.order.status === "reversed";
  return rendered(
    row.buyer.email,
    reversal ? `Your payment of ${amount} was reversed` : `Your refund of ${amount} was issued`,
    RefundEmail({
      name: row.buyer.name,
      refunded: covered.map((c) => ({ label: c.title, amount: formatMoney(money(c.amountMinor, c.currency)) })),
      amount,
      provider: PROVIDER_LABEL[row.order.provider],
      orderId: row.order.id,
      receiptUrl: `${origin()}/orders/${row.order.id}`,
      reversal,
    }),
  );
}

const MANAGE = { action: "Manage your subscription", path: "/my/subscriptions" };
const SUBSCRIPTION_NOTICES: Record<SubscriptionEmailEvent, { headline: string; text: string; action: string; path: string }> = {
  started: { headline: "you are in", text: "your subscription is active and its courses are open in My courses.", action: "Open My courses", path: "/my/courses" },
  payment_failed: { headline: "a payment did not go through", text: "the latest payment of your subscription was declined. Please pay what is owed or update your payment method at PayPal to keep your access.", ...MANAGE },
  suspended: { headline: "paused", text: "your subscription is paused, so its courses are closed until it runs again. Paying what is owed starts it again.", ...MANAGE },
  cancelled: { headline: "cancelled", text: "your subscription was cancelled: nothing more will be charged, and you keep access until the end of the period you paid for.", ...MANAGE },
  expired: { headline: "ended", text: "your subscription reached its last billing cycle and has ended.", action: "Browse the catalog", path: "/" },
  completed: { headline: "paid in full", text: "you paid the last instalment: the course is yours for good.", action: "Open My courses", path: "/my/courses" },
};

async function composeSubscription(db: Db, subscriptionId: string, event: SubscriptionEmailEvent): Promise<Email | null> {
  const [row] = await db
    .select({ product: subscriptionProducts.name, buyer: { name: users.name, email: users.email } })
    .from(subscriptions)
    .innerJoin(subscriptionProducts, eq(subscriptionProducts.id, subscriptions.productId))
    .innerJoin(users, and(eq(users.id, subscriptions.userId), isNull(users.deletedAt)))
    .where(eq(subscriptions.id, subscriptionId));
  if (!row) return null;
  const notice = SUBSCRIPTION_NOTICES[event];
  const actionUrl = `${origin()}${notice.path}`;
  return rendered(
    row.buyer.email,
    `${row.product}: ${notice.headline}`,
    SubscriptionNoticeEmail({ name: row.buyer.name, product: row.product, headline: notice.headline, text: notice.text, actionUrl, actionLabel: notice.action }),
  );
}

/** SMTP answers that will not change by retrying (a refused address, a message rejected for good). */
const permanent = (error: unknown) => {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
};

/** The outbox handler of `email.send`. */
export async function sendEmailJob(db: Db, transport: Transporter, job: OutboxJob): Promise<JobOutcome> {
  const payload = emailJobSchema.safeParse(job.payload);
  if (!payload.success) return { ok: false, retry: false, error: "malformed email job" };
  const email = await composeEmail(db, payload.data);
  if (!email) return { ok: true };
  try {
    await transport.sendMail({ from: FROM(), to: email.to, subject: email.subject, html: email.html, text: email.text, messageId: `<${job.dedupeKey.replaceAll(":", ".")}@coursepay>` });
    return { ok: true };
  } catch (error) {
    return { ok: false, retry: !permanent(error), error: `SMTP: ${error instanceof Error ? error.message : String(error)}` };
  }
}
