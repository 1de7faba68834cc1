/**
 * The feed API and feed page of a server that seeded itself on first start;
 * the feed API's validators, compression and cache across re-imports.
 */
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedDetail, FeedSummary } from "../../domain/feed";
import { createPrismaClient, type Db } from "../../server/db/database";
import { readImportFile } from "../../server/feeds/import-files";
import { importItems } from "../../server/feeds/importer";
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

/** A raw HTTP exchange: the bytes as sent, undecoded (fetch would decode them). */
function request(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** A small JSON feed (docs/FEED-FORMAT.md); `tweak` edits it before it is written. */
function smallFeed(slug: string, tweak: (json: any) => void = () => undefined): string {
  const json: any = {
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: slug,
    headline: "A feed for the cache",
    description: "Two updates.",
    publisher: { "@type": "Organization", name: "Test Outlet" },
    "relive:publishedZone": "UTC",
    "relive:eventZone": "Europe/Helsinki",
    "relive:eventDate": "2018-07-16",
    liveBlogUpdate: [
      { "@type": "BlogPosting", identifier: "second", headline: "Second", articleBody: "Later.", datePublished: "2018-07-16T11:00:00Z" },
      { "@type": "BlogPosting", identifier: "first", headline: "First", articleBody: "Earlier.", datePublished: "2018-07-16T10:00:00Z" },
    ],
  };
  tweak(json);
  return JSON.stringify(json);
}

describe("the feed API's cache", () => {
  const slug = "cache-check";
  let cacheServer: ServerProcess;
  let db: Db;
  let dir: string;
  let feedUrl: string;

  /** Imports a feed file from this process: another process than the server's, as `npm run import` is. */
  const importFeed = async (name: string, content: string) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, content);
    return importItems(db, [await readImportFile(file)]);
  };

  beforeAll(async () => {
    const url = await createTestDatabase();
    dir = await tempDataDir();
    cacheServer = await spawnServer({ DATABASE_URL: url, RELIVE_DATA_DIR: dir });
    expect(cacheServer.url, cacheServer.output()).toBeDefined();
    feedUrl = `${cacheServer.url}/api/feeds/sputnik-helsinki-2018`;
    db = createPrismaClient(url); // the server has migrated it
  });
  afterAll(async () => {
    await db?.$disconnect();
    await runFileCleanups();
  });

  it("answers with an ETag, and 304 to a client that holds that version", async () => {
    const first = await request(feedUrl, { headers: { "Accept-Encoding": "identity" } });
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(first.headers["content-encoding"]).toBeUndefined();
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(first.headers["cache-control"]).toBe("no-cache");
    expect(first.headers.vary).toBe("Accept-Encoding");
    expect(Number(first.headers["content-length"])).toBe(first.body.length);
    expect((JSON.parse(first.body.toString()) as FeedDetail).entries).toHaveLength(56);

    for (const ifNoneMatch of [etag, etag.slice(2), `"other", ${etag}`, "*"]) {
      const again = await request(feedUrl, { headers: { "If-None-Match": ifNoneMatch, "Accept-Encoding": "gzip" } });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
      expect(again.headers.vary).toBe("Accept-Encoding");
    }
    expect((await request(feedUrl, { headers: { "If-None-Match": '"not-this-one"' } })).status).toBe(200);
    // The security headers still come with it.
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("compresses with brotli or gzip as the client accepts, to the same JSON", async () => {
    const plain = (await request(feedUrl)).body;
    expect(JSON.parse(plain.toString()).slug).toBe("sputnik-helsinki-2018");
    const cases: Array<[string, string | undefined, (body: Buffer) => Buffer]> = [
      ["gzip", "gzip", zlib.gunzipSync],
      ["gzip, deflate, br, zstd", "br", zlib.brotliDecompressSync],
      ["br;q=0.5, gzip", "gzip", zlib.gunzipSync],
      ["br", "br", zlib.brotliDecompressSync],
      ["*", "br", zlib.brotliDecompressSync],
      ["deflate", undefined, (body) => body],
      ["gzip;q=0, br;q=0", undefined, (body) => body],
    ];
    for (const [accept, encoding, decode] of cases) {
      const response = await request(feedUrl, { headers: { "Accept-Encoding": accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers["content-encoding"], accept).toBe(encoding);
      expect(response.headers.vary).toBe("Accept-Encoding");
      expect(Number(response.headers["content-length"])).toBe(response.body.length);
      if (encoding) expect(response.body.length, accept).toBeLessThan(plain.length / 3);
      expect(decode(response.body).equals(plain), accept).toBe(true);
    }
  });

  it("answers HEAD with the headers of the GET and no body", async () => {
    const get = await request(feedUrl, { headers: { "Accept-Encoding": "br" } });
    const head = await request(feedUrl, { method: "HEAD", headers: { "Accept-Encoding": "br" } });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ["etag", "content-length", "content-encoding", "content-type", "vary", "cache-control"]) {
      expect(head.headers[name], name).toBe(get.headers[name]);
    }
    const conditional = await request(feedUrl, { method: "HEAD", headers: { "If-None-Match": get.headers.etag! } });
    expect(conditional.status).toBe(304);
    const missing = await request(`${cacheServer.url}/api/feeds/no-such-feed`, { method: "HEAD" });
    expect(missing.status).toBe(404);
    expect(missing.body.length).toBe(0);
  });

  it("keeps unknown and malformed slugs' errors, uncached", async () => {
    const unknown = await request(`${cacheServer.url}/api/feeds/no-such-feed`, { headers: { "Accept-Encoding": "br" } });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toEqual({ error: "feed_not_found", message: 'No feed called "no-such-feed"' });
    expect(unknown.headers.etag).toBeUndefined();
    expect(unknown.headers["cache-control"]).toBe("no-store");
    const malformed = await request(`${cacheServer.url}/api/feeds/Not_A_Slug`, { headers: { "If-None-Match": "*" } });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body.toString()).error).toBe("bad_slug");
  });

  it("serves a re-imported feed's new content once the import returns, though it ran in another process", async () => {
    const url = `${cacheServer.url}/api/feeds/${slug}`;
    expect((await request(url)).status).toBe(404);
    await importFeed("v1.json", smallFeed(slug));
    const v1 = await request(url, { headers: { "Accept-Encoding": "br" } });
    expect(v1.status).toBe(200); // a feed that did not exist a moment ago
    const v1Feed = JSON.parse(zlib.brotliDecompressSync(v1.body).toString()) as FeedDetail;
    expect(v1Feed.entries.map((entry) => entry.body)).toEqual(["Earlier.", "Later."]);

    // Only an entry changes: the feed's own fields stay as they were.
    const report = await importFeed("v2.json", smallFeed(slug, (json) => (json.liveBlogUpdate[0].articleBody = "Later, corrected.")));
    expect(report.feeds[0]).toMatchObject({ feedUpdated: false, entries: { updated: 1 } });
    for (const encoding of ["br", "gzip", "identity"]) {
      const v2 = await request(url, { headers: { "Accept-Encoding": encoding, "If-None-Match": v1.headers.etag! } });
      expect(v2.status, encoding).toBe(200);
      expect(v2.headers.etag).not.toBe(v1.headers.etag);
      const body = encoding === "br" ? zlib.brotliDecompressSync(v2.body) : encoding === "gzip" ? zlib.gunzipSync(v2.body) : v2.body;
      expect((JSON.parse(body.toString()) as FeedDetail).entries.map((entry) => entry.body)).toEqual(["Earlier.", "Later, corrected."]);
    }
    const v2Etag = (await request(url)).headers.etag!;

    // Importing the same file again changes nothing, so the client's copy stays good.
    await importFeed("v2-again.json", smallFeed(slug, (json) => (json.liveBlogUpdate[0].articleBody = "Later, corrected.")));
    expect((await request(url, { headers: { "If-None-Match": v2Etag } })).status).toBe(304);

    // Under steady requests the copy is served from memory on a lease the server keeps renewing;
    // still, every request made after the import returned gets the new content.
    const racing: Array<Promise<string>> = [];
    let committed = false;
    const hammer = (async () => {
      while (!committed) {
        racing.push(request(url).then((response) => response.headers.etag!));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    await importFeed("v3.json", smallFeed(slug, (json) => json.liveBlogUpdate.pop()));
    committed = true;
    await hammer;
    await Promise.all(racing);
    const after = await Promise.all(Array.from({ length: 20 }, () => request(url)));
    const v3Etags = new Set(after.map((response) => response.headers.etag));
    expect(v3Etags.size).toBe(1);
    expect(v3Etags.has(v2Etag)).toBe(false);
    expect(after.every((response) => (JSON.parse(response.body.toString()) as FeedDetail).entries.length === 1)).toBe(true);
  });
});
