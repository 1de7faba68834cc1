/**
 * The preview's anomaly report: one small feed per kind of anomaly, each checked for the entries
 * it names (page position, key, and the line or field path in the input).
 */
import { describe, expect, it } from "vitest";
import { analyzeFeed, type AnomalyKind } from "../../domain/import/anomalies";
import { parseFeedInput, type FeedInputMeta } from "../../domain/import/feed-input";
import { thrown } from "./feed-errors";

const textMeta: FeedInputMeta = { slug: "t", title: "Test", outlet: "Outlet", publishedZone: "GMT", eventZone: "Europe/London", eventDate: "2018-07-16" };

/** A plain-text feed, newest first: [time, headline, body]. Bullets at indent 4, text at 6. */
function textFeed(entries: [string, string, string?][]): string {
  const lines = ["Intro.", "", "New messages"];
  for (const [time, headline, body] of entries) lines.push(`    • ${time}`, "", `      ${headline}`, ...(body ? ["", `      ${body}`] : []));
  return `${lines.join("\n")}\n`;
}

function jsonFeed(updates: object[], more: object = {}): string {
  return JSON.stringify({
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: "j",
    headline: "JSON feed",
    description: "",
    publisher: { name: "Outlet" },
    "relive:publishedZone": "Europe/London",
    "relive:eventZone": "Europe/London",
    "relive:eventDate": "2021-03-28",
    liveBlogUpdate: updates,
    ...more,
  });
}
const u = (headline: string, datePublished: string, articleBody = "") => ({ "@type": "BlogPosting", headline, articleBody, datePublished });

function htmlPage(posting: object): string {
  return `<!doctype html><html><head><script type="application/ld+json">${JSON.stringify(posting)}</script></head><body></body></html>`;
}

const kinds = (list: { kind: AnomalyKind }[]) => list.map((a) => a.kind);

describe("analyzeFeed", () => {
  it("a clean feed has no anomalies", () => {
    const parsed = parseFeedInput({ name: "t.txt", text: textFeed([["11:00", "Second", "Body."], ["10:00", "First"]]) }, { meta: textMeta });
    expect(analyzeFeed(parsed)).toEqual([]);
  });

  it("out_of_order: the importer's note, with the entry's line", () => {
    const parsed = parseFeedInput(
      { name: "t.txt", text: textFeed([["12:00", "Noon"], ["10:30", "Misplaced"], ["11:30", "Half past"], ["11:00", "Eleven"], ["10:00", "Ten"]]) },
      { meta: textMeta },
    );
    const [a, ...rest] = analyzeFeed(parsed);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: "out_of_order", entries: [{ index: 1, key: "1030-misplaced", title: "Misplaced", line: 7 }] });
    expect(a!.message).toMatch(/^The 10:30 GMT update "Misplaced" sits out of time order on the source page/);
  });

  it("duplicate_time: one anomaly per shared time, naming every entry with its field", () => {
    const parsed = parseFeedInput({ text: jsonFeed([u("B", "2021-03-28T12:00:00Z"), u("A", "2021-03-28T12:00:00Z"), u("C", "2021-03-28T11:00:00Z")]) });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["duplicate_time"]);
    expect(list[0]!.message).toBe('2 updates share the time 13:00 Europe/London: "B", "A". The replay shows them in page order, lowest on the page first.');
    expect(list[0]!.entries.map((e) => [e.index, e.key, e.field])).toEqual([
      [0, "1300-b", "liveBlogUpdate[0].datePublished"],
      [1, "1300-a", "liveBlogUpdate[1].datePublished"],
    ]);
  });

  it("duplicate_headline: same words, whatever the case and spacing", () => {
    const parsed = parseFeedInput({ name: "t.txt", text: textFeed([["12:00", "Polls close"], ["11:00", "Other"], ["10:00", "POLLS  close"]]) }, { meta: textMeta });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["duplicate_headline"]);
    expect(list[0]!.message).toBe('2 updates have the headline "Polls close" (at 12:00, 10:00).');
    expect(list[0]!.entries.map((e) => [e.index, e.line])).toEqual([[0, 4], [2, 10]]);
  });

  it("nonexistent_time in a text feed: an error when strict, an anomaly in the preview", () => {
    const meta = { ...textMeta, publishedZone: "Europe/London", eventDate: "2021-03-28" };
    const text = textFeed([["02:30", "After the change"], ["01:30", "In the gap"], ["00:30", "Before"]]);
    expect(thrown(() => parseFeedInput({ name: "t.txt", text }, { meta, mode: "strict" })).message).toBe(
      "line 7: • 01:30 does not exist on 2021-03-28 in Europe/London (clock change)",
    );
    const parsed = parseFeedInput({ name: "t.txt", text }, { meta });
    const list = analyzeFeed(parsed);
    // Read as the clock would: 01:30 GMT does not exist, luxon moves it on to 02:30 BST, the time of the update above.
    expect(kinds(list)).toEqual(["duplicate_time", "nonexistent_time"]);
    expect(list[1]!.message).toBe(
      "• 01:30 gives 01:30 on 2021-03-28, a time that does not exist in Europe/London (the clocks went forward). It is replayed at 02:30 (UTC+01:00); check the zone and date.",
    );
    expect(list[1]!.entries).toEqual([{ index: 1, key: "0130-in-the-gap", title: "In the gap", line: 7 }]);
  });

  it("nonexistent_time in JSON: a local time with an offset the zone did not have; a UTC stamp claims no local time", () => {
    const parsed = parseFeedInput({ text: jsonFeed([u("Gap", "2021-03-28T01:30:00+01:00"), u("UTC stamp", "2021-03-28T00:15:00Z")]) });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["nonexistent_time"]);
    expect(list[0]!.entries[0]).toMatchObject({ index: 0, field: "liveBlogUpdate[0].datePublished" });
  });

  it("offset_mismatch: an existing local time with the wrong offset", () => {
    const parsed = parseFeedInput({ text: jsonFeed([u("Summer", "2021-06-01T12:00:00+02:00")], { "relive:eventDate": "2021-06-01" }) });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["offset_mismatch"]);
    expect(list[0]!.message).toBe(
      "2021-06-01T12:00:00+02:00 is written with the offset +02:00, but Europe/London was at +01:00 then, so the update is replayed at 11:00, not 12:00; check the zone.",
    );
  });

  it("outside_coverage: before the stated start or after the stated end (an error when strict)", () => {
    const text = jsonFeed([u("Late", "2021-03-28T23:30:00Z"), u("Inside", "2021-03-28T12:00:00Z"), u("Early", "2021-03-28T05:00:00Z")], {
      coverageStartTime: "2021-03-28T06:00:00Z",
      coverageEndTime: "2021-03-28T22:00:00Z",
    });
    expect(thrown(() => parseFeedInput({ text }, { mode: "strict" })).field).toBe("coverageStartTime");
    const list = analyzeFeed(parseFeedInput({ text }));
    expect(kinds(list)).toEqual(["outside_coverage", "outside_coverage"]);
    expect(list.map((a) => a.entries[0]!.key)).toEqual(["0030-late", "0600-early"]);
    expect(list[1]!.message).toBe(
      'The update "Early" at 2021-03-28 06:00 Europe/London is before the stated coverage start (2021-03-28 07:00 Europe/London). It is kept; the replay\'s span is set by the updates.',
    );
    // A coverage the user states in the preview.
    expect(kinds(analyzeFeed(parseFeedInput({ text }), { coverage: { start: "2021-03-28T00:00:00Z", end: "2021-03-29T00:00:00Z" } }))).toEqual([]);
  });

  it("empty_headline: an HTML update titled from its text", () => {
    const parsed = parseFeedInput({
      name: "p.html",
      text: htmlPage({ "@type": "LiveBlogPosting", headline: "Night", publisher: { name: "O" }, liveBlogUpdate: [{ "@type": "BlogPosting", text: "Turnout is 72%. Highest since 1992.", datePublished: "2016-06-23T22:30:00Z" }] }),
    });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["empty_headline"]);
    expect(list[0]).toMatchObject({ message: 'The update at 22:30 has no headline; its title was taken from its text: "Turnout is 72%.".', entries: [{ index: 0, field: "liveBlogUpdate[0].headline", block: 1 }] });
  });

  it("markup_stripped: how many entries, which tags", () => {
    const parsed = parseFeedInput({
      name: "p.html",
      text: htmlPage({
        "@type": "LiveBlogPosting",
        headline: "Night",
        publisher: { name: "O" },
        liveBlogUpdate: [
          { "@type": "BlogPosting", headline: "B", articleBody: "<p>One <a href='/x'>link</a></p>", datePublished: "2016-06-23T23:00:00Z" },
          { "@type": "BlogPosting", headline: "A", articleBody: "Plain", datePublished: "2016-06-23T22:00:00Z" },
        ],
      }),
    });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["markup_stripped"]);
    expect(list[0]).toMatchObject({ tags: ["p", "a"], entries: [{ index: 0, key: "2300-b" }] });
    expect(list[0]!.message).toBe("Markup was removed from 1 of 2 updates (<p>, <a>): paragraphs and line breaks are kept, links and formatting are not.");
  });

  it("markup_kept: a text or JSON feed keeps tags as literal text, and says so", () => {
    const parsed = parseFeedInput({ name: "t.txt", text: textFeed([["11:00", "Plain"], ["10:00", "The <b>bold</b> claim", "See <a href=x>here</a>"]]) }, { meta: textMeta });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["markup_kept"]);
    expect(list[0]).toMatchObject({ tags: ["b", "a"], entries: [{ index: 1, line: 7 }] });
    expect(parsed.feed.entries[1]!.title).toBe("The <b>bold</b> claim");
  });

  it("source_note: what the HTML import did on the way (a list read bottom-up)", () => {
    const parsed = parseFeedInput({
      name: "p.html",
      text: htmlPage({
        "@type": "LiveBlogPosting",
        headline: "Night",
        publisher: { name: "O" },
        liveBlogUpdate: [
          { "@type": "BlogPosting", headline: "A", articleBody: "", datePublished: "2016-06-23T22:00:00Z" },
          { "@type": "BlogPosting", headline: "B", articleBody: "", datePublished: "2016-06-23T23:00:00Z" },
        ],
      }),
    });
    const list = analyzeFeed(parsed);
    expect(kinds(list)).toEqual(["source_note"]);
    expect(list[0]!.entries).toEqual([]);
  });

  it("works on a bare feed (a stored one) too, naming entries by index and key", () => {
    const parsed = parseFeedInput({ text: jsonFeed([u("Same", "2021-03-28T12:00:00Z"), u("Same", "2021-03-28T11:00:00Z")]) });
    expect(analyzeFeed(parsed.feed)).toEqual([
      expect.objectContaining({ kind: "duplicate_headline", entries: [{ index: 0, key: "1300-same", title: "Same" }, { index: 1, key: "1200-same", title: "Same" }] }),
    ]);
  });
});
