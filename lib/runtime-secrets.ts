/**
 * Secrets the app cannot start without. Production must provide them; in development they are generated
 * once into .data/dev-secrets.json (mode 0600) so `npm run dev` needs no configuration and sessions
 * survive restarts.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const REQUIRED = ["AUTH_SECRET", "COURSEPAY_ENCRYPTION_KEY"] as const;

export function ensureSecrets(dataDir: string): void {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length === 0) return;
  if (process.env.NODE_ENV === "production") {
    throw new Error(`Missing ${missing.join(" and ")}: set them in the environment (see README, Configuration).`);
  }
  const file = path.join(dataDir, "dev-secrets.json");
  let stored: Partial<Record<(typeof REQUIRED)[number], string>> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8"));
  const fresh = { ...stored };
  for (const name of REQUIRED) fresh[name] ??= randomBytes(32).toString("base64url");
  if (JSON.stringify(fresh) !== JSON.stringify(stored)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  }
  for (const name of missing) process.env[name] = fresh[name];
}
