import { readFileSync } from "node:fs";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  CardFormatError,
  findMentions,
  cardLockClock,
  isCardLocked,
  linkCardsToEntries,
  parseContextCards,
  type ContextCard,
} from "../../domain/cards";

const CARD_FILE = new URL("../../data/cards/helsinki-2018.json", import.meta.url);
const file = parseContextCards(readFileSync(CARD_FILE, "utf8"));
const cards = file.cards;
const byId = (id: string): ContextCard => {
  const card = cards.find((c) => c.id === id);
  if (!card) throw new Error(`no card ${id}`);
  return card;
};
const ms = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();

const REPLAY_START = ms("2018-07-16T06:00:00Z");
const MIDDAY = ms("2018-07-16T12:00:00Z");
const LAST_ENTRY = ms("2018-07-16T18:18:00Z");

/** The four reference documents. */
const REFERENCE_SEED = /^00[0234]_[0-9a-f]{16}\.txt$/;
/** The live blog itself; only these cards may cite it (see the card's dateNote). */
const LIVE_BLOG_SEED = "001_cad23017ed42c21e.txt";
const CARDS_FROM_LIVE_BLOG = ["nord-stream-2", "outlet-sputnik"];

const wordCount = (text: string) => text.split(/\s+/u).filter(Boolean).length;

// Entries copied verbatim from the Sputnik live blog (seeds/001), times in GMT.
const ENTRIES = [
  {
    key: "17:43",
    title: "Finnish President Says Discussed Nord Stream 2 Implementation with Trump",
    body: "HELSINKI (Sputnik) - Finnish President Sauli Niinisto said Monday he discussed with US President Donald Trump the implementation of the Nord Stream 2 gas pipeline construction project.",
  },
  {
    key: "15:34",
    title: "Trump: Not Sure North Stream 2 Benefits Germany, US Intends to Compete With It",
    body: "\"We'll have to be competing with the pipeline and I think we'll be doing it very successfully,\" Trump told reporters.",
  },
  {
    key: "17:49",
    title: "Putin: Trump Views Crimea Rejoining Russia as Unlawful, for Moscow Matter Closed",
    body: "\"President Trump's position on Crimea is well known and he continues to stick to it. He talks about the unlawfulness of Crimea's rejoining Russia.",
  },
  {
    key: "09:45",
    title: "INF Future, Denuclearization of Korean Peninsula Likely to Be in Agenda",
    body: "The agenda that hasn't been made public yet is likely to include the US withdrawal from the Iran nuclear, the future of the Intermediate-Range Nuclear Forces Treaty (INF) along with the denuclearization of the Korean Peninsula.",
  },
  {
    key: "16:36",
    title: "Putin: Trump Raised Issue of 12 Russians Accused of Alleged Meddling in US Election",
    body: "\"As for these 12 people allegedly working for our special services - I do not know anything about this yet, I still need to find out what is it about,\" Putin said.",
  },
  {
    key: "11:12",
    title: "Trump Congratulates Putin on Organizing 'One of the Best World Cups Ever'",
    body: "\"First of all, Mr President I'd like to congratulate you on a really great World Cup. One of the best ever from what everybody tells me and also for your team, itself, doing so well,\" Trump said.",
  },
];

describe("the Helsinki 2018 card file", () => {
  it("belongs to the Sputnik feed and holds 14 to 20 cards", () => {
    expect(file.feed).toBe("sputnik-helsinki-2018");
    expect(cards.length).toBeGreaterThanOrEqual(14);
    expect(cards.length).toBeLessThanOrEqual(20);
  });

  it("names a source (outlet, title, date, seed file) for every card", () => {
    for (const card of cards) {
      expect(card.source.outlet.trim(), card.id).not.toBe("");
      expect(card.source.title.trim(), card.id).not.toBe("");
      expect(card.source.date, card.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (CARDS_FROM_LIVE_BLOG.includes(card.id)) {
        expect(card.source.seed, card.id).toBe(LIVE_BLOG_SEED);
        expect(card.source.outlet, card.id).toBe("Sputnik");
        expect(card.source.dateNote, card.id).toBeTruthy();
      } else {
        expect(card.source.seed, card.id).toMatch(REFERENCE_SEED);
      }
    }
  });

  it("never makes a card known before its source's date began anywhere on Earth", () => {
    for (const card of cards) {
      const earliestStart = DateTime.fromISO(card.source.date, { zone: "UTC+14" }).toMillis();
      expect(ms(card.knownFrom), card.id).toBeGreaterThanOrEqual(earliestStart);
    }
  });

  it("writes knownFrom as a UTC instant", () => {
    for (const card of cards) expect(card.knownFrom, card.id).toMatch(/Z$/);
  });

  it("has the expected sources for hindsight and background cards", () => {
    for (const card of cards) {
      if (card.category === "hindsight") expect(card.source.seed, card.id).toMatch(/^00[02]_/);
      if (card.category === "background" || card.category === "stakes") {
        expect(card.source.seed, card.id).toMatch(/^00[34]_/);
      }
    }
    expect(cards.some((c) => c.category === "hindsight")).toBe(true);
    expect(cards.some((c) => c.category === "background")).toBe(true);
    expect(cards.some((c) => c.category === "stakes")).toBe(true);
    expect(cards.filter((c) => c.category === "outlet").length).toBeGreaterThanOrEqual(2);
  });

  it("keeps hindsight cards locked during the replay and unlocks them at knownFrom", () => {
    const hindsight = cards.filter((c) => c.category === "hindsight");
    for (const card of hindsight) {
      expect(isCardLocked(card, MIDDAY), card.id).toBe(true);
      expect(isCardLocked(card, ms(card.knownFrom) - 1), card.id).toBe(true);
      expect(isCardLocked(card, ms(card.knownFrom)), card.id).toBe(false);
      expect(isCardLocked(card, ms(card.knownFrom) + 60_000), card.id).toBe(false);
    }
  });

  it("keeps every card written after the summit locked until the last entry of the day", () => {
    for (const card of cards.filter((c) => /^00[02]_/.test(c.source.seed ?? ""))) {
      expect(isCardLocked(card, REPLAY_START), card.id).toBe(true);
      expect(isCardLocked(card, LAST_ENTRY), card.id).toBe(true);
    }
  });

  it("shows background and stakes cards from the start of the replay", () => {
    const early = cards.filter((c) => c.category === "background" || c.category === "stakes");
    expect(early.length).toBeGreaterThan(0);
    for (const card of early) expect(isCardLocked(card, REPLAY_START), card.id).toBe(false);
    expect(isCardLocked(byId("outlet-sputnik"), REPLAY_START)).toBe(false);
    expect(isCardLocked(byId("outlet-rferl"), REPLAY_START)).toBe(false);
  });

  it("has a non-empty default pinned set of about six cards", () => {
    const pinned = cards.filter((c) => c.pinnedByDefault).map((c) => c.id);
    expect(pinned.length).toBeGreaterThan(0);
    expect(pinned.length).toBeLessThanOrEqual(8);
    expect(pinned).toEqual(expect.arrayContaining(["stakes", "hamburg-2017", "outlet-sputnik", "outlet-rferl"]));
  });

  it("keeps every body between 40 and 110 words, in plain-text paragraphs", () => {
    for (const card of cards) {
      const words = wordCount(card.body);
      expect(words, card.id).toBeLessThanOrEqual(110);
      expect(words, card.id).toBeGreaterThanOrEqual(40);
      expect(card.body, card.id).not.toMatch(/\n{3,}|<[a-z/]|^\s|\s$/);
    }
  });

  it("gives the Trump and Putin person cards no aliases", () => {
    expect(byId("donald-trump").aliases).toEqual([]);
    expect(byId("vladimir-putin").aliases).toEqual([]);
    for (const card of cards) {
      for (const alias of card.aliases) expect(alias.toLowerCase(), card.id).not.toMatch(/^(trump|putin)$/);
    }
  });
});

describe("isCardLocked", () => {
  const card = { knownFrom: "2018-07-20T04:00:00.000Z" };
  it("unlocks exactly at knownFrom", () => {
    expect(isCardLocked(card, ms("2018-07-20T03:59:59.999Z"))).toBe(true);
    expect(isCardLocked(card, ms("2018-07-20T04:00:00Z"))).toBe(false);
  });
  it("reads offsets other than Z", () => {
    expect(isCardLocked({ knownFrom: "2018-07-20T00:00:00-04:00" }, ms("2018-07-20T03:59:00Z"))).toBe(true);
    expect(isCardLocked({ knownFrom: "2018-07-20T00:00:00-04:00" }, ms("2018-07-20T04:00:00Z"))).toBe(false);
  });
  it("fails closed on an unusable time", () => {
    expect(isCardLocked(card, Number.NaN)).toBe(true);
    expect(isCardLocked({ knownFrom: "not a date" }, MIDDAY)).toBe(true);
    // No offset: which zone would it be in? Locked, never guessed.
    expect(isCardLocked({ knownFrom: "2018-07-16T04:00:00" }, MIDDAY)).toBe(true);
    expect(isCardLocked({ knownFrom: "2018-07-16" }, MIDDAY)).toBe(true);
  });
});

describe("findMentions", () => {
  const spans = (text: string, aliases: string[]) =>
    findMentions(text, aliases).map((m) => ({ text: text.slice(m.start, m.end), alias: m.alias }));

  it("matches whole words only: INF is not found in information or inflation", () => {
    expect(findMentions("More information on inflation and INFO.", ["INF"])).toEqual([]);
    expect(spans("the treaty (INF) and the INF-treaty", ["INF"])).toEqual([
      { text: "INF", alias: "INF" },
      { text: "INF", alias: "INF" },
    ]);
  });

  it("is case-insensitive and reports the alias as given", () => {
    expect(spans("Concerns over inf and Jcpoa", ["INF", "JCPOA"])).toEqual([
      { text: "inf", alias: "INF" },
      { text: "Jcpoa", alias: "JCPOA" },
    ]);
  });

  it("does not find Nord Stream 2 inside Nord Stream 20, but does before punctuation", () => {
    expect(findMentions("the imaginary Nord Stream 20 project", ["Nord Stream 2"])).toEqual([]);
    expect(findMentions("about Nord Stream 22.", ["Nord Stream 2"])).toEqual([]);
    expect(spans("Nord Stream 2's route; Nord Stream 2.", ["Nord Stream 2"]).map((s) => s.text)).toEqual([
      "Nord Stream 2",
      "Nord Stream 2",
    ]);
  });

  it("lets a space in an alias match any run of whitespace", () => {
    expect(spans("the Nord  Stream\n2 pipeline", ["Nord Stream 2"])).toEqual([
      { text: "Nord  Stream\n2", alias: "Nord Stream 2" },
    ]);
  });

  it("treats non-ASCII letters as word characters (Niinistö)", () => {
    expect(spans("President Niinistö said; NIINISTÖ agreed.", ["Niinistö"]).map((s) => s.text)).toEqual([
      "Niinistö",
      "NIINISTÖ",
    ]);
    // An ASCII \b would wrongly see a boundary before "ö".
    expect(findMentions("President Niinistö said", ["Niinist"])).toEqual([]);
    // Inflected forms are other words (Finnish genitive "Niinistön").
    expect(findMentions("Niinistön kanslia", ["Niinistö"])).toEqual([]);
    // No accent folding: list both spellings when both occur.
    expect(findMentions("Sauli Niinistö", ["Niinisto"])).toEqual([]);
    expect(findMentions("Sauli Niinisto", ["Niinistö"])).toEqual([]);
  });

  it("finds a precomposed alias in decomposed text, and not a prefix of it", () => {
    const decomposed = "Sauli Niinisto\u0308 said"; // o + combining diaeresis
    expect(spans(decomposed, ["Niinistö"]).map((s) => s.text)).toEqual(["Niinisto\u0308"]);
    expect(findMentions(decomposed, ["Niinisto"])).toEqual([]);
  });

  it("keeps the longest of overlapping matches and never returns overlaps", () => {
    const text = "the Nord Stream 2 gas pipeline";
    expect(spans(text, ["Nord Stream", "Stream 2 gas", "Nord Stream 2"])).toEqual([
      { text: "Nord Stream 2", alias: "Nord Stream 2" },
    ]);
    expect(spans("Intermediate-Range Nuclear Forces Treaty (INF)", ["INF", "Intermediate-Range", "Intermediate-Range Nuclear Forces"])).toEqual([
      { text: "Intermediate-Range Nuclear Forces", alias: "Intermediate-Range Nuclear Forces" },
      { text: "INF", alias: "INF" },
    ]);
  });

  it("returns mentions sorted by position regardless of alias order", () => {
    const found = findMentions("Syria, then Crimea, then Syria again", ["Crimea", "Syria"]);
    expect(found.map((m) => [m.start, m.alias])).toEqual([
      [0, "Syria"],
      [12, "Crimea"],
      [25, "Syria"],
    ]);
    for (let i = 1; i < found.length; i++) expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
  });

  it("takes regex characters in aliases literally", () => {
    expect(findMentions("the USAS and U.S.-Russian ties", ["U.S."]).map((m) => m.start)).toEqual([13]);
    expect(findMentions("RFE/RL reported", ["RFE/RL"])).toHaveLength(1);
    expect(findMentions("a (b) c", ["(b)"])).toHaveLength(1);
  });

  it("ignores blank aliases and empty text", () => {
    expect(findMentions("Crimea", ["", "  "])).toEqual([]);
    expect(findMentions("", ["Crimea"])).toEqual([]);
  });
});

describe("linkCardsToEntries", () => {
  const links = linkCardsToEntries(cards, ENTRIES);

  it("has an entry list for every card", () => {
    expect([...links.keys()]).toEqual(cards.map((c) => c.id));
  });

  it("links Nord Stream 2, Crimea and INF to live-blog entries", () => {
    expect(links.get("nord-stream-2")).toEqual(["17:43", "15:34"]);
    expect(links.get("crimea-ukraine")).toContain("17:49");
    expect(links.get("inf-treaty")).toEqual(["09:45"]);
    expect(links.get("jcpoa")).toContain("09:45");
    expect(links.get("indictments-2018-07-13")).toContain("16:36");
  });

  it("does not link an unrelated entry to any card", () => {
    for (const [id, keys] of links) expect(keys, id).not.toContain("11:12");
  });

  it("gives cards without aliases no links", () => {
    expect(links.get("donald-trump")).toEqual([]);
  });
});

describe("parseContextCards", () => {
  const validCard = (id: string) => ({
    id,
    category: "topic",
    title: "A card",
    body: "Some text.",
    source: { outlet: "RFE/RL", title: "A report", date: "2018-07-03", seed: "003_54f58a794e75b077.txt" },
    knownFrom: "2018-07-02T22:00:00.000Z",
    aliases: ["Crimea"],
    pinnedByDefault: false,
  });
  const doc = (cardsIn: unknown[]) => JSON.stringify({ feed: "sputnik-helsinki-2018", cards: cardsIn });
  const errorOf = (text: string): CardFormatError => {
    try {
      parseContextCards(text);
    } catch (error) {
      expect(error).toBeInstanceOf(CardFormatError);
      return error as CardFormatError;
    }
    throw new Error("expected a CardFormatError");
  };

  it("accepts a valid file", () => {
    expect(parseContextCards(doc([validCard("a"), validCard("b")])).cards).toHaveLength(2);
  });

  it("rejects text that is not JSON", () => {
    expect(errorOf("{ nope").path).toBe("");
  });

  it("rejects duplicate ids, pointing at the second one", () => {
    const error = errorOf(doc([validCard("a"), validCard("b"), validCard("a")]));
    expect(error.path).toBe("cards[2].id");
    expect(error.message).toContain("cards[2].id");
  });

  it.each([
    ["2018-07-16 12:00", "no T"],
    ["2018-07-16T12:00:00", "no offset"],
    ["2018-02-30T00:00:00Z", "no such day"],
    ["yesterday", "not a date"],
  ])("rejects knownFrom %j (%s)", (knownFrom) => {
    expect(errorOf(doc([{ ...validCard("a"), knownFrom }])).path).toBe("cards[0].knownFrom");
  });

  it("rejects blank aliases", () => {
    expect(errorOf(doc([{ ...validCard("a"), aliases: ["Crimea", " "] }])).path).toBe("cards[0].aliases[1]");
  });

  it("rejects a bad category, id, source date or seed", () => {
    expect(errorOf(doc([{ ...validCard("a"), category: "opinion" }])).path).toBe("cards[0].category");
    expect(errorOf(doc([validCard("Not Kebab")])).path).toBe("cards[0].id");
    const badDate = { ...validCard("a"), source: { ...validCard("a").source, date: "3 July 2018" } };
    expect(errorOf(doc([badDate])).path).toBe("cards[0].source.date");
    const badSeed = { ...validCard("a"), source: { ...validCard("a").source, seed: "../etc/passwd" } };
    expect(errorOf(doc([badSeed])).path).toBe("cards[0].source.seed");
  });

  it("rejects missing and misspelt fields", () => {
    const { pinnedByDefault: _omit, ...missing } = validCard("a");
    expect(errorOf(doc([missing])).path).toBe("cards[0].pinnedByDefault");
    expect(errorOf(doc([{ ...validCard("a"), knowFrom: "x" }])).path).toBe("cards[0]");
  });
});

describe("cardLockClock", () => {
  it("locks every card exactly as the simulated time does, at every minute of the day and at each knownFrom", () => {
    const instants = [Number.NaN, ...cards.flatMap((card) => [ms(card.knownFrom) - 1, ms(card.knownFrom)])];
    for (let t = REPLAY_START - 86_400_000; t <= LAST_ENTRY + 5 * 86_400_000; t += 3_600_000) instants.push(t);
    for (const sim of instants) {
      const clock = cardLockClock(cards, sim);
      for (const card of cards) expect(isCardLocked(card, clock), `${card.id} at ${sim}`).toBe(isCardLocked(card, sim));
    }
  });

  it("changes only when a card unlocks", () => {
    const first = cardLockClock(cards, MIDDAY);
    expect(cardLockClock(cards, MIDDAY + 60_000)).toBe(first);
    expect(cards.some((card) => ms(card.knownFrom) === first)).toBe(true);
  });
});
