import "server-only";
import pino from "pino";

/**
 * The one logger. Secrets never reach the logs: credentials, tokens and passwords are redacted wherever
 * they appear in a logged object, and the PayPal client logs only method, path, status, debug id and timing.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "coursepay" },
  redact: {
    paths: [
      "password",
      "*.password",
      "passwordHash",
      "*.passwordHash",
      "secret",
      "*.secret",
      "clientSecret",
      "*.clientSecret",
      "accessToken",
      "*.accessToken",
      "access_token",
      "*.access_token",
      "authorization",
      "*.authorization",
      "headers.authorization",
      "*.headers.authorization",
    ],
    censor: "[redacted]",
  },
});

export type Logger = typeof log;
