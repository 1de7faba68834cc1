/**
 * What an import format hands to the preview: the feed as it would be saved, plus where each
 * entry came from in the input and what the importer noticed on the way (metadata it had to
 * detect or guess, the coverage the source stated, markup it removed). `analyzeFeed`
 * (anomalies.ts) turns this into the preview's list of anomalies. Pure types.
 */
import type { ImportedFeed } from "../feed-model";

export type FeedFormat = "text" | "json" | "html";

/** Where one entry is in the input, so the UI can point at it. Parallel to `feed.entries`. */
export interface EntrySource {
  /** 1-based line in the input: the entry's "• HH:MM" line (text), or the JSON-LD block's first line (HTML). */
  line?: number;
  /** Field path in the input: `liveBlogUpdate[3]` (JSON), `@graph[1].liveBlogUpdate[3]` (HTML, inside block `block`). */
  field?: string;
  /** HTML: 1-based number of the JSON-LD block the entry is in. */
  block?: number;
  /** The entry's time as the input wrote it: "• 01:30" or "2021-03-28T01:30:00+00:00". */
  printedTime: string;
  /** The local date and time the input printed, "yyyy-MM-ddTHH:mm", in `feed.publishedZone` (text) or the written offset (JSON). */
  wallTime: string | null;
  /** HTML: the elements whose tags were removed from this entry's strings. */
  markupRemoved: string[];
  /** HTML: the update had no headline; the title was taken from its text. */
  headlineMissing: boolean;
  /** JSON/HTML: the date-time had no offset and was read in `feed.publishedZone`. */
  offsetMissing: boolean;
}

/** Where a metadata value came from: given by the caller, found in the input, or guessed. */
export interface DetectedValue {
  value: string | null;
  from: "option" | "source" | "guessed";
  /** Why it was guessed, or what to check ("the page gives offsets +00:00 and +01:00"). */
  note?: string;
}

export type DetectedField = "slug" | "title" | "outlet" | "publishedZone" | "eventZone" | "eventDate" | "sourceUrl";

export interface ParsedFeed {
  format: FeedFormat;
  feed: ImportedFeed;
  /** One per entry, same order as `feed.entries` (page order). */
  sources: EntrySource[];
  /** The coverage the input stated (coverageStartTime/coverageEndTime), as ISO UTC, or null. */
  statedCoverage: { start: string | null; end: string | null };
  /** How each metadata value was found; fields the caller gave are "option". */
  detected: Partial<Record<DetectedField, DetectedValue>>;
  /** Things the importer did or skipped that the user should know (a broken extra JSON-LD block, a reversed list). */
  warnings: string[];
}
