import "server-only";
import pino from "pino";

/** Keys whose values never reach the logs, wherever they appear in a logged object (up to three levels down). */
const SECRET_KEYS = new Set(["password", "passwordHash", "secret", "clientSecret", "accessToken", "access_token", "authorization"]);
const CENSOR = "[redacted]";
const SECRET_DEPTH = 3;

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * The object with every secret key's value replaced by CENSOR, copying only the objects on the way to one: a line
 * without secrets (nearly every line) is passed on as it came. pino's path-based `redact` did the same job at a price
 * paid on every line: its wildcard paths (`*.password`) cloned and re-parsed per logged key, 7.7 KB allocated and
 * 0.03 ms per line, 0.06 ms of a checkout's app CPU (bench:checkout's heap and CPU profiles, README "Performance").
 */
export function censorSecrets<T>(value: T, depth = SECRET_DEPTH): T {
  if (depth === 0 || !isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const inner = value[key];
    const next = SECRET_KEYS.has(key) && inner !== undefined ? CENSOR : censorSecrets(inner, depth - 1);
    if (next !== inner) (copy ??= { ...value })[key] = next;
  }
  return (copy ?? value) as T;
}

/**
 * The one logger. Secrets never reach the logs: credentials, tokens and passwords are censored wherever they appear
 * in a logged object (censorSecrets), and the PayPal client logs only method, path, status, debug id and timing.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    base: { app: "coursepay" },
    formatters: { log: (object) => censorSecrets(object) },
  },
  // Written synchronously, from the thread that logs. pino's default stream writes asynchronously through libuv's
  // thread pool: every line woke a pool thread and then, through an eventfd, the event loop again — two extra
  // wake-ups per line, 4 of a checkout's 10.5 at 10 in flight (bench:checkout's wake-ups column, strace). A
  // synchronous write is also never lost when the process is killed right after it, as the resilience test does.
  pino.destination({ dest: 1, sync: true }),
);

export type Logger = typeof log;
