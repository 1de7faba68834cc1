/**
 * What the library's import preview shows, computed from a parsed feed and its diff against the
 * stored version: the metadata detected, the entries in replay order with the span, every
 * anomaly, and what saving would change. The server builds it (server/library/library-api.ts)
 * and the page renders it as is (app/library/import). Pure.
 */
import { replayOrder, type ImportedFeed } from "../feed-model";
import { analyzeFeed, type FeedAnomaly } from "./anomalies";
import type { DetectedField, DetectedValue, FeedFormat, ParsedFeed } from "./parsed-feed";
import type { FeedDiff } from "./reimport";

export interface PreviewEntry {
  key: string;
  publishedAt: string;
  title: string;
  kind: string;
  /** 0 = top of the source page. */
  pagePosition: number;
  /** Where the entry is in the input, for the anomalies' pointers. */
  line?: number;
  field?: string;
}

export interface FeedPreview {
  format: FeedFormat;
  feed: Omit<ImportedFeed, "entries" | "notes">;
  detected: Partial<Record<DetectedField, DetectedValue>>;
  /** Replay order: by time, ties lower on the page first. */
  entries: PreviewEntry[];
  anomalies: FeedAnomaly[];
  diff: FeedDiff;
}

export function buildPreview(parsed: ParsedFeed, diff: FeedDiff): FeedPreview {
  const { entries, notes: _notes, ...feed } = parsed.feed;
  const sourceOf = new Map(entries.map((e, i) => [e.key, parsed.sources[i]] as const));
  return {
    format: parsed.format,
    feed,
    detected: parsed.detected,
    entries: replayOrder(entries).map((e) => {
      const s = sourceOf.get(e.key);
      return {
        key: e.key,
        publishedAt: e.publishedAt,
        title: e.title,
        kind: e.kind,
        pagePosition: e.pagePosition,
        ...(s?.line !== undefined ? { line: s.line } : {}),
        ...(s?.field !== undefined ? { field: s.field } : {}),
      };
    }),
    anomalies: analyzeFeed(parsed),
    diff,
  };
}
