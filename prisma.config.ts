// Prisma CLI configuration. The Rust schema engine cannot be downloaded on
// every machine, so the CLI runs its wasm schema engine through the same
// `pg` driver adapter that the app uses at runtime (see docs/ARCHITECTURE.md).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set");
    // The CLI never ends this pool; allowExitOnIdle lets it exit when done
    // instead of waiting out pg's 10 s idle timeout (see prisma-cli-preload.cjs).
    return new PrismaPg({ connectionString, allowExitOnIdle: true });
  },
});
