/**
 * Legacy Instant Payment Notification (reference §9): form-encoded messages posted to the notify URL and
 * retried until a 2xx, plus PayPal's post-back validator at `/cgi-bin/webscr`.
 */
import type { BuyerAccount } from "./buyers";
import type { EmulatorConfig } from "./config";
import { DeliveryQueue, post } from "./delivery";
import { opaqueToken } from "./ids";
import { formatMinor } from "./money";
import type { Router } from "./router";

export interface IpnItem {
  name: string;
  sku: string | undefined;
  quantity: string;
  grossMinor: bigint;
}

export interface IpnInput {
  txnId: string;
  /** Set for payments; refund and reversal messages carry none (they reference `parent_txn_id`). */
  txnType: string | undefined;
  paymentStatus: "Completed" | "Pending" | "Denied" | "Failed" | "Refunded" | "Reversed";
  pendingReason?: string;
  parentTxnId?: string;
  reasonCode?: string;
  /** Signed: refunds and reversals are negative. */
  grossMinor: bigint;
  feeMinor: bigint;
  currency: string;
  custom: string | undefined;
  invoice: string | undefined;
  payer: BuyerAccount;
  items: readonly IpnItem[];
  paymentType: "instant" | "echeck";
  time: number;
}

const PACIFIC = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Los_Angeles",
  hour12: false,
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});

/** PayPal's IPN date format, in Pacific time: `20:12:59 Jan 13, 2009 PST`. */
export function ipnDate(ms: number): string {
  const parts = Object.fromEntries(PACIFIC.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  const hour = parts.hour === "24" ? "00" : parts.hour;
  return `${hour}:${parts.minute}:${parts.second} ${parts.month} ${parts.day}, ${parts.year} ${parts.timeZoneName}`;
}

export class Ipn {
  readonly queue: DeliveryQueue;
  /** Every message body sent so far: the post-back validator answers VERIFIED only for these exact bytes. */
  private readonly sent = new Set<string>();
  private nextMessage = 1;

  constructor(private readonly config: EmulatorConfig) {
    this.queue = new DeliveryQueue("ipn", config.ipnRetryDelaysMs);
  }

  reset(): void {
    this.sent.clear();
    this.queue.reset();
  }

  send(input: IpnInput): void {
    const url = this.config.ipnUrl;
    if (url === undefined) return;
    const body = this.encode(input);
    this.sent.add(body);
    this.queue.enqueue({
      messageId: `IPN-${this.nextMessage++}-${input.txnId}`,
      type: `${input.paymentStatus}${input.pendingReason ? `/${input.pendingReason}` : ""}`,
      url,
      send: () =>
        post(url, { "content-type": "application/x-www-form-urlencoded", "user-agent": "PayPal IPN ( https://www.paypal.com/ipn )" }, body, this.config.deliveryTimeoutMs),
    });
  }

  /** Field order follows real IPN messages; money is formatted exactly per currency. */
  private encode(input: IpnInput): string {
    const amount = (minor: bigint) => formatMinor(minor, input.currency);
    const fields: Array<[string, string | undefined]> = [
      ["mc_gross", amount(input.grossMinor)],
      ["invoice", input.invoice],
      ["protection_eligibility", "Eligible"],
      ["payer_id", input.payer.payerId],
      ["payment_date", ipnDate(input.time)],
      ["payment_status", input.paymentStatus],
      ["pending_reason", input.pendingReason],
      ["charset", "UTF-8"],
      ["first_name", input.payer.givenName],
      ["mc_fee", amount(input.feeMinor)],
      ["notify_version", "3.9"],
      ["custom", input.custom],
      ["payer_status", "verified"],
      ["business", this.config.businessEmail],
      ["num_cart_items", String(input.items.length)],
      ["verify_sign", opaqueToken(56)],
      ["payer_email", input.payer.email],
      ["parent_txn_id", input.parentTxnId],
      ["txn_id", input.txnId],
      ["payment_type", input.paymentType],
      ["reason_code", input.reasonCode],
      ["last_name", input.payer.surname],
      ["receiver_email", this.config.businessEmail],
      ["receiver_id", this.config.merchantId],
      ["txn_type", input.txnType],
      ...input.items.flatMap((item, index): Array<[string, string | undefined]> => [
        [`item_name${index + 1}`, item.name],
        [`item_number${index + 1}`, item.sku ?? ""],
        [`quantity${index + 1}`, item.quantity],
        [`mc_gross_${index + 1}`, amount(item.grossMinor)],
      ]),
      ["mc_currency", input.currency],
      ["residence_country", input.payer.countryCode],
      ["test_ipn", "1"],
      ["ipn_track_id", opaqueToken(13).toLowerCase()],
    ];
    const form = new URLSearchParams();
    for (const [name, value] of fields) if (value !== undefined) form.append(name, value);
    return form.toString();
  }

  register(router: Router): void {
    router.add("POST", "/cgi-bin/webscr", { kind: "public" }, (context) => {
      const body = context.rawBody.toString("utf8");
      const prefix = "cmd=_notify-validate&";
      const suffix = "&cmd=_notify-validate";
      const original = body.startsWith(prefix) ? body.slice(prefix.length) : body.endsWith(suffix) ? body.slice(0, -suffix.length) : undefined;
      const verdict = original !== undefined && this.sent.has(original) ? "VERIFIED" : "INVALID";
      return { status: 200, text: verdict, contentType: "text/html; charset=UTF-8" };
    });
  }
}
