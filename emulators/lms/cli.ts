/**
 * `npm run emulator:lms`: the LMS emulator alone (LMS_EMULATOR_PORT, default 4030; LMS_EMULATOR_GATEWAY_URL, default
 * the store's demo-lms endpoint on localhost:3000). See emulators/lms/README.md.
 */
import { runUntilSignalled } from "../run";
import { lmsOptionsFromEnv, startLmsEmulator } from "./index";

runUntilSignalled(() => startLmsEmulator(lmsOptionsFromEnv(process.env)), (emulator) => `LMS emulator listening on ${emulator.url}`);
