/**
 * `npm run prisma -- <args>`: the Prisma CLI against DATABASE_URL, or, when
 * it is unset, against a throwaway embedded PostgreSQL. Authoring a migration:
 *
 *   npm run prisma -- migrate diff --from-migrations prisma/migrations \
 *     --to-schema-datamodel prisma/schema.prisma --script
 *
 * (migrate dev needs a shadow database, which the pg adapter cannot make.)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { EmbeddedPostgres } from "../server/db/embedded-postgres";
import { runPrisma } from "../server/db/prisma-cli";

const args = process.argv.slice(2);
let url = process.env.DATABASE_URL;
let db: EmbeddedPostgres | undefined;
let tmp: string | undefined;
if (!url) {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "relive-prisma-"));
  await fs.chmod(tmp, 0o755);
  db = new EmbeddedPostgres({ dataDir: tmp });
  url = await db.start();
}
try {
  const { code } = await runPrisma(args, url, { echo: true });
  process.exitCode = code;
} finally {
  await db?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
}
