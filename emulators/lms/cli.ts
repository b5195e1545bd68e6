/**
 * `npm run emulator:lms`: the LMS emulator alone (LMS_EMULATOR_PORT, default 4030; LMS_EMULATOR_GATEWAY_URL, default
 * the store's demo-lms endpoint on localhost:3000). See emulators/lms/README.md.
 */
import { lmsOptionsFromEnv, startLmsEmulator } from "./index";

async function main(): Promise<void> {
  const emulator = await startLmsEmulator(lmsOptionsFromEnv(process.env));
  console.log(`LMS emulator listening on ${emulator.url}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
