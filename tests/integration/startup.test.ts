/**
 * The server as `npm start` runs it: real processes, a real PostgreSQL, and
 * the signals a terminal sends.
 */
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { networkAddress } from "../../server/join-address";
import {
  createTestDatabase,
  delay,
  getJson,
  processesMentioning,
  spawnServer,
  tempDataDir,
  unusedPort,
  withClient,
  type ServerProcess,
} from "./helpers";

describe("start-up against the embedded PostgreSQL", () => {
  it("creates the cluster, serves health and pages, stops cleanly on SIGINT, and restarts", async () => {
    const dataDir = await tempDataDir();
    const first = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(first.url, first.output()).toBeDefined();

    const health = await getJson(`${first.url}/api/health`);
    expect(health).toEqual({ status: 200, body: { status: "ok", db: "ok", version: expect.any(String) } });
    const home = await fetch(`${first.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Feed library");
    await expect(fs.stat(path.join(dataDir, "postgres", "PG_VERSION"))).resolves.toBeTruthy();
    expect(await processesMentioning(dataDir)).not.toHaveLength(0);

    const stopped = await first.stop("SIGINT");
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(first.output()).toMatch(/stopped/);
    expect(await processesMentioning(dataDir)).toEqual([]);

    // A second start right after reuses the cluster and finds nothing to migrate.
    const second = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(second.url, second.output()).toBeDefined();
    expect(second.output()).toContain("schema up to date");
    expect(second.output()).not.toContain("Creating the embedded PostgreSQL cluster");
    expect((await getJson(`${second.url}/api/health`)).body.db).toBe("ok");
    expect((await second.stop("SIGTERM")).code).toBe(0);
    expect(await processesMentioning(dataDir)).toEqual([]);
  });

  it("leaves no process behind when Ctrl-C reaches the whole npm process group", async () => {
    const dataDir = await tempDataDir();
    const server = await spawnServer(
      { RELIVE_DATA_DIR: dataDir },
      { command: ["npm", "start", "--silent"], detached: true },
    );
    expect(server.url, server.output()).toBeDefined();
    expect(await processesMentioning(dataDir)).not.toHaveLength(0);

    // A terminal's Ctrl-C signals every process in the foreground group.
    process.kill(-server.child.pid!, "SIGINT");
    const exit = await server.exited;
    // npm itself re-raises the SIGINT it got; the server under it shut down in order.
    expect(exit.code === 0 || exit.signal === "SIGINT").toBe(true);
    expect(server.output()).toContain("relive: stopped");
    await delay(200);
    expect(await processesMentioning(dataDir)).toEqual([]);
  });
});

describe("start-up with DATABASE_URL", () => {
  it("uses that database, migrates it, starts no PostgreSQL of its own, and deletes expired sessions when it starts", async () => {
    const databaseUrl = await createTestDatabase();
    const dataDir = await tempDataDir();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: dataDir });
    expect(server.url, server.output()).toBeDefined();
    expect((await getJson(`${server.url}/api/health`)).body).toMatchObject({ status: "ok", db: "ok" });
    expect(server.output()).toContain("Database: DATABASE_URL");
    await expect(fs.stat(path.join(dataDir, "postgres"))).rejects.toThrow();

    const tables = await withClient(databaseUrl, (client) =>
      client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"),
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(["_prisma_migrations", "feed", "entry"]));
    expect((await server.stop()).code).toBe(0);

    // The next start deletes the sessions whose expiry has passed, and only those.
    const session = (expiresAt: string) =>
      withClient(databaseUrl, async (client) => {
        const row = await client.query<{ id: string }>(
          `INSERT INTO replay_session (id, "feedId", kind, "secretHash", playing, rate, "simAtAnchor", "serverTimeAtAnchor", revision, "markedEntryKeys", "pinnedCards", "revealedCards", "expiresAt")
           SELECT gen_random_uuid(), id, 'solo', 'x', false, 1, 0, 0, 0, '{}', '{}', '{}', $1 FROM feed LIMIT 1 RETURNING id`,
          [expiresAt],
        );
        return row.rows[0]!.id;
      });
    const expired = await session(new Date(Date.now() - 60_000).toISOString());
    const live = await session(new Date(Date.now() + 3_600_000).toISOString());
    const again = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: dataDir });
    expect(again.url, again.output()).toBeDefined();
    const ids = async () => (await withClient(databaseUrl, (client) => client.query<{ id: string }>(`SELECT id FROM replay_session`))).rows.map((row) => row.id);
    for (let i = 0; i < 100 && (await ids()).includes(expired); i++) await delay(50);
    expect(await ids()).toEqual([live]);
    expect((await again.stop()).code).toBe(0);
  });
});

/** The server's output once it has said where students join (the line after "ready on"). */
async function joinLine(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 100 && !/on the network: |Phones cannot|phones could use/.test(server.output()); i++) await delay(20);
  return server.output();
}

describe("the address students join at", () => {
  it("is printed beside the local URL: the network address, the public URL, or why there is none", async () => {
    const databaseUrl = await createTestDatabase();
    // Listening on every address; the test itself only ever connects to loopback.
    const open = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), HOST: "0.0.0.0" });
    expect(open.url, open.output()).toBeDefined();
    const port = new URL(open.url!).port;
    const address = networkAddress(os.networkInterfaces());
    if (address) expect(await joinLine(open)).toContain(`on the network: http://${address}:${port}`);
    else expect(await joinLine(open)).toContain("no network connection phones could use");
    expect((await open.stop()).code).toBe(0);

    const proxied = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_PUBLIC_URL: "https://relive.school.example" });
    expect(await joinLine(proxied)).toContain("on the network: https://relive.school.example");
    expect((await proxied.stop()).code).toBe(0);

    const local = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), HOST: "127.0.0.1" });
    expect(await joinLine(local)).toContain("Phones cannot reach this server: it only listens on this computer (HOST=127.0.0.1)");
    expect((await local.stop()).code).toBe(0);
  });
});

describe("bad configuration: one clear line and a non-zero exit", () => {
  function expectOneLineError(output: string): string {
    const lines = output.trim().split("\n").filter((line) => line.startsWith("relive:"));
    const errorLine = lines.at(-1) ?? "";
    expect(output).not.toMatch(/^\s+at /m); // no stack trace
    return errorLine;
  }

  it("names the host and port of an unreachable DATABASE_URL, never its password", async () => {
    const closedPort = await unusedPort();
    const server = await spawnServer({
      DATABASE_URL: `postgresql://teacher:hunter2-secret@127.0.0.1:${closedPort}/relive`,
      RELIVE_DATA_DIR: await tempDataDir(),
    });
    const { code } = await server.exited;
    expect(code).toBe(1);
    const line = expectOneLineError(server.output());
    expect(line).toContain(`127.0.0.1:${closedPort}`);
    expect(line).toContain("connection refused");
    expect(server.output()).not.toContain("hunter2-secret");
  });

  it("says which port is in use", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const server = await spawnServer({ PORT: String(port), RELIVE_DATA_DIR: await tempDataDir() });
      const { code } = await server.exited;
      expect(code).toBe(1);
      expect(expectOneLineError(server.output())).toBe(
        `relive: Port ${port} is already in use. Stop the program using it, or set PORT to another port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it("rejects an invalid environment variable", async () => {
    const server = await spawnServer({ PORT: "not-a-port", RELIVE_DATA_DIR: await tempDataDir() });
    expect((await server.exited).code).toBe(1);
    expect(expectOneLineError(server.output())).toMatch(/^relive: Invalid environment: PORT /);
  });

  it("rejects a DATABASE_URL that is not a PostgreSQL URL, without echoing it", async () => {
    const server = await spawnServer({ DATABASE_URL: "mysql://root:pw-in-url@db/x", RELIVE_DATA_DIR: await tempDataDir() });
    expect((await server.exited).code).toBe(1);
    expect(expectOneLineError(server.output())).toMatch(/DATABASE_URL must be a postgres/);
    expect(server.output()).not.toContain("pw-in-url");
  });
});

describe("a data directory left locked by a crashed run", () => {
  it("recovers from a stale postmaster.pid whose process is gone", async () => {
    const dataDir = await tempDataDir();
    const first = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect((await first.stop()).code).toBe(0);
    // What a power cut leaves: a lock file naming a process that no longer exists.
    await fs.writeFile(path.join(dataDir, "postgres", "postmaster.pid"), "999999\n/nonexistent\n");

    const second = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(second.url, second.output()).toBeDefined();
    expect(second.output()).toContain("stale PostgreSQL lock file");
    expect((await second.stop()).code).toBe(0);
  });

  it("stops the PostgreSQL orphaned by a server killed with SIGKILL, then starts", async () => {
    const dataDir = await tempDataDir();
    const first = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(first.url).toBeDefined();
    await first.stop("SIGKILL");
    const orphans = await processesMentioning(path.join(dataDir, "postgres"));
    expect(orphans).not.toHaveLength(0);

    const second = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(second.url, second.output()).toBeDefined();
    expect(second.output()).toMatch(/Stopping PostgreSQL \(pid \d+\) left running by a crashed run/);
    expect((await getJson(`${second.url}/api/health`)).body.db).toBe("ok");
    expect((await second.stop()).code).toBe(0);
    expect(await processesMentioning(dataDir)).toEqual([]);
  });

  it("refuses, and says what to do, while another live server owns the directory", async () => {
    const dataDir = await tempDataDir();
    const owner = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(owner.url).toBeDefined();

    const intruder = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect((await intruder.exited).code).toBe(1);
    expect(intruder.output()).toContain(`Another Relive server (pid ${owner.child.pid}) is using ${dataDir}`);
    // The owner was not disturbed.
    expect((await getJson(`${owner.url}/api/health`)).body.db).toBe("ok");
    expect((await owner.stop()).code).toBe(0);
  });
});
