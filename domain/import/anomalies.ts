/**
 * The preview's anomaly report: everything odd about a parsed feed, each naming the entries it is
 * about (page position, key, and the line or field path in the input) so the UI can point at
 * them. Nothing here changes the feed; the report is for a person to read before saving.
 *
 * Out-of-order entries are found by the importers themselves (`findOutOfOrderNotes`, stored as the
 * feed's notes); they are passed through, not found twice. Pure: no I/O, no clock.
 */
import { DateTime } from "luxon";
import type { ImportedEntry, ImportedFeed } from "../feed-model";
import { tagsIn } from "./markup";
import type { EntrySource, ParsedFeed } from "./parsed-feed";

export type AnomalyKind =
  | "out_of_order"
  | "duplicate_time"
  | "duplicate_headline"
  | "nonexistent_time"
  | "offset_mismatch"
  | "outside_coverage"
  | "empty_headline"
  | "markup_stripped"
  | "markup_kept"
  | "source_note";

/** The order the preview lists them in. */
export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  "out_of_order",
  "duplicate_time",
  "duplicate_headline",
  "nonexistent_time",
  "offset_mismatch",
  "outside_coverage",
  "empty_headline",
  "markup_stripped",
  "markup_kept",
  "source_note",
];

/** An entry an anomaly is about. */
export interface AnomalyEntry {
  /** Page position (0 = top of the page) = index in `feed.entries`. */
  index: number;
  key: string;
  title: string;
  /** 1-based line in the input (text format; for HTML the line of the JSON-LD block). */
  line?: number;
  /** Field path in the input, e.g. `liveBlogUpdate[3]` or `@graph[1].liveBlogUpdate[3].datePublished`. */
  field?: string;
  /** HTML: the JSON-LD block's number. */
  block?: number;
}

export interface FeedAnomaly {
  kind: AnomalyKind;
  /** A sentence the UI can show as is. */
  message: string;
  /** The entries concerned, in page order; empty for a note about the whole input. */
  entries: AnomalyEntry[];
  /** markup_stripped / markup_kept: the element names, e.g. ["p", "a"]. */
  tags?: string[];
}

export interface AnalyzeOptions {
  /** The coverage to check entries against; defaults to what the input stated (`statedCoverage`). */
  coverage?: { start?: string | null; end?: string | null };
}

const isParsed = (x: ParsedFeed | ImportedFeed): x is ParsedFeed => "feed" in x && "sources" in x;

/** Every anomaly of a parsed feed (or of a bare ImportedFeed, e.g. a stored one), in `ANOMALY_KINDS` order. */
export function analyzeFeed(input: ParsedFeed | ImportedFeed, options: AnalyzeOptions = {}): FeedAnomaly[] {
  const parsed: ParsedFeed = isParsed(input)
    ? input
    : { format: "json", feed: input, sources: [], statedCoverage: { start: null, end: null }, detected: {}, warnings: [] };
  const { feed } = parsed;
  const zone = feed.publishedZone;
  const entries = feed.entries;
  const ref = (i: number, field?: string): AnomalyEntry => {
    const e = entries[i]!;
    const s: EntrySource | undefined = parsed.sources[i];
    return {
      index: i,
      key: e.key,
      title: e.title,
      ...(s?.line !== undefined ? { line: s.line } : {}),
      ...(s?.field !== undefined ? { field: field && s.field ? `${s.field}.${field}` : s.field } : {}),
      ...(s?.block !== undefined ? { block: s.block } : {}),
    };
  };
  const hhmm = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat("HH:mm");
  const quote = (s: string) => `"${s.length > 70 ? `${s.slice(0, 69)}…` : s}"`;
  const indexByKey = new Map(entries.map((e, i) => [e.key, i] as const));
  const out: FeedAnomaly[] = [];

  // Out of order: the importers' notes, one per misplaced entry.
  for (const note of feed.notes) {
    if (note.code !== "out_of_order") continue;
    out.push({ kind: "out_of_order", message: note.message, entries: note.entryKeys.flatMap((k) => (indexByKey.has(k) ? [ref(indexByKey.get(k)!)] : [])) });
  }

  // Duplicate times and headlines: one anomaly per group.
  for (const group of groupsOf(entries, (e) => String(Date.parse(e.publishedAt)))) {
    const at = entries[group[0]!]!.publishedAt;
    out.push({
      kind: "duplicate_time",
      message:
        `${group.length} updates share the time ${hhmm(at)} ${zone}: ${group.map((i) => quote(entries[i]!.title)).join(", ")}. ` +
        `The replay shows them in page order, lowest on the page first.`,
      entries: group.map((i) => ref(i, "datePublished")),
    });
  }
  for (const group of groupsOf(entries, (e) => e.title.normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase())) {
    if (entries[group[0]!]!.title.trim() === "") continue; // reported as empty headlines
    out.push({
      kind: "duplicate_headline",
      message: `${group.length} updates have the headline ${quote(entries[group[0]!]!.title)} (at ${group.map((i) => hhmm(entries[i]!.publishedAt)).join(", ")}).`,
      entries: group.map((i) => ref(i, "headline")),
    });
  }

  // Times that do not exist on that day in the zone (clocks went forward), or carry an offset the zone did not have.
  entries.forEach((e, i) => {
    const s = parsed.sources[i];
    if (!s?.wallTime) return;
    const wall = DateTime.fromISO(s.wallTime, { zone: "UTC" });
    const local = DateTime.fromObject({ year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute }, { zone });
    const exists = local.isValid && local.hour === wall.hour && local.minute === wall.minute;
    const printed = wall.toFormat("HH:mm");
    const date = wall.toFormat("yyyy-MM-dd");
    const stored = DateTime.fromISO(e.publishedAt, { zone });
    // Text, or a time without offset: the wall time is in the zone. Otherwise only a non-UTC offset claims a local time.
    const written = parsed.format === "text" || s.offsetMissing ? null : DateTime.fromISO(s.printedTime, { setZone: true });
    const claimsLocal = written === null || (written.isValid && written.offset !== 0) || zone === "UTC";
    if (!claimsLocal) return;
    if (!exists) {
      out.push({
        kind: "nonexistent_time",
        message:
          `${s.printedTime} gives ${printed} on ${date}, a time that does not exist in ${zone} (the clocks went forward). ` +
          `It is replayed at ${stored.toFormat("HH:mm")} (UTC${stored.toFormat("ZZ")}); check the zone and date.`,
        entries: [ref(i, parsed.format === "text" ? undefined : "datePublished")],
      });
    } else if (written && written.isValid && written.offset !== DateTime.fromISO(e.publishedAt, { zone }).offset) {
      out.push({
        kind: "offset_mismatch",
        message:
          `${s.printedTime} is written with the offset ${written.toFormat("ZZ")}, but ${zone} was at ${stored.toFormat("ZZ")} then, ` +
          `so the update is replayed at ${stored.toFormat("HH:mm")}, not ${printed}; check the zone.`,
        entries: [ref(i, "datePublished")],
      });
    }
  });

  // Outside the stated coverage.
  const coverage = { start: options.coverage?.start ?? parsed.statedCoverage.start, end: options.coverage?.end ?? parsed.statedCoverage.end };
  const start = coverage.start ? Date.parse(coverage.start) : -Infinity;
  const end = coverage.end ? Date.parse(coverage.end) : Infinity;
  const fullFmt = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat("yyyy-MM-dd HH:mm");
  entries.forEach((e, i) => {
    const t = Date.parse(e.publishedAt);
    if (t >= start && t <= end) return;
    const side = t < start ? `before the stated coverage start (${fullFmt(coverage.start!)} ${zone})` : `after the stated coverage end (${fullFmt(coverage.end!)} ${zone})`;
    out.push({
      kind: "outside_coverage",
      message: `The update ${quote(e.title)} at ${fullFmt(e.publishedAt)} ${zone} is ${side}. It is kept; the replay's span is set by the updates.`,
      entries: [ref(i, "datePublished")],
    });
  });

  // Empty headlines: the HTML import titles such an update from its text.
  entries.forEach((e, i) => {
    const s = parsed.sources[i];
    if (s?.headlineMissing) {
      out.push({
        kind: "empty_headline",
        message: `The update at ${hhmm(e.publishedAt)} has no headline; its title was taken from its text: ${quote(e.title)}.`,
        entries: [ref(i, "headline")],
      });
    } else if (e.title.trim() === "") {
      out.push({ kind: "empty_headline", message: `The update at ${hhmm(e.publishedAt)} has an empty headline.`, entries: [ref(i, "headline")] });
    }
  });

  // Markup: removed by the HTML import, or kept as literal text by the text and JSON formats.
  const stripped = entries.flatMap((_, i) => ((parsed.sources[i]?.markupRemoved.length ?? 0) > 0 ? [i] : []));
  if (stripped.length > 0) {
    const tags = union(stripped.map((i) => parsed.sources[i]!.markupRemoved));
    out.push({
      kind: "markup_stripped",
      message:
        `Markup was removed from ${stripped.length} of ${entries.length} updates (${tags.map((t) => `<${t}>`).join(", ")}): ` +
        `paragraphs and line breaks are kept, links and formatting are not.`,
      entries: stripped.map((i) => ref(i)),
      tags,
    });
  }
  const kept = entries.map((e) => union([e.title, e.body, e.photoCaption ?? "", e.photoCredit ?? "", e.videoTitle ?? ""].map(tagsIn)));
  const keptAt = kept.flatMap((tags, i) => (tags.length > 0 ? [i] : []));
  if (keptAt.length > 0) {
    const tags = union(keptAt.map((i) => kept[i]!));
    out.push({
      kind: "markup_kept",
      message:
        `${keptAt.length} update${keptAt.length === 1 ? " contains" : "s contain"} text that looks like HTML (${tags.map((t) => `<${t}>`).join(", ")}). ` +
        `It is kept as written and shown as text, not as formatting.`,
      entries: keptAt.map((i) => ref(i)),
      tags,
    });
  }

  for (const warning of parsed.warnings) out.push({ kind: "source_note", message: warning, entries: [] });

  const rank = (k: AnomalyKind) => ANOMALY_KINDS.indexOf(k);
  return out
    .map((a, order) => ({ a, order }))
    .sort((x, y) => rank(x.a.kind) - rank(y.a.kind) || (x.a.entries[0]?.index ?? -1) - (y.a.entries[0]?.index ?? -1) || x.order - y.order)
    .map(({ a }) => a);
}

/** Indices (page order) of the entries sharing a value, for every value held by two or more. */
function groupsOf(entries: readonly ImportedEntry[], value: (e: ImportedEntry) => string): number[][] {
  const groups = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const k = value(e);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}
