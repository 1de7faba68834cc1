/**
 * The imported-feed model: what a live blog looks like once it has been parsed from one of
 * the supported source formats (see docs/FEED-FORMAT.md). Pure code: no I/O, no clock.
 */
import { DateTime, Info } from "luxon";
import { z } from "zod";
import { FEED_SLUG_MAX, FEED_SLUG_PATTERN } from "./protocol-constants";

export type EntryKind = "text" | "photo" | "video";

export interface ImportedEntry {
  /** Stable within the feed across re-imports: `HHmm-<slug of title, ≤ 60 chars>`, with -2, -3… on collision. */
  key: string;
  /** ISO 8601 instant in UTC, e.g. "2018-07-16T18:18:00.000Z". */
  publishedAt: string;
  /** 0 = top of the source page (the page runs newest first). */
  pagePosition: number;
  kind: EntryKind;
  /** Headline as the source printed it, prefixes included ("WATCH: …" stays "WATCH: …"). */
  title: string;
  /** Paragraphs verbatim, joined with "\n\n"; "" for a headline-only entry. */
  body: string;
  photoCaption: string | null;
  photoCredit: string | null;
  /** For a video item (kind "video"): the video's name, e.g. the headline without its "WATCH" label. */
  videoTitle: string | null;
}

export interface DataNote {
  code: "out_of_order";
  entryKeys: string[];
  /** A sentence the UI can show as is. */
  message: string;
}

export interface ImportedFeed {
  slug: string;
  title: string;
  outlet: string;
  description: string;
  sourceUrl: string | null;
  /** The zone the source's printed times are in ("GMT", "UTC" or an IANA zone). */
  publishedZone: string;
  /** The zone where the event took place, for local-time display. */
  eventZone: string;
  /** "2018-07-16": the date of the printed times, in publishedZone. */
  eventDate: string;
  /** ISO UTC: earliest entry publishedAt. */
  coverageStart: string;
  /** ISO UTC: latest entry publishedAt. */
  coverageEnd: string;
  /** In page order (pagePosition ascending). */
  entries: ImportedEntry[];
  notes: DataNote[];
  /**
   * Key moments and suggested pause points, when the input carries them (a JSON feed exported
   * from a library). Absent, an import leaves the stored ones as they are.
   */
  moments?: { keyMoments: Array<{ label: string; at: string }>; pauseKeys: string[] };
}

/** Any problem with a feed's input. `line` is 1-based; `field` is a path such as `liveBlogUpdate[3].datePublished`. */
export class FeedFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = "FeedFormatError";
  }
}

/** Size limits shared by every import format. Lengths are in UTF-16 code units (String.length). */
export const FEED_LIMITS = {
  maxEntries: 5000,
  maxHeadline: 500,
  maxBody: 20_000,
  maxTitle: 500,
  maxDescription: 20_000,
  maxCaption: 1000,
  maxCredit: 500,
  maxOutlet: 200,
  maxKey: 200,
  maxSlug: FEED_SLUG_MAX,
  maxUrl: 2000,
} as const;

/**
 * Replay order: by publishedAt ascending; entries with the same publishedAt are ordered by page
 * position, lower on the page first (the page is newest first, so the lower of two entries with
 * equal times was published earlier): higher pagePosition first. The page order itself is never
 * changed; entries that sit out of time order on the page are reported by `findOutOfOrderNotes`.
 */
export function replayOrder(entries: readonly ImportedEntry[]): ImportedEntry[] {
  return [...entries].sort((a, b) => {
    const dt = Date.parse(a.publishedAt) - Date.parse(b.publishedAt);
    return dt !== 0 ? dt : b.pagePosition - a.pagePosition;
  });
}

/** Earliest and latest publishedAt, as ISO UTC strings. */
export function coverageOf(entries: readonly ImportedEntry[]): { coverageStart: string; coverageEnd: string } {
  const ordered = replayOrder(entries);
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  if (!first || !last) throw new FeedFormatError("a feed needs at least one entry", undefined, "entries");
  return { coverageStart: first.publishedAt, coverageEnd: last.publishedAt };
}

// ---------------------------------------------------------------------------------------------
// Keys

/** Lower-case slug of a headline: letters and digits (any script) separated by "-", at most `max` chars. */
export function slugifyHeadline(headline: string, max = 60): string {
  const slug = headline
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  const cut = [...slug].slice(0, max).join("").replace(/-+$/, "");
  return cut === "" ? "entry" : cut;
}

/** `HHmm-<slug>`; `hhmm` is the printed time, e.g. "1818". */
export function entryKeyBase(hhmm: string, title: string): string {
  return `${hhmm}-${slugifyHeadline(title)}`;
}

/**
 * Resolves key collisions. `bases[i]` is the wanted key of the entry at page position i (null = the
 * entry already has a fixed key, listed in `taken`). Walking from the bottom of the page up, the
 * first entry keeps its base, later ones get "-2", "-3"… (skipping suffixes already in use).
 */
export function assignEntryKeys(bases: readonly (string | null)[], taken: Iterable<string> = []): (string | null)[] {
  const used = new Set<string>(taken);
  const out: (string | null)[] = bases.map(() => null);
  for (let i = bases.length - 1; i >= 0; i--) {
    const base = bases[i];
    if (base == null) continue;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    out[i] = key;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Out-of-order detection

/**
 * Finds entries whose time disagrees with their place on the page (the page runs newest first).
 * The entries kept "in order" are a longest run that is consistent with the page order
 * (times non-increasing going down the page); every other entry is reported, one note each.
 * This names the entry that was misplaced, not its innocent neighbours. Nothing is moved.
 */
export function findOutOfOrderNotes(entries: readonly ImportedEntry[], publishedZone: string): DataNote[] {
  const byPage = [...entries].sort((a, b) => a.pagePosition - b.pagePosition);
  const n = byPage.length;
  if (n < 2) return [];
  // Bottom-to-top, times should be non-decreasing: longest non-decreasing subsequence (patience).
  const bottomUp = [...byPage].reverse();
  const times = bottomUp.map((e) => Date.parse(e.publishedAt));
  const tailIdx: number[] = []; // tailIdx[k] = index (in bottomUp) of the smallest tail of a run of length k+1
  const prev: number[] = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    let lo = 0;
    let hi = tailIdx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[tailIdx[mid]!]! <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tailIdx[lo - 1]!;
    tailIdx[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tailIdx[tailIdx.length - 1] ?? -1; i >= 0; i = prev[i]!) keep.add(i);
  if (keep.size === n) return [];

  const replay = replayOrder(byPage);
  const replayIndex = new Map(replay.map((e, i) => [e, i] as const));
  const fmt = (e: ImportedEntry | undefined) =>
    e ? DateTime.fromISO(e.publishedAt, { zone: publishedZone }).toFormat("HH:mm") : null;
  const notes: DataNote[] = [];
  for (let p = 0; p < n; p++) {
    if (keep.has(n - 1 - p)) continue;
    const entry = byPage[p]!;
    const above = fmt(byPage[p - 1]);
    const below = fmt(byPage[p + 1]);
    const r = replayIndex.get(entry)!;
    const before = fmt(replay[r - 1]);
    const after = fmt(replay[r + 1]);
    const pagePlace =
      above && below ? `between the ${above} and ${below} updates` : above ? `below the ${above} update` : `above the ${below} update`;
    const timePlace =
      before && after ? `between ${before} and ${after}` : before ? `after ${before}` : `before ${after}`;
    notes.push({
      code: "out_of_order",
      entryKeys: [entry.key],
      message:
        `The ${fmt(entry)} ${publishedZone} update "${entry.title}" sits out of time order on the source page: ` +
        `it is listed ${pagePlace} (item ${p + 1} of ${n} from the top), but by its time it is update ${r + 1} of ${n}. ` +
        `The replay shows it at ${fmt(entry)}, ${timePlace}.`,
    });
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers shared by the import formats

// C0 controls except \t and \n, DEL, and C1 controls.
const CONTROL_CHAR = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Index of the first control character other than \n and \t, or -1. */
export function findControlCharacter(s: string): number {
  const m = CONTROL_CHAR.exec(s);
  return m ? m.index : -1;
}

export function describeControlCharacter(s: string, index: number): string {
  const code = s.charCodeAt(index).toString(16).toUpperCase().padStart(4, "0");
  return `contains the control character U+${code} at offset ${index}; only line feeds and tabs are allowed`;
}

/** True for zones luxon understands: "UTC", "GMT", fixed offsets like "UTC+3", IANA names. */
export function isValidZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  const normalized = Info.normalizeZone(zone);
  return normalized != null && normalized.isValid;
}

export const zoneSchema = z
  .string()
  .max(100)
  .refine(isValidZone, { message: "must be a time zone luxon understands (\"UTC\", \"GMT\" or an IANA name such as \"Europe/Helsinki\")" });

export const eventDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date in the form yyyy-MM-dd" })
  .refine((s) => DateTime.fromFormat(s, "yyyy-MM-dd", { zone: "UTC" }).isValid, { message: "is not a real calendar date" });

export const feedSlugSchema = z
  .string()
  .max(FEED_LIMITS.maxSlug)
  .regex(FEED_SLUG_PATTERN, { message: "must be lower-case letters and digits separated by single hyphens" });

export const httpUrlSchema = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(FEED_LIMITS.maxUrl);

/** A string with a length cap and no control characters other than \n and \t. */
export function safeString(max: number) {
  return z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .superRefine((s, ctx) => {
      const i = findControlCharacter(s);
      if (i >= 0) ctx.addIssue({ code: "custom", message: describeControlCharacter(s, i) });
    });
}

/** "liveBlogUpdate[3].datePublished" from a zod issue path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Turns a zod error into a FeedFormatError naming the first problem's field path. */
export function feedErrorFromZod(error: z.ZodError, what: string): FeedFormatError {
  const [first, ...rest] = error.issues;
  if (!first) return new FeedFormatError(`${what} is invalid`);
  const field = formatIssuePath(first.path);
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? "" : "s"})` : "";
  return new FeedFormatError(`${what}: ${field}: ${first.message}${more}`, undefined, field);
}
