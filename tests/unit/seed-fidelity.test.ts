/**
 * An independent check of the import against the seed text itself: the page
 * is cut at its "• HH:MM" bullets by a different method than the parser's,
 * and every block's lines must come back as exactly one entry's fields.
 * A chrome line leaking in, a body cut short, or two entries merged all fail.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseLiveBlogText } from "../../domain/import/live-blog-text";

const file = path.join(import.meta.dirname, "../../data/feeds/sputnik-helsinki-2018.txt");
const text = fs.readFileSync(file, "utf8");
const meta = JSON.parse(fs.readFileSync(file.replace(/\.txt$/, ".meta.json"), "utf8"));
const feed = parseLiveBlogText(text, meta);

const lines = text.split("\n").map((line) => line.trim());
const bulletRows = lines.flatMap((line, row) => (/^• \d{2}:\d{2}$/.test(line) ? [row] : []));
const trailerRow = lines.findIndex((line) => line.startsWith("LIVE UPDATES:"));

/** The source lines of the i-th entry on the page, without blank lines and "Read more". */
function sourceBlock(index: number): string[] {
  const end = bulletRows[index + 1] ?? trailerRow;
  return lines
    .slice(bulletRows[index]! + 1, end)
    .filter((line) => line !== "" && line !== "Read more");
}

describe("the imported feed against the seed text", () => {
  it("has one entry per timestamped update, in page order", () => {
    expect(trailerRow).toBeGreaterThan(bulletRows.at(-1)!);
    expect(feed.entries).toHaveLength(bulletRows.length);
    feed.entries.forEach((entry, index) => {
      expect(entry.pagePosition).toBe(index);
      const printed = lines[bulletRows[index]!]!.slice(2);
      expect(entry.key.slice(0, 4)).toBe(printed.replace(":", ""));
    });
  });

  it("gives back every line of every update, whole, in exactly one entry", () => {
    feed.entries.forEach((entry, index) => {
      const fromEntry = [entry.photoCaption, entry.photoCredit, entry.title, ...entry.body.split("\n\n")]
        .filter((part): part is string => Boolean(part))
        .map((part) => part.trim());
      expect(fromEntry.sort(), `entry ${index} (${entry.title})`).toEqual(sourceBlock(index).sort());
    });
  });

  it("leaves the page chrome out of every entry", () => {
    const chrome = [
      ...lines.slice(0, bulletRows[0]).filter(Boolean).filter((line) => !feed.description.includes(line)),
      ...lines.slice(trailerRow).filter(Boolean),
      "Read more",
    ];
    expect(chrome).toEqual(expect.arrayContaining(["Listen Live", "Get short URL", "New messages", "Community standardsDiscussion"]));
    for (const entry of feed.entries) {
      const everything = [entry.title, entry.body, entry.photoCaption, entry.photoCredit].join("\n");
      for (const line of chrome) expect(everything.split("\n")).not.toContain(line);
    }
  });
});
