import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FeedFormatError } from "../../domain/feed-model";
import { findJsonSyntaxError, liveBlogJsonSchema, parseLiveBlogJson, toLiveBlogJson } from "../../domain/import/json-feed";
import { parseLiveBlogText } from "../../domain/import/live-blog-text";
import { thrown } from "./feed-errors";

const seed = fs.readFileSync(path.join(import.meta.dirname, "../../data/feeds/sputnik-helsinki-2018.txt"), "utf8");
const feed = parseLiveBlogText(seed, {
  slug: "sputnik-helsinki-2018",
  outlet: "Sputnik",
  publishedZone: "GMT",
  eventZone: "Europe/Helsinki",
  eventDate: "2018-07-16",
  sourceUrl: "https://sputniknews.com/example-live-blog/",
});


/** A minimal hand-written document. */
function minimal(overrides: Record<string, unknown> = {}, updates?: Record<string, unknown>[]) {
  return {
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: "test-blog",
    headline: "Test blog",
    description: "",
    publisher: { name: "Outlet" },
    "relive:publishedZone": "UTC",
    "relive:eventZone": "Europe/Helsinki",
    "relive:eventDate": "2018-07-16",
    liveBlogUpdate: updates ?? [
      { "@type": "BlogPosting", headline: "Second", articleBody: "Later.", datePublished: "2018-07-16T13:00:00+03:00" },
      { "@type": "BlogPosting", headline: "First", articleBody: "", datePublished: "2018-07-16T09:00:00Z" },
    ],
    ...overrides,
  };
}

const parse = (doc: unknown) => parseLiveBlogJson(JSON.stringify(doc, null, 2));

describe("JSON feed format", () => {
  it("carries a library's key moments and pause points, checked against the feed, naming the field", () => {
    const withMoments = { ...feed, moments: { keyMoments: [{ label: "Press conference", at: "2018-07-16T15:00:00.000Z" }], pauseKeys: [feed.entries[3]!.key] } };
    const json = toLiveBlogJson(withMoments);
    expect(json["relive:pauseBefore"]).toEqual([feed.entries[3]!.key]);
    expect(parseLiveBlogJson(JSON.stringify(json))).toEqual(withMoments);
    const stray = thrown(() => parse({ ...json, "relive:pauseBefore": ["no-such-entry"] }));
    expect(stray.field).toBe("relive:pauseBefore[0]");
    const outside = thrown(() => parse({ ...json, "relive:keyMoments": [{ label: "Later", at: "2018-07-17T12:00:00Z" }] }));
    expect(outside.field).toBe("relive:keyMoments[0].at");
  });

  it("round-trips the seed feed exactly", () => {
    const json = toLiveBlogJson(feed);
    expect(liveBlogJsonSchema.safeParse(json).success).toBe(true);
    expect(parseLiveBlogJson(JSON.stringify(json))).toEqual(feed);
    expect(parseLiveBlogJson(JSON.stringify(json, null, 2))).toEqual(feed);
    const noUrl = { ...feed, sourceUrl: null };
    expect(parseLiveBlogJson(JSON.stringify(toLiveBlogJson(noUrl)))).toEqual(noUrl);
  });

  it("keeps the video headlines as printed through export and re-import", () => {
    const videos = (f: typeof feed) => f.entries.filter((e) => e.kind === "video").map((e) => [e.key, e.title, e.videoTitle]);
    expect(videos(feed).map(([, title]) => title)).toEqual([
      "WATCH: US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser",
      "WATCH Putin and Trump Hold Press Conference After Tete-a-Tete Talks in Helsinki",
      "WATCH Putin Arrive in Russia-Made Limo at Summit With Trump",
      "WATCH Putin, Trump Meet in Helsinki During First Bilateral Summit",
    ]);
    const json = toLiveBlogJson(feed);
    const written = json.liveBlogUpdate.filter((u) => u.video).map((u) => [u.identifier, u.headline, u.video!.name]);
    expect(written).toEqual(videos(feed));
    const back = parseLiveBlogJson(JSON.stringify(json));
    expect(videos(back)).toEqual(videos(feed));
    // Twice round, still the same: nothing is stripped or added on the way.
    expect(parseLiveBlogJson(JSON.stringify(toLiveBlogJson(back)))).toEqual(feed);
  });

  it("generates a video's key from its name, as the text format does, when the update has no identifier", () => {
    const f = parse(
      minimal({}, [
        {
          "@type": "BlogPosting",
          headline: "WATCH: Arrival",
          articleBody: "",
          datePublished: "2018-07-16T09:00:00Z",
          video: { "@type": "VideoObject", name: "Arrival" },
        },
      ]),
    );
    expect(f.entries[0]).toMatchObject({ key: "0900-arrival", kind: "video", title: "WATCH: Arrival", videoTitle: "Arrival" });
    expect(parseLiveBlogJson(JSON.stringify(toLiveBlogJson(f)))).toEqual(f);
  });

  it("writes schema.org LiveBlogPosting fields", () => {
    const json = toLiveBlogJson(feed) as ReturnType<typeof toLiveBlogJson>;
    expect(json).toMatchObject({
      "@context": "https://schema.org",
      "@type": "LiveBlogPosting",
      identifier: "sputnik-helsinki-2018",
      headline: "Putin, Trump Hold First Ever One-on-One Summit in Helsinki",
      publisher: { name: "Sputnik" },
      url: "https://sputniknews.com/example-live-blog/",
      coverageStartTime: "2018-07-16T09:45:00.000Z",
      coverageEndTime: "2018-07-16T18:18:00.000Z",
      "relive:publishedZone": "GMT",
      "relive:eventZone": "Europe/Helsinki",
      "relive:eventDate": "2018-07-16",
    });
    const updates = json.liveBlogUpdate;
    expect(updates).toHaveLength(feed.entries.length);
    const photo = updates.find((u) => u.datePublished === "2018-07-16T15:50:00.000Z")!;
    expect(photo.image).toEqual({
      "@type": "ImageObject",
      caption: expect.stringMatching(/^Russia's President Vladimir Putin \(R\) offers a ball/),
      creditText: "© AFP 2021 / Yuri KADOBNOV",
    });
    expect(photo.video).toBeUndefined();
    const video = updates.find((u) => u.datePublished === "2018-07-16T10:47:00.000Z")!;
    expect(video.headline).toBe("WATCH Putin, Trump Meet in Helsinki During First Bilateral Summit");
    expect(video.video).toEqual({
      "@type": "VideoObject",
      name: "Putin, Trump Meet in Helsinki During First Bilateral Summit",
      description: video.articleBody,
    });
    expect(video.position).toBe(49);
    const text = updates[0]!;
    expect(text.image).toBeUndefined();
    expect(text.video).toBeUndefined();
  });

  it("accepts a minimal document: generated keys, array order as page order, offsets normalised to UTC", () => {
    const f = parse(minimal());
    expect(f.sourceUrl).toBeNull();
    expect(f.outlet).toBe("Outlet");
    expect(f.entries.map((e) => [e.key, e.publishedAt, e.pagePosition, e.kind])).toEqual([
      ["1000-second", "2018-07-16T10:00:00.000Z", 0, "text"],
      ["0900-first", "2018-07-16T09:00:00.000Z", 1, "text"],
    ]);
    expect(f.coverageStart).toBe("2018-07-16T09:00:00.000Z");
    expect(f.coverageEnd).toBe("2018-07-16T10:00:00.000Z");
    expect(f.notes).toEqual([]);
  });

  it("orders by position when given and reports out-of-order updates", () => {
    const f = parse(
      minimal({}, [
        { "@type": "BlogPosting", headline: "Early", articleBody: "", datePublished: "2018-07-16T09:00:00Z", position: 1 },
        { "@type": "BlogPosting", headline: "Late", articleBody: "", datePublished: "2018-07-16T11:00:00Z", position: 0 },
        { "@type": "BlogPosting", headline: "Misplaced", articleBody: "", datePublished: "2018-07-16T12:00:00Z", position: 2 },
        { "@type": "BlogPosting", headline: "Earliest", articleBody: "", datePublished: "2018-07-16T08:00:00Z", position: 3 },
      ]),
    );
    expect(f.entries.map((e) => e.title)).toEqual(["Late", "Early", "Misplaced", "Earliest"]);
    expect(f.notes).toHaveLength(1);
    expect(f.notes[0]!.entryKeys).toEqual(["1200-misplaced"]);
  });

  it("keeps markup verbatim as text", () => {
    const body = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>";
    const f = parse(minimal({}, [{ "@type": "BlogPosting", headline: "<b>Hi</b>", articleBody: body, datePublished: "2018-07-16T09:00:00Z" }]));
    expect(f.entries[0]!.body).toBe(body);
    expect(f.entries[0]!.title).toBe("<b>Hi</b>");
    expect(parseLiveBlogJson(JSON.stringify(toLiveBlogJson(f)))).toEqual(f);
  });

  it("names line and column for JSON syntax errors", () => {
    const text = '{\n  "@context": "https://schema.org",\n  "headline": "x",,\n}';
    const e = thrown(() => parseLiveBlogJson(text));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^Invalid JSON at line 3, column 19: /);
    expect(thrown(() => parseLiveBlogJson('{"a": [1, 2}')).message).toMatch(/line 1, column 12: .*expected "," or "\]"/);
    expect(thrown(() => parseLiveBlogJson('{"a": "unterminated')).message).toMatch(/line 1, column 20: unterminated string/);
    expect(thrown(() => parseLiveBlogJson("")).message).toMatch(/line 1, column 1/);
    expect(thrown(() => parseLiveBlogJson("[".repeat(100_000))).message).toMatch(/line 1, column 100001/);
    expect(findJsonSyntaxError(JSON.stringify(toLiveBlogJson(feed)))).toBeNull();
  });

  it("names the field path for schema errors", () => {
    const updates = Array.from({ length: 5 }, (_, i) => ({
      "@type": "BlogPosting",
      headline: `Update ${i}`,
      articleBody: "",
      datePublished: i === 3 ? "2018-07-16T12:00:00" : `2018-07-16T1${i}:00:00Z`,
    }));
    const e = thrown(() => parse(minimal({}, updates)));
    expect(e.field).toBe("liveBlogUpdate[3].datePublished");
    expect(e.message).toContain("liveBlogUpdate[3].datePublished");
    expect(thrown(() => parse(minimal({ "@type": "BlogPosting" }))).field).toBe("@type");
    expect(thrown(() => parse(minimal({ publisher: {} }))).field).toBe("publisher.name");
    expect(thrown(() => parse(minimal({ "relive:eventZone": "Not/AZone" }))).field).toBe("relive:eventZone");
    expect(thrown(() => parse(minimal({ url: "javascript:alert(1)" }))).field).toBe("url");
    expect(thrown(() => parse(minimal({ liveBlogUpdate: [] }))).field).toBe("liveBlogUpdate");
    expect(thrown(() => parse(minimal({ coverageStartTime: "2018-07-16T08:00:00Z" }))).field).toBe("coverageStartTime");
    expect(thrown(() => parse([]))).toBeInstanceOf(FeedFormatError);
  });

  it("rejects duplicate identifiers and inconsistent positions", () => {
    const u = (headline: string, extra: Record<string, unknown>) => ({ "@type": "BlogPosting", headline, articleBody: "", datePublished: "2018-07-16T09:00:00Z", ...extra });
    expect(thrown(() => parse(minimal({}, [u("A", { identifier: "x" }), u("B", { identifier: "x" })]))).field).toBe("liveBlogUpdate[1].identifier");
    expect(thrown(() => parse(minimal({}, [u("A", { position: 0 }), u("B", { position: 0 })]))).field).toBe("liveBlogUpdate[1].position");
    expect(thrown(() => parse(minimal({}, [u("A", { position: 0 }), u("B", {})]))).field).toBe("liveBlogUpdate[1].position");
    expect(thrown(() => parse(minimal({}, [u("A", { position: 0 }), u("B", { position: 5 })]))).field).toBe("liveBlogUpdate[1].position");
    // A generated key never collides with a given one.
    const f = parse(minimal({}, [u("A", { identifier: "0900-a" }), u("A", {})]));
    expect(f.entries.map((e) => e.key)).toEqual(["0900-a", "0900-a-2"]);
  });

  it("rejects control characters other than newline and tab", () => {
    const u = (articleBody: string) => [{ "@type": "BlogPosting", headline: "H", articleBody, datePublished: "2018-07-16T09:00:00Z" }];
    expect(parse(minimal({}, u("line one\nline two\tcolumn"))).entries[0]!.body).toBe("line one\nline two\tcolumn");
    for (const bad of ["bell\u0007", "carriage\rreturn", "nul\u0000", "c1\u0085"]) {
      const e = thrown(() => parse(minimal({}, u(bad))));
      expect(e.field).toBe("liveBlogUpdate[0].articleBody");
      expect(e.message).toMatch(/control character U\+00[0-9A-F]{2}.*only line feeds and tabs are allowed/);
    }
    expect(thrown(() => parse(minimal({ headline: "Title\u001b[31m" }))).field).toBe("headline");
  });

  it("enforces the length caps", () => {
    const u = (headline: string, articleBody = "") => ({ "@type": "BlogPosting", headline, articleBody, datePublished: "2018-07-16T09:00:00Z" });
    expect(parse(minimal({}, [u("h".repeat(500), "b".repeat(20_000))])).entries[0]!.title).toHaveLength(500);
    expect(thrown(() => parse(minimal({}, [u("h".repeat(501))]))).field).toBe("liveBlogUpdate[0].headline");
    expect(thrown(() => parse(minimal({}, [u("h", "b".repeat(20_001))]))).field).toBe("liveBlogUpdate[0].articleBody");
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...u(`U${i}`), identifier: `u${i}` }));
    expect(parse(minimal({}, many)).entries).toHaveLength(5000);
    expect(thrown(() => parse(minimal({}, [...many, u("one too many")]))).field).toBe("liveBlogUpdate");
  });
});
