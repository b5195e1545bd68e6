import "server-only";
import Stripe from "stripe";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { recordAdminAction } from "@/lib/audit";
import type { FieldErrors } from "@/lib/forms";
import { log } from "@/lib/log";
import { CURRENCIES, type CurrencyCode } from "@/lib/money";
import { encryptSecret } from "@/lib/secrets";
import { StripeClient } from "@/lib/stripe/client";
import { STRIPE_LOCAL_DEFAULTS, stripeEnvironment, stripeLocalAllowed, type StripeEnvironment, type StripeMode } from "@/lib/stripe/environment";
import { openSecret, saveSettingsForm, secretEnding, settingsUnderTest, SettingsResolver, SettingsRow, type ConnectionResult, type SaveResult, type SecretView, type SettingsCodec } from "./row";

/**
 * The store's Stripe settings as an admin saved them (settings row `payments.stripe`), over the environment's
 * STRIPE_* defaults, on the same terms as PayPal's (lib/settings/payments.ts): a value saved here wins; a key left
 * empty falls back to the environment's, for the environment's own mode only (a test key never serves live). The
 * secret key and the webhook signing secret are stored AES-256-GCM encrypted, bound to their mode and purpose, and
 * never leave the server: the page sees their last four characters.
 */
export const STRIPE_SETTINGS_KEY = "payments.stripe";
const ROW = new SettingsRow(STRIPE_SETTINGS_KEY);

const MODES = ["local", "test", "live"] as const satisfies readonly StripeMode[];
/** The modes an admin keeps keys for (local uses the emulator's own). */
const KEYED = ["test", "live"] as const;
type KeyedMode = (typeof KEYED)[number];
const SECRETS = ["secretKey", "webhookSecret"] as const;
type SecretName = (typeof SECRETS)[number];
export const STRIPE_LABELS: Record<StripeMode, string> = { local: "the local Stripe emulator", test: "Stripe test mode", live: "Stripe live" };

const purpose = (mode: KeyedMode, secret: SecretName) => `stripe.${mode}.${secret === "secretKey" ? "secret_key" : "webhook_secret"}`;
const currencyCode = z.enum(CURRENCIES as [CurrencyCode, ...CurrencyCode[]], { error: (issue) => `${String(issue.input)} is not a currency this store prices in.` });

// ---------------------------------------------------------------------------------------------
// Storage

const storedKeys = z.object({ secretKey: z.string().optional(), webhookSecret: z.string().optional() });
const storedSchema = z.object({
  enabled: z.boolean().optional(),
  mode: z.enum(MODES).optional(),
  test: storedKeys.optional(),
  live: storedKeys.optional(),
  currencies: z.array(currencyCode).min(1).optional(),
});
type Stored = z.infer<typeof storedSchema>;

/** `null`: saved, but no configured encryption key opens it. */
type Keys = Partial<Record<SecretName, string | null>>;
type Saved = { enabled: boolean; mode: StripeMode; test: Keys; live: Keys; currencies: CurrencyCode[] | null };

/** The environment's Stripe values, or none when its variables are unusable (boot refuses such a server anyway). */
function environmentDefaults(): StripeEnvironment | null {
  try {
    return stripeEnvironment();
  } catch {
    return null;
  }
}

function decode(value: unknown): Saved {
  const stored = storedSchema.parse(value ?? {});
  const env = environmentDefaults();
  // A database copied from development must not point a production server at the emulator.
  const mode = stored.mode === "local" && !stripeLocalAllowed() ? undefined : stored.mode;
  const keys = (m: KeyedMode): Keys => Object.fromEntries(SECRETS.flatMap((name) => (stored[m]?.[name] === undefined ? [] : [[name, openSecret(stored[m]![name]!, purpose(m, name))]])));
  return {
    enabled: stored.enabled ?? true,
    mode: mode ?? env?.mode ?? "local",
    test: keys("test"),
    live: keys("live"),
    currencies: stored.currencies ?? ((env?.currencies as CurrencyCode[] | null) ?? null),
  };
}

/** Only settings that passed apply() are encoded: an unreadable secret has been replaced or removed by then. */
function encode(saved: Saved): Stored {
  const keys = (m: KeyedMode) => Object.fromEntries(SECRETS.flatMap((name) => (saved[m][name] ? [[name, encryptSecret(saved[m][name]!, purpose(m, name))]] : [])));
  return { enabled: saved.enabled, mode: saved.mode, test: keys("test"), live: keys("live"), currencies: saved.currencies ?? undefined };
}

/** What the STRIPE_* variables give `mode`: their own mode's keys, or the emulator's for local. */
function fallbackFor(mode: StripeMode): Partial<StripeEnvironment> {
  const env = environmentDefaults();
  if (env?.mode === mode) return env;
  return mode === "local" ? stripeEnvironment({ STRIPE_ENV: "local", STRIPE_EMULATOR_PORT: process.env.STRIPE_EMULATOR_PORT }) : {};
}

function unreadable(mode: StripeMode, name: SecretName): Error {
  return new Error(
    `The saved Stripe ${mode} ${name === "secretKey" ? "secret key" : "webhook signing secret"} cannot be decrypted with COURSEPAY_ENCRYPTION_KEY or ` +
      "COURSEPAY_ENCRYPTION_KEY_PREVIOUS. Enter it again in Admin → Payment settings.",
  );
}

/**
 * Where Stripe payments go under these settings; null when there is no key for the mode. Turning Stripe off does not
 * change this: like PayPal's switch, it stops new checkouts only, while webhooks, refunds and reconciliation of
 * the orders already taken by card go on.
 */
function environmentOf(saved: Saved): StripeEnvironment | null {
  if (saved.mode === "local" && !stripeLocalAllowed()) return null;
  const fallback = fallbackFor(saved.mode);
  const own: Keys = saved.mode === "local" ? {} : saved[saved.mode];
  for (const name of SECRETS) if (own[name] === null) throw unreadable(saved.mode, name);
  const secretKey = own.secretKey ?? fallback.secretKey;
  if (!secretKey) return null;
  return {
    mode: saved.mode,
    secretKey,
    webhookSecret: own.webhookSecret ?? fallback.webhookSecret,
    api: saved.mode === "local" ? (fallback.api ?? { host: "127.0.0.1", port: STRIPE_LOCAL_DEFAULTS.port, protocol: "http" }) : null,
    currencies: saved.currencies,
  };
}

/** `enabled`: buyers are offered cards; `env`: where Stripe calls go (null: no key for the mode). */
export type EffectiveStripe = { enabled: boolean; env: StripeEnvironment | null };

function effective(value: unknown): EffectiveStripe {
  const saved = decode(value);
  return { enabled: saved.enabled, env: environmentOf(saved) };
}

/** The Stripe configuration in force, as one app instance sees it (see SettingsResolver). */
export class StripeSettingsResolver extends SettingsResolver<EffectiveStripe> {
  constructor(maxAgeMs = 2_000) {
    super(ROW, effective, environmentDefaults, maxAgeMs);
  }
}

export const processStripeSettings = new StripeSettingsResolver();

const UNUSABLE: EffectiveStripe = { enabled: false, env: null };

/**
 * Stripe as this process sees it now. A saved key that no encryption key opens makes Stripe unusable (logged)
 * rather than failing the store's pages; the admin page says what to do.
 */
export async function currentStripe(db: Queryable): Promise<EffectiveStripe> {
  try {
    return await processStripeSettings.current(db);
  } catch (error) {
    log.error({ err: error }, "Stripe unavailable: its configuration cannot be used");
    return UNUSABLE;
  }
}

// ---------------------------------------------------------------------------------------------
// The admin's form

const checkbox = z.literal("on").optional().transform((v) => v === "on");
/** Secrets are never trimmed: a pasted space is a mistake the admin must see. Empty means "keep what is saved". */
const secret = (pattern: RegExp, message: string) =>
  z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .max(256, "A Stripe key is shorter than this.")
      .refine((v) => !/\s/.test(v), "The key has a space or line break in it. Copy it again without them.")
      .refine((v) => /\s/.test(v) || pattern.test(v), message)
      .optional(),
  );

/** `stripeEnabled` and `stripeMode` share a page with PayPal's `enabled` and `mode`, so their names differ. */
export const stripeSettingsInput = z.object({
  stripeEnabled: checkbox,
  stripeMode: z.enum(MODES, { error: "Choose where card payments go." }),
  testSecretKey: secret(/^(sk|rk)_test_\w+$/, "A test-mode secret key starts with sk_test_ (or rk_test_ for a restricted key)."),
  testWebhookSecret: secret(/^whsec_\w+$/, "A webhook signing secret starts with whsec_."),
  testClear: checkbox,
  liveSecretKey: secret(/^(sk|rk)_live_\w+$/, "A live secret key starts with sk_live_ (or rk_live_ for a restricted key)."),
  liveWebhookSecret: secret(/^whsec_\w+$/, "A webhook signing secret starts with whsec_."),
  liveClear: checkbox,
  currencies: z
    .array(currencyCode)
    .min(1, "Choose at least one currency.")
    .transform((codes) => CURRENCIES.filter((c) => codes.includes(c))),
});
export type StripeSettingsInput = z.output<typeof stripeSettingsInput>;

function apply(before: Saved, input: StripeSettingsInput): { next: Saved; fieldErrors: FieldErrors | null } {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
  const keys = (m: KeyedMode): Keys => {
    const typed = { secretKey: input[`${m}SecretKey`], webhookSecret: input[`${m}WebhookSecret`] };
    const clear = input[`${m}Clear`];
    if (clear && (typed.secretKey || typed.webhookSecret)) fail(`${m}Clear`, "Either type new keys or remove the saved ones, not both.");
    if (clear) return {};
    return { secretKey: typed.secretKey ?? before[m].secretKey, webhookSecret: typed.webhookSecret ?? before[m].webhookSecret };
  };
  const mode = input.stripeMode;
  const next: Saved = { enabled: input.stripeEnabled, mode, test: keys("test"), live: keys("live"), currencies: input.currencies.length === CURRENCIES.length ? null : input.currencies };

  if (mode === "local" && !stripeLocalAllowed()) fail("stripeMode", "The local Stripe emulator is only available in development.");
  if (mode !== "local") {
    const fallback = fallbackFor(mode);
    if (!next[mode].secretKey && !fallback.secretKey) fail(`${mode}SecretKey`, `Enter the secret key of your Stripe account's ${mode === "test" ? "test mode" : "live mode"}.`);
    if (!next[mode].webhookSecret && !fallback.webhookSecret) {
      fail(`${mode}WebhookSecret`, "Enter the signing secret of your webhook endpoint: without it Stripe's notifications are refused and payments are only confirmed when the buyer returns.");
    }
  }
  for (const m of KEYED) {
    if (next[m].secretKey === STRIPE_LOCAL_DEFAULTS.secretKey) fail(`${m}SecretKey`, "This is the local emulator's key, not one from your Stripe account.");
    if (next[m].webhookSecret === STRIPE_LOCAL_DEFAULTS.webhookSecret) fail(`${m}WebhookSecret`, "This is the local emulator's signing secret, not one from your Stripe account.");
  }
  return { next, fieldErrors: Object.keys(errors).length ? errors : null };
}

function flat(s: Saved): Record<string, unknown> {
  const out: Record<string, unknown> = { enabled: s.enabled, mode: s.mode, currencies: s.currencies?.join(" ") ?? "all" };
  for (const m of KEYED) for (const name of SECRETS) out[`${m}.${name}`] = s[m][name];
  return out;
}

const CODEC: SettingsCodec<Saved, StripeSettingsInput> = { decode, apply, encode, flat };

/** Saves the form: all of it or, on any error, nothing. */
export function saveStripeSettings(db: Db, actorId: string, input: StripeSettingsInput): Promise<SaveResult> {
  return saveSettingsForm(db, actorId, { row: ROW, action: "settings.stripe.updated", resolver: processStripeSettings }, CODEC, input);
}

/**
 * "Test connection": one harmless read (list one Checkout Session) with the key the form would put in force for
 * the chosen mode (typed, else saved, else the environment's), reported in words and audited with its outcome.
 * Nothing is saved and nothing changes at Stripe.
 */
export async function testStripeConnection(db: Db, actorId: string, input: StripeSettingsInput): Promise<ConnectionResult> {
  const form = await settingsUnderTest(db, ROW, CODEC, input);
  if ("refused" in form) return form.refused;
  const config = environmentOf(form.next);
  if (!config) return { ok: false, message: `There is no secret key for ${STRIPE_LABELS[input.stripeMode]} to test.` };
  let result: ConnectionResult;
  let details: Record<string, unknown>;
  try {
    await new StripeClient(config, db).sdk.checkout.sessions.list({ limit: 1 }, { maxNetworkRetries: 0, timeout: 10_000 });
    result = { ok: true, message: `Connected: ${STRIPE_LABELS[config.mode]} accepted this secret key. (Testing does not save it.)` };
    details = { provider: "stripe", mode: config.mode, outcome: "accepted" };
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const unreachable = error instanceof Stripe.errors.StripeConnectionError;
    result = {
      ok: false,
      message: unreachable
        ? `Could not reach ${STRIPE_LABELS[config.mode]}: ${error.message}`
        : `${STRIPE_LABELS[config.mode]} refused this secret key (${error.statusCode ?? "?"}: ${error.message}).`,
    };
    details = { provider: "stripe", mode: config.mode, outcome: unreachable ? "unreachable" : "refused", status: error.statusCode, requestId: error.requestId };
  }
  await recordAdminAction(db, actorId, "settings.stripe.tested", { type: "settings", id: ROW.key }, details);
  return result;
}

// ---------------------------------------------------------------------------------------------
// What the page shows

export type StripeKeysView = Record<SecretName, SecretView>;
export type StripeSettingsView = {
  enabled: boolean;
  mode: StripeMode;
  modes: StripeMode[];
  currencies: CurrencyCode[];
  selectedCurrencies: CurrencyCode[];
  test: StripeKeysView;
  live: StripeKeysView;
  lastSaved: { at: Date; by: string | null } | null;
};

export async function stripeSettingsView(db: Queryable): Promise<StripeSettingsView> {
  const { value, lastSaved } = await ROW.readWithMeta(db);
  const saved = decode(value);
  const keys = (m: KeyedMode): StripeKeysView => {
    const fallback = fallbackFor(m);
    const view = (name: SecretName): SecretView => {
      const own = saved[m][name];
      if (own !== undefined) return { source: "settings", endsWith: own && secretEnding(own) };
      const inherited = fallback[name];
      return inherited ? { source: "environment", endsWith: secretEnding(inherited) } : null;
    };
    return { secretKey: view("secretKey"), webhookSecret: view("webhookSecret") };
  };
  return {
    enabled: saved.enabled,
    mode: saved.mode,
    modes: MODES.filter((m) => m !== "local" || stripeLocalAllowed()),
    currencies: [...CURRENCIES],
    selectedCurrencies: saved.currencies ?? [...CURRENCIES],
    test: keys("test"),
    live: keys("live"),
    lastSaved,
  };
}

// ---------------------------------------------------------------------------------------------
// Key rotation

/** Rewrites the saved Stripe secrets under the current encryption key. Returns how many. */
export async function reencryptStripeSecrets(tx: Queryable): Promise<number> {
  await ROW.lock(tx);
  const value = await ROW.read(tx);
  if (value === undefined) return 0;
  const stored = storedSchema.parse(value);
  let count = 0;
  for (const m of KEYED) {
    for (const name of SECRETS) {
      const encrypted = stored[m]?.[name];
      if (encrypted === undefined) continue;
      const plain = openSecret(encrypted, purpose(m, name));
      if (plain === null) throw unreadable(m, name);
      stored[m] = { ...stored[m], [name]: encryptSecret(plain, purpose(m, name)) };
      count++;
    }
  }
  if (count) await ROW.overwrite(tx, stored);
  return count;
}
