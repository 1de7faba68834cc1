/** The feed API and feed page of a server that seeded itself on first start. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedDetail, FeedSummary } from "../../domain/feed";
import { createTestDatabase, getJson, runFileCleanups, spawnServer, tempDataDir, type ServerProcess } from "./helpers";

let server: ServerProcess;
let databaseUrl: string;
let dataDir: string;

describe("a first start on an empty database", () => {
  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    dataDir = await tempDataDir();
    server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: dataDir });
  });
  afterAll(runFileCleanups);

  it("loads the seed feed and cards without any manual step", async () => {
    expect(server.url, server.output()).toBeDefined();
    expect(server.output()).toContain("Seed data: loaded (1 feed, 56 entries)");
  });

  it("lists the feed", async () => {
    const { status, body } = await getJson(`${server.url}/api/feeds`);
    expect(status).toBe(200);
    const feeds = body.feeds as FeedSummary[];
    expect(feeds).toHaveLength(1);
    expect(feeds[0]).toMatchObject({
      slug: "sputnik-helsinki-2018",
      title: "Putin, Trump Hold First Ever One-on-One Summit in Helsinki",
      outlet: "Sputnik",
      entryCount: 56,
      eventDate: "2018-07-16",
      coverageStart: "2018-07-16T09:45:00.000Z",
    });
  });

  it("returns the feed with entries in replay order, their media fields, cards and the data note", async () => {
    const { status, body } = await getJson(`${server.url}/api/feeds/sputnik-helsinki-2018`);
    expect(status).toBe(200);
    const feed = body as FeedDetail;
    expect(feed.entries).toHaveLength(56);
    for (const entry of feed.entries) {
      expect(Object.keys(entry).sort()).toEqual(
        ["body", "id", "key", "kind", "pagePosition", "photoCaption", "photoCredit", "publishedAt", "title", "videoTitle"].sort(),
      );
      expect(entry.publishedAt).toMatch(/^2018-07-16T\d{2}:\d{2}:00\.000Z$/);
    }
    const instants = feed.entries.map((entry) => entry.publishedAt);
    expect(instants).toEqual([...instants].sort());
    expect(feed.entries[0]!.title).toBe("INF Future, Denuclearization of Korean Peninsula Likely to Be in Agenda");
    expect(feed.entries.at(-1)!.title).toBe("UN Hopes Trump-Putin Summit to Promote Global Disarmament - Spokesman");

    const photo = feed.entries.find((entry) => entry.kind === "photo")!;
    expect(photo.photoCredit).toBe("© AFP 2021 / Yuri KADOBNOV");
    const videos = feed.entries.filter((entry) => entry.kind === "video");
    expect(videos.map((entry) => entry.videoTitle)).toContain("Putin, Trump Meet in Helsinki During First Bilateral Summit");
    // Headlines as the page printed them: "WATCH" and "WATCH:" kept, the video's name beside them.
    expect(videos.map((entry) => [entry.title, entry.videoTitle])).toEqual([
      ["WATCH Putin, Trump Meet in Helsinki During First Bilateral Summit", "Putin, Trump Meet in Helsinki During First Bilateral Summit"],
      ["WATCH Putin Arrive in Russia-Made Limo at Summit With Trump", "Putin Arrive in Russia-Made Limo at Summit With Trump"],
      ["WATCH Putin and Trump Hold Press Conference After Tete-a-Tete Talks in Helsinki", "Putin and Trump Hold Press Conference After Tete-a-Tete Talks in Helsinki"],
      ["WATCH: US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser", "US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser"],
    ]);

    expect(feed.cards).toHaveLength(20);
    expect(feed.cards.every((card) => card.source.outlet && card.source.title && card.source.date)).toBe(true);
    const ids = new Set(feed.entries.map((entry) => entry.id));
    expect(feed.cards.flatMap((card) => card.entryIds).every((id) => ids.has(id))).toBe(true);
    expect(feed.notes).toEqual([expect.objectContaining({ code: "out_of_order" })]);
  });

  it("answers unknown and malformed slugs and routes with JSON errors", async () => {
    expect(await getJson(`${server.url}/api/feeds/no-such-feed`)).toEqual({
      status: 404,
      body: { error: "feed_not_found", message: 'No feed called "no-such-feed"' },
    });
    expect((await getJson(`${server.url}/api/feeds/Not_A_Slug`)).status).toBe(400);
    expect((await getJson(`${server.url}/api/feeds/%E0%A4%A`)).status).toBe(400);
    expect((await getJson(`${server.url}/api/nothing-here`)).body.error).toBe("not_found");
    const post = await fetch(`${server.url}/api/feeds`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect((await post.json()).error).toBe("method_not_allowed");
  });

  it("embeds schema.org LiveBlogPosting JSON-LD in the feed page", async () => {
    const page = await fetch(`${server.url}/replay/sputnik-helsinki-2018`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(jsonLd).toMatchObject({ "@context": "https://schema.org", "@type": "LiveBlogPosting", identifier: "sputnik-helsinki-2018" });
    expect(jsonLd.liveBlogUpdate).toHaveLength(56);
    expect((await fetch(`${server.url}/replay/no-such-feed`)).status).toBe(404);
  });

  it("finds the seed up to date on the next start", async () => {
    expect((await server.stop()).code).toBe(0);
    const again = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: dataDir });
    expect(again.output()).toContain("Seed data: up to date (1 feed, 56 entries)");
    expect((await again.stop()).code).toBe(0);
  });
});
