import { readFileSync } from "node:fs";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CardsPanel, type CardsPanelProps } from "@/app/_replay/cards-panel";
import { createCardMentionFinder, MarkedText } from "@/app/_replay/marked-text";
import { parseContextCards } from "@/domain/cards";
import type { FeedCard } from "@/domain/feed";

const CARD_FILE = new URL("../../data/cards/helsinki-2018.json", import.meta.url);
const cards: FeedCard[] = parseContextCards(readFileSync(CARD_FILE, "utf8")).cards.map((card) => ({
  id: card.id,
  category: card.category,
  title: card.title,
  body: card.body,
  source: {
    outlet: card.source.outlet,
    title: card.source.title,
    date: card.source.date,
    ref: card.source.seed ?? null,
    note: card.source.dateNote ?? null,
  },
  knownFrom: card.knownFrom,
  aliases: card.aliases,
  pinnedByDefault: card.pinnedByDefault,
  entryIds: [],
}));
const byId = (id: string): FeedCard => {
  const card = cards.find((c) => c.id === id);
  if (!card) throw new Error(`no card ${id}`);
  return card;
};

/** The text each mention covers, with the card it opens. */
const marked = (text: string, find = createCardMentionFinder(cards)) =>
  find(text).map((m) => ({ text: text.slice(m.start, m.end), cardId: m.cardId }));

// Headlines copied from the Sputnik live blog (seeds/001).
const NORD_STREAM_HEADLINE = "Finnish President Says Discussed Nord Stream 2 Implementation with Trump";
const INF_HEADLINE = "INF Future, Denuclearization of Korean Peninsula Likely to Be in Agenda";

describe("createCardMentionFinder", () => {
  it("maps “Nord Stream 2” in the 17:43 headline to the Nord Stream 2 card", () => {
    const find = createCardMentionFinder(cards);
    const mentions = find(NORD_STREAM_HEADLINE);
    expect(marked(NORD_STREAM_HEADLINE, find)).toEqual([{ text: "Nord Stream 2", cardId: "nord-stream-2" }]);
    expect(mentions[0]).toMatchObject({
      start: NORD_STREAM_HEADLINE.indexOf("Nord Stream 2"),
      end: NORD_STREAM_HEADLINE.indexOf("Nord Stream 2") + "Nord Stream 2".length,
      cardTitle: byId("nord-stream-2").title,
    });
  });

  it("maps “INF” to the INF Treaty card", () => {
    expect(marked(INF_HEADLINE)).toEqual([{ text: "INF", cardId: "inf-treaty" }]);
  });

  it("does not match an alias inside a longer word", () => {
    expect(marked("information")).toEqual([]);
    expect(marked("More information on the Hamburgers")).toEqual([]);
    expect(marked("Syrians")).toEqual([{ text: "Syrians", cardId: "syria" }]);
  });

  it("is case-insensitive and finds every card in a text, sorted by start", () => {
    expect(marked("Lavrov and POMPEO discussed syria and the g20.")).toEqual([
      { text: "Lavrov", cardId: "sergei-lavrov" },
      { text: "POMPEO", cardId: "mike-pompeo" },
      { text: "syria", cardId: "syria" },
      { text: "g20", cardId: "hamburg-2017" },
    ]);
  });

  it("resolves overlapping aliases of one card to the longest", () => {
    expect(marked("the INF Treaty")).toEqual([{ text: "INF Treaty", cardId: "inf-treaty" }]);
    expect(marked("the Intermediate-Range Nuclear Forces treaty")).toEqual([
      { text: "Intermediate-Range Nuclear Forces", cardId: "inf-treaty" },
    ]);
  });

  it("resolves overlapping aliases of different cards to the longest, then the earlier, then card order", () => {
    const card = (id: string, aliases: string[]) => ({ id, title: id, aliases });
    const find = createCardMentionFinder([
      card("forces", ["Nuclear Forces"]),
      card("inf", ["Intermediate-Range Nuclear Forces"]),
      card("a", ["Nord Stream"]),
      card("b", ["Stream 2"]),
      card("c", ["Stream 2"]),
    ]);
    expect(marked("on Intermediate-Range Nuclear Forces", find)).toEqual([
      { text: "Intermediate-Range Nuclear Forces", cardId: "inf" },
    ]);
    expect(marked("Nuclear Forces alone", find)).toEqual([{ text: "Nuclear Forces", cardId: "forces" }]);
    // Equal length: the earlier match wins; the later one overlaps it and is dropped.
    expect(marked("Nord Stream 2", find)).toEqual([{ text: "Nord Stream", cardId: "a" }]);
    // Same span: the card listed first.
    expect(marked("phase Stream 2", find)).toEqual([{ text: "Stream 2", cardId: "b" }]);
  });

  it("skips cards without aliases", () => {
    expect(byId("donald-trump").aliases).toEqual([]);
    expect(marked("Donald Trump and Russia")).toEqual([]);
    expect(createCardMentionFinder([{ id: "x", title: "X", aliases: [] }])("anything")).toEqual([]);
  });

  it("memoises: the same string gives the identical array", () => {
    const find = createCardMentionFinder(cards);
    const first = find(NORD_STREAM_HEADLINE);
    expect(find(NORD_STREAM_HEADLINE)).toBe(first);
    const none = find("nothing to see");
    expect(find("nothing to see")).toBe(none);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("stays correct after more texts than the memo holds", () => {
    const find = createCardMentionFinder(cards);
    for (let i = 0; i < 2500; i++) find(`entry ${i} about Syria`);
    expect(marked("entry 0 about Syria", find)).toEqual([{ text: "Syria", cardId: "syria" }]);
    expect(marked(INF_HEADLINE, find)).toEqual([{ text: "INF", cardId: "inf-treaty" }]);
  });
});

describe("MarkedText", () => {
  const render = (text: string) =>
    renderToStaticMarkup(createElement(MarkedText, { text, finder: createCardMentionFinder(cards), onOpenCard: () => {} }));

  it("wraps each mention in a button that names the card", () => {
    const html = render(NORD_STREAM_HEADLINE);
    expect(html).toContain('data-card="nord-stream-2"');
    expect(html).toContain('type="button"');
    expect(html).toContain("aria-label=\"Nord Stream 2: open the card “Nord Stream 2”\"");
    expect(html.startsWith("Finnish President Says Discussed <button")).toBe(true);
    expect(html.endsWith("</button> Implementation with Trump")).toBe(true);
  });

  it("renders text, never HTML", () => {
    const html = render("<b>Syria</b> & <img src=x>");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;b&gt;");
    expect(html).toContain('data-card="syria"');
  });

  it("renders plain text when nothing matches", () => {
    expect(render("information")).toBe("information");
  });
});

describe("CardsPanel", () => {
  // 12:00 UTC on the summit day: the INF card (knownFrom 20 July) is locked, Nord Stream 2 (09:55 UTC) is not.
  const MIDDAY = Date.parse("2018-07-16T12:00:00Z");
  const inf = byId("inf-treaty");
  const nordStream = byId("nord-stream-2");
  const firstParagraph = (card: FeedCard) => card.body.split("\n\n")[0]!;
  const render = (overrides: Partial<CardsPanelProps> = {}) =>
    renderToStaticMarkup(
      createElement(CardsPanel, {
        cards,
        pinned: cards.filter((c) => c.pinnedByDefault).map((c) => c.id),
        sim: MIDDAY,
        eventZone: "Europe/Helsinki",
        openCardId: null,
        revealed: new Set<string>(),
        onReveal: () => {},
        onPin: () => {},
        onClose: () => {},
        ...overrides,
      }),
    );
  // Escape as React does in text, for searching the markup.
  const escaped = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

  it("keeps a locked card's body and source out of the DOM, showing its title and the lock line", () => {
    expect(inf.pinnedByDefault).toBe(true);
    const html = render();
    expect(html).toContain(escaped(inf.title));
    expect(html).toContain("Written after this moment (20 July 2018)");
    expect(html).toContain(">Reveal</button>");
    for (const paragraph of inf.body.split("\n\n")) expect(html).not.toContain(escaped(paragraph));
    expect(html).not.toContain(escaped(inf.source.title));
  });

  it("shows an unlocked pinned card's body and source line", () => {
    const html = render({ pinned: ["nord-stream-2"] });
    expect(html).toContain(escaped(firstParagraph(nordStream)));
    expect(html).toContain(`${escaped(nordStream.source.outlet)}, “${escaped(nordStream.source.title)}”, 16 July 2018`);
  });

  it("shows a revealed locked card's body", () => {
    const html = render({ revealed: new Set(["inf-treaty"]) });
    expect(html).toContain(escaped(firstParagraph(inf)));
    expect(html).toContain("revealed early");
  });

  it("locks every card while the time is unknown", () => {
    const html = render({ sim: undefined, pinned: ["nord-stream-2", "hamburg-2017"] });
    expect(html).not.toContain(escaped(firstParagraph(nordStream)));
    expect(html).not.toContain(escaped(firstParagraph(byId("hamburg-2017"))));
    expect(html).toContain(escaped(nordStream.title));
  });

  it("unlocks a card exactly at knownFrom", () => {
    const at = Date.parse(nordStream.knownFrom);
    expect(render({ sim: at - 1, pinned: ["nord-stream-2"] })).not.toContain(escaped(firstParagraph(nordStream)));
    expect(render({ sim: at, pinned: ["nord-stream-2"] })).toContain(escaped(firstParagraph(nordStream)));
  });

  it("lists the unpinned cards, titles only, under “More cards”", () => {
    const pinned = cards.filter((c) => c.pinnedByDefault).map((c) => c.id);
    const html = render({ pinned });
    expect(html).toContain(`More cards (${cards.length - pinned.length})`);
    const jcpoa = byId("jcpoa");
    expect(html).toContain(escaped(jcpoa.title));
    expect(html).not.toContain(escaped(firstParagraph(jcpoa)));
    // Unlocked but unpinned: still only the title.
    expect(html).not.toContain(escaped(firstParagraph(nordStream)));
  });

  it("opens a locked, unpinned card as a dialog without its body", () => {
    const jcpoa = byId("jcpoa");
    const html = render({ openCardId: "jcpoa" });
    expect(html).toMatch(/role="dialog"[^>]*aria-modal="false"/);
    const dialog = html.slice(html.indexOf('role="dialog"'), html.indexOf("</section>"));
    expect(dialog).toContain(escaped(jcpoa.title));
    expect(dialog).toContain("Written after this moment (20 July 2018)");
    expect(dialog).toContain(">Reveal</button>");
    expect(dialog).toContain(">Close</button>");
    expect(html).not.toContain(escaped(firstParagraph(jcpoa)));
  });

  it("opens an unlocked, unpinned card expanded, labelled by its title", () => {
    const html = render({ openCardId: "nord-stream-2" });
    const labelledBy = /role="dialog"[^>]*aria-labelledby="([^"]+)"/.exec(html)?.[1];
    expect(labelledBy).toBeDefined();
    expect(html).toContain(`id="${labelledBy}">${escaped(nordStream.title)}</h3>`);
    expect(html).toContain(escaped(firstParagraph(nordStream)));
  });

  it("ignores an unknown open card id", () => {
    expect(render({ openCardId: "no-such-card" })).not.toContain('role="dialog"');
  });
});
