import "server-only";
import { verify, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import { z } from "zod";
import type { PayPalClient } from "./client";
import type { PayPalEnvironment } from "./environment";

export type Verification = { ok: true; transmissionId: string } | { ok: false; reason: string };

const CERT_TTL_MS = 24 * 60 * 60 * 1000;

type CachedCert = { publicKey: X509Certificate["publicKey"]; fetchedAt: number };

/**
 * Verifies that a webhook came from PayPal, with PayPal's offline method: an RSA-SHA256 signature over
 * `transmission_id|transmission_time|webhook_id|crc32(raw body)`, checked with the certificate named in the
 * headers — which is only ever downloaded from PayPal's own hosts (or, in local mode, the emulator), so an
 * attacker cannot bring their own certificate. Certificates are cached. When PAYPAL_WEBHOOK_VERIFY_API=true
 * and the certificate cannot be fetched, PayPal's verify-webhook-signature API decides instead.
 */
export class WebhookVerifier {
  private readonly certs = new Map<string, CachedCert>();

  constructor(
    private readonly env: PayPalEnvironment,
    private readonly client: PayPalClient,
    private readonly options: { apiFallback: boolean } = { apiFallback: process.env.PAYPAL_WEBHOOK_VERIFY_API === "true" },
  ) {}

  async verify(headers: Headers, rawBody: Buffer): Promise<Verification> {
    const h = (name: string) => headers.get(name) ?? "";
    const transmissionId = h("paypal-transmission-id");
    const transmissionTime = h("paypal-transmission-time");
    const signature = h("paypal-transmission-sig");
    const certUrl = h("paypal-cert-url");
    const algorithm = h("paypal-auth-algo");
    if (!transmissionId || !transmissionTime || !signature || !certUrl) return { ok: false, reason: "missing PayPal transmission headers" };
    if (algorithm !== "SHA256withRSA") return { ok: false, reason: `unsupported signature algorithm "${algorithm}"` };
    if (!this.env.webhookId) return { ok: false, reason: "PAYPAL_WEBHOOK_ID is not configured" };
    const allowed = this.certUrlAllowed(certUrl);
    if (!allowed.ok) return allowed;

    let publicKey: X509Certificate["publicKey"];
    try {
      publicKey = await this.certificateKey(certUrl);
    } catch (error) {
      if (this.options.apiFallback) return this.verifyWithApi(headers, rawBody, transmissionId);
      return { ok: false, reason: `certificate unavailable: ${(error as Error).message}` };
    }
    const message = `${transmissionId}|${transmissionTime}|${this.env.webhookId}|${crc32(rawBody)}`;
    const valid = verify("sha256", Buffer.from(message), publicKey, Buffer.from(signature, "base64"));
    return valid ? { ok: true, transmissionId } : { ok: false, reason: "signature does not match the body" };
  }

  private certUrlAllowed(certUrl: string): Verification {
    let url: URL;
    try {
      url = new URL(certUrl);
    } catch {
      return { ok: false, reason: "certificate URL is not a URL" };
    }
    const secure = url.protocol === "https:" || (this.env.mode === "local" && url.protocol === "http:");
    if (!secure || !this.env.certHosts.includes(url.host) || url.username || url.password) {
      return { ok: false, reason: `certificate URL outside PayPal: ${url.origin}` };
    }
    if (!url.pathname.startsWith("/v1/notifications/certs/")) return { ok: false, reason: "certificate URL is not a PayPal certificate path" };
    return { ok: true, transmissionId: "" };
  }

  private async certificateKey(certUrl: string) {
    const cached = this.certs.get(certUrl);
    if (cached && Date.now() - cached.fetchedAt < CERT_TTL_MS) return cached.publicKey;
    const response = await fetch(certUrl, { signal: AbortSignal.timeout(5_000), redirect: "error" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const certificate = new X509Certificate(await response.text());
    const now = Date.now();
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) throw new Error("certificate expired or not yet valid");
    // PayPal's signing certificates are issued to PayPal; the emulator's is not (local mode only).
    if (this.env.mode !== "local" && !/CN=[^,\n]*\.paypal\.com/i.test(certificate.subject)) throw new Error("certificate not issued to paypal.com");
    this.certs.set(certUrl, { publicKey: certificate.publicKey, fetchedAt: now });
    return certificate.publicKey;
  }

  private async verifyWithApi(headers: Headers, rawBody: Buffer, transmissionId: string): Promise<Verification> {
    try {
      const result = await this.client.call({
        operation: "webhooks.verify",
        method: "POST",
        path: "/v1/notifications/verify-webhook-signature",
        body: {
          auth_algo: headers.get("paypal-auth-algo"),
          cert_url: headers.get("paypal-cert-url"),
          transmission_id: transmissionId,
          transmission_sig: headers.get("paypal-transmission-sig"),
          transmission_time: headers.get("paypal-transmission-time"),
          webhook_id: this.env.webhookId,
          webhook_event: JSON.parse(rawBody.toString("utf8")),
        },
        schema: z.looseObject({ verification_status: z.string() }),
      });
      return result.verification_status === "SUCCESS" ? { ok: true, transmissionId } : { ok: false, reason: "PayPal's verification API answered FAILURE" };
    } catch (error) {
      return { ok: false, reason: `verification API unavailable: ${(error as Error).message}` };
    }
  }
}
