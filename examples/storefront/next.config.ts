import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // The catalogue is imported from the load generator's source (one list of products for both), which
  // lies outside this app: the monorepo root is the root Turbopack may read from.
  turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) },
  poweredByHeader: false,
};

export default config;
