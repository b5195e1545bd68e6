/**
 * `npm run emulator`: the emulator alone, configured from the environment (see README.md).
 */
import { optionsFromEnv } from "./config";
import { startEmulator } from "./index";

async function main(): Promise<void> {
  const emulator = await startEmulator(optionsFromEnv(process.env));
  console.log(`PayPal emulator listening on ${emulator.url}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
