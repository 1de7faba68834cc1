/** A feed as the library lists it. Dates are ISO 8601 strings in UTC. */
export interface FeedSummary {
  slug: string;
  title: string;
  outlet: string;
  description: string;
  eventZone: string;
  publishedZone: string;
  eventDate: string;
  coverageStart: string;
  coverageEnd: string;
  entryCount: number;
}

/** One published update of a live blog. */
export interface FeedEntry {
  id: string;
  publishedAt: string;
  pagePosition: number;
  kind: string;
  title: string;
  body: string;
}

export interface FeedDetail extends FeedSummary {
  entries: FeedEntry[];
}
