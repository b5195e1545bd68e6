/**
 * What must be right before a server starts serving. Each problem is one line an operator can act on; a
 * production start with any of them exits non-zero instead of printing "Ready" and answering 500.
 * Plain functions over an environment object: the server, the operator commands and the tests share them.
 */
import { payPalEnvironment } from "@/lib/paypal/environment";
import { stripeEnvironment } from "@/lib/stripe/environment";

type Env = Record<string, string | undefined>;

const MIN_SECRET_LENGTH = 32;

function wholeNumber(env: Env, name: string, { min }: { min: number }): string | null {
  const value = env[name];
  if (value === undefined || value === "") return null;
  return /^\d+$/.test(value) && Number(value) >= min ? null : `${name}=${JSON.stringify(value)} is not a whole number of at least ${min}.`;
}

export function configurationProblems(env: Env = process.env): string[] {
  const production = env.NODE_ENV === "production";
  const problems: (string | null)[] = [];
  if (production) {
    for (const name of ["AUTH_SECRET", "COURSEPAY_ENCRYPTION_KEY"]) {
      const value = env[name];
      if (!value) problems.push(`${name} is not set: give it ${MIN_SECRET_LENGTH} or more random characters (openssl rand -base64 32).`);
      else if (value.length < MIN_SECRET_LENGTH) problems.push(`${name} is too short to be a secret: use ${MIN_SECRET_LENGTH} or more random characters.`);
    }
  }
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\/[^\s]+$/.test(env.DATABASE_URL)) {
    problems.push("DATABASE_URL is not a postgres:// URL.");
  }
  problems.push(
    wholeNumber(env, "TRUSTED_PROXY_HOPS", { min: 0 }),
    wholeNumber(env, "DATABASE_POOL_SIZE", { min: 1 }),
    wholeNumber(env, "DATABASE_WAIT_SECONDS", { min: 0 }),
    wholeNumber(env, "RECONCILE_INTERVAL_SECONDS", { min: 0 }),
    wholeNumber(env, "OUTBOX_INTERVAL_MS", { min: 100 }),
    wholeNumber(env, "PORT", { min: 1 }),
    wholeNumber(env, "IPN_RATE_LIMIT_PER_MINUTE", { min: 1 }),
    wholeNumber(env, "IPN_RETENTION_DAYS", { min: 1 }),
  );
  for (const [provider, check] of [["PayPal", payPalEnvironment], ["Stripe", stripeEnvironment]] as const) {
    try {
      check(env);
    } catch (error) {
      problems.push(`${provider}: ${oneLine(error)}`);
    }
  }
  return problems.filter((p): p is string => p !== null);
}

/**
 * An error as one line, never a stack trace: zod's issues joined; a wrapped error (a failed query, a failed hook)
 * with its root cause, which is what an operator can act on ("connect ECONNREFUSED 127.0.0.1:5432").
 */
export function oneLine(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues)) return issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`).join("; ");
  // Duck-typed: errors from a bundle and from Node's internals need not share one Error class.
  const first = (e: unknown) => String((e as { message?: unknown })?.message ?? e).split("\n")[0]!;
  let root = error;
  while ((root as { cause?: unknown })?.cause) root = (root as { cause: unknown }).cause;
  return root === error ? first(error) : `${first(error)} (${first(root)})`;
}

/** Ends a start that cannot succeed: one line per problem on stderr, exit code 1. */
export function exitWithProblems(problems: string[]): never {
  for (const problem of problems) console.error(`[coursepay] cannot start: ${problem}`);
  process.exit(1);
}
