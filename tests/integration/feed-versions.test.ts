/**
 * A session replays the version of its feed it was created on, wherever and
 * whenever it is loaded: two session managers on one real PostgreSQL stand
 * for two server processes (or one process before and after a restart).
 * The versions kept for it are dropped once no unexpired session needs them.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "../../server/db/database";
import { FeedRepository } from "../../server/feeds/feed-repository";
import { readImportFile } from "../../server/feeds/import-files";
import { importItems } from "../../server/feeds/importer";
import { FeedTimelines, type FeedTimeline } from "../../server/replay/feed-timeline";
import { SessionManager } from "../../server/replay/session-manager";
import { SessionStore } from "../../server/replay/session-store";
import { createMigratedDatabase, runFileCleanups, withClient } from "./helpers";

let db: Db;
let url: string;
let workDir: string;
const managers: SessionManager[] = [];

beforeAll(async () => {
  url = await createMigratedDatabase();
  db = createPrismaClient(url);
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "relive-versions-"));
});
afterAll(async () => {
  for (const manager of managers) manager.close();
  await db.$disconnect();
  await fs.rm(workDir, { recursive: true, force: true });
  await runFileCleanups();
});

/** One server process's session manager. */
function serverProcess(): SessionManager {
  const manager = new SessionManager({
    store: new SessionStore(db),
    timelines: new FeedTimelines(new FeedRepository(db)),
    now: () => Date.now(),
    broadcast: { state: () => undefined, entries: () => undefined },
    publish: () => undefined,
  });
  managers.push(manager);
  return manager;
}

/** Imports a small feed; `second` is the body of its second entry. */
async function importFeed(second: string, extra = false): Promise<void> {
  const updates = [
    { "@type": "BlogPosting", identifier: "first", headline: "First", articleBody: "Opening.", datePublished: "2018-07-16T10:00:00Z" },
    { "@type": "BlogPosting", identifier: "second", headline: "Second", articleBody: second, datePublished: "2018-07-16T11:00:00Z" },
    ...(extra ? [{ "@type": "BlogPosting", identifier: "late", headline: "Late", articleBody: "Added.", datePublished: "2018-07-16T11:30:00Z" }] : []),
    { "@type": "BlogPosting", identifier: "third", headline: "Third", articleBody: "Closing.", datePublished: "2018-07-16T12:00:00Z" },
  ];
  const file = path.join(workDir, `feed-${Date.now()}-${Math.random()}.json`);
  await fs.writeFile(
    file,
    JSON.stringify({
      "@context": "https://schema.org",
      "@type": "LiveBlogPosting",
      identifier: "versioned",
      headline: "A feed that is corrected during class",
      description: "Three or four updates.",
      publisher: { "@type": "Organization", name: "Test Outlet" },
      "relive:publishedZone": "UTC",
      "relive:eventZone": "Europe/Helsinki",
      "relive:eventDate": "2018-07-16",
      liveBlogUpdate: updates,
    }),
  );
  await importItems(db, [await readImportFile(file)]);
}

/** What a client is given of a feed: everything but the function that serialises it. */
function served({ detail: _detail, ...feed }: FeedTimeline) {
  return feed;
}

const keptVersions = () => withClient(url, async (client) => (await client.query(`SELECT version FROM feed_version ORDER BY "createdAt"`)).rows.map((row) => row.version as string));

describe("a re-import while sessions run", () => {
  let first: Awaited<ReturnType<SessionManager["create"]>>["session"];
  let second: Awaited<ReturnType<SessionManager["create"]>>["session"];

  it("keeps each session on its version in every process, and gives new sessions the new one", async () => {
    await importFeed("Middle.");
    const a = serverProcess();
    ({ session: first } = await a.create("versioned", "shared"));
    const v1 = first.feed;
    expect(first.state.feedVersion).toBe(v1.version);
    expect(await keptVersions()).toEqual([v1.version]);

    await importFeed("Middle, corrected.", true);
    const b = serverProcess(); // another process, or this one after a restart
    const loaded = (await b.find({ id: first.id }))!;
    expect(loaded).not.toBe(first);
    expect(served(loaded.feed)).toEqual(served(v1));
    expect(loaded.feed.entries.map((entry) => entry.body)).toEqual(["Opening.", "Middle.", "Closing."]);
    expect(loaded.snapshot(0).entries).toEqual(first.snapshot(0).entries);

    ({ session: second } = await b.create("versioned", "shared"));
    expect(second.feed.version).not.toBe(v1.version);
    expect(second.feed.entries.map((entry) => entry.body)).toEqual(["Opening.", "Middle, corrected.", "Added.", "Closing."]);
    expect((await a.find({ id: second.id }))!.feed.entries.map((entry) => entry.key)).toEqual(["first", "second", "late", "third"]);
    expect(await keptVersions()).toEqual([v1.version, second.feed.version]);
  });

  it("drops a kept version once no unexpired session replays it, and keeps the others", async () => {
    await db.replaySession.update({ where: { id: first.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await importFeed("Middle, corrected twice.", true);
    expect(await keptVersions()).toEqual([second.feed.version]);
    const c = serverProcess();
    expect((await c.find({ id: second.id }))!.feed.entries[1]!.body).toBe("Middle, corrected.");
  });

  it("drops the versions kept only for sessions the expiry sweep deletes, without waiting for an import", async () => {
    const a = serverProcess();
    const { session: third } = await a.create("versioned", "shared");
    await importFeed("Middle, corrected three times.", true);
    expect(await keptVersions()).toEqual([second.feed.version, third.feed.version]);
    await db.replaySession.update({ where: { id: third.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await new SessionStore(db).deleteExpired(new Date())).toBe(2); // with the first, expired above
    expect(await keptVersions()).toEqual([second.feed.version]);
  });

  it("loads a session from before versions were kept on the current version", async () => {
    await db.replaySession.update({ where: { id: second.id }, data: { feedVersion: null } });
    const d = serverProcess();
    expect((await d.find({ id: second.id }))!.feed.entries[1]!.body).toBe("Middle, corrected three times.");
  });

  it("loads a kept version once per process: the sessions on it share that copy", async () => {
    const a = serverProcess();
    const { session: one } = await a.create("versioned", "solo");
    const { session: two } = await a.create("versioned", "solo");
    await importFeed("Middle, corrected four times.", true);
    const b = serverProcess(); // after a restart, say
    const [x, y] = [(await b.find({ id: one.id }))!, (await b.find({ id: two.id }))!];
    expect(x.feed.version).toBe(one.feed.version);
    expect(x.feed.entries[1]!.body).toBe("Middle, corrected three times.");
    expect(y.feed).toBe(x.feed);
  });
});
