/**
 * Feeds as the API and the pages see them. Dates are ISO 8601 strings in UTC.
 * (What an importer produces is in feed-model.ts.)
 */
import type { CardCategory } from "./cards";
import type { DataNote, ImportedEntry } from "./feed-model";

/** A feed as the library lists it. */
export interface FeedSummary {
  slug: string;
  title: string;
  outlet: string;
  description: string;
  sourceUrl: string | null;
  eventZone: string;
  publishedZone: string;
  eventDate: string;
  coverageStart: string;
  coverageEnd: string;
  entryCount: number;
}

/** One published update of a live blog, as imported, with its database id. */
export interface FeedEntry extends ImportedEntry {
  id: string;
}

export interface FeedCard {
  /** Stable id from the cards file. */
  id: string;
  category: CardCategory;
  title: string;
  body: string;
  source: { outlet: string; title: string; date: string; ref: string | null; note: string | null };
  /** Locked (title only) until the replay reaches this instant, unless revealed. */
  knownFrom: string;
  aliases: string[];
  pinnedByDefault: boolean;
  /** Ids of the entries that mention the card's subject. */
  entryIds: string[];
}

export interface FeedDetail extends FeedSummary {
  /** Labelled marks on the replay's scrubber, by time. */
  keyMoments: Array<{ label: string; at: string }>;
  /** Keys of the entries a class session is suggested to pause before, in replay order. */
  pauseKeys: string[];
  /** In replay order: publishedAt ascending, ties lower-on-the-page first. */
  entries: FeedEntry[];
  cards: FeedCard[];
  notes: DataNote[];
}
