/**
 * Programmatic entry point: start an emulator (per test file, per benchmark, per dev session) and drive it.
 *
 *   const emulator = await startEmulator({ port: 0, webhookUrl: "http://127.0.0.1:3000/api/paypal/webhook" });
 *   process.env.PAYPAL_API_BASE = emulator.url;
 *   await emulator.control.approveOrder(orderId, { outcome: "pending" });
 *   await emulator.close();
 */
import { DEFAULTS, resolveConfig, type EmulatorConfig, type EmulatorOptions } from "./config";
import { EmulatorControl } from "./control";
import { Emulator } from "./emulator";
import { EmulatorServer } from "./server";
import { signingKeys } from "./signing";

export type { EmulatorOptions, EmulatorConfig } from "./config";
export { EmulatorControl } from "./control";
export type { OrderState, CaptureState, EmulatorInfo, DeliveryPolicyUpdate, FundingOutcome, FaultSpec } from "./control";
export { BUYERS, type BuyerAccount } from "./buyers";

export interface RunningEmulator {
  /** The public URL: REST base, approval pages, SDK at `${url}/sdk/js`. */
  url: string;
  port: number;
  config: EmulatorConfig;
  control: EmulatorControl;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const keys = await signingKeys();
  const server = new EmulatorServer();
  const port = await server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host);
  const config = resolveConfig(options, port);
  server.attach(new Emulator(config, keys));
  return { url: config.publicUrl, port, config, control: new EmulatorControl(config.publicUrl), close: () => server.close() };
}
