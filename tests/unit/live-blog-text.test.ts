import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FeedFormatError, replayOrder, type ImportedEntry, type ImportedFeed } from "../../domain/feed-model";
import { parseLiveBlogText, type LiveBlogTextMeta } from "../../domain/import/live-blog-text";
import { thrown } from "./feed-errors";

const seedPath = path.join(import.meta.dirname, "../../data/feeds/sputnik-helsinki-2018.txt");
const seed = fs.readFileSync(seedPath, "utf8");
const seedLines = seed.split("\n");

const meta: LiveBlogTextMeta = {
  slug: "sputnik-helsinki-2018",
  outlet: "Sputnik",
  publishedZone: "GMT",
  eventZone: "Europe/Helsinki",
  eventDate: "2018-07-16",
};

const feed: ImportedFeed = parseLiveBlogText(seed, meta);

function at(time: string): ImportedEntry {
  const found = feed.entries.filter((e) => e.publishedAt === `2018-07-16T${time}:00.000Z`);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The source line that starts with `prefix` (after indentation), with the page's indentation stripped. */
function sourceParagraph(prefix: string): string {
  const matches = seedLines.map((l) => l.replace(/^ +/, "")).filter((l) => l.startsWith(prefix));
  expect(matches).toHaveLength(1);
  return matches[0]!.replace(/\s+$/u, "");
}


/** A small, well-formed page in the same shape as the seed. */
function page(entries: string): string {
  return [
    "06:52 GMT23 June 2021",
    "Listen Live",
    "    Get short URL",
    "",
    "    Intro paragraph.",
    "",
    "    New messages",
    entries,
    "    LIVE UPDATES: Test Blog",
    "",
    "    talks, Tags",
    "    Community standardsDiscussion",
  ].join("\n");
}

describe("parseLiveBlogText on the Helsinki 2018 seed", () => {
  it("finds one entry per '• HH:MM' bullet, in page order", () => {
    const bullets = seed.match(/^[ \t]*•[ \t]*\d{1,2}:\d{2}[ \t]*$/gm) ?? [];
    expect(bullets.length).toBeGreaterThan(50);
    expect(feed.entries).toHaveLength(bullets.length);
    expect(feed.entries.map((e) => e.pagePosition)).toEqual(bullets.map((_, i) => i));
    const times = bullets.map((b) => b.replace(/[^\d:]/g, ""));
    expect(feed.entries.map((e) => e.publishedAt.slice(11, 16))).toEqual(times);
  });

  it("reads the first and last entries, with GMT times as UTC instants", () => {
    const first = feed.entries[0]!;
    expect(first.publishedAt).toBe("2018-07-16T18:18:00.000Z");
    expect(first.title).toBe("UN Hopes Trump-Putin Summit to Promote Global Disarmament - Spokesman");
    expect(first.key).toBe("1818-un-hopes-trump-putin-summit-to-promote-global-disarmament-sp");
    const last = feed.entries[feed.entries.length - 1]!;
    expect(last.publishedAt).toBe("2018-07-16T09:45:00.000Z");
    expect(last.title).toBe("INF Future, Denuclearization of Korean Peninsula Likely to Be in Agenda");
    expect(feed.coverageStart).toBe("2018-07-16T09:45:00.000Z");
    expect(feed.coverageEnd).toBe("2018-07-16T18:18:00.000Z");
  });

  it("takes the title from the LIVE UPDATES line and the description from the intro", () => {
    expect(feed.title).toBe("Putin, Trump Hold First Ever One-on-One Summit in Helsinki");
    const intro = feed.description.split("\n\n");
    expect(intro).toHaveLength(3);
    expect(intro[0]).toBe(sourceParagraph("The heads of Russia and the US arrived"));
    expect(intro[1]).toBe(sourceParagraph("Russian President Vladimir Putin and his US counterpart Donald Trump have finished"));
    expect(intro[1]).toContain("at\u00a0the\u00a0presidential"); // no-break spaces kept
    expect(feed.description).not.toMatch(/Listen Live|Get short URL|New messages|06:52/);
    expect(parseLiveBlogText(seed, { ...meta, title: "Helsinki summit" }).title).toBe("Helsinki summit");
    expect(feed).toMatchObject({ slug: meta.slug, outlet: "Sputnik", publishedZone: "GMT", eventZone: "Europe/Helsinki", eventDate: "2018-07-16", sourceUrl: null });
  });

  it("keeps bodies verbatim: quotes, typographic apostrophes, no-break spaces, paragraphs", () => {
    const wholeWorld = sourceParagraph('"The whole world understands');
    expect(at("18:01").body.split("\n\n")).toContain(wholeWorld);
    expect(at("17:14").body).toBe(
      [
        sourceParagraph('"That\'s right, thank you very much.'),
        sourceParagraph("On Sunday, Trump praised a"),
        sourceParagraph("The 2026 FIFA World Cup will be jointly hosted"),
      ].join("\n\n"),
    );
    expect(at("17:14").body).toContain('a "truly great" FIFA World Cup');
    expect(at("12:25").body).toContain("president\u2019s bulletproof limo");
    expect(at("15:39").body).toContain("said that\u00a0only a court");
    // Run-together sentences in the source stay as they are.
    expect(at("15:39").body).toContain("Donald Trump.The Russian president");
  });

  it("parses the photo entry (caption + © credit after the headline)", () => {
    const photo = at("15:50");
    expect(photo).toMatchObject({
      kind: "photo",
      title: "'The Ball is Now in Your Court' - Putin Gives Trump 2018 FIFA World Cup Ball",
      body: "",
      photoCaption: sourceParagraph("Russia's President Vladimir Putin (R) offers a ball"),
      photoCredit: "© AFP 2021 / Yuri KADOBNOV",
      videoTitle: null,
    });
    expect(feed.entries.filter((e) => e.kind === "photo")).toHaveLength(1);
  });

  it("parses the WATCH items as videos, headline as printed, with the thumbnail caption kept", () => {
    expect(at("10:47")).toEqual({
      key: "1047-putin-trump-meet-in-helsinki-during-first-bilateral-summit",
      publishedAt: "2018-07-16T10:47:00.000Z",
      pagePosition: 49,
      kind: "video",
      title: "WATCH Putin, Trump Meet in Helsinki During First Bilateral Summit",
      body: sourceParagraph("The Helsinki summit is the first ever full-fledged meeting"),
      photoCaption: "U.S. President Donald Trump meets with Russia's President Vladimir Putin in Helsinki, Finland, July 16, 2018",
      photoCredit: null,
      videoTitle: "Putin, Trump Meet in Helsinki During First Bilateral Summit",
    });
    const videos = feed.entries.filter((e) => e.kind === "video");
    expect(videos.map((e) => e.publishedAt.slice(11, 16))).toEqual(["16:14", "15:11", "12:25", "10:47"]);
    for (const v of videos) {
      // The headline is the page's line, word for word; the video's name is the rest of it.
      expect(v.title).toBe(sourceParagraph(v.title));
      expect(v.title).toMatch(/^WATCH:? /);
      expect(v.title.endsWith(` ${v.videoTitle}`)).toBe(true);
      expect(v.videoTitle).not.toMatch(/^WATCH/);
      expect(v.key).not.toMatch(/watch/);
      expect(v.photoCaption).toMatch(/July 16, 2018$/);
      expect(v.body).not.toBe("");
    }
    expect(videos.map((v) => v.title)).toEqual([
      "WATCH: US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser",
      "WATCH Putin and Trump Hold Press Conference After Tete-a-Tete Talks in Helsinki",
      "WATCH Putin Arrive in Russia-Made Limo at Summit With Trump",
      "WATCH Putin, Trump Meet in Helsinki During First Bilateral Summit",
    ]);
    // "WATCH:" and "WATCH" stay apart: the colon is the page's, not ours.
    expect(at("16:14")).toMatchObject({
      title: "WATCH: US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser",
      videoTitle: "US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser",
      key: "1614-us-journo-is-dragged-out-by-security-for-protest-at-putin-tr", // the key it always had
    });
  });

  it("drops every piece of page chrome", () => {
    const tags = "talks, Vladimir Putin, Donald Trump, US, Russia, Helsinki";
    expect(seed).toContain(tags);
    for (const e of feed.entries) {
      const text = [e.title, e.body, e.photoCaption ?? "", e.photoCredit ?? "", e.videoTitle ?? ""].join("\n");
      for (const chrome of ["Read more", "Listen Live", "Get short URL", "Community standards", tags, "LIVE UPDATES", "New messages", "Minor Rallies Planned", "Results of Putin-Trump Meetings Since 2017"]) {
        expect(text).not.toContain(chrome);
      }
      expect(text).not.toMatch(/^ /m); // indentation stripped
      expect(text).not.toMatch(/[ \t]$/m); // trailing whitespace stripped
    }
  });

  it("gives headline-only entries an empty body", () => {
    const headlineOnly = feed.entries.filter((e) => e.body === "").map((e) => e.publishedAt.slice(11, 16));
    expect(headlineOnly).toEqual(["15:50", "15:47", "15:19", "15:09", "13:38", "12:43", "12:26", "10:38", "10:05", "10:02"]);
    expect(at("15:47").title).toBe("Putin: I Wanted Trump to Win Because He Spoke About Normalization of Ties With Russia");
  });

  it("reports the 16:11 entry as out of order without moving anything", () => {
    expect(feed.notes).toHaveLength(1);
    const late = at("16:11");
    expect(late.title).toBe("Trump Says Putin Good Competitor, Never Called Him Rival");
    expect(late.pagePosition).toBe(21);
    expect(feed.entries[20]!.publishedAt.slice(11, 16)).toBe("15:34");
    expect(feed.entries[22]!.publishedAt.slice(11, 16)).toBe("15:29");
    const note = feed.notes[0]!;
    expect(note.code).toBe("out_of_order");
    expect(note.entryKeys).toEqual([late.key]);
    expect(note.message).toContain("16:11");
    expect(note.message).toContain("Trump Says Putin Good Competitor");
    expect(note.message).toContain("between the 15:34 and 15:29 updates");

    const order = replayOrder(feed.entries);
    const i = order.indexOf(late);
    expect(order[i - 1]!.publishedAt.slice(11, 16)).toBe("16:10");
    expect(order[i + 1]!.publishedAt.slice(11, 16)).toBe("16:14");
    expect(order.map((e) => e.publishedAt)).toEqual([...feed.entries.map((e) => e.publishedAt)].sort());
  });

  it("gives every entry a unique key", () => {
    expect(new Set(feed.entries.map((e) => e.key)).size).toBe(feed.entries.length);
    for (const e of feed.entries) expect(e.key).toMatch(/^\d{4}-[\p{L}\p{N}-]{1,60}$/u);
  });

  it("is unaffected by CRLF line endings", () => {
    expect(parseLiveBlogText(seed.replace(/\n/g, "\r\n"), meta)).toEqual(feed);
  });
});

describe("parseLiveBlogText on small inputs", () => {
  const entry = (time: string, headline: string, body = "") =>
    `    • ${time}\n\n      ${headline}\n` + (body ? `\n      ${body}\n` : "");

  it("keeps markup in bodies as text", () => {
    const body = `<script>alert(1)</script> & <b>"bold"</b>`;
    const f = parseLiveBlogText(page(entry("12:00", "Markup <i>test</i>", body)), meta);
    expect(f.entries[0]!.body).toBe(body);
    expect(f.entries[0]!.title).toBe("Markup <i>test</i>");
    expect(f.title).toBe("Test Blog");
    expect(f.description).toBe("Intro paragraph.");
  });

  it("converts times from the published zone with luxon", () => {
    const f = parseLiveBlogText(page(entry("21:18", "Late")), { ...meta, publishedZone: "Europe/Helsinki" });
    expect(f.entries[0]!.publishedAt).toBe("2018-07-16T18:18:00.000Z");
    const winter = parseLiveBlogText(page(entry("09:00", "Winter")), { ...meta, publishedZone: "Europe/Helsinki", eventDate: "2018-01-16" });
    expect(winter.entries[0]!.publishedAt).toBe("2018-01-16T07:00:00.000Z");
    const utc = parseLiveBlogText(page(entry("7:05", "Single-digit hour")), { ...meta, publishedZone: "UTC" });
    expect(utc.entries[0]!.publishedAt).toBe("2018-07-16T07:05:00.000Z");
    expect(utc.entries[0]!.key).toBe("0705-single-digit-hour");
  });

  it("numbers colliding keys from the bottom of the page", () => {
    const f = parseLiveBlogText(page(entry("12:00", "Same") + entry("12:00", "Same") + entry("12:00", "Same")), meta);
    expect(f.entries.map((e) => e.key)).toEqual(["1200-same-3", "1200-same-2", "1200-same"]);
    // Equal times: lower on the page was published earlier.
    expect(replayOrder(f.entries).map((e) => e.pagePosition)).toEqual([2, 1, 0]);
    expect(f.notes).toEqual([]);
  });

  it("keeps a bulleted list inside a body as body text", () => {
    const f = parseLiveBlogText(page(`    • 12:00\n\n      Headline\n\n      • first\n      • second\n`), meta);
    expect(f.entries).toHaveLength(1);
    expect(f.entries[0]!.body).toBe("• first\n• second");
  });

  it("throws FeedFormatError naming the line for malformed input", () => {
    const noEntries = thrown(() => parseLiveBlogText("Listen Live\n\n    Just an intro.\n", meta));
    expect(noEntries.message).toMatch(/no entries/);

    const badTime = page(entry("12:00", "Fine") + entry("25:61", "Broken"));
    const badTimeLine = badTime.split("\n").findIndex((l) => l.includes("25:61")) + 1;
    const e1 = thrown(() => parseLiveBlogText(badTime, meta));
    expect(e1.line).toBe(badTimeLine);
    expect(e1.message).toContain(`line ${badTimeLine}`);
    expect(e1.message).toContain("25:61");

    const noHeadline = page(entry("12:00", "Fine") + "    • 11:00\n\n" + entry("10:00", "Also fine"));
    const noHeadlineLine = noHeadline.split("\n").findIndex((l) => l.includes("11:00")) + 1;
    const e2 = thrown(() => parseLiveBlogText(noHeadline, meta));
    expect(e2.line).toBe(noHeadlineLine);
    expect(e2.message).toMatch(new RegExp(`^line ${noHeadlineLine}: .*no headline`));

    const junkAfterTime = page("    • 12:00 Breaking news\n\n      Headline\n");
    const e3 = thrown(() => parseLiveBlogText(junkAfterTime, meta));
    expect(e3.line).toBe(8);
    expect(e3.message).toMatch(/^line 8: cannot parse/);

    const captionRunOn = page("    • 12:00\n      A caption\n      Not a credit\n\n      Headline\n");
    const e4 = thrown(() => parseLiveBlogText(captionRunOn, meta));
    expect(e4.line).toBe(10);
    expect(e4.message).toMatch(/^line 10: cannot parse "Not a credit"/);

    const outdented = page(entry("12:00", "One") + "    stray text\n" + entry("11:00", "Two"));
    const e5 = thrown(() => parseLiveBlogText(outdented, meta));
    expect(e5.line).toBe(outdented.split("\n").indexOf("    stray text") + 1);

    const captionOnly = page("    • 12:00\n      Only a caption\n");
    expect(thrown(() => parseLiveBlogText(captionOnly, meta)).message).toMatch(/^line 8: .*photo caption but no headline/);

    const control = page(entry("12:00", "Bell\u0007"));
    expect(thrown(() => parseLiveBlogText(control, meta)).message).toMatch(/^line 10: .*U\+0007/);
  });

  it("rejects invalid metadata and impossible local times", () => {
    const text = page(entry("12:00", "Fine"));
    expect(thrown(() => parseLiveBlogText(text, { ...meta, publishedZone: "Mars/Olympus" })).field).toBe("publishedZone");
    expect(thrown(() => parseLiveBlogText(text, { ...meta, eventZone: "" })).field).toBe("eventZone");
    expect(thrown(() => parseLiveBlogText(text, { ...meta, eventDate: "2018-02-30" })).field).toBe("eventDate");
    expect(thrown(() => parseLiveBlogText(text, { ...meta, eventDate: "16/07/2018" })).field).toBe("eventDate");
    expect(thrown(() => parseLiveBlogText(text, { ...meta, sourceUrl: "javascript:alert(1)" })).field).toBe("sourceUrl");
    const gap = page(entry("03:30", "Clocks go forward"));
    const e = thrown(() => parseLiveBlogText(gap, { ...meta, publishedZone: "Europe/Helsinki", eventDate: "2018-03-25" }));
    expect(e.line).toBe(8);
  });

  it("enforces the length caps", () => {
    expect(() => parseLiveBlogText(page(entry("12:00", "x".repeat(500))), meta)).not.toThrow();
    expect(thrown(() => parseLiveBlogText(page(entry("12:00", "x".repeat(501))), meta)).message).toMatch(/headline .* longer than 500/);
    expect(thrown(() => parseLiveBlogText(page(entry("12:00", "Long", "y".repeat(20_001))), meta)).message).toMatch(/body .* longer than 20000/);
  });
});
