import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject, onTestFinished } from "vitest";
import { RequestRefused } from "../../client/request";
import { migrate } from "../../server/db/database";

export const projectRoot = path.resolve(import.meta.dirname, "../..");

type Cleanup = () => Promise<void> | void;
const fileCleanups: Cleanup[] = [];

/**
 * Cleans up after the current test, or, when called from beforeAll, after
 * the file: such files call `runFileCleanups()` from afterAll.
 */
function onCleanup(cleanup: Cleanup): void {
  try {
    onTestFinished(cleanup);
  } catch {
    fileCleanups.push(cleanup);
  }
}

export async function runFileCleanups(): Promise<void> {
  for (const cleanup of fileCleanups.splice(0).reverse()) await cleanup();
}

/** A fresh database inside the test cluster, dropped when the test ends. */
export async function createTestDatabase(): Promise<string> {
  const admin = inject("adminDatabaseUrl");
  const name = `it_${crypto.randomBytes(6).toString("hex")}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  onCleanup(async () => {
    await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database (createTestDatabase) with every migration applied. */
export async function createMigratedDatabase(): Promise<string> {
  const url = await createTestDatabase();
  await migrate(url, () => undefined);
  return url;
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A temporary data directory, removed when the test ends. */
export async function tempDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "relive-it-data-"));
  // As root, PostgreSQL runs as the `postgres` user and must traverse this.
  await fs.chmod(dir, 0o755);
  onCleanup(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  return dir;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Set once the server printed its URL. */
  url: string | undefined;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the exit; reports how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/**
 * Runs the real server (`server/main.ts`, as `npm start` does) in a child
 * process. Resolves when it is ready or has exited, whichever comes first.
 */
export async function spawnServer(
  env: Record<string, string | undefined>,
  options: { command?: string[]; detached?: boolean } = {},
): Promise<ServerProcess> {
  const [command, ...args] = options.command ?? [process.execPath, "--import", "tsx", "server/main.ts"];
  const child = spawn(command!, args, {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let output = "";
  const server: ServerProcess = {
    child,
    url: undefined,
    output: () => output,
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
    async stop(signal = "SIGINT") {
      const started = Date.now();
      child.kill(signal);
      const { code } = await server.exited;
      return { code, ms: Date.now() - started };
    },
  };
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await server.exited;
    }
  });
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready on (http:\/\/localhost:\d+)/.exec(output);
      if (match && !server.url) {
        server.url = match[1];
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void server.exited.then(() => resolve());
  });
  return server;
}

/** PIDs of processes whose command line mentions `needle` (e.g. a data directory). */
export async function processesMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await fs.readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ");
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port that nothing listens on right now. */
export function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** "ok", or the reason the server gave for refusing a request (anything else is thrown). */
export async function refusalOf(pending: Promise<unknown>): Promise<string> {
  try {
    await pending;
    return "ok";
  } catch (error) {
    if (error instanceof RequestRefused) return error.refusal.reason;
    throw error;
  }
}
