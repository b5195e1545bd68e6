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
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.app.json" },
};

export default nextConfig;
