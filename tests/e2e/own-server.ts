/**
 * A server of a test's own, to kill and restart: on its own database in the
 * main test server's PostgreSQL cluster (sharing the main server's database
 * would make the two servers peers through the socket.io adapter, and the
 * main one would wait for this one's answers for a while after it is killed).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { expect, type Page } from "@playwright/test";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { EmbeddedPostgres } from "../../server/db/embedded-postgres";

export const mainPort = Number(process.env.RELIVE_E2E_PORT ?? 3197);
export const port = mainPort + 1;
export const base = `http://localhost:${port}`;
const root = path.resolve(import.meta.dirname, "../..");

export async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready on")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready:\n${output}`)));
  });
  return child;
}

/** A new, empty database in the cluster at `clusterUrl` (the server migrates and seeds it); dropped by the returned function. */
export async function createDatabase(clusterUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `e2e_restart_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: clusterUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** A fresh database in the main test server's cluster. */
export async function ownDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const clusterUrl = await EmbeddedPostgres.runningUrl(path.join(os.tmpdir(), `relive-e2e-${mainPort}`));
  if (!clusterUrl) throw new Error("the main test server's PostgreSQL is not running");
  return createDatabase(clusterUrl);
}

export interface OwnServer {
  /**
   * Kills the server (SIGKILL) under the open `pages`, which must say they are
   * offline; runs `whileDown`; starts it again on the same database; and waits
   * for every page to come back by itself.
   */
  killAndRestart(pages: Page[], whileDown?: () => Promise<void>): Promise<void>;
  /** Kills it and drops its database. */
  close(): Promise<void>;
}

/** A server of the test's own on a fresh database (see the top of this file), at `base`. */
export async function ownServer(): Promise<OwnServer> {
  const database = await ownDatabase();
  let server = await startServer(database.url);
  return {
    async killAndRestart(pages, whileDown) {
      await kill(server);
      for (const page of pages) await expect(page.getByTestId("offline")).toBeVisible();
      await whileDown?.();
      server = await startServer(database.url);
      for (const page of pages) await expect(page.getByTestId("offline")).toHaveCount(0, { timeout: 20_000 });
    },
    async close() {
      await kill(server);
      await database.drop();
    },
  };
}
