/**
 * OAuth 2.0 client credentials (`POST /v1/oauth2/token`) and bearer-token checks for every REST call.
 */
import { timingSafeEqual } from "node:crypto";
import type { Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { OAuthError, PayPalError } from "./errors";
import { accessToken, appId, nonceSuffix } from "./ids";
import type { Router } from "./router";

const SCOPES = [
  "https://uri.paypal.com/services/payments/payment/authcapture",
  "openid",
  "https://uri.paypal.com/services/payments/refund",
  "https://uri.paypal.com/services/subscriptions",
  "https://uri.paypal.com/services/applications/webhooks",
  "https://uri.paypal.com/services/applications/verify-webhook-signature",
].join(" ");

interface IssuedToken {
  clientId: string;
  expiresAt: number;
  issuedAt: number;
}

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

export class Tokens {
  private readonly issued = new Map<string, IssuedToken>();
  /** The live client-credentials token per client: PayPal hands the same token out until it expires. */
  private readonly current = new Map<string, string>();
  private readonly applicationId = appId();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: Clock,
  ) {}

  reset(): void {
    this.issued.clear();
    this.current.clear();
  }

  /** Invalidates every token issued so far (the app's cached token now gets `invalid_token`). */
  expireAll(): void {
    this.reset();
  }

  /** A fresh token outside the client-credentials call, e.g. the SDK's `facilitatorAccessToken`. */
  mint(clientId: string): string {
    const token = accessToken();
    const now = this.clock.now();
    this.issued.set(token, { clientId, issuedAt: now, expiresAt: now + this.config.tokenTtlSeconds * 1000 });
    return token;
  }

  /** Returns the client id behind an `Authorization: Bearer …` header or throws PayPal's 401. */
  authenticate(authorization: string | undefined): string {
    if (!authorization?.startsWith("Bearer ")) throw new PayPalError(401);
    const token = authorization.slice("Bearer ".length).trim();
    const issued = this.issued.get(token);
    if (!issued || issued.expiresAt <= this.clock.now()) {
      if (issued) this.issued.delete(token);
      throw new OAuthError(401, "invalid_token", "Access Token not found in cache");
    }
    return issued.clientId;
  }

  register(router: Router): void {
    router.add("POST", "/v1/oauth2/token", { kind: "token" }, (context) => {
      const clientId = this.checkClientCredentials(context.headers.authorization);
      const form = new URLSearchParams(context.rawBody.toString("utf8"));
      const grantType = form.get("grant_type");
      if (grantType === null) throw new OAuthError(400, "unsupported_grant_type", "Grant Type is NULL");
      if (grantType !== "client_credentials") throw new OAuthError(400, "unsupported_grant_type", `Grant Type ${grantType} is not supported`);
      const { token, expiresAt } = this.currentToken(clientId);
      const now = this.clock.now();
      return {
        status: 200,
        body: {
          scope: SCOPES,
          access_token: token,
          token_type: "Bearer",
          app_id: this.applicationId,
          expires_in: Math.max(1, Math.ceil((expiresAt - now) / 1000)),
          nonce: `${new Date(now).toISOString().slice(0, 19)}Z${nonceSuffix()}`,
        },
      };
    });
  }

  private currentToken(clientId: string): { token: string; expiresAt: number } {
    const existing = this.current.get(clientId);
    const issued = existing === undefined ? undefined : this.issued.get(existing);
    if (existing !== undefined && issued && issued.expiresAt > this.clock.now()) return { token: existing, expiresAt: issued.expiresAt };
    const token = this.mint(clientId);
    this.current.set(clientId, token);
    return { token, expiresAt: (this.issued.get(token) as IssuedToken).expiresAt };
  }

  private checkClientCredentials(authorization: string | undefined): string {
    const failed = new OAuthError(401, "invalid_client", "Client Authentication failed");
    if (!authorization?.startsWith("Basic ")) throw failed;
    const decoded = Buffer.from(authorization.slice("Basic ".length).trim(), "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator < 0) throw failed;
    const clientId = decoded.slice(0, separator);
    const secret = decoded.slice(separator + 1);
    if (clientId !== this.config.clientId || !sameSecret(secret, this.config.clientSecret)) throw failed;
    return clientId;
  }
}
