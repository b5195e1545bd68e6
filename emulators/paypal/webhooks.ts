/**
 * Webhooks: listener registration (Notifications v1), event creation in PayPal's envelope, signed at-least-once
 * delivery, the events API, signature verification, and the signing certificate.
 */
import type { Clock } from "./clock";
import { eventTime } from "./clock";
import type { EmulatorConfig } from "./config";
import { DeliveryQueue, post } from "./delivery";
import { badRequest, resourceNotFound } from "./errors";
import { certificateId, resourceId, transmissionId, webhookEventId } from "./ids";
import type { Router } from "./router";
import { bodyCrc, signedMessage, signMessage, verifyMessage, type SigningKeys } from "./signing";
import { arrayField, bodyObject, isJsonObject, objectField, stringField, URL_PATTERN } from "./validation";

/** PayPal allows at most ten listener URLs per REST app (reference §7.1). */
const MAX_LISTENERS = 10;

const EVENT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "CHECKOUT.ORDER.APPROVED": "An order has been approved by buyer.",
  "CHECKOUT.ORDER.COMPLETED": "Checkout Order Completed",
  "PAYMENT.CAPTURE.COMPLETED": "Payment capture completed.",
  "PAYMENT.CAPTURE.PENDING": "Payment capture pending.",
  "PAYMENT.CAPTURE.DENIED": "Payment capture denied.",
  "PAYMENT.CAPTURE.DECLINED": "Payment capture declined.",
  "PAYMENT.CAPTURE.REFUNDED": "Payment capture refunded.",
  "PAYMENT.CAPTURE.REVERSED": "Payment capture reversed.",
  "BILLING.SUBSCRIPTION.CREATED": "Subscription created.",
  "BILLING.SUBSCRIPTION.ACTIVATED": "Subscription activated.",
  "BILLING.SUBSCRIPTION.CANCELLED": "Subscription cancelled.",
  "BILLING.SUBSCRIPTION.SUSPENDED": "Subscription suspended.",
  "PAYMENT.SALE.COMPLETED": "Payment sale completed.",
};

interface Listener {
  id: string;
  url: string;
  eventTypes: readonly string[];
}

interface StoredEvent {
  event: Record<string, unknown>;
  /** The exact bytes every listener receives; signatures cover these. */
  body: string;
  crc: string;
}

export interface EventInput {
  eventType: string;
  resourceType: string;
  /** `"2.0"` for Orders/Payments v2 and Subscriptions resources; v1 `sale` events carry none. */
  resourceVersion: string | undefined;
  summary: string;
  resource: Record<string, unknown>;
}

export class Webhooks {
  private readonly listeners = new Map<string, Listener>();
  private readonly events = new Map<string, StoredEvent>();
  readonly queue: DeliveryQueue;
  readonly certUrl: string;
  private readonly certId = certificateId();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: Clock,
    private readonly keys: SigningKeys,
  ) {
    this.queue = new DeliveryQueue("webhook", config.webhookRetryDelaysMs);
    this.certUrl = `${config.publicUrl}/v1/notifications/certs/${this.certId}`;
    this.registerStartupListener();
  }

  private registerStartupListener(): void {
    if (this.config.webhookUrl === undefined) return;
    this.listeners.set(this.config.webhookId, { id: this.config.webhookId, url: this.config.webhookUrl, eventTypes: ["*"] });
  }

  /** Drops events, deliveries and listeners registered through the API; keeps the start-up listener. */
  reset(): void {
    this.listeners.clear();
    this.events.clear();
    this.queue.reset();
    this.registerStartupListener();
  }

  /** Creates the event and queues a signed delivery to every subscribed listener; never waits for them. */
  emit(input: EventInput): void {
    const subscribers = [...this.listeners.values()].filter(
      (listener) => listener.eventTypes.includes("*") || listener.eventTypes.includes(input.eventType),
    );
    if (subscribers.length === 0) return;
    const id = webhookEventId();
    const event: Record<string, unknown> = {
      id,
      event_version: "1.0",
      create_time: eventTime(this.clock.now()),
      resource_type: input.resourceType,
      ...(input.resourceVersion ? { resource_version: input.resourceVersion } : {}),
      event_type: input.eventType,
      summary: input.summary,
      resource: input.resource,
      links: this.eventLinks(id),
    };
    const body = JSON.stringify(event);
    const stored = { event, body, crc: bodyCrc(body) };
    this.events.set(id, stored);
    for (const listener of subscribers) this.deliver(stored, listener);
  }

  private deliver(stored: StoredEvent, listener: Listener): void {
    this.queue.enqueue({
      messageId: stored.event.id as string,
      type: stored.event.event_type as string,
      url: listener.url,
      send: () => this.transmit(stored, listener),
    });
  }

  /** One signed POST. Each attempt is a new transmission: new id, new time, new signature. */
  private async transmit(stored: StoredEvent, listener: Listener): Promise<number> {
    const id = transmissionId();
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const signature = await signMessage(signedMessage(id, time, listener.id, stored.crc), this.keys.privateKey);
    return post(
      listener.url,
      {
        "content-type": "application/json",
        "paypal-transmission-id": id,
        "paypal-transmission-time": time,
        "paypal-transmission-sig": signature,
        "paypal-cert-url": this.certUrl,
        "paypal-auth-algo": "SHA256withRSA",
        "paypal-auth-version": "v2",
        "user-agent": "PayPal/AUHD-214.0-58109767",
        "correlation-id": id.slice(0, 13).replaceAll("-", ""),
      },
      stored.body,
      this.config.deliveryTimeoutMs,
    );
  }

  private eventLinks(id: string) {
    const self = `${this.config.publicUrl}/v1/notifications/webhooks-events/${id}`;
    return [
      { href: self, rel: "self", method: "GET" },
      { href: `${self}/resend`, rel: "resend", method: "POST" },
    ];
  }

  private renderListener(listener: Listener) {
    const self = `${this.config.publicUrl}/v1/notifications/webhooks/${listener.id}`;
    return {
      id: listener.id,
      url: listener.url,
      event_types: listener.eventTypes.map((name) => ({
        name,
        description: name === "*" ? "ALL" : (EVENT_DESCRIPTIONS[name] ?? name),
        status: "ENABLED",
      })),
      links: [
        { href: self, rel: "self", method: "GET" },
        { href: self, rel: "update", method: "PATCH" },
        { href: self, rel: "delete", method: "DELETE" },
      ],
    };
  }

  private listener(id: string): Listener {
    const listener = this.listeners.get(id);
    if (!listener) throw resourceNotFound();
    return listener;
  }

  private storedEvent(id: string): StoredEvent {
    const stored = this.events.get(id);
    if (!stored) throw resourceNotFound();
    return stored;
  }

  register(router: Router): void {
    const rest = { kind: "rest" } as const;
    router.add("POST", "/v1/notifications/webhooks", rest, (context) => {
      const body = bodyObject(context.json());
      const url = stringField(body, "url", "", { required: true, max: 2048, pattern: URL_PATTERN });
      const types = arrayField(body, "event_types", "", { required: true, min: 1, max: 500 }) as unknown[];
      const eventTypes = types.map((entry, index) => {
        if (!isJsonObject(entry)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: `/event_types/${index}` });
        return stringField(entry, "name", `/event_types/${index}`, { required: true, min: 1 });
      });
      if ([...this.listeners.values()].some((listener) => listener.url === url)) {
        throw badRequest("WEBHOOK_URL_ALREADY_EXISTS", { field: "/url", value: url, description: "Webhook URL already exists." });
      }
      if (this.listeners.size >= MAX_LISTENERS) {
        throw badRequest("WEBHOOK_NUMBER_LIMIT_EXCEEDED", { description: "Maximum number of webhook URLs reached for this app." });
      }
      const listener = { id: resourceId(), url, eventTypes };
      this.listeners.set(listener.id, listener);
      return { status: 201, body: this.renderListener(listener) };
    });
    router.add("GET", "/v1/notifications/webhooks", rest, () => ({
      status: 200,
      body: { webhooks: [...this.listeners.values()].map((listener) => this.renderListener(listener)) },
    }));
    router.add("GET", "/v1/notifications/webhooks/{webhook_id}", rest, (context) => ({
      status: 200,
      body: this.renderListener(this.listener(context.params.webhook_id as string)),
    }));
    router.add("DELETE", "/v1/notifications/webhooks/{webhook_id}", rest, (context) => {
      this.listeners.delete(this.listener(context.params.webhook_id as string).id);
      return { status: 204 };
    });
    router.add("GET", "/v1/notifications/webhooks-events", rest, (context) => {
      const type = context.query.get("event_type");
      const pageSize = Math.min(300, Math.max(1, Number(context.query.get("page_size") ?? 10) || 10));
      const events = [...this.events.values()]
        .map((stored) => stored.event)
        .filter((event) => type === null || event.event_type === type)
        .reverse()
        .slice(0, pageSize);
      return { status: 200, body: { events, count: events.length, links: [] } };
    });
    router.add("GET", "/v1/notifications/webhooks-events/{event_id}", rest, (context) => ({
      status: 200,
      body: this.storedEvent(context.params.event_id as string).event,
    }));
    router.add("POST", "/v1/notifications/webhooks-events/{event_id}/resend", rest, (context) => {
      const stored = this.storedEvent(context.params.event_id as string);
      const body = bodyObject(context.json());
      const ids = (arrayField(body, "webhook_ids", "") ?? [...this.listeners.keys()]).map(String);
      for (const id of ids) this.deliver(stored, this.listener(id));
      return { status: 202, body: stored.event };
    });
    router.add("POST", "/v1/notifications/verify-webhook-signature", rest, async (context) => {
      const body = bodyObject(context.json());
      const required = { required: true } as const;
      const authAlgo = stringField(body, "auth_algo", "", required);
      const certUrl = stringField(body, "cert_url", "", required);
      const id = stringField(body, "transmission_id", "", required);
      const signature = stringField(body, "transmission_sig", "", required);
      const time = stringField(body, "transmission_time", "", required);
      const webhookId = stringField(body, "webhook_id", "", required);
      const event = objectField(body, "webhook_event", "", true);
      // Re-serialising the parsed event reproduces the delivered bytes: the emulator sends compact JSON and
      // JSON.parse keeps key order. (How tolerant PayPal itself is here is unconfirmed, reference §7.5.)
      const valid =
        authAlgo === "SHA256withRSA" &&
        certUrl === this.certUrl &&
        (await verifyMessage(signedMessage(id, time, webhookId, bodyCrc(JSON.stringify(event))), signature, this.keys.certificatePem));
      return { status: 200, body: { verification_status: valid ? "SUCCESS" : "FAILURE" } };
    });
    router.add("GET", "/v1/notifications/certs/{cert_id}", { kind: "public" }, (context) => {
      if (context.params.cert_id !== this.certId) throw resourceNotFound();
      return { status: 200, text: this.keys.certificatePem, contentType: "application/x-pem-file" };
    });
  }
}
