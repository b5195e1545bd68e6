import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package directory at run time.
  serverExternalPackages: ["@electric-sql/pglite"],
  experimental: {
    // forbidden(): a real 403 page for students who open admin pages.
    authInterrupts: true,
  },
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.app.json" },
};

export default nextConfig;
