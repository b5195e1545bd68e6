/**
 * Programmatic entry point: a local stand-in for Stripe's test mode, for the dev launcher, tests and benchmarks.
 *
 *   const stripe = await startStripeEmulator({ port: 0, webhookUrl: "http://127.0.0.1:3000/api/payments/stripe/webhook" });
 *   new Stripe(stripe.secretKey, { host: "127.0.0.1", port: stripe.port, protocol: "http" });
 */
import { STRIPE_DEFAULTS, StripeEmulator, type StripeEmulatorOptions } from "./server";
import { StripeEmulatorControl } from "./control";

export { STRIPE_DEFAULTS, type StripeEmulatorOptions } from "./server";
export { StripeEmulatorControl } from "./control";
export { signature } from "./webhooks";

export type RunningStripeEmulator = {
  url: string;
  port: number;
  secretKey: string;
  webhookSecret: string;
  control: StripeEmulatorControl;
  close(): Promise<void>;
};

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<RunningStripeEmulator> {
  const emulator = new StripeEmulator(options);
  const url = await emulator.listen();
  return {
    url,
    port: Number(new URL(url).port),
    secretKey: emulator.secretKey,
    webhookSecret: emulator.webhookSecret,
    control: new StripeEmulatorControl(url),
    close: () => emulator.close(),
  };
}

export function stripeOptionsFromEnv(env: Record<string, string | undefined>): StripeEmulatorOptions {
  return {
    port: Number(env.STRIPE_EMULATOR_PORT ?? STRIPE_DEFAULTS.port),
    host: env.STRIPE_EMULATOR_HOST ?? STRIPE_DEFAULTS.host,
    publicUrl: env.STRIPE_EMULATOR_PUBLIC_URL,
    secretKey: env.STRIPE_SECRET_KEY ?? STRIPE_DEFAULTS.secretKey,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? STRIPE_DEFAULTS.webhookSecret,
    webhookUrl: env.STRIPE_EMULATOR_WEBHOOK_URL ?? null,
  };
}
