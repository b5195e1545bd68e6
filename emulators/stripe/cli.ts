/**
 * `npm run emulator:stripe`: the Stripe emulator alone, configured from the environment (STRIPE_EMULATOR_PORT,
 * default 4020; STRIPE_SECRET_KEY, default sk_test_coursepay_local; STRIPE_WEBHOOK_SECRET; STRIPE_EMULATOR_WEBHOOK_URL).
 */
import { startStripeEmulator, stripeOptionsFromEnv } from "./index";

async function main(): Promise<void> {
  const emulator = await startStripeEmulator(stripeOptionsFromEnv(process.env));
  console.log(`Stripe emulator listening on ${emulator.url}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
