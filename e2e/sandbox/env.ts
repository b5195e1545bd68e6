/** What the sandbox suite needs from the environment; without all of it every test is skipped. */
export const SANDBOX_ENV_VARS = [
  "PAYPAL_CLIENT_ID",
  "PAYPAL_CLIENT_SECRET",
  "PAYPAL_SANDBOX_BUYER_EMAIL",
  "PAYPAL_SANDBOX_BUYER_PASSWORD",
] as const;

export const missingSandboxEnv = SANDBOX_ENV_VARS.filter((name) => !process.env[name]);

export const sandboxAppPort = Number(process.env.E2E_SANDBOX_APP_PORT ?? 3300);
export const sandboxAppUrl = `http://localhost:${sandboxAppPort}`;
