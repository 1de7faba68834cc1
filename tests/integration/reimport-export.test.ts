/**
 * Re-importing and exporting against a real PostgreSQL: a re-import that changes one entry keeps
 * every id and key (so a running session's pause points and the cards' links still hold) and its
 * preview diff says exactly what changed; export → re-import changes nothing, row for row.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEmptyDiff } from "../../domain/import/reimport";
import { createPrismaClient, type Db } from "../../server/db/database";
import { saveMoments } from "../../server/feeds/annotations";
import { exportStoredFeed, previewReimport, readStoredFeed } from "../../server/feeds/export";
import { FeedRepository } from "../../server/feeds/feed-repository";
import { readImportFile } from "../../server/feeds/import-files";
import { importItems } from "../../server/feeds/importer";
import { SEED_FILES } from "../../server/feeds/seed";
import { createMigratedDatabase, projectRoot, withClient } from "./helpers";

const seedText = path.join(projectRoot, SEED_FILES[0]!);
const seedCards = path.join(projectRoot, SEED_FILES[1]!);
const SLUG = "sputnik-helsinki-2018";
let workDir: string;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "relive-reimport-"));
});
afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
});

async function freshDb(): Promise<{ db: Db; url: string }> {
  const url = await createMigratedDatabase();
  return { db: createPrismaClient(url), url };
}

/** Every row of the content and session tables, for "the database is exactly as it was". */
async function snapshot(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const dump: Record<string, unknown[]> = {};
    for (const table of ["feed", "entry", "card", "replay_session"]) dump[table] = (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows;
    return JSON.stringify(dump);
  });
}

async function writeFile(name: string, content: string): Promise<string> {
  const file = path.join(workDir, name);
  await fs.writeFile(file, content);
  return file;
}

describe("re-importing a feed with one entry changed", () => {
  it("keeps every entry's id and key, so a running session and the cards still point at the same entries; the diff names the change", async () => {
    const { db } = await freshDb();
    await importItems(db, [await readImportFile(seedText), await readImportFile(seedCards)]);
    const repo = new FeedRepository(db);
    const before = (await repo.get(SLUG))!;
    const oldTitle = "Finnish President Says Discussed Nord Stream 2 Implementation with Trump";
    const newTitle = "Finnish President Niinistö Says He Discussed Nord Stream 2 With Trump";
    const target = before.entries.find((e) => e.title === oldTitle)!;
    const nordStream = before.cards.find((c) => c.id === "nord-stream-2")!;
    expect(nordStream.entryIds).toContain(target.id);

    // A class session paused on that entry ("pause on marked entries").
    const session = await db.replaySession.create({
      data: {
        feedId: (await repo.idOf(SLUG))!,
        kind: "shared",
        code: "TESTKEYS",
        secretHash: "0".repeat(64),
        playing: true,
        rate: 1,
        simAtAnchor: Date.parse(target.publishedAt) - 60_000,
        serverTimeAtAnchor: Date.now(),
        revision: 1,
        pauseOn: "marked",
        markedEntryKeys: [target.key],
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });

    // The source corrects the headline: parsed on its own, the entry would get a new key.
    const text = (await fs.readFile(seedText, "utf8")).replace(oldTitle, newTitle);
    const file = await writeFile(`${SLUG}.txt`, text);
    await fs.copyFile(seedText.replace(/\.txt$/, ".meta.json"), path.join(workDir, `${SLUG}.meta.json`));
    const item = await readImportFile(file);
    if (item.kind !== "feed") throw new Error("expected a feed");
    expect(item.feed.entries.map((e) => e.key)).not.toContain(target.key);

    // The preview says what will happen: one title changed, nothing added or removed.
    const diff = await previewReimport(db, item.feed);
    expect(diff).toMatchObject({ created: false, feedFields: [], added: [], removed: [], moved: [], unchanged: before.entries.length - 1 });
    expect(diff.changed).toEqual([
      { key: target.key, title: newTitle, publishedAt: target.publishedAt, pagePosition: target.pagePosition, fields: ["title"], before: { title: oldTitle } },
    ]);
    expect(diff.keptKeys).toEqual([{ key: target.key, generatedKey: item.feed.entries.find((e) => e.title === newTitle)!.key }]);

    // Saving does what the preview said.
    const report = await importItems(db, [item]);
    expect(report.feeds[0]).toMatchObject({ created: false, feedUpdated: false, entries: { added: 0, updated: 1, removed: 0, unchanged: before.entries.length - 1 } });
    expect(report.feeds[0]!.keptKeys).toEqual(diff.keptKeys);
    expect(report.relinkedCards).toBe(0);

    const after = (await repo.get(SLUG))!;
    expect(after.entries.map((e) => [e.id, e.key])).toEqual(before.entries.map((e) => [e.id, e.key]));
    expect(after.entries.find((e) => e.id === target.id)!.title).toBe(newTitle);
    expect(after.cards).toEqual(before.cards);
    expect(after.notes).toEqual(before.notes);
    const stillThere = await db.replaySession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.entries.map((e) => e.key)).toEqual(expect.arrayContaining(stillThere.markedEntryKeys));

    // And the stored feed is now what the file says.
    expect(isEmptyDiff(await previewReimport(db, item.feed))).toBe(true);
    await db.$disconnect();
  });
});

describe("export", () => {
  it("the seed with its cards: export → re-import changes nothing, row for row", async () => {
    const { db, url } = await freshDb();
    await importItems(db, [await readImportFile(seedText), await readImportFile(seedCards)]);
    const stored = (await readStoredFeed(db, SLUG))!;
    const before = await snapshot(url);

    const exported = (await exportStoredFeed(db, SLUG))!;
    expect(exported.warnings).toEqual([]);
    expect(exported.feed.liveBlogUpdate).toHaveLength(56);
    expect(exported.cards.cards).toHaveLength(20);
    expect(exported.cards).toEqual(JSON.parse(await fs.readFile(seedCards, "utf8")));
    const feedFile = await writeFile("export.json", JSON.stringify(exported.feed, null, 2));
    const cardsFile = await writeFile("export.cards.json", JSON.stringify(exported.cards, null, 2));

    const again = await readImportFile(feedFile);
    if (again.kind !== "feed") throw new Error("expected a feed");
    expect(again.feed).toEqual(stored);
    expect(isEmptyDiff(await previewReimport(db, again.feed))).toBe(true);

    const report = await importItems(db, [again, await readImportFile(cardsFile)]);
    expect(report.feeds[0]).toMatchObject({ created: false, feedUpdated: false, entries: { added: 0, updated: 0, removed: 0, unchanged: 56 }, keptKeys: [] });
    expect(report.cards[0]!.cards).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 20 });
    expect(report.relinkedCards).toBe(0);
    expect(await snapshot(url)).toBe(before);
    expect(await exportStoredFeed(db, SLUG)).toEqual(exported);
    await db.$disconnect();
  });

  it("a feed imported from a saved HTML page exports to JSON that imports to the same rows", async () => {
    const { db, url } = await freshDb();
    const page = path.join(projectRoot, "tests/fixtures/live-blog-graph.html");
    const item = await readImportFile(page, { slug: "ledger-helsinki", publishedZone: "Europe/Helsinki", eventZone: "Europe/Helsinki" });
    await importItems(db, [item]);
    const before = await snapshot(url);
    const exported = (await exportStoredFeed(db, "ledger-helsinki"))!;
    expect(exported.cards).toEqual({ feed: "ledger-helsinki", cards: [] });
    const again = await readImportFile(await writeFile("ledger.json", JSON.stringify(exported.feed)));
    if (again.kind !== "feed") throw new Error("expected a feed");
    expect(isEmptyDiff(await previewReimport(db, again.feed))).toBe(true);
    const report = await importItems(db, [again]);
    expect(report.feeds[0]).toMatchObject({ created: false, feedUpdated: false, entries: { added: 0, updated: 0, removed: 0, unchanged: 5 } });
    expect(await snapshot(url)).toBe(before);
    expect(await exportStoredFeed(db, "no-such-feed")).toBeUndefined();
    await db.$disconnect();
  });

  it("key moments and suggested pause points travel with the export into another library", async () => {
    const first = await freshDb();
    await importItems(first.db, [await readImportFile(seedText)]);
    // Entries in replay order; pause points are kept in that order.
    const entries = (await new FeedRepository(first.db).get(SLUG))!.entries;
    const moments = { keyMoments: [{ label: "Press conference", at: "2018-07-16T15:00:00.000Z" }], pauseKeys: [entries[40]!.key, entries[12]!.key] };
    expect(await saveMoments(first.db, SLUG, moments)).toMatchObject({ status: "saved" });
    const exported = (await exportStoredFeed(first.db, SLUG))!;
    expect(exported.feed["relive:pauseBefore"]).toEqual([entries[12]!.key, entries[40]!.key]);

    const second = await freshDb();
    const item = await readImportFile(await writeFile("with-moments.json", JSON.stringify(exported.feed)));
    await importItems(second.db, [item]);
    const stored = (await new FeedRepository(second.db).get(SLUG))!;
    expect(stored.keyMoments).toEqual(moments.keyMoments);
    expect(stored.pauseKeys).toEqual([entries[12]!.key, entries[40]!.key]);
    expect(await exportStoredFeed(second.db, SLUG)).toEqual(exported);
    await Promise.all([first.db.$disconnect(), second.db.$disconnect()]);
  });
});

describe("npm run import -- page.html", () => {
  it("imports a saved page, printing what it guessed and the anomalies; a page without JSON-LD changes nothing", async () => {
    const { db, url } = await freshDb();
    await db.$disconnect();
    const bare = await runCli([path.join(projectRoot, "tests/fixtures/live-blog-no-jsonld.html")], { DATABASE_URL: url });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/^import: tests\/fixtures\/live-blog-no-jsonld\.html: No JSON-LD found: the page has no <script type="application\/ld\+json"> block/m);
    expect(bare.stderr).toContain("import: nothing was changed");
    const empty = await snapshot(url);
    expect(JSON.parse(empty).feed).toEqual([]);

    const ok = await runCli([path.join(projectRoot, "tests/fixtures/live-blog-graph.html"), "--slug", "ledger-helsinki", "--event-zone", "Europe/Helsinki"], { DATABASE_URL: url });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("feed ledger-helsinki: created; entries 5 added, 0 updated, 0 removed, 0 unchanged");
    expect(ok.stdout).toMatch(/guessed publishedZone: UTC\+3 \(the updates' times are written with the offset \+03:00 \(or as UTC\)/);
    expect(ok.stdout).toMatch(/check: Markup was removed from 4 of 5 updates \(<p>, <em>, <a>, <br>\)/);
  });
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/import.ts", ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
