import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { migrate } from "../../server/db/database";
import { EmbeddedPostgres } from "../../server/db/embedded-postgres";
import { createTestDatabase, getJson, projectRoot, spawnServer, tempDataDir, unusedPort, withClient } from "./helpers";

interface MigrationRow {
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

describe("migrations", () => {
  it("are applied once, by Prisma, and a second run changes nothing", async () => {
    const url = await createTestDatabase();
    const expected = (await fs.readdir(path.join(projectRoot, "prisma/migrations"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const logs: string[] = [];

    await migrate(url, (line) => logs.push(line));
    const read = () =>
      withClient(url, (client) =>
        client.query<MigrationRow>(
          `SELECT migration_name, started_at, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`,
        ),
      );
    const first = (await read()).rows;
    expect(first.map((row) => row.migration_name)).toEqual(expected);
    expect(first.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
    expect(logs).toEqual(["Database: applied pending migrations"]);

    await migrate(url, (line) => logs.push(line));
    expect((await read()).rows).toEqual(first);
    expect(logs.at(-1)).toBe("Database: schema up to date");
  });

  it("reports a failed migration as one line without the URL's password", async () => {
    const url = await createTestDatabase();
    // A table in the way of the first migration makes it fail.
    await withClient(url, (client) => client.query(`CREATE TABLE feed (id int)`));
    const error = await migrate(url, () => undefined).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.name).toBe("ConfigError");
    expect(error?.message).toMatch(/^Database migration failed: /);
    expect(error?.message).not.toContain(new URL(url).password);
  });
});

describe("GET /api/health", () => {
  it("answers 503 with a reason while the database is down, and recovers when it returns", async () => {
    const dataDir = await tempDataDir();
    // A PostgreSQL of the test's own on a fixed port, so it can come back at the same address.
    const port = await unusedPort();
    const db = new EmbeddedPostgres({ dataDir, port });
    const url = await db.start();
    onTestFinished(() => db.stop());

    const server = await spawnServer({ DATABASE_URL: url, RELIVE_DATA_DIR: await tempDataDir() });
    expect(server.url, server.output()).toBeDefined();
    expect(await getJson(`${server.url}/api/health`)).toEqual({
      status: 200,
      body: { status: "ok", db: "ok", version: expect.any(String) },
    });

    await db.stop();
    const down = await getJson(`${server.url}/api/health`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "error", db: "down", version: expect.any(String) });
    expect(down.body.reason).toEqual(expect.any(String));
    expect(down.body.reason).toMatch(/reach|connect|terminat/i);
    expect(server.child.exitCode).toBeNull(); // still serving

    await db.start();
    const recovered = await pollUntil(async () => (await getJson(`${server.url}/api/health`)).status === 200, 10_000);
    expect(recovered).toBe(true);
    expect((await server.stop()).code).toBe(0);
  });
});

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
