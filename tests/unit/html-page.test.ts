/**
 * The HTML import: finding the LiveBlogPosting JSON-LD in saved pages shaped like real outlets'
 * (an @graph, several blocks, a single update with `text`, no JSON-LD at all), and the errors
 * that say what the page holds instead.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJsonLdBlocks, parseLiveBlogHtml } from "../../domain/import/html-page";
import { parseFeedInput, detectFeedFormat } from "../../domain/import/feed-input";
import { parseLiveBlogJson, toLiveBlogJson } from "../../domain/import/json-feed";
import { MAX_ENTRIES, MAX_UPLOAD_BYTES } from "../../domain/import/limits";
import { stripMarkup } from "../../domain/import/markup";
import { thrown } from "./feed-errors";

const fixture = (name: string) => fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures", name), "utf8");
const graphPage = fixture("live-blog-graph.html");
const blocksPage = fixture("live-blog-several-blocks.html");
const bareP = fixture("live-blog-no-jsonld.html");

/** A minimal page around JSON-LD blocks (each a JSON value or raw text). */
function page(...blocks: unknown[]): string {
  const scripts = blocks.map((b) => `<script type="application/ld+json">${typeof b === "string" ? b : JSON.stringify(b, null, 2)}</script>`);
  return `<!DOCTYPE html>\n<html>\n<head>\n<title>Live</title>\n${scripts.join("\n")}\n</head>\n<body><p>Live blog</p></body>\n</html>\n`;
}

const update = (headline: string, datePublished: string, more: Record<string, unknown> = {}) => ({ "@type": "BlogPosting", headline, articleBody: `${headline}.`, datePublished, ...more });
const posting = (updates: unknown, more: Record<string, unknown> = {}) => ({
  "@context": "https://schema.org",
  "@type": "LiveBlogPosting",
  headline: "Referendum night",
  publisher: { "@type": "Organization", name: "Test Outlet" },
  liveBlogUpdate: updates,
  ...more,
});

describe("a WordPress-style page with an @graph", () => {
  const parsed = parseLiveBlogHtml(graphPage);

  it("finds the one real JSON-LD block: not the commented-out one, not the string inside a script, not the CSS comment", () => {
    expect(findJsonLdBlocks(graphPage)).toHaveLength(1);
    expect(findJsonLdBlocks(graphPage)[0]!.line).toBe(23);
  });

  it("reads the LiveBlogPosting of the @graph (its @type an array), the publisher through its @id", () => {
    const { feed } = parsed;
    expect(feed).toMatchObject({
      title: "Helsinki summit live: Trump and Putin meet – as it happened",
      outlet: "The Daily Ledger",
      description: "Donald Trump and Vladimir Putin hold their first full summit in the Finnish capital.",
      sourceUrl: "https://www.dailyledger.example/world/2018/jul/16/helsinki-summit-live",
      slug: "helsinki-summit-live-trump-and-putin-meet-as-it-happened",
      coverageStart: "2018-07-16T06:45:00.000Z",
      coverageEnd: "2018-07-16T16:57:00.000Z",
    });
    expect(feed.entries.map((e) => e.key)).toEqual(["block-5b4cc7e4", "block-5b4cb6a1", "block-5b4c8d10", "block-5b4c5f02", "block-5b4c4a77"]);
    expect(feed.notes).toEqual([]);
  });

  it("decodes entities and turns markup into paragraphs and line breaks", () => {
    const [first, second, third] = parsed.feed.entries;
    expect(first!.title).toBe("Putin: ‘The Russian state has never interfered’");
    expect(first!.body).toBe("At the joint press conference Putin said Russia had never interfered in US domestic affairs & would not do so.\n\nTrump said he had raised the allegations directly.");
    expect(second).toMatchObject({ kind: "photo", photoCaption: "The two delegations at the Presidential Palace.", photoCredit: "Photograph: Pool/Reuters" });
    expect(second!.body).toBe("The delegations’ working lunch has ended, the Kremlin says.");
    expect(third!.body).toBe("Trump and Putin met with only their interpreters present.\nThe meeting was expected to last about 90 minutes.");
    expect(parsed.sources.map((s) => s.markupRemoved)).toEqual([["p", "em"], ["p", "a"], ["p", "br"], [], ["p"]]);
  });

  it("says where each entry came from and what it guessed", () => {
    expect(parsed.sources[3]).toMatchObject({ block: 1, line: 23, field: "@graph[1].liveBlogUpdate[3]", printedTime: "2018-07-16T13:05:00+03:00", wallTime: "2018-07-16T13:05" });
    expect(parsed.statedCoverage).toEqual({ start: "2018-07-16T06:45:00.000Z", end: "2018-07-16T17:30:00.000Z" });
    expect(parsed.detected.publishedZone).toMatchObject({ value: "UTC+3", from: "guessed" });
    expect(parsed.detected.publishedZone!.note).toMatch(/\+03:00 \(or as UTC\)/);
    expect(parsed.detected.outlet).toEqual({ value: "The Daily Ledger", from: "source" });
    expect(parsed.detected.slug).toMatchObject({ from: "guessed", note: "made from the headline" });
  });

  it("takes the caller's metadata over the page's and its guesses", () => {
    const given = parseLiveBlogHtml(graphPage, { slug: "ledger-helsinki", publishedZone: "Europe/Helsinki", eventZone: "Europe/Helsinki", outlet: "Ledger" });
    expect(given.feed).toMatchObject({ slug: "ledger-helsinki", outlet: "Ledger", publishedZone: "Europe/Helsinki", eventDate: "2018-07-16" });
    expect(given.detected.publishedZone).toEqual({ value: "Europe/Helsinki", from: "option" });
  });

  it("round-trips through the JSON feed format", () => {
    expect(parseLiveBlogJson(JSON.stringify(toLiveBlogJson(parsed.feed)))).toEqual(parsed.feed);
  });
});

describe("a broadcaster's page with several JSON-LD blocks", () => {
  it("skips the NewsArticle and BreadcrumbList and reads the LiveBlogPosting from an upper-case, CDATA-wrapped block", () => {
    const blocks = findJsonLdBlocks(blocksPage);
    expect(blocks.map((b) => b.index)).toEqual([1, 2, 3]);
    expect(blocks[2]!.text.startsWith("{")).toBe(true);
    const parsed = parseLiveBlogHtml(blocksPage);
    expect(parsed.feed.entries).toHaveLength(1);
    expect(parsed.feed.entries[0]).toMatchObject({
      key: "post-5b4cd1f8",
      kind: "photo",
      title: 'Trump "trusts both sides" on election meddling',
      photoCaption: "Mr Trump and Mr Putin at their joint news conference",
      photoCredit: "Getty Images",
      publishedAt: "2018-07-16T17:46:00.000Z",
    });
    // liveBlogUpdate is one object with `text`, not a list with `articleBody`.
    expect(parsed.feed.entries[0]!.body).toMatch(/^Asked whom he believed, .*denial today"\.\n\nSenior Republicans were quick to criticise the remarks\.$/s);
    expect(parsed.sources[0]).toMatchObject({ block: 3, field: "liveBlogUpdate" });
    expect(parsed.feed.outlet).toBe("Northern Broadcasting");
    expect(parsed.statedCoverage).toEqual({ start: "2018-07-16T05:00:00.000Z", end: "2018-07-16T22:59:00.000Z" });
  });

  it("without the LiveBlogPosting block, says which types it found", () => {
    const without = blocksPage.replace(/<SCRIPT TYPE="application\/ld\+json; charset=utf-8"[\s\S]*?<\/SCRIPT>/, "");
    const e = thrown(() => parseLiveBlogHtml(without));
    expect(e.message).toBe("Found 2 JSON-LD blocks: NewsArticle, BreadcrumbList; none is a LiveBlogPosting.");
    expect(e.field).toBe("JSON-LD");
  });
});

describe("a page without JSON-LD", () => {
  it("gets a clear message: what is missing and what to do instead", () => {
    const e = thrown(() => parseLiveBlogHtml(bareP));
    expect(e.message).toMatch(/^No JSON-LD found: the page has no <script type="application\/ld\+json"> block, so it holds no LiveBlogPosting\./);
    expect(e.message).toMatch(/import it as plain text/);
  });

  it("names microdata when the page uses it instead", () => {
    const micro = bareP.replace('<div class="live-updates">', '<div class="live-updates" itemscope itemtype="https://schema.org/LiveBlogPosting">');
    expect(thrown(() => parseLiveBlogHtml(micro)).message).toMatch(/microdata .* not supported; only JSON-LD is/);
  });
});

describe("the shapes real sites use", () => {
  it("@type as a prefixed name or an array, updates as a list newest first", () => {
    const p = parseLiveBlogHtml(page(posting([update("B", "2016-06-24T05:00:00+01:00"), update("A", "2016-06-24T04:00:00+01:00")], { "@type": ["schema:LiveBlogPosting"] })));
    expect(p.feed.entries.map((e) => e.title)).toEqual(["B", "A"]);
    expect(p.warnings).toEqual([]);
  });

  it("a block holding an array of nodes, the posting inside mainEntity", () => {
    const p = parseLiveBlogHtml(page([{ "@type": "Organization", name: "X" }, { "@type": "WebPage", mainEntity: posting(update("Only", "2016-06-24T05:00:00Z")) }]));
    expect(p.feed.entries.map((e) => e.title)).toEqual(["Only"]);
    expect(p.sources[0]!.field).toBe("[1].mainEntity.liveBlogUpdate");
  });

  it("a list oldest first is read bottom-up, and says so", () => {
    const p = parseLiveBlogHtml(page(posting([update("A", "2016-06-24T04:00:00+01:00"), update("B", "2016-06-24T05:00:00+01:00"), update("C", "2016-06-24T06:00:00+01:00")])));
    expect(p.feed.entries.map((e) => e.title)).toEqual(["C", "B", "A"]);
    expect(p.sources.map((s) => s.field)).toEqual(["liveBlogUpdate[2]", "liveBlogUpdate[1]", "liveBlogUpdate[0]"]);
    expect(p.warnings[0]).toMatch(/lists the updates oldest first; it was read bottom-up/);
    expect(p.feed.notes).toEqual([]);
  });

  it("an update without a headline is titled from its text's first sentence", () => {
    const p = parseLiveBlogHtml(page(posting([{ "@type": "BlogPosting", articleBody: "<p>Sunderland declares: Leave 61%. Remain 39%.</p>", datePublished: "2016-06-24T00:20:00+01:00" }])));
    expect(p.feed.entries[0]!.title).toBe("Sunderland declares: Leave 61%.");
    expect(p.sources[0]!.headlineMissing).toBe(true);
  });

  it("a time without an offset is read in the given zone and marked", () => {
    const p = parseLiveBlogHtml(page(posting([update("A", "2016-06-24T04:40:00")])), { publishedZone: "Europe/London" });
    expect(p.feed.entries[0]!.publishedAt).toBe("2016-06-24T03:40:00.000Z");
    expect(p.sources[0]!.offsetMissing).toBe(true);
  });

  it("an update's `identifier` is its key; duplicates fall back to generated keys", () => {
    const p = parseLiveBlogHtml(page(posting([update("B", "2016-06-24T05:00:00Z", { identifier: "x" }), update("A", "2016-06-24T04:00:00Z", { identifier: "x" })])), { publishedZone: "UTC" });
    expect(p.feed.entries.map((e) => e.key)).toEqual(["x", "0400-a"]);
  });

  it("the JSON-LD's own relive: fields and a schema.org slug identifier are used", () => {
    const p = parseLiveBlogHtml(page(posting([update("A", "2016-06-24T04:00:00+01:00")], { identifier: "brexit-night", "relive:publishedZone": "Europe/London", "relive:eventDate": "2016-06-23" })));
    expect(p.feed).toMatchObject({ slug: "brexit-night", publishedZone: "Europe/London", eventZone: "Europe/London", eventDate: "2016-06-23" });
    expect(p.feed.entries[0]!.key).toBe("0400-a");
  });
});

describe("errors name the block, line and field", () => {
  it("a broken JSON-LD block: its number and the JSON error's position in the block and on the page", () => {
    const html = page('{\n  "@type": "LiveBlogPosting",\n  "headline": "x",\n}');
    const e = thrown(() => parseLiveBlogHtml(html));
    expect(e.message).toBe('JSON-LD block 1 of 1 is not valid JSON at line 4, column 1 of the block (line 8 of the page): unexpected "}", expected a property name in double quotes');
    expect(e.line).toBe(8);
    expect(e.field).toBe("JSON-LD block 1");
  });

  it("a broken block beside a good LiveBlogPosting is skipped with a warning", () => {
    const p = parseLiveBlogHtml(page("{ not json", posting(update("A", "2016-06-24T04:00:00Z"))));
    expect(p.feed.entries).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/^JSON-LD block 1 of 2 is not valid JSON at line 1, column 3 .*; it was skipped/);
  });

  it("an update without a date: the field path inside the block", () => {
    const e = thrown(() => parseLiveBlogHtml(page({ "@graph": [{ "@type": "WebPage" }, posting([update("A", "2016-06-24T04:00:00Z"), { "@type": "BlogPosting", headline: "B" }])] })));
    expect(e.field).toBe("@graph[1].liveBlogUpdate[1].datePublished");
    expect(e.message).toBe("JSON-LD block 1: @graph[1].liveBlogUpdate[1].datePublished: the update has no datePublished");
  });

  it("a value the JSON format refuses is reported at the page's field", () => {
    const e = thrown(() => parseLiveBlogHtml(page(posting([update("A".repeat(501), "2016-06-24T04:00:00Z")]))));
    expect(e.field).toBe("liveBlogUpdate[0].headline");
    expect(e.message).toMatch(/must be at most 500 characters/);
  });

  it("no publisher and no og:site_name: asks for the outlet", () => {
    const e = thrown(() => parseLiveBlogHtml(page(posting(update("A", "2016-06-24T04:00:00Z"), { publisher: undefined }))));
    expect(e.message).toMatch(/names no publisher; give the outlet's name/);
  });

  it(`more than MAX_ENTRIES (${MAX_ENTRIES}) updates names the limit`, () => {
    const many = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => update(`U${i}`, new Date(Date.UTC(2016, 5, 24) - i * 1000).toISOString()));
    const e = thrown(() => parseLiveBlogHtml(page(posting(many))));
    expect(e.message).toBe(`JSON-LD block 1: liveBlogUpdate: ${MAX_ENTRIES + 1} updates is over the limit of ${MAX_ENTRIES} entries per feed (MAX_ENTRIES)`);
  });
});

describe("the upload entry point", () => {
  it("recognises the format by name, then by content", () => {
    expect(detectFeedFormat(graphPage, "saved.htm")).toBe("html");
    expect(detectFeedFormat(graphPage)).toBe("html");
    expect(detectFeedFormat('{"@type":"LiveBlogPosting"}')).toBe("json");
    expect(detectFeedFormat("• 18:18\n\nHeadline")).toBe("text");
    expect(parseFeedInput({ text: blocksPage }).format).toBe("html");
  });

  it(`refuses more than MAX_UPLOAD_BYTES (${MAX_UPLOAD_BYTES}) before reading, naming the limit`, () => {
    const e = thrown(() => parseFeedInput({ name: "huge.html", bytes: new Uint8Array(MAX_UPLOAD_BYTES + 1) }));
    expect(e.message).toBe(`huge.html is 20 MiB (${MAX_UPLOAD_BYTES + 1} bytes); the limit is 20 MiB (MAX_UPLOAD_BYTES)`);
    expect(e.field).toBe("file");
  });

  it("a JSON feed's metadata can be corrected in the preview, and is validated as usual; entries keep their field paths", () => {
    const json = JSON.stringify(toLiveBlogJson(parseLiveBlogHtml(graphPage).feed));
    const parsed = parseFeedInput({ name: "f.json", text: json }, { meta: { slug: "renamed", publishedZone: "Europe/Helsinki" } });
    expect(parsed.feed.slug).toBe("renamed");
    expect(parsed.detected.slug).toEqual({ value: "renamed", from: "option" });
    expect(parsed.detected.outlet).toEqual({ value: "The Daily Ledger", from: "source" });
    expect(parsed.sources[2]!.field).toBe("liveBlogUpdate[2]");
    expect(thrown(() => parseFeedInput({ name: "f.json", text: json }, { meta: { slug: "Not A Slug" } })).field).toBe("identifier");
  });

  it("refuses bytes that are not UTF-8, and a text feed without its metadata", () => {
    expect(thrown(() => parseFeedInput({ name: "a.txt", bytes: new Uint8Array([0xff, 0xfe, 0x41]) })).message).toBe("a.txt is not UTF-8 text");
    expect(thrown(() => parseFeedInput({ text: "• 18:18\n\nHeadline" }, { meta: { slug: "x" } })).message).toBe(
      "a plain-text feed needs its outlet, publishedZone, eventZone, eventDate: the text does not say them",
    );
  });
});

describe("markup in strings", () => {
  it("plain text stays as written; HTML becomes paragraphs", () => {
    expect(stripMarkup("a  b\nc &amp; d")).toEqual({ text: "a  b\nc & d", tags: [], entities: true });
    expect(stripMarkup("<p>One\n two</p>\n\n<p>Three<br/>four <script>x()</script><!-- c --></p>")).toEqual({ text: "One two\n\nThree\nfour", tags: ["p", "br", "script"], entities: false });
    expect(stripMarkup("a < b and c > d").text).toBe("a < b and c > d");
    expect(stripMarkup("&#146;&#x2019;&nosuch;").text).toBe("’’&nosuch;");
  });
});
