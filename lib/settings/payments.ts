import "server-only";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { recordAdminAction } from "@/lib/audit";
import type { FieldErrors } from "@/lib/forms";
import { CURRENCIES, type CurrencyCode } from "@/lib/money";
import { PayPalClient } from "@/lib/paypal/client";
import {
  assertPayPalConfigured,
  environmentFor,
  LOCAL_DEFAULTS,
  localModeAllowed,
  payPalEnvironment,
  type PayPalEnvironment,
  type PayPalMode,
  type PayPalValues,
} from "@/lib/paypal/environment";
import { PayPalError } from "@/lib/paypal/errors";
import { encryptSecret } from "@/lib/secrets";
import { openSecret, saveSettingsForm, secretEnding, settingsUnderTest, SettingsResolver, SettingsRow, type ConnectionResult, type SaveResult, type SecretView, type SettingsCodec } from "./row";

/**
 * The store's PayPal settings as an admin saved them (settings row `payments.paypal`), over the environment's
 * PAYPAL_* defaults: a value saved here wins; a credential left empty falls back to the environment's, but only
 * for the environment's own mode (a sandbox client id never serves live). Client secrets are stored AES-256-GCM
 * encrypted, bound to their environment, and never leave the server: the page sees their last four characters.
 */
export const PAYMENT_SETTINGS_KEY = "payments.paypal";
const ROW = new SettingsRow(PAYMENT_SETTINGS_KEY);

const MODES = ["local", "sandbox", "live"] as const;
/** The environments an admin keeps credentials for (local uses the emulator's own). */
const ENVIRONMENTS = ["sandbox", "live"] as const;
type CredentialEnvironment = (typeof ENVIRONMENTS)[number];
const CREDENTIAL_FIELDS = ["clientId", "clientSecret", "webhookId"] as const;
const LABELS: Record<PayPalMode, string> = { local: "the local emulator", sandbox: "PayPal's sandbox", live: "PayPal live" };

const currencyCode = z.enum(CURRENCIES as [CurrencyCode, ...CurrencyCode[]], { error: (issue) => `${String(issue.input)} is not a currency PayPal accepts.` });
const secretPurpose = (environment: CredentialEnvironment) => `paypal.${environment}.client_secret`;

// ---------------------------------------------------------------------------------------------
// Storage

const storedCredentials = z.object({
  clientId: z.string().optional(),
  /** Encrypted (lib/secrets) under the purpose secretPurpose(environment). */
  clientSecret: z.string().optional(),
  webhookId: z.string().optional(),
});
const storedSchema = z.object({
  enabled: z.boolean().optional(),
  mode: z.enum(MODES).optional(),
  sandbox: storedCredentials.optional(),
  live: storedCredentials.optional(),
  businessEmail: z.string().optional(),
  allowedCurrencies: z.array(currencyCode).min(1).optional(),
});
type Stored = z.infer<typeof storedSchema>;

/** `clientSecret: null`: saved, but no configured key decrypts it (the key changed without rotation). */
type Credentials = { clientId?: string; clientSecret?: string | null; webhookId?: string };
/** What an admin saved, secrets in clear, with the defaults of a store nobody configured yet. */
type Saved = PaymentSettings & { sandbox: Credentials; live: Credentials; businessEmail?: string };

/** The settings other modules may read: nothing secret. */
export type PaymentSettings = { enabled: boolean; mode: PayPalMode; allowedCurrencies: CurrencyCode[] };

function publicPart(stored: Stored): PaymentSettings {
  // A database copied from development must not point a production server at the emulator.
  const mode = stored.mode === "local" && !localModeAllowed() ? undefined : stored.mode;
  return { enabled: stored.enabled ?? true, mode: mode ?? payPalEnvironment().mode, allowedCurrencies: stored.allowedCurrencies ?? [...CURRENCIES] };
}

function decode(value: unknown): Saved {
  const stored = storedSchema.parse(value ?? {});
  const credentials = (environment: CredentialEnvironment): Credentials => {
    const { clientId, clientSecret, webhookId } = stored[environment] ?? {};
    return { clientId, webhookId, clientSecret: clientSecret === undefined ? undefined : openSecret(clientSecret, secretPurpose(environment)) };
  };
  return { ...publicPart(stored), sandbox: credentials("sandbox"), live: credentials("live"), businessEmail: stored.businessEmail };
}

function unreadableSecret(environment: PayPalMode): Error {
  return new Error(
    `The saved PayPal ${environment} client secret cannot be decrypted with COURSEPAY_ENCRYPTION_KEY or COURSEPAY_ENCRYPTION_KEY_PREVIOUS ` +
      "(was the key changed without keeping the old one as COURSEPAY_ENCRYPTION_KEY_PREVIOUS?). Enter the secret again in Admin → Payment settings.",
  );
}

/** Only settings that passed apply() are encoded: an unreadable secret has been replaced or removed by then. */
function encode(saved: Saved): Stored {
  const credentials = (environment: CredentialEnvironment) => {
    const { clientId, clientSecret, webhookId } = saved[environment];
    return { clientId, webhookId, clientSecret: clientSecret ? encryptSecret(clientSecret, secretPurpose(environment)) : undefined };
  };
  const { enabled, mode, allowedCurrencies, businessEmail } = saved;
  return { enabled, mode, allowedCurrencies, businessEmail, sandbox: credentials("sandbox"), live: credentials("live") };
}

export async function readPaymentSettings(db: Queryable): Promise<PaymentSettings> {
  return publicPart(storedSchema.parse((await ROW.read(db)) ?? {}));
}

// ---------------------------------------------------------------------------------------------
// The configuration in force

/** What the PAYPAL_* variables provide for `mode`: their own mode's values, or the emulator's for local. */
function fallbackFor(mode: PayPalMode): PayPalValues {
  const env = payPalEnvironment();
  if (env.mode === mode) return env;
  return mode === "local" ? environmentFor("local", {}) : {};
}

function environmentOf(saved: Saved): PayPalEnvironment {
  const fallback = fallbackFor(saved.mode);
  const own: Credentials = saved.mode === "local" ? {} : saved[saved.mode];
  // Client id and secret are a pair: both saved, or both from the environment.
  const pair = own.clientId !== undefined ? own : fallback;
  if (pair.clientSecret === null) throw unreadableSecret(saved.mode);
  return environmentFor(saved.mode, {
    clientId: pair.clientId,
    clientSecret: pair.clientSecret,
    webhookId: own.webhookId ?? fallback.webhookId,
    businessEmail: saved.businessEmail ?? fallback.businessEmail,
  });
}

export type EffectivePayments = { enabled: boolean; allowedCurrencies: CurrencyCode[]; env: PayPalEnvironment };

function effective(value: unknown): EffectivePayments {
  const saved = decode(value);
  return { enabled: saved.enabled, allowedCurrencies: saved.allowedCurrencies, env: environmentOf(saved) };
}

/** The PayPal configuration in force, as one app instance sees it (see SettingsResolver). */
export class PaymentSettingsResolver extends SettingsResolver<EffectivePayments> {
  constructor(maxAgeMs = 2_000) {
    super(ROW, effective, () => payPalEnvironment(), maxAgeMs);
  }
}

/** This process's view of the settings (lib/payments/runtime.ts builds the payment deps from it). */
export const processPaymentSettings = new PaymentSettingsResolver();

/**
 * At start: refuses a production server whose payments would go to the emulator without being asked to. Nothing
 * is decrypted here, so a server whose saved secret became unreadable still starts and lets an admin repair it.
 */
export async function assertPaymentsConfigured(db: Queryable): Promise<void> {
  assertPayPalConfigured((await readPaymentSettings(db)).mode);
}

// ---------------------------------------------------------------------------------------------
// The admin's form

/** Text other than secrets: surrounding spaces are dropped; empty means "not set". */
const text = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" ? v.trim() || undefined : v), schema.optional());
const checkbox = z.literal("on").optional().transform((v) => v === "on");
const clientId = z.string().regex(/^[A-Za-z0-9_-]{10,128}$/, "This does not look like a PayPal client id: 10 to 128 letters, digits, - or _.");
const webhookId = z.string().regex(/^[A-Z0-9]{8,64}$/, "This does not look like a PayPal webhook id: capital letters and digits, as PayPal shows it.");
/** Secrets are never trimmed: a pasted space is a mistake the admin must see, not one we silently repair. */
const secret = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .max(256, "A PayPal secret is shorter than this.")
    .superRefine((value, ctx) => {
      if (/^\s|\s$/.test(value)) ctx.addIssue({ code: "custom", message: "The secret starts or ends with a space or line break. Copy it again without them." });
      else if (/\s/.test(value)) ctx.addIssue({ code: "custom", message: "A PayPal secret has no spaces in it." });
    })
    .optional(),
);

export const paymentSettingsInput = z.object({
  enabled: checkbox,
  mode: z.enum(MODES, { error: "Choose where payments go." }),
  sandboxClientId: text(clientId),
  sandboxClientSecret: secret,
  sandboxClearSecret: checkbox,
  sandboxWebhookId: text(webhookId),
  liveClientId: text(clientId),
  liveClientSecret: secret,
  liveClearSecret: checkbox,
  liveWebhookId: text(webhookId),
  businessEmail: text(z.email("Enter an email address, like payments@example.com.")),
  allowedCurrencies: z
    .array(currencyCode)
    .min(1, "Choose at least one currency.")
    .transform((codes) => CURRENCIES.filter((c) => codes.includes(c))),
});
export type PaymentSettingsInput = z.output<typeof paymentSettingsInput>;

/** Addresses at domains reserved for tests and documentation (RFC 2606/6761), never a live merchant's. */
const TEST_DOMAIN = /(^|\.)(example\.(com|net|org)|test|example|invalid|localhost|local)$/i;

/** The settings the form asks for, checked against what is saved and what the environment provides. */
function apply(before: Saved, input: PaymentSettingsInput): { next: Saved; fieldErrors: FieldErrors | null } {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);

  const credentials = (environment: CredentialEnvironment): Credentials => {
    const typed = input[`${environment}ClientSecret`];
    const clear = input[`${environment}ClearSecret`];
    if (typed !== undefined && clear) fail(`${environment}ClearSecret`, "Either type a new secret or remove the saved one, not both.");
    const next = {
      clientId: input[`${environment}ClientId`],
      clientSecret: typed ?? (clear ? undefined : before[environment].clientSecret),
      webhookId: input[`${environment}WebhookId`],
    };
    if (next.clientId && !next.clientSecret) fail(`${environment}ClientSecret`, "Enter the secret that goes with this client id.");
    if (next.clientSecret && !next.clientId) fail(`${environment}ClientId`, "Enter the client id that goes with this secret.");
    return next;
  };
  const next: Saved = {
    enabled: input.enabled,
    mode: input.mode,
    sandbox: credentials("sandbox"),
    live: credentials("live"),
    businessEmail: input.businessEmail,
    allowedCurrencies: input.allowedCurrencies,
  };

  if (input.mode === "local" && !localModeAllowed()) fail("mode", "The local emulator is only available in development.");
  if (input.mode !== "local" && !next[input.mode].clientId && !next[input.mode].clientSecret && fallbackFor(input.mode).clientId === undefined) {
    fail(`${input.mode}ClientId`, `Enter the client id of your ${input.mode} REST app to use ${input.mode}.`);
    fail(`${input.mode}ClientSecret`, `Enter the secret of your ${input.mode} REST app to use ${input.mode}.`);
  }
  if (next.live.clientId === LOCAL_DEFAULTS.clientId) fail("liveClientId", "This is the local emulator's client id, not a live one.");
  if (next.live.clientSecret === LOCAL_DEFAULTS.clientSecret) fail("liveClientSecret", "This is the local emulator's secret, not a live one.");
  if (next.live.webhookId === LOCAL_DEFAULTS.webhookId) fail("liveWebhookId", "This is the local emulator's webhook id, not a live one.");
  if (input.mode === "live" && input.businessEmail && TEST_DOMAIN.test(input.businessEmail.split("@").pop() ?? "")) {
    fail("businessEmail", "Live payments need your real PayPal business email; this address is at a test domain.");
  }
  return { next, fieldErrors: Object.keys(errors).length ? errors : null };
}

/** Field paths that differ, e.g. ["mode", "sandbox.clientSecret"]: what the audit log records, never a value. */
function flat(s: Saved): Record<string, unknown> {
  const out: Record<string, unknown> = { enabled: s.enabled, mode: s.mode, businessEmail: s.businessEmail, allowedCurrencies: s.allowedCurrencies.join(" ") };
  for (const environment of ENVIRONMENTS) for (const field of CREDENTIAL_FIELDS) out[`${environment}.${field}`] = s[environment][field];
  return out;
}

const CODEC: SettingsCodec<Saved, PaymentSettingsInput> = { decode, apply, encode, flat };

/** Saves the form: all of it or, on any error, nothing. */
export function savePaymentSettings(db: Db, actorId: string, input: PaymentSettingsInput): Promise<SaveResult> {
  return saveSettingsForm(db, actorId, { row: ROW, action: "settings.payments.updated", resolver: processPaymentSettings }, CODEC, input);
}

/**
 * "Test connection": asks PayPal for an OAuth token with the credentials the form would put in force for the
 * chosen environment (typed, else saved, else the environment's) and reports PayPal's answer. Nothing is saved;
 * the token is dropped, never cached or shown. The click is audited with its outcome.
 */
export async function testPayPalConnection(db: Db, actorId: string, input: PaymentSettingsInput): Promise<ConnectionResult> {
  const form = await settingsUnderTest(db, ROW, CODEC, input);
  if ("refused" in form) return form.refused;
  const env = environmentOf(form.next);
  const client = new PayPalClient({ env, db, timeoutMs: 10_000, maxRetries: 0 });
  let result: ConnectionResult;
  let details: Record<string, unknown>;
  try {
    await client.checkCredentials();
    result = { ok: true, message: `Connected: ${LABELS[env.mode]} accepted these credentials. (Testing does not save them.)` };
    details = { mode: env.mode, outcome: "accepted" };
  } catch (error) {
    if (!(error instanceof PayPalError)) throw error;
    result = { ok: false, message: connectionFailure(env, error) };
    details = { mode: env.mode, outcome: error.kind === "network" ? "unreachable" : "refused", status: error.status, issue: error.issue, debugId: error.debugId };
  }
  await recordAdminAction(db, actorId, "settings.payments.tested", { type: "settings", id: ROW.key }, details);
  return result;
}

function connectionFailure(env: PayPalEnvironment, error: PayPalError): string {
  const where = `${LABELS[env.mode]} (${new URL(env.apiBase).host})`;
  const debug = error.debugId ? ` PayPal debug id: ${error.debugId}.` : "";
  if (error.kind === "network") return `Could not reach ${where}: ${error.message}. Check the server's network access and try again.`;
  if (error.status === 401) return `${where} refused these credentials (${error.issue}: ${error.message}). Check the client id and secret.${debug}`;
  return `${where} answered ${error.status} (${error.issue}: ${error.message}).${debug}`;
}

// ---------------------------------------------------------------------------------------------
// What the page shows

export type CredentialsView = {
  clientId: string;
  /** What applies when the field is empty (the environment's, for its own mode). */
  clientIdDefault: string | null;
  secret: SecretView;
  webhookId: string;
  webhookIdDefault: string | null;
};
export type PaymentSettingsView = PaymentSettings & {
  /** The modes the form offers (local only where the emulator may be used). */
  modes: PayPalMode[];
  currencies: CurrencyCode[];
  sandbox: CredentialsView;
  live: CredentialsView;
  businessEmail: string;
  businessEmailDefault: string | null;
  lastSaved: { at: Date; by: string | null } | null;
};

export async function paymentSettingsView(db: Queryable): Promise<PaymentSettingsView> {
  const { value, lastSaved } = await ROW.readWithMeta(db);
  const saved = decode(value);
  const ending = secretEnding;
  const credentials = (environment: CredentialEnvironment): CredentialsView => {
    const own = saved[environment];
    const fallback = fallbackFor(environment);
    const inherited = own.clientId === undefined && fallback.clientSecret !== undefined;
    return {
      clientId: own.clientId ?? "",
      clientIdDefault: fallback.clientId ?? null,
      secret:
        own.clientSecret !== undefined
          ? { source: "settings", endsWith: own.clientSecret && ending(own.clientSecret) }
          : inherited
            ? { source: "environment", endsWith: ending(fallback.clientSecret!) }
            : null,
      webhookId: own.webhookId ?? "",
      webhookIdDefault: fallback.webhookId ?? null,
    };
  };
  return {
    enabled: saved.enabled,
    mode: saved.mode,
    allowedCurrencies: saved.allowedCurrencies,
    modes: MODES.filter((mode) => mode !== "local" || localModeAllowed()),
    currencies: [...CURRENCIES],
    sandbox: credentials("sandbox"),
    live: credentials("live"),
    businessEmail: saved.businessEmail ?? "",
    businessEmailDefault: fallbackFor(saved.mode).businessEmail ?? null,
    lastSaved,
  };
}

// ---------------------------------------------------------------------------------------------
// Key rotation

/** Rewrites the saved secrets under the current key (the old one may be COURSEPAY_ENCRYPTION_KEY_PREVIOUS). Returns how many. */
export async function reencryptPaymentSecrets(tx: Queryable): Promise<number> {
  await ROW.lock(tx);
  const value = await ROW.read(tx);
  if (value === undefined) return 0;
  const stored = storedSchema.parse(value);
  let count = 0;
  for (const environment of ENVIRONMENTS) {
    const encrypted = stored[environment]?.clientSecret;
    if (encrypted === undefined) continue;
    const plain = openSecret(encrypted, secretPurpose(environment));
    if (plain === null) throw unreadableSecret(environment);
    stored[environment] = { ...stored[environment], clientSecret: encryptSecret(plain, secretPurpose(environment)) };
    count++;
  }
  if (count) await ROW.overwrite(tx, stored);
  return count;
}
