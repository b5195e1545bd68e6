import type { NextConfig } from "next";
import { ACTION_BODY_LIMIT_MB } from "./lib/http/limits";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package directory at run time.
  serverExternalPackages: ["@electric-sql/pglite"],
  experimental: {
    // forbidden(): a real 403 page for students who open admin pages.
    authInterrupts: true,
    // A course's cover and instructor photo come with the course form (lib/images refuses more than 5 MB each).
    serverActions: { bodySizeLimit: `${ACTION_BODY_LIMIT_MB}mb` },
  },
  turbopack: {
    resolveAlias: {
      // Next's client entry imports polyfills (Array.prototype.at, Object.hasOwn, trimStart, …) that every browser
      // Next 16 supports (Chrome/Edge/Firefox 111, Safari 16.4) has natively: 1.3 KB parsed on every page for none of
      // them. The key is the relative request in next/dist/esm/client/app-globals.js (a package path is not matched).
      "../build/polyfills/polyfill-module": "./lib/http/no-polyfills.ts",
    },
  },
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.app.json" },
};

export default nextConfig;
