/**
 * Exporting a stored feed: the feed as a LiveBlogPosting JSON (json-feed.ts's writer) and its
 * cards as a context-card file (domain/cards.ts). Importing both again changes nothing: entry keys
 * are written as identifiers, page positions as positions, cards in their order. Pure: no I/O.
 */
import { contextCardFileSchema, isSeedRef, type ContextCardFile } from "../cards";
import type { FeedCard, FeedDetail } from "../feed";
import type { ImportedFeed } from "../feed-model";
import { toLiveBlogJson, type LiveBlogJson } from "./json-feed";

export interface FeedExport {
  feed: LiveBlogJson;
  cards: ContextCardFile;
  /** Cards the card importer would refuse as exported (e.g. a card edited in the database by hand), by field path. */
  warnings: string[];
}

/** A stored feed (as the repository reads it) as the importers produce it: entries in page order, no ids. */
export function importedFromDetail(detail: FeedDetail): ImportedFeed {
  return {
    slug: detail.slug,
    title: detail.title,
    outlet: detail.outlet,
    description: detail.description,
    sourceUrl: detail.sourceUrl,
    publishedZone: detail.publishedZone,
    eventZone: detail.eventZone,
    eventDate: detail.eventDate,
    coverageStart: detail.coverageStart,
    coverageEnd: detail.coverageEnd,
    entries: [...detail.entries].sort((a, b) => a.pagePosition - b.pagePosition).map(({ id: _id, ...entry }) => entry),
    notes: detail.notes,
    moments: { keyMoments: detail.keyMoments, pauseKeys: detail.pauseKeys },
  };
}

export function exportFeed(feed: ImportedFeed, cards: readonly FeedCard[]): FeedExport {
  const file: ContextCardFile = {
    feed: feed.slug,
    cards: cards.map((card) => ({
      id: card.id,
      category: card.category,
      title: card.title,
      body: card.body,
      source: {
        outlet: card.source.outlet,
        title: card.source.title,
        date: card.source.date,
        // The stored reference is a seed document's name or the source's address (cards.ts).
        ...(card.source.ref === null ? {} : isSeedRef(card.source.ref) ? { seed: card.source.ref } : { url: card.source.ref }),
        ...(card.source.note !== null ? { dateNote: card.source.note } : {}),
      },
      knownFrom: card.knownFrom,
      aliases: [...card.aliases],
      pinnedByDefault: card.pinnedByDefault,
    })),
  };
  const checked = contextCardFileSchema.safeParse(file);
  const warnings = checked.success
    ? []
    : checked.error.issues.map((issue) => `${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "")}: ${issue.message}`);
  return { feed: toLiveBlogJson(feed), cards: file, warnings };
}

/** A stored feed with its cards, as the export files. */
export function exportFeedDetail(detail: FeedDetail): FeedExport {
  return exportFeed(importedFromDetail(detail), detail.cards);
}
