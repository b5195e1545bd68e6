/**
 * Emulator options, their defaults, and how the CLI reads them from the environment.
 */

export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. Default 4010. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Base of every link, the cert URL, the approval page and the SDK. Default `http://<host>:<port>`. */
  publicUrl?: string;
  /** The accepted REST credentials. */
  clientId?: string;
  clientSecret?: string;
  /** A webhook listener registered at start-up (and kept across resets) with id `webhookId`. */
  webhookUrl?: string;
  webhookId?: string;
  /** Where legacy IPN messages are posted; none are sent without it. */
  ipnUrl?: string;
  /** The merchant's (receiver's) PayPal email. */
  businessEmail?: string;
  /** The merchant's 13-character PayPal account id. */
  merchantId?: string;
  /** Shown on the approval page when an order names no `brand_name`. */
  brandName?: string;
  /** `expires_in` of issued access tokens, in seconds. Default 32400 (9 h). */
  tokenTtlSeconds?: number;
  /** Delay before each retry of a failed webhook delivery (compressed stand-in for PayPal's days-long schedule). */
  webhookRetryDelaysMs?: number[];
  /** Same for IPN messages. */
  ipnRetryDelaysMs?: number[];
  /** A delivery attempt that gets no answer within this time counts as failed. */
  deliveryTimeoutMs?: number;
  /** How long a `timeout` fault holds a request before dropping the connection. */
  faultTimeoutMs?: number;
}

export interface EmulatorConfig {
  host: string;
  port: number;
  publicUrl: string;
  clientId: string;
  clientSecret: string;
  webhookUrl: string | undefined;
  webhookId: string;
  ipnUrl: string | undefined;
  businessEmail: string;
  merchantId: string;
  brandName: string;
  tokenTtlSeconds: number;
  webhookRetryDelaysMs: readonly number[];
  ipnRetryDelaysMs: readonly number[];
  deliveryTimeoutMs: number;
  faultTimeoutMs: number;
}

export const DEFAULTS = {
  port: 4010,
  host: "127.0.0.1",
  clientId: "coursepay-local-client-id",
  clientSecret: "coursepay-local-client-secret",
  webhookId: "1JE4291016473214C",
  businessEmail: "merchant@coursepay.test",
  merchantId: "7Q2N5K8RJXW3A",
  brandName: "Coursepay",
  tokenTtlSeconds: 32_400,
  retryDelaysMs: [250, 1_000, 4_000, 15_000, 60_000],
  deliveryTimeoutMs: 5_000,
  faultTimeoutMs: 10_000,
} as const;

/** Fills in defaults once the real port is known (it may have been 0). */
export function resolveConfig(options: EmulatorOptions, port: number): EmulatorConfig {
  const host = options.host ?? DEFAULTS.host;
  return {
    host,
    port,
    publicUrl: (options.publicUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/+$/, ""),
    clientId: options.clientId ?? DEFAULTS.clientId,
    clientSecret: options.clientSecret ?? DEFAULTS.clientSecret,
    webhookUrl: options.webhookUrl,
    webhookId: options.webhookId ?? DEFAULTS.webhookId,
    ipnUrl: options.ipnUrl,
    businessEmail: options.businessEmail ?? DEFAULTS.businessEmail,
    merchantId: options.merchantId ?? DEFAULTS.merchantId,
    brandName: options.brandName ?? DEFAULTS.brandName,
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds,
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULTS.retryDelaysMs,
    ipnRetryDelaysMs: options.ipnRetryDelaysMs ?? DEFAULTS.retryDelaysMs,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? DEFAULTS.deliveryTimeoutMs,
    faultTimeoutMs: options.faultTimeoutMs ?? DEFAULTS.faultTimeoutMs,
  };
}

function integerFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value);

/** The CLI's environment variables (README, "Running it alone"). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  return {
    port: integerFromEnv(env, "PAYPAL_EMULATOR_PORT"),
    host: nonEmpty(env.PAYPAL_EMULATOR_HOST),
    publicUrl: nonEmpty(env.PAYPAL_EMULATOR_PUBLIC_URL),
    clientId: nonEmpty(env.PAYPAL_CLIENT_ID),
    clientSecret: nonEmpty(env.PAYPAL_CLIENT_SECRET),
    webhookUrl: nonEmpty(env.PAYPAL_EMULATOR_WEBHOOK_URL),
    webhookId: nonEmpty(env.PAYPAL_WEBHOOK_ID),
    ipnUrl: nonEmpty(env.PAYPAL_EMULATOR_IPN_URL),
    businessEmail: nonEmpty(env.PAYPAL_BUSINESS_EMAIL),
    tokenTtlSeconds: integerFromEnv(env, "PAYPAL_EMULATOR_TOKEN_TTL"),
  };
}
