import { describe, expect, it } from "vitest";
import { searchReplay, SEARCH_LIMIT, type SearchInput } from "../../domain/replay/search";

const entries = [
  { key: "a", publishedAt: "2018-07-16T09:00:00Z", title: "Air Force One lands", body: "The plane landed at Helsinki-Vantaa." },
  { key: "b", publishedAt: "2018-07-16T12:11:00Z", title: "Putin arrives late", body: "The Russian president is 35 minutes late." },
  { key: "c", publishedAt: "2018-07-16T15:11:00Z", title: "Press conference begins", body: "Trump and Putin take questions in Helsinki." },
];
const cards = [
  { id: "kremlin", title: "The Kremlin", body: "Seat of the Russian president.", knownFrom: "2018-07-16T00:00:00Z" },
  { id: "indictment", title: "The indictment", body: "Twelve Russian officers were charged.", knownFrom: "2018-07-16T14:00:00Z" },
];
const at = (iso: string) => Date.parse(iso);
const base: SearchInput = { entries, publishedCount: 2, cards, revealedCards: new Set(), sim: at("2018-07-16T12:11:00Z"), query: "" };
const ids = (input: Partial<SearchInput>) => searchReplay({ ...base, ...input }).matches.map((match) => `${match.kind}:${match.id}${match.ahead ? " ahead" : ""}`);

describe("searching a replay", () => {
  it("finds only entries published at the viewer's moment, newest first", () => {
    expect(ids({ query: "press conference" })).toEqual([]);
    expect(ids({ query: "press conference", publishedCount: 3 })).toEqual(["entry:c"]);
    expect(ids({ query: "helsinki" })).toEqual(["entry:a"]);
    expect(ids({ query: "helsinki", publishedCount: 3 })).toEqual(["entry:c", "entry:a"]);
  });

  it("finds cards known at the moment, or revealed, and no other", () => {
    expect(ids({ query: "russian" })).toEqual(["entry:b", "card:kremlin"]);
    expect(ids({ query: "russian", revealedCards: new Set(["indictment"]) })).toEqual(["entry:b", "card:kremlin", "card:indictment"]);
    expect(ids({ query: "russian", sim: at("2018-07-16T14:00:00Z") })).toEqual(["entry:b", "card:kremlin", "card:indictment"]);
  });

  it("looks ahead for the presenter, marking what the class has not seen", () => {
    expect(ids({ query: "putin", lookAhead: true })).toEqual(["entry:b", "entry:c ahead"]);
  });

  it("needs every word, in any case, and highlights each occurrence", () => {
    const [match] = searchReplay({ ...base, query: "LATE putin" }).matches;
    expect(match!.titleRanges).toEqual([
      [0, 5],
      [14, 18],
    ]);
    expect(match!.snippet).toBe("The Russian president is 35 minutes late.");
    expect(match!.snippetRanges).toEqual([[36, 40]]);
    expect(ids({ query: "putin nobody" })).toEqual([]);
  });

  it("takes the query's characters literally and ignores an empty one", () => {
    expect(ids({ query: "   " })).toEqual([]);
    expect(ids({ query: "(.*)" })).toEqual([]);
    expect(ids({ query: "helsinki-vantaa." })).toEqual(["entry:a"]);
  });

  it("cuts a long text to a snippet around the first hit, with ranges that point into it", () => {
    const long = { key: "d", publishedAt: "2018-07-16T09:30:00Z", title: "Long", body: `${"x".repeat(300)} needle ${"y".repeat(300)}` };
    const [match] = searchReplay({ ...base, entries: [long], publishedCount: 1, query: "needle" }).matches;
    expect(match!.snippet.startsWith("…")).toBe(true);
    expect(match!.snippet.endsWith("…")).toBe(true);
    const [start, end] = match!.snippetRanges[0]!;
    expect(match!.snippet.slice(start, end)).toBe("needle");
  });

  it("lists at most SEARCH_LIMIT matches and counts the rest", () => {
    const many = Array.from({ length: SEARCH_LIMIT + 5 }, (_, i) => ({ key: `k${i}`, publishedAt: entries[0]!.publishedAt, title: `Same ${i}`, body: "" }));
    const result = searchReplay({ ...base, entries: many, publishedCount: many.length, query: "same" });
    expect(result.matches).toHaveLength(SEARCH_LIMIT);
    expect(result.total).toBe(SEARCH_LIMIT + 5);
  });
});
