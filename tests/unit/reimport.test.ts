/**
 * Re-import diffs keyed by entry key, and keys kept stable through headline edits.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ImportedFeed } from "../../domain/feed-model";
import { parseLiveBlogText } from "../../domain/import/live-blog-text";
import { diffFeeds, isEmptyDiff, reconcileEntryKeys } from "../../domain/import/reimport";

const root = path.resolve(import.meta.dirname, "../..");
const seed: ImportedFeed = parseLiveBlogText(
  fs.readFileSync(path.join(root, "data/feeds/sputnik-helsinki-2018.txt"), "utf8"),
  JSON.parse(fs.readFileSync(path.join(root, "data/feeds/sputnik-helsinki-2018.meta.json"), "utf8")),
);

/** The seed's text with `edit` applied, parsed again. */
function edited(edit: (text: string) => string): ImportedFeed {
  const text = edit(fs.readFileSync(path.join(root, "data/feeds/sputnik-helsinki-2018.txt"), "utf8"));
  return parseLiveBlogText(text, JSON.parse(fs.readFileSync(path.join(root, "data/feeds/sputnik-helsinki-2018.meta.json"), "utf8")));
}

describe("diffFeeds", () => {
  it("the same feed: nothing to do", () => {
    const diff = diffFeeds(seed, structuredClone(seed));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.unchanged).toBe(seed.entries.length);
  });

  it("a new slug: every entry added", () => {
    const diff = diffFeeds(null, seed);
    expect(diff.created).toBe(true);
    expect(diff.added).toHaveLength(seed.entries.length);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it("a body changed: that entry, that field, with the stored value", () => {
    const target = seed.entries[10]!;
    const next = { ...seed, entries: seed.entries.map((e) => (e === target ? { ...e, body: `${e.body}\n\nCorrection appended.` } : e)) };
    const diff = diffFeeds(seed, next);
    expect(diff.changed).toEqual([
      { key: target.key, title: target.title, publishedAt: target.publishedAt, pagePosition: 10, fields: ["body"], before: { body: target.body } },
    ]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.unchanged).toBe(seed.entries.length - 1);
  });

  it("added at the top, removed at the bottom, metadata changed: moves are told apart from changes", () => {
    const top = { ...seed.entries[0]!, key: "1830-late-news", title: "Late news", publishedAt: "2018-07-16T18:30:00.000Z", pagePosition: 0 };
    const kept = seed.entries.slice(0, -1).map((e) => ({ ...e, pagePosition: e.pagePosition + 1 }));
    const next = { ...seed, title: "Renamed", entries: [top, ...kept] };
    const diff = diffFeeds(seed, next);
    expect(diff.feedFields).toEqual(["title"]);
    expect(diff.added.map((e) => e.key)).toEqual(["1830-late-news"]);
    expect(diff.removed.map((e) => e.key)).toEqual([seed.entries.at(-1)!.key]);
    expect(diff.changed).toEqual([]);
    expect(diff.moved).toHaveLength(seed.entries.length - 1);
    expect(diff.unchanged).toBe(0);
  });
});

describe("stable keys", () => {
  it("a headline corrected in the source keeps its entry's key", () => {
    const before = seed.entries.find((e) => e.title === "Trump Says Putin Good Competitor, Never Called Him Rival")!;
    const next = edited((t) => t.replace("Trump Says Putin Good Competitor, Never Called Him Rival", "Trump Calls Putin a Good Competitor, Not a Rival"));
    // Parsed on its own, the entry gets a new generated key…
    expect(next.entries.map((e) => e.key)).not.toContain(before.key);
    // …but against the stored feed it keeps the old one, and the diff is one changed title.
    const { feed, keptKeys } = reconcileEntryKeys(seed, next);
    expect(keptKeys).toEqual([{ key: before.key, generatedKey: "1611-trump-calls-putin-a-good-competitor-not-a-rival" }]);
    expect(feed.entries.map((e) => e.key)).toEqual(seed.entries.map((e) => e.key));
    expect(feed.notes).toEqual([{ ...seed.notes[0]!, message: seed.notes[0]!.message.replace(before.title, "Trump Calls Putin a Good Competitor, Not a Rival") }]);
    const diff = diffFeeds(seed, next);
    expect(diff.changed).toEqual([expect.objectContaining({ key: before.key, fields: ["title"], before: { title: before.title } })]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });

  it("an entry removed and another added at a different time are not paired", () => {
    const [first, ...rest] = seed.entries;
    const other = { ...first!, key: "0900-other", title: "Other", publishedAt: "2018-07-16T09:00:00.000Z" };
    const diff = diffFeeds(seed, { ...seed, entries: [other, ...rest] });
    expect(diff.keptKeys).toEqual([]);
    expect(diff.added.map((e) => e.key)).toEqual(["0900-other"]);
    expect(diff.removed.map((e) => e.key)).toEqual([first!.key]);
  });

  it("several new entries at one instant pair only where the text is unchanged", () => {
    const base = seed.entries[0]!;
    const a = { ...base, key: "1818-a", title: "A", body: "Text A", pagePosition: 0 };
    const b = { ...base, key: "1818-b", title: "B", body: "Text B", pagePosition: 1 };
    const stored = { ...seed, entries: [a, b] };
    const next = { ...seed, entries: [{ ...a, key: "1818-a-fixed", title: "A fixed" }, { ...b, key: "1818-b-new", title: "B new", body: "Rewritten" }] };
    const { keptKeys } = reconcileEntryKeys(stored, next);
    expect(keptKeys).toEqual([{ key: "1818-a", generatedKey: "1818-a-fixed" }]);
  });
});
