import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests run lib/ code directly.
      "server-only": path.resolve(import.meta.dirname, "lib/testing/server-only-stub.ts"),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", ".data/**"],
    globalSetup: ["lib/testing/global-setup.ts"],
    testTimeout: 30_000,
    env: { COURSEPAY_ENCRYPTION_KEY: "vitest-encryption-key", LOG_LEVEL: "silent" },
    hookTimeout: 60_000,
  },
});
