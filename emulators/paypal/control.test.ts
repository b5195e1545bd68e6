import { describe, expect, it } from "vitest";
import { approvedOrder, orderBody, useEmulator } from "./test-support/harness";

const fixture = useEmulator({ faultTimeoutMs: 300 });

describe("faults", () => {
  it("phase before: the call fails with PayPal's 500 and nothing happens", async () => {
    const id = await approvedOrder(fixture);
    await fixture.emulator.control.addFault({ path: "/v2/checkout/orders/", method: "POST", count: 1, kind: "http500", phase: "before" });
    const failed = await fixture.api.capture(id);
    expect(failed.status).toBe(500);
    expect(failed.body.name).toBe("INTERNAL_SERVER_ERROR");
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).body.status).toBe("APPROVED");
    expect((await fixture.api.capture(id)).status).toBe(201);
  });

  it("phase after: the capture happens, the client sees a 503, and a retry with the same key gets the result", async () => {
    const id = await approvedOrder(fixture);
    await fixture.emulator.control.addFault({ path: "capture$", count: 1, kind: "http503", phase: "after" });
    const headers = { "paypal-request-id": `capture-${id}` };
    const failed = await fixture.api.capture(id, headers);
    expect(failed.status).toBe(503);
    expect(failed.body.name).toBe("SERVICE_UNAVAILABLE");
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).body.status).toBe("COMPLETED");
    const retried = await fixture.api.capture(id, headers);
    expect(retried.status).toBe(200);
    expect(retried.body.purchase_units[0].payments.captures).toHaveLength(1);
  });

  it("clearing faults drops the unused ones and keeps every order", async () => {
    const id = await approvedOrder(fixture);
    await fixture.emulator.control.addFault({ path: "capture$", count: 5, kind: "http500", phase: "before" });
    await fixture.emulator.control.clearFaults();
    expect(await fixture.emulator.control.faults()).toEqual([]);
    expect((await fixture.api.capture(id)).status).toBe(201);
  });

  it("reset drops the connection (after performing the operation)", async () => {
    const id = await approvedOrder(fixture);
    await fixture.emulator.control.addFault({ path: `/v2/checkout/orders/${id}/capture`, count: 1, kind: "reset", phase: "after" });
    await expect(fixture.api.capture(id)).rejects.toThrow();
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).body.status).toBe("COMPLETED");
    const [call] = await fixture.emulator.control.calls({ path: `/v2/checkout/orders/${id}/capture` });
    expect(call).toMatchObject({ status: null, fault: "reset/after" });
  });

  it("timeout holds the request without answering, then drops it", async () => {
    await fixture.emulator.control.addFault({ path: "/v2/checkout/orders", method: "POST", count: 1, kind: "timeout", phase: "before", holdMs: 200 });
    const started = Date.now();
    await expect(fixture.api.createOrder()).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await fixture.api.createOrder()).status).toBe(201);
  });

  it("counts down and matches by method", async () => {
    await fixture.emulator.control.addFault({ path: "/v2/checkout/orders", method: "GET", count: 2, kind: "http500", phase: "before" });
    const id = (await fixture.api.createOrder()).body.id;
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).status).toBe(500);
    expect((await fixture.emulator.control.faults())[0]?.remaining).toBe(1);
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).status).toBe(500);
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).status).toBe(200);
  });
});

describe("other controls", () => {
  it("adds latency to REST calls", async () => {
    await fixture.emulator.control.setLatency(120);
    const started = Date.now();
    await fixture.api.createOrder();
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("logs calls with status, PayPal-Request-Id and body, filterable by path and method", async () => {
    await fixture.api.createOrder(orderBody(), { "paypal-request-id": "create-1" });
    const calls = await fixture.emulator.control.calls({ path: "/v2/checkout/orders", method: "POST" });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "POST", path: "/v2/checkout/orders", status: 201, requestId: "create-1", body: JSON.parse(JSON.stringify(orderBody())) });
  });

  it("reset clears orders, faults, latency and the clock", async () => {
    const id = (await fixture.api.createOrder()).body.id;
    await fixture.emulator.control.addFault({ path: "/", count: 5, kind: "http500", phase: "before" });
    await fixture.emulator.control.advanceClock(3600);
    await fixture.emulator.control.reset();
    fixture.api.forgetToken();
    expect(await fixture.emulator.control.faults()).toEqual([]);
    expect(Math.abs(Date.parse(await fixture.emulator.control.now()) - Date.now())).toBeLessThan(5_000);
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).status).toBe(404);
  });

  it("approves orders for a named buyer and rejects unknown buyers", async () => {
    const id = (await fixture.api.createOrder()).body.id;
    const state = await fixture.emulator.control.approveOrder(id, { buyer: "second-buyer@coursepay.test", outcome: "pending" });
    expect(state).toMatchObject({ status: "APPROVED", outcome: "pending", buyer: "second-buyer@coursepay.test" });
    await expect(fixture.emulator.control.approveOrder(id, { buyer: "nobody@example.com" })).rejects.toThrow(/400/);
  });

  it("answers unknown paths with 404 and wrong methods with 405, in PayPal's envelope", async () => {
    expect((await fixture.api.get("/v2/checkout/nothing-here")).status).toBe(404);
    const wrongMethod = await fixture.api.raw("DELETE", "/v2/checkout/orders");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.name).toBe("METHOD_NOT_SUPPORTED");
  });
});
