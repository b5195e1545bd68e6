import path from "node:path";
import { defineConfig } from "vitest/config";

const shared = {
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests run lib/ code directly.
      "server-only": path.resolve(import.meta.dirname, "lib/testing/server-only-stub.ts"),
    },
  },
};
const exclude = ["node_modules/**", ".next/**", ".data/**"];

/**
 * Two projects: `unit` (unit and integration tests on PGlite and PostgreSQL) and `process` (real server processes
 * over the production build, so `next build` must run first; one file at a time, each starts its own servers).
 */
export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...exclude, "**/*.process.test.ts"],
          globalSetup: ["lib/testing/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { COURSEPAY_ENCRYPTION_KEY: "vitest-encryption-key", LOG_LEVEL: "silent" },
        },
      },
      {
        ...shared,
        test: {
          name: "process",
          include: ["**/*.process.test.ts"],
          exclude,
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
          env: { LOG_LEVEL: "silent" },
        },
      },
    ],
  },
});
