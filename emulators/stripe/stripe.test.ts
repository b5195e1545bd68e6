/**
 * The Stripe emulator as the official `stripe` SDK sees it: keys, form encoding, idempotency, Checkout Sessions
 * paid on the hosted page with Stripe's test cards, refunds, disputes, and webhooks whose signatures the SDK's own
 * `webhooks.constructEvent` accepts. Every answer the SDK receives and every webhook delivered is validated against
 * Stripe's OpenAPI component schemas (reference/openapi-subset.json), and objects are compared field by field with
 * Stripe's samples (fixtures3.json).
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeEmulator, type RunningStripeEmulator } from "./index";
import { StripeConformance } from "./test-support/conformance";

type Received = { headers: Record<string, string | string[] | undefined>; body: string };

const fixtures = (JSON.parse(readFileSync(path.join(import.meta.dirname, "reference/fixtures3.json"), "utf8")) as { resources: Record<string, Record<string, unknown>> }).resources;

describe("Stripe emulator", () => {
  let emulator: RunningStripeEmulator;
  let stripe: Stripe;
  let listener: Server;
  const received: Received[] = [];
  let answer = 200;
  const conformance = new StripeConformance();
  const violations: string[] = [];

  /** The official SDK, with every answer it receives held to Stripe's schemas on the way in. */
  const sdk = (key: string, maxNetworkRetries = 0) => {
    const checked: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const where = `${init?.method ?? "GET"} ${new URL(String(input)).pathname} → ${response.status}`;
      violations.push(...conformance.check(JSON.parse(await response.clone().text()), where));
      return response;
    };
    return new Stripe(key, { host: "127.0.0.1", port: emulator.port, protocol: "http", telemetry: false, maxNetworkRetries, httpClient: Stripe.createFetchHttpClient(checked) });
  };

  beforeAll(async () => {
    listener = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        violations.push(...conformance.check(JSON.parse(body), `webhook ${req.headers["stripe-signature"] ? "delivery" : "unsigned"}`));
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
    emulator = await startStripeEmulator({ port: 0, webhookUrl: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/webhook` });
    stripe = sdk(emulator.secretKey);
  });
  afterAll(async () => {
    await emulator?.close();
    await new Promise((r) => listener?.close(r));
  });
  beforeEach(async () => {
    await emulator.control.reset();
    await emulator.control.setDeliveryPolicy({ retryDelaysMs: [20, 50] });
    received.length = 0;
    answer = 200;
    violations.length = 0;
  });
  afterEach(() => expect(violations, "emulator answers that break Stripe's OpenAPI schemas").toEqual([]));

  const newSession = (overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}, options?: Stripe.RequestOptions) =>
    stripe.checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          { price_data: { currency: "usd", unit_amount: 4900, product_data: { name: "Designing Idempotent APIs" } }, quantity: 1 },
          { price_data: { currency: "usd", unit_amount: 7900, product_data: { name: "PostgreSQL" } }, quantity: 1 },
        ],
        success_url: "http://store.test/return?session_id={CHECKOUT_SESSION_ID}",
        cancel_url: "http://store.test/cart",
        client_reference_id: "order-1",
        metadata: { order_id: "order-1" },
        ...overrides,
      },
      options,
    );

  /** The buyer on the hosted page: submits the form as a browser would. */
  async function payOnPage(session: Stripe.Checkout.Session, fields: Record<string, string>) {
    const page = await fetch(session.url!);
    expect(await page.text()).toContain("<label for=\"card\">Card number</label>");
    return fetch(session.url!, { method: "POST", redirect: "manual", body: new URLSearchParams({ email: "buyer@example.test", name: "Pat Buyer", ...fields }), headers: { "content-type": "application/x-www-form-urlencoded" } });
  }

  const events = async () => {
    await emulator.control.flush();
    return received.map((r) => stripe.webhooks.constructEvent(r.body, r.headers["stripe-signature"] as string, emulator.webhookSecret));
  };

  it("refuses a missing or wrong secret key with 401 in Stripe's shape", async () => {
    const wrong = sdk("sk_test_wrong_key_1234");
    const error = await wrong.checkout.sessions.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).message).toMatch(/^Invalid API Key provided: sk_test_\**1234$/);
    const none = await fetch(`${emulator.url}/v1/checkout/sessions`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/^You did not provide an API key/) });
  });

  it("creates, retrieves and lists a Checkout Session from form-encoded params, with Stripe's headers", async () => {
    const session = await newSession();
    expect(session).toMatchObject({ object: "checkout.session", status: "open", payment_status: "unpaid", amount_total: 12800, currency: "usd", client_reference_id: "order-1", metadata: { order_id: "order-1" }, payment_intent: null });
    expect(session.id).toMatch(/^cs_test_a1/);
    expect(session.url).toBe(`${emulator.url}/c/pay/${session.id}`);
    expect(session.lastResponse.requestId).toMatch(/^req_/);
    expect(session.lastResponse.apiVersion).toBe("2026-10-28.endive");
    const again = await stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items"] });
    expect(again.line_items?.data.map((i) => [i.description, i.amount_total])).toEqual([["Designing Idempotent APIs", 4900], ["PostgreSQL", 7900]]);
    const yen = await newSession({ line_items: [{ price_data: { currency: "jpy", unit_amount: 4800, product_data: { name: "Typed Money" } }, quantity: 1 }] });
    expect(yen.amount_total).toBe(4800);
  });

  it("rejects unknown and missing parameters as Stripe does", async () => {
    const unknown = await newSession({ payment_method_types: ["card"] } as never).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unknown).toMatchObject({ code: "parameter_unknown", param: "payment_method_types", statusCode: 400 });
    const missing = await newSession({ success_url: undefined }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "parameter_missing", param: "success_url" });
    const notFound = await stripe.checkout.sessions.retrieve("cs_test_nope").catch((e: unknown) => e);
    expect(notFound).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("replays an Idempotency-Key with the same body and refuses it with another", async () => {
    const first = await newSession({}, { idempotencyKey: "coursepay-order-1-session" });
    const replay = await newSession({}, { idempotencyKey: "coursepay-order-1-session" });
    expect(replay.id).toBe(first.id);
    // The SDK's fetch client hands back a Headers object where its Node client gives a plain record.
    expect(new Headers(replay.lastResponse.headers as unknown as HeadersInit).get("idempotent-replayed")).toBe("true");
    const other = await newSession({ client_reference_id: "order-2" }, { idempotencyKey: "coursepay-order-1-session" }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("takes a test card on the hosted page: the session completes paid and signed webhooks follow", async () => {
    const session = await newSession();
    const submitted = await payOnPage(session, { card: "4242 4242 4242 4242" });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get("location")).toBe(`http://store.test/return?session_id=${session.id}`);
    const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge"] });
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid", url: null, customer_details: { email: "buyer@example.test" } });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ status: "succeeded", amount: 12800, amount_received: 12800 });
    expect((intent.latest_charge as Stripe.Charge).payment_method_details?.card?.last4).toBe("4242");
    const types = (await events()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"]));
    const completed = (await events()).find((e) => e.type === "checkout.session.completed")!;
    expect((completed.data.object as Stripe.Checkout.Session).id).toBe(session.id);
  });

  it("declines 4000 0000 0000 0002 and 9995 on the page, leaving the session open for another card", async () => {
    const session = await newSession();
    const declined = await payOnPage(session, { card: "4000000000000002" });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain("Your card was declined.");
    const poor = await payOnPage(session, { card: "4000 0000 0000 9995" });
    expect(await poor.text()).toContain("Your card has insufficient funds.");
    const open = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(open.status).toBe("open");
    expect((open.payment_intent as Stripe.PaymentIntent).last_payment_error).toMatchObject({ code: "card_declined", decline_code: "insufficient_funds" });
    expect((await payOnPage(session, { card: "4242424242424242" })).status).toBe(303);
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("paid");
  });

  it("a delayed bank payment completes the session unpaid, then settles with async_payment_succeeded or _failed", async () => {
    const good = await newSession();
    expect((await payOnPage(good, { card: "", bank: "000123456789" })).status).toBe(303);
    expect(await stripe.checkout.sessions.retrieve(good.id)).toMatchObject({ status: "complete", payment_status: "unpaid" });
    await emulator.control.settle(good.id);
    expect((await stripe.checkout.sessions.retrieve(good.id)).payment_status).toBe("paid");
    const bad = await newSession();
    await payOnPage(bad, { card: "", bank: "000111111113" });
    await emulator.control.settle(bad.id);
    expect((await stripe.checkout.sessions.retrieve(bad.id)).payment_status).toBe("unpaid");
    const types = (await events()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed"]));
  });

  it("refunds part, then the rest; refuses more than is left and a second full refund", async () => {
    const session = await newSession();
    await payOnPage(session, { card: "4242424242424242" });
    const pi = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
    const part = await stripe.refunds.create({ payment_intent: pi, amount: 7900, metadata: { refund_id: "r1" } }, { idempotencyKey: "coursepay-r1" });
    expect(part).toMatchObject({ object: "refund", status: "succeeded", amount: 7900, currency: "usd", metadata: { refund_id: "r1" } });
    const tooMuch = await stripe.refunds.create({ payment_intent: pi, amount: 5000 }).catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    await stripe.refunds.create({ payment_intent: pi });
    const again = await stripe.refunds.create({ payment_intent: pi }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: "charge_already_refunded" });
    const charge = (await stripe.paymentIntents.retrieve(pi)).latest_charge as string;
    expect(await stripe.charges.retrieve(charge)).toMatchObject({ amount_refunded: 12800, refunded: true });
    expect((await stripe.refunds.list({ payment_intent: pi })).data.map((r) => r.amount)).toEqual([4900, 7900]);
    const refundedEvents = (await events()).filter((e) => e.type === "charge.refunded");
    expect(refundedEvents.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([7900, 12800]);
  });

  it("refunds and disputes made on Stripe's side arrive only as webhooks", async () => {
    const session = await newSession();
    await payOnPage(session, { card: "4242424242424242" });
    const charge = (await stripe.paymentIntents.retrieve((await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string)).latest_charge as string;
    await emulator.control.refundFromDashboard(charge, 4900);
    const dispute = await emulator.control.dispute(charge);
    await emulator.control.closeDispute(dispute.id, "lost");
    const types = (await events()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["charge.refunded", "refund.created", "charge.dispute.created", "charge.dispute.closed"]));
  });

  it("retries a delivery the endpoint refused, and can duplicate them", async () => {
    answer = 500;
    await emulator.control.setDeliveryPolicy({ retryDelaysMs: [30, 30, 30] });
    const session = await newSession();
    setTimeout(() => (answer = 200), 50);
    await payOnPage(session, { card: "4242424242424242" });
    await emulator.control.flush();
    const deliveries = await emulator.control.deliveries();
    const completed = deliveries.find((d) => d.type === "checkout.session.completed")!;
    expect(completed.state).toBe("delivered");
    expect(completed.attempts).toBeGreaterThan(1);
    await emulator.control.setDeliveryPolicy({ duplicate: true });
    received.length = 0;
    await emulator.control.refundFromDashboard((await stripe.paymentIntents.retrieve((await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string)).latest_charge as string);
    const ids = (await events()).filter((e) => e.type === "charge.refunded").map((e) => e.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });

  it("a signature over other bytes, or with another secret, does not verify", async () => {
    const session = await newSession();
    await payOnPage(session, { card: "4242424242424242" });
    await emulator.control.flush();
    const { body, headers } = received[0]!;
    const header = headers["stripe-signature"] as string;
    expect(() => stripe.webhooks.constructEvent(JSON.stringify(JSON.parse(body)), header, emulator.webhookSecret)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => stripe.webhooks.constructEvent(body, header, "whsec_other")).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it("emulated faults: a 500 before acting is retried by the SDK with the same key; a dropped answer after acting replays", async () => {
    const retrying = sdk(emulator.secretKey, 2);
    await emulator.control.fault({ path: "/v1/checkout/sessions", phase: "before", kind: "http500" });
    const session = await retrying.checkout.sessions.create({ mode: "payment", success_url: "http://store.test/ok", line_items: [{ price_data: { currency: "eur", unit_amount: 3900, product_data: { name: "Accessible Checkout" } } }] }, { idempotencyKey: "k-1" });
    await emulator.control.fault({ path: "/v1/checkout/sessions", phase: "after", kind: "drop" });
    const again = await retrying.checkout.sessions.create({ mode: "payment", success_url: "http://store.test/ok", line_items: [{ price_data: { currency: "eur", unit_amount: 3900, product_data: { name: "Accessible Checkout" } } }] }, { idempotencyKey: "k-2" });
    const calls = (await emulator.control.calls()).filter((c) => c.path === "/v1/checkout/sessions");
    expect(calls.map((c) => [c.idempotencyKey, c.status, c.fault ?? null])).toEqual([
      ["k-1", 500, "http500/before"],
      ["k-1", 200, null],
      ["k-2", null, "drop/after"],
      ["k-2", 200, null],
    ]);
    expect(session.id).not.toBe(again.id);
    expect((await stripe.checkout.sessions.list()).data).toHaveLength(2); // the dropped answer's retry replayed, no third session
  });

  describe("objects carry every field of Stripe's own samples", () => {
    const keys = (o: object) => Object.keys(o).sort();
    /** Fields Stripe's samples show but the API returns only when expanded (charge.refunds since 2022-11-15). */
    const INCLUDABLE: Record<string, string[]> = { charge: ["refunds"] };
    it.each(["checkout.session", "payment_intent", "charge", "refund", "event", "dispute"])("%s", async (resource) => {
      const session = await newSession();
      await payOnPage(session, { card: "4242424242424242" });
      const pi = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
      const charge = (await stripe.paymentIntents.retrieve(pi)).latest_charge as string;
      const ours: Record<string, object> = {
        "checkout.session": await stripe.checkout.sessions.retrieve(session.id),
        payment_intent: await stripe.paymentIntents.retrieve(pi),
        charge: await stripe.charges.retrieve(charge),
        refund: await stripe.refunds.create({ payment_intent: pi, amount: 100 }),
        event: (await stripe.events.list()).data[0]!,
        dispute: await emulator.control.dispute(charge),
      };
      const { lastResponse: _response, ...object } = ours[resource] as Record<string, unknown>;
      violations.push(...conformance.check(object, `control ${resource}`));
      expect(keys(object)).toEqual(keys(fixtures[resource]!).filter((k) => !INCLUDABLE[resource]?.includes(k)));
      expect(object.object).toBe(fixtures[resource]!.object);
    });
  });

  describe("Stripe's OpenAPI schemas", () => {
    it("every schema taken from the document was exercised by the answers and deliveries above", () => {
      expect([...conformance.covered.keys()]).toEqual(expect.arrayContaining(["charge", "checkout.session", "dispute", "error", "event", "payment_intent", "refund"]));
    });

    it("the check catches what Stripe would never send", () => {
      const charge = structuredClone(fixtures.charge!) as Record<string, unknown>;
      expect(conformance.check(charge)).toEqual([]);
      const broken = { ...charge, amount: "49.00", currency: "USD", created: Date.now(), status: "paid", paid: undefined };
      const problems = conformance.check(JSON.parse(JSON.stringify(broken))).join("\n");
      for (const field of ["/amount must be integer", "/currency must match format", "/created must match format \"unix-time\"", "/status must be equal to one of the allowed values", "must have required property 'paid'"]) {
        expect(problems).toContain(field);
      }
      expect(conformance.check({ error: { message: "no type" } })).toEqual([expect.stringContaining("must have required property 'type'")]);
      expect(conformance.check({ object: "event", id: "evt_1", created: 1_700_000_000, livemode: false, pending_webhooks: 1, type: "charge.refunded", data: { object: { ...charge, object: "charge", refunded: "yes" } } })).toEqual([
        expect.stringContaining("data.object (charge)/refunded must be boolean"),
      ]);
    });
  });
});
