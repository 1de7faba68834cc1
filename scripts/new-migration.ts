/**
 * `npm run db:migration -- <name>`: writes the SQL that takes the committed
 * schema (git HEAD's prisma/schema.prisma) to the working copy's, as a new
 * Prisma migration folder.
 *
 * `prisma migrate dev` needs a shadow database, and introspection
 * (`--from-schema-datasource`, `db pull`) is refused or fails with the driver
 * adapter used offline here. Diffing two schema files needs neither. The
 * integration test "migrations match the schema" catches any drift between
 * the migrations and the schema this relies on.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DateTime } from "luxon";
import { EmbeddedPostgres } from "../server/db/embedded-postgres";
import { runPrisma } from "../server/db/prisma-cli";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lowercase letters, digits and _)");
  process.exit(2);
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "relive-migration-"));
await fs.chmod(tmp, 0o755);
// The wasm schema engine connects through the adapter even to diff two files.
const db = new EmbeddedPostgres({ dataDir: tmp });
try {
  const url = await db.start();
  const committed = path.join(tmp, "committed.prisma");
  await fs.writeFile(committed, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
  const diff = await runPrisma(
    ["migrate", "diff", "--from-schema-datamodel", committed, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    url,
  );
  if (diff.code !== 0) throw new Error(`migrate diff failed:\n${diff.stdout}\n${diff.stderr}`);
  const sql = diff.stdout.replace(/^Loaded Prisma config.*\n/m, "").trim();
  if (!sql || sql === "-- This is an empty migration.") {
    console.log("prisma/schema.prisma matches the committed schema; nothing to write.");
  } else {
    const folder = path.join("prisma/migrations", `${DateTime.utc().toFormat("yyyyLLddHHmmss")}_${name}`);
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(path.join(folder, "migration.sql"), `${sql}\n`);
    console.log(`Wrote ${folder}/migration.sql`);
  }
} finally {
  await db.stop();
  await fs.rm(tmp, { recursive: true, force: true });
}
