/**
 * `npm run emulator`: the emulator alone, configured from the environment (see README.md).
 */
import { runUntilSignalled } from "../run";
import { optionsFromEnv } from "./config";
import { startEmulator } from "./index";

runUntilSignalled(() => startEmulator(optionsFromEnv(process.env)), (emulator) => `PayPal emulator listening on ${emulator.url}`);
