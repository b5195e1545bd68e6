/**
 * The external-enrolment gateway end to end, for every provider on both engines: a real LMS emulator signs the
 * handoff tokens and answers the enrolment API; the store verifies, takes the money through the provider's emulator,
 * and the outbox enrols the learner once. Nothing of ours is mocked.
 */
import { count, eq } from "drizzle-orm";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gatewayCalls, gatewayConnections, gatewayHandoffs, orders, outboxJobs } from "@/db/schema";
import { testEngines } from "@/lib/testing/db";
import { makeUser } from "@/lib/testing/fixtures";
import { PROVIDERS, useProvider } from "@/lib/testing/providers";
import { runOutboxOnce } from "@/lib/outbox";
import { outboxHandlers } from "@/lib/outbox/handlers";
import { captureCheckout } from "@/lib/payments/checkout";
import { checkInvariants } from "@/lib/payments/invariants";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { requestRefund } from "@/lib/payments/refunds";
import { startLmsEmulator, type LmsEmulator } from "@/emulators/lms";
import { GATEWAY_MESSAGES, startGatewayCheckout } from "./checkout";
import { saveConnection, connectionFormSchema } from "./connections";
import { enrolmentState } from "./enrolment";
import { acceptHandoff, learnerOrder } from "./handoffs";
import { browserHash, newBrowserToken } from "./browser";

const SLUG = "test-lms";

for (const engine of testEngines()) {
  for (const provider of PROVIDERS) {
    describe(`the LMS gateway through ${PROVIDER_LABEL[provider]} on ${engine}`, () => {
      const p = useProvider(provider, engine);
      let lms: LmsEmulator;
      const browser = browserHash(newBrowserToken())!;

      beforeAll(async () => {
        lms = await startLmsEmulator({ port: 0, key: "generate", gatewayUrl: `http://store.test/gateway/${SLUG}/enrol`, publicUrl: "https://lms.test" });
        const admin = await makeUser(p.db, { role: "admin" });
        const input = await connectionFormSchema.parseAsync({
          name: "Test LMS",
          slug: SLUG,
          publicKeyPem: lms.publicKeyPem,
          audience: "demo-lms-portal",
          enrolmentUrl: `${lms.url}/v2.2/enrolments/`,
          apiKey: "demo-lms-api-key",
          redirectOrigins: "https://lms.test",
          enabled: "on",
        });
        const saved = await saveConnection(p.db, admin.id, null, input);
        if (!saved.ok) throw new Error(saved.message);
      });
      afterAll(() => lms?.close());
      beforeEach(async () => {
        await p.notifications("deliver");
        await fetch(`${lms.url}/__emulator/reset`, { method: "POST" });
        await p.db.update(gatewayConnections).set({ enabled: true });
      });

      const lmsState = async () => (await (await fetch(`${lms.url}/__emulator/enrolments`)).json()) as { enrolments: { classId: string; user: string }[]; calls: number };
      const worker = (db = p.db, now?: () => Date) => runOutboxOnce(db, outboxHandlers(db), { now });
      const counts = async () => ({
        handoffs: (await p.db.select({ n: count() }).from(gatewayHandoffs))[0]!.n,
        orders: (await p.db.select({ n: count() }).from(orders))[0]!.n,
      });

      /** A learner pressed "Join now": the token was accepted for this browser. */
      async function joined(claims: Record<string, unknown> = {}, who = browser) {
        const accepted = await acceptHandoff(p.db, SLUG, await lms.signToken({ sub: `learner-${crypto.randomUUID()}`, ...claims }), who);
        if (!accepted.ok) throw new Error(accepted.message);
        return accepted.handoffId;
      }
      /** …and paid on the provider's page, then came back: the order is completed. */
      async function paid(handoffId: string, deps = p.instance()) {
        const started = await startGatewayCheckout(deps, browser, handoffId, p.startOptions);
        if (!started.ok) throw new Error(started.message);
        await p.pay(started.providerOrderId);
        const captured = await captureCheckout(deps, { userId: null, browserHash: browser }, started.providerOrderId);
        await p.settle();
        return { ...started, captured };
      }

      it("a valid handoff is priced from the token, paid once, enrolled by one API call, and the learner is sent back", async () => {
        const handoffId = await joined({ price: "49.00", currency: "USD" });
        const { orderId, captured } = await paid(handoffId);
        expect(captured).toMatchObject({ ok: true, status: "completed" });
        const [order] = await p.db.select().from(orders).where(eq(orders.id, orderId));
        expect(order).toMatchObject({ totalMinor: 4900, currency: "USD", userId: null, gatewayHandoffId: handoffId, status: "completed" });
        // Before the worker runs the learner sees "enrolling you…"; after it, the page sends them back.
        const [handoff] = await p.db.select().from(gatewayHandoffs).where(eq(gatewayHandoffs.id, handoffId));
        expect((await enrolmentState(p.db, handoff!)).state).toBe("enrolling");
        expect(await worker()).toMatchObject({ done: 1 });
        expect(await worker()).toMatchObject({ claimed: 0 });
        const state = await lmsState();
        expect(state.calls).toBe(1);
        expect(state.enrolments).toEqual([expect.objectContaining({ classId: "class-marine-2027", user: handoff!.sub })]);
        const [after] = await p.db.select().from(gatewayHandoffs).where(eq(gatewayHandoffs.id, handoffId));
        expect(await enrolmentState(p.db, after!)).toEqual({ state: "enrolled", lastError: null });
        // The admin's raw record: the request without the key, the LMS's answer.
        const calls = await p.db.select().from(gatewayCalls).where(eq(gatewayCalls.handoffId, handoffId));
        expect(calls).toHaveLength(1);
        expect(JSON.stringify(calls[0]!.request)).not.toContain("demo-lms-api-key");
        expect(calls[0]).toMatchObject({ httpStatus: 201, request: { body: `class=class-marine-2027&user=${encodeURIComponent(handoff!.sub)}` } });
        // Only this browser follows the order; another one finds nothing.
        expect(await learnerOrder(p.db, browser, orderId)).not.toBeNull();
        expect(await learnerOrder(p.db, browserHash(newBrowserToken())!, orderId)).toBeNull();
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("an enrolment API failing three times (503, 429, a timeout-free 500) is retried with backoff and enrols exactly once", async () => {
        await fetch(`${lms.url}/__emulator/faults`, { method: "POST", body: JSON.stringify({ failNext: 3, status: 503 }) });
        const handoffId = await joined();
        await paid(handoffId);
        let clock = new Date();
        for (let round = 0; round < 6; round++) {
          await worker(p.db, () => clock);
          const [job] = await p.db.select().from(outboxJobs).where(eq(outboxJobs.dedupeKey, `lms.enrol:${handoffId}`));
          if (job!.status === "done") break;
          expect(job!.status).toBe("pending");
          clock = job!.runAfter; // the backoff is honoured: nothing runs before it
        }
        const [job] = await p.db.select().from(outboxJobs).where(eq(outboxJobs.dedupeKey, `lms.enrol:${handoffId}`));
        expect(job).toMatchObject({ status: "done", attempts: 4 });
        expect(await lmsState()).toMatchObject({ calls: 4, enrolments: [expect.anything()] });
        expect(await p.db.select().from(gatewayCalls).where(eq(gatewayCalls.handoffId, handoffId))).toHaveLength(4);
      });

      it("an LMS that says the learner is already enrolled completes the job; a refusal gives up for an admin", async () => {
        const handoffId = await joined();
        await paid(handoffId);
        const [handoff] = await p.db.select().from(gatewayHandoffs).where(eq(gatewayHandoffs.id, handoffId));
        // Enrolled at the LMS by someone else meanwhile (or an earlier attempt whose answer was lost).
        const direct = await fetch(`${lms.url}/v2.2/enrolments/?api_key=demo-lms-api-key`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ class: handoff!.lmsClass, user: handoff!.sub }),
        });
        expect(direct.status).toBe(201);
        expect(await worker()).toMatchObject({ done: 1 });
        expect((await lmsState()).enrolments).toHaveLength(1);

        const refused = await joined({ class: "class-that-does-not-exist" });
        await paid(refused);
        expect(await worker()).toMatchObject({ dead: 1 });
        const [r] = await p.db.select().from(gatewayHandoffs).where(eq(gatewayHandoffs.id, refused));
        expect(await enrolmentState(p.db, r!)).toMatchObject({ state: "failed", lastError: expect.stringContaining("404") });
      });

      it("two app instances' workers deliver each enrolment once", async () => {
        const handoffs = [];
        for (let i = 0; i < 6; i++) handoffs.push(await joined());
        for (const h of handoffs) await paid(h);
        const second = p.secondPool();
        await Promise.all([worker(), worker(second), worker(), worker(second)]);
        await Promise.all([worker(), worker(second)]);
        const state = await lmsState();
        expect(state.calls).toBe(6);
        expect(state.enrolments).toHaveLength(6);
      });

      it("the buyer's capture racing the provider's notification, on two instances, makes one order, one job and one enrolment", async () => {
        const handoffId = await joined();
        const deps = p.instance();
        const started = await startGatewayCheckout(deps, browser, handoffId, p.startOptions);
        if (!started.ok) throw new Error(started.message);
        await p.pay(started.providerOrderId);
        const buyer = { userId: null, browserHash: browser };
        const results = await Promise.all([
          captureCheckout(deps, buyer, started.providerOrderId),
          captureCheckout(p.instance(p.secondPool()), buyer, started.providerOrderId),
          p.settle(),
        ]);
        expect(results.slice(0, 2)).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
        expect(await p.db.select().from(outboxJobs).where(eq(outboxJobs.dedupeKey, `lms.enrol:${handoffId}`))).toHaveLength(1);
        await Promise.all([worker(), worker(p.secondPool())]);
        expect(await lmsState()).toMatchObject({ calls: 1, enrolments: [expect.anything()] });
      });

      it("a learner who pressed Join twice cannot pay twice for the same class", async () => {
        const sub = `learner-${crypto.randomUUID()}`;
        const first = await joined({ sub });
        const second = await joined({ sub });
        await paid(first);
        expect(await startGatewayCheckout(p.instance(), browser, second, p.startOptions)).toMatchObject({ ok: false, message: GATEWAY_MESSAGES.alreadyPaid });
        // Someone else's browser cannot start or capture this learner's checkout.
        expect(await startGatewayCheckout(p.instance(), browserHash(newBrowserToken())!, second, p.startOptions)).toMatchObject({ ok: false, message: GATEWAY_MESSAGES.notFound });
      });

      it("a refund closes the order and flags the LMS enrolment for removal by hand", async () => {
        const handoffId = await joined();
        const { orderId } = await paid(handoffId);
        await worker();
        const admin = await makeUser(p.db, { role: "admin" });
        expect(await requestRefund(p.instance(), { orderId, courseIds: "all", actorId: admin.id })).toMatchObject({ ok: true });
        await p.settle();
        const [order] = await p.db.select().from(orders).where(eq(orders.id, orderId));
        expect(order).toMatchObject({ status: "refunded", attentionReason: expect.stringMatching(/remove learner .* by hand/) });
        const [handoff] = await p.db.select().from(gatewayHandoffs).where(eq(gatewayHandoffs.id, handoffId));
        expect(handoff!.removalNeededAt).not.toBeNull();
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      describe("refuses bad handoffs with a clear reason, creating nothing", () => {
        const refused = async (jwt: string, reason: string, who = browser) => {
          const before = await counts();
          expect(await acceptHandoff(p.db, SLUG, jwt, who)).toMatchObject({ ok: false, reason });
          expect(await counts()).toEqual(before);
        };
        const now = () => Math.floor(Date.now() / 1000);

        it("expired, not yet valid, wrong key, alg none, HS256 with the public key, wrong audience", async () => {
          await refused(await lms.signToken({}, { expiresInSeconds: -120 }), "expired");
          await refused(await lms.signToken({ nbf: now() + 3600 }), "not_yet_valid");
          const other = await generateKeyPair("RS256");
          const claims = { jti: crypto.randomUUID(), sub: "x", title: "t", course: "c", class: "k", currency: "USD", price: "1.00", redirect_url: "https://lms.test/x" };
          await refused(await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).setAudience("demo-lms-portal").setExpirationTime("10m").sign(other.privateKey), "signature");
          const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
          await refused(`${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, aud: "demo-lms-portal", exp: now() + 600 })}.`, "algorithm");
          const hs = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setAudience("demo-lms-portal").setExpirationTime("10m").sign(new TextEncoder().encode(lms.publicKeyPem));
          await refused(hs, "algorithm");
          await refused(await lms.signToken({ aud: "another-school" }), "audience");
        });

        it("a replayed jti, missing claims, bad prices, an unsupported currency, a foreign redirect, a disabled connection", async () => {
          const token = await lms.signToken({ sub: "replay-learner" });
          expect(await acceptHandoff(p.db, SLUG, token, browser)).toMatchObject({ ok: true, resumed: false });
          // The same browser resubmitting the form gets the same checkout; anyone else is refused.
          expect(await acceptHandoff(p.db, SLUG, token, browser)).toMatchObject({ ok: true, resumed: true });
          await refused(token, "replayed", browserHash(newBrowserToken())!);
          await refused(await lms.signToken({ class: undefined }), "claims");
          await refused(await lms.signToken({ redirect_url: undefined }), "claims");
          await refused(await lms.signToken({ price: "-5.00" }), "price");
          await refused(await lms.signToken({ price: "12.345" }), "price");
          await refused(await lms.signToken({ price: "4800.5", currency: "JPY" }), "price");
          await refused(await lms.signToken({ price: "ten" }), "price");
          await refused(await lms.signToken({ currency: "XYZ" }), "currency");
          await refused(await lms.signToken({ redirect_url: "https://evil.test/phish" }), "redirect");
          await refused(await lms.signToken({ redirect_url: "https://lms.test.evil.test/x" }), "redirect");
          expect(await acceptHandoff(p.db, "no-such-lms", await lms.signToken(), browser)).toMatchObject({ ok: false, reason: "unknown_connection" });
          await p.db.update(gatewayConnections).set({ enabled: false });
          await refused(await lms.signToken(), "disabled");
        });
      });
    });
  }
}
