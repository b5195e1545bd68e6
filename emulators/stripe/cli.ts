/**
 * `npm run emulator:stripe`: the Stripe emulator alone, configured from the environment (STRIPE_EMULATOR_PORT,
 * default 4020; STRIPE_SECRET_KEY, default sk_test_coursepay_local; STRIPE_WEBHOOK_SECRET; STRIPE_EMULATOR_WEBHOOK_URL).
 */
import { runUntilSignalled } from "../run";
import { startStripeEmulator, stripeOptionsFromEnv } from "./index";

runUntilSignalled(() => startStripeEmulator(stripeOptionsFromEnv(process.env)), (emulator) => `Stripe emulator listening on ${emulator.url}`);
