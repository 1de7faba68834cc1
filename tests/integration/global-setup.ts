/**
 * One real PostgreSQL (the embedded one, in a temporary folder) for the whole
 * integration run. Tests that need a database create their own inside it with
 * `createTestDatabase()`, so they never touch a user's data.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { EmbeddedPostgres } from "../../server/db/embedded-postgres";

let db: EmbeddedPostgres | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "relive-it-pg-"));
  await fs.chmod(dir, 0o755);
  db = new EmbeddedPostgres({ dataDir: dir });
  const url = await db.start();
  project.provide("adminDatabaseUrl", url);
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
