/**
 * Where Relive's PostgreSQL comes from (DATABASE_URL or the embedded one), and
 * bringing its schema up to date with Prisma's own migration engine.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { ConfigError } from "../errors";
import { PrismaClient } from "./generated/client";
import { EmbeddedPostgres } from "./embedded-postgres";
import { OutageTypedPool } from "./outage";
import { runPrisma } from "./prisma-cli";

export type Db = PrismaClient;

export interface DatabaseHandle {
  url: string;
  /** Undefined when DATABASE_URL points at a server we do not own. */
  embedded: EmbeddedPostgres | undefined;
}

/** Starts the embedded PostgreSQL, or checks that DATABASE_URL answers. */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  log: (line: string) => void;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    await assertReachable(options.databaseUrl);
    return { url: options.databaseUrl, embedded: undefined };
  }
  const embedded = new EmbeddedPostgres({ dataDir: options.dataDir, log: options.log });
  const url = await embedded.start();
  return { url, embedded };
}

/** Says which host and port did not answer, and never the password. */
export async function assertReachable(url: string): Promise<void> {
  const { hostname, port, pathname, username } = new URL(url);
  const where = `${hostname}:${port || "5432"}`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const reason = describePgError(error);
    throw new ConfigError(
      `Cannot reach PostgreSQL at ${where} (database ${pathname.slice(1) || "?"}, user ${username || "?"}): ${reason}. ` +
        `Check DATABASE_URL, or unset it to use the embedded PostgreSQL.`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describePgError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ETIMEDOUT":
      return "timed out";
    case "28P01":
      return "password authentication failed";
    case "3D000":
      return "database does not exist";
    default:
      // pg's messages do not contain the password; keep only the first line.
      return (message ?? String(error)).split("\n")[0]!.slice(0, 200);
  }
}

/**
 * Applies pending migrations with `prisma migrate deploy`. A database that is
 * already up to date is left untouched (Prisma records each migration in
 * `_prisma_migrations`).
 */
export async function migrate(url: string, log: (line: string) => void): Promise<void> {
  const run = await runPrisma(["migrate", "deploy"], url);
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.code !== 0) {
    const detail = output
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("Loaded Prisma config") && !line.startsWith("Prisma schema loaded"))
      .slice(-3)
      .join(" ")
      .replaceAll(url, "<DATABASE_URL>");
    throw new ConfigError(`Database migration failed: ${detail}`);
  }
  const applied = output.includes("All migrations have been successfully applied") ? "applied pending migrations" : "schema up to date";
  log(`Database: ${applied}`);
}

/** A short, human reason from a Prisma or pg error (Prisma wraps it in a multi-line invocation report). */
export function describeDbError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const inner = /Message: `([^`]+)`/.exec(message)?.[1];
  const lines = message.split("\n").map((line) => line.trim()).filter(Boolean);
  return (inner ?? lines.at(-1) ?? (error as { code?: string }).code ?? "unknown database error").slice(0, 300);
}

/** The pg pool under each client that createPrismaClient made (see poolOf). */
const pools = new WeakMap<Db, pg.Pool>();

export function createPrismaClient(url: string): Db {
  // A database that stops answering (a frozen host, a dropped route) must not
  // hold a request forever: connecting gives up after 5 s, and the request is
  // refused as unavailable. The pool types the failures that pg leaves without a code (server/db/outage.ts).
  const pool = new OutageTypedPool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The pg pool under `db` (made by createPrismaClient; it closes with it).
 * For the one statement on a class's critical path, a session's save: Prisma's
 * client spends about 0.6 ms of JavaScript on each query before pg sends it
 * (1.2 against 0.6 ms for the same UPDATE, fsync included, on an idle
 * machine), and every change waits for its write before anyone hears of it.
 */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("poolOf: this client was not made by createPrismaClient");
  return pool;
}

/**
 * Runs a command-line script's `work` on its database: DATABASE_URL, else the
 * embedded PostgreSQL of a running server, else the embedded one started for
 * the script and stopped after it. The schema is brought up to date first.
 */
export async function withScriptDatabase<T>(
  env: { DATABASE_URL?: string; RELIVE_DATA_DIR: string },
  log: (line: string) => void,
  work: (db: Db) => Promise<T>,
): Promise<T> {
  let url = env.DATABASE_URL ?? (await EmbeddedPostgres.runningUrl(env.RELIVE_DATA_DIR));
  let startedHere: EmbeddedPostgres | undefined;
  try {
    if (!url) {
      const database = await openDatabase({ databaseUrl: undefined, dataDir: env.RELIVE_DATA_DIR, log });
      startedHere = database.embedded;
      url = database.url;
    }
    await migrate(url, log);
    const db = createPrismaClient(url);
    try {
      return await work(db);
    } finally {
      await db.$disconnect();
    }
  } finally {
    await startedHere?.stop();
  }
}
