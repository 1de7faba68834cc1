/**
 * The JSON feed format: a schema.org LiveBlogPosting whose updates are BlogPostings, plus three
 * "relive:" properties for time zones and the event date. Documented in docs/FEED-FORMAT.md.
 *
 *   {
 *     "@context": "https://schema.org",
 *     "@type": "LiveBlogPosting",
 *     "identifier": "sputnik-helsinki-2018",          // feed slug
 *     "headline": "Putin, Trump Hold …",               // feed title
 *     "description": "…",
 *     "publisher": { "@type": "Organization", "name": "Sputnik" },
 *     "url": "https://…",                              // optional
 *     "coverageStartTime": "2018-07-16T09:45:00.000Z", // optional on input; if present must match the updates
 *     "coverageEndTime": "2018-07-16T18:18:00.000Z",
 *     "relive:publishedZone": "GMT",
 *     "relive:eventZone": "Europe/Helsinki",
 *     "relive:eventDate": "2018-07-16",
 *     "liveBlogUpdate": [
 *       { "@type": "BlogPosting", "identifier": "1818-…", "headline": "…", "articleBody": "…",
 *         "datePublished": "2018-07-16T18:18:00.000Z", "position": 0,
 *         "image": { "@type": "ImageObject", "caption": "…", "creditText": "© …" },
 *         "video": { "@type": "VideoObject", "name": "…", "description": "…" } }
 *     ]
 *   }
 *
 * Pure: no I/O, no clock.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import {
  FEED_LIMITS,
  FeedFormatError,
  assignEntryKeys,
  coverageOf,
  entryKeyBase,
  eventDateSchema,
  feedErrorFromZod,
  feedSlugSchema,
  findOutOfOrderNotes,
  replayOrder,
  httpUrlSchema,
  safeString,
  zoneSchema,
  type EntryKind,
  type ImportedEntry,
  type ImportedFeed,
} from "../feed-model";
import { checkMoments } from "./moments";
import type { ParsedFeed } from "./parsed-feed";

/** ISO 8601 date-time with an explicit offset ("Z" or ±hh:mm). */
const OFFSET_SUFFIX = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const isoWithOffset = z
  .string()
  .max(64)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && OFFSET_SUFFIX.test(s) && DateTime.fromISO(s, { setZone: true }).isValid, {
    message: 'must be an ISO 8601 date-time with an offset, e.g. "2018-07-16T18:18:00Z"',
  });

const toUtcIso = (s: string): string => DateTime.fromISO(s, { setZone: true }).toUTC().toISO()!;

const nonBlank = (s: string) => s.trim() !== "";

const updateSchema = z.object({
  "@type": z.literal("BlogPosting"),
  identifier: safeString(FEED_LIMITS.maxKey).refine(nonBlank, { message: "must not be empty" }).optional(),
  headline: safeString(FEED_LIMITS.maxHeadline).refine(nonBlank, { message: "must not be empty" }),
  articleBody: safeString(FEED_LIMITS.maxBody),
  datePublished: isoWithOffset,
  /** 0 = top of the source page. Give it for every update or for none (then array order is page order). */
  position: z.number().int().min(0).optional(),
  image: z
    .object({
      "@type": z.literal("ImageObject").optional(),
      caption: safeString(FEED_LIMITS.maxCaption).nullable().optional(),
      creditText: safeString(FEED_LIMITS.maxCredit).nullable().optional(),
    })
    .optional(),
  video: z
    .object({
      "@type": z.literal("VideoObject").optional(),
      name: safeString(FEED_LIMITS.maxHeadline).refine(nonBlank, { message: "must not be empty" }),
      description: safeString(FEED_LIMITS.maxBody).optional(),
    })
    .optional(),
});

export const liveBlogJsonSchema = z
  .object({
    "@context": z.literal("https://schema.org"),
    "@type": z.literal("LiveBlogPosting"),
    identifier: feedSlugSchema,
    headline: safeString(FEED_LIMITS.maxTitle).refine(nonBlank, { message: "must not be empty" }),
    description: safeString(FEED_LIMITS.maxDescription),
    publisher: z.object({
      "@type": z.literal("Organization").optional(),
      name: safeString(FEED_LIMITS.maxOutlet).refine(nonBlank, { message: "must not be empty" }),
    }),
    url: httpUrlSchema.optional(),
    coverageStartTime: isoWithOffset.optional(),
    coverageEndTime: isoWithOffset.optional(),
    "relive:publishedZone": zoneSchema,
    "relive:eventZone": zoneSchema,
    "relive:eventDate": eventDateSchema,
    /** The library's key moments and suggested pause points (entry identifiers); checked against the feed. */
    "relive:keyMoments": z.array(z.object({ label: z.string(), at: z.string() })).optional(),
    "relive:pauseBefore": z.array(z.string()).optional(),
    liveBlogUpdate: z
      .array(updateSchema)
      .min(1, { message: "must contain at least one update" })
      .max(FEED_LIMITS.maxEntries, { message: `must contain at most ${FEED_LIMITS.maxEntries} updates (the limit of entries per feed, MAX_ENTRIES)` }),
  })
  .superRefine((feed, ctx) => {
    const updates = feed.liveBlogUpdate;
    // Positions: all or none, and then exactly 0…n-1.
    const withPosition = updates.filter((u) => u.position !== undefined).length;
    if (withPosition > 0) {
      const seen = new Map<number, number>();
      updates.forEach((u, i) => {
        if (u.position === undefined) {
          ctx.addIssue({ code: "custom", path: ["liveBlogUpdate", i, "position"], message: "is missing; give a position for every update or for none" });
        } else if (u.position >= updates.length) {
          ctx.addIssue({ code: "custom", path: ["liveBlogUpdate", i, "position"], message: `must be less than the number of updates (${updates.length})` });
        } else if (seen.has(u.position)) {
          ctx.addIssue({ code: "custom", path: ["liveBlogUpdate", i, "position"], message: `duplicates the position of liveBlogUpdate[${seen.get(u.position)}]` });
        } else seen.set(u.position, i);
      });
    }
    // Identifiers unique.
    const ids = new Map<string, number>();
    updates.forEach((u, i) => {
      if (u.identifier === undefined) return;
      const other = ids.get(u.identifier);
      if (other !== undefined) {
        ctx.addIssue({ code: "custom", path: ["liveBlogUpdate", i, "identifier"], message: `duplicates the identifier of liveBlogUpdate[${other}]` });
      } else ids.set(u.identifier, i);
    });
    // Coverage, when given, must match the updates.
    const times = updates.map((u) => Date.parse(toUtcIso(u.datePublished)));
    for (const [field, expected] of [
      ["coverageStartTime", Math.min(...times)],
      ["coverageEndTime", Math.max(...times)],
    ] as const) {
      const given = feed[field];
      if (given !== undefined && Date.parse(toUtcIso(given)) !== expected) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `must equal the ${field === "coverageStartTime" ? "earliest" : "latest"} datePublished (${new Date(expected).toISOString()})`,
        });
      }
    }
  });

export type LiveBlogJson = z.infer<typeof liveBlogJsonSchema>;

/** Parses and validates a JSON feed. Throws FeedFormatError (with line/column for JSON syntax errors). */
export function parseLiveBlogJson(text: string): ImportedFeed {
  const source = text.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (err) {
    const located = findJsonSyntaxError(source);
    if (located) {
      const { line, column } = lineAndColumn(source, located.offset);
      throw new FeedFormatError(`Invalid JSON at line ${line}, column ${column}: ${located.message}`, line);
    }
    throw new FeedFormatError(`Invalid JSON: ${(err as Error).message}`);
  }
  const result = liveBlogJsonSchema.safeParse(data);
  if (!result.success) throw feedErrorFromZod(result.error, "Invalid live blog JSON");
  return fromLiveBlogJson(result.data);
}

export interface ReadLiveBlogJsonOptions {
  /**
   * "strict" (the default, as `parseLiveBlogJson`): coverageStartTime/coverageEndTime must equal the
   * earliest/latest update. "report": they may differ; they are returned as `statedCoverage` for
   * the preview, which names the entries outside them (anomalies.ts).
   */
  coverage?: "strict" | "report";
}

/** Like `parseLiveBlogJson`, with where each entry came from, for the preview (parsed-feed.ts). */
export function readLiveBlogJson(text: string, options: ReadLiveBlogJsonOptions = {}): ParsedFeed {
  const source = text.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch {
    parseLiveBlogJson(source); // throws the syntax error with its line and column
    throw new FeedFormatError("Invalid JSON");
  }
  const statedCoverage: ParsedFeed["statedCoverage"] = { start: null, end: null };
  if (options.coverage === "report" && data !== null && typeof data === "object" && !Array.isArray(data)) {
    const doc = { ...(data as Record<string, unknown>) };
    for (const [field, key] of [["coverageStartTime", "start"], ["coverageEndTime", "end"]] as const) {
      if (doc[field] === undefined) continue;
      const checked = isoWithOffset.safeParse(doc[field]);
      if (!checked.success) {
        throw new FeedFormatError(`Invalid live blog JSON: ${field}: ${checked.error.issues[0]?.message ?? "is invalid"}`, undefined, field);
      }
      statedCoverage[key] = toUtcIso(checked.data);
      delete doc[field];
    }
    data = doc;
  }
  const result = liveBlogJsonSchema.safeParse(data);
  if (!result.success) throw feedErrorFromZod(result.error, "Invalid live blog JSON");
  const parsed = parsedFrom(fromLiveBlogJson(result.data), result.data);
  if (options.coverage !== "report") {
    statedCoverage.start = result.data.coverageStartTime ? toUtcIso(result.data.coverageStartTime) : null;
    statedCoverage.end = result.data.coverageEndTime ? toUtcIso(result.data.coverageEndTime) : null;
  }
  return { ...parsed, statedCoverage };
}

function parsedFrom(feed: ImportedFeed, doc?: LiveBlogJson): ParsedFeed {
  // Entries are in page order; find each one's index in the input array.
  const hasPositions = doc?.liveBlogUpdate.some((u) => u.position !== undefined) ?? false;
  const byPosition = new Map(hasPositions ? doc!.liveBlogUpdate.map((u, i) => [u.position!, i] as const) : []);
  const inputIndex = feed.entries.map((e) => (hasPositions ? byPosition.get(e.pagePosition)! : e.pagePosition));
  return {
    format: "json",
    feed,
    sources: feed.entries.map((e, i) => {
      const written = doc?.liveBlogUpdate[inputIndex[i]!]?.datePublished ?? e.publishedAt;
      return {
        field: `liveBlogUpdate[${inputIndex[i]}]`,
        printedTime: written,
        wallTime: DateTime.fromISO(written, { setZone: true }).toFormat("yyyy-MM-dd'T'HH:mm"),
        markupRemoved: [],
        headlineMissing: false,
        offsetMissing: false,
      };
    }),
    statedCoverage: { start: null, end: null },
    detected: {},
    warnings: [],
  };
}

/** The feed a validated JSON document describes (keys generated where `identifier` is absent). */
export function fromLiveBlogJson(doc: LiveBlogJson): ImportedFeed {
  const zone = doc["relive:publishedZone"];
  const hasPositions = doc.liveBlogUpdate.some((u) => u.position !== undefined);
  const updates = doc.liveBlogUpdate
    .map((u, i) => ({ u, pagePosition: hasPositions ? u.position! : i }))
    .sort((a, b) => a.pagePosition - b.pagePosition);

  const drafts = updates.map(({ u, pagePosition }) => {
    const publishedAt = toUtcIso(u.datePublished);
    const kind: EntryKind = u.video ? "video" : u.image ? "photo" : "text";
    const body = u.articleBody === "" && u.video?.description ? u.video.description : u.articleBody;
    return {
      identifier: u.identifier ?? null,
      hhmm: DateTime.fromISO(publishedAt, { zone }).toFormat("HHmm"),
      entry: {
        publishedAt,
        pagePosition,
        kind,
        title: u.headline,
        body,
        photoCaption: u.image?.caption ?? null,
        photoCredit: u.image?.creditText ?? null,
        videoTitle: u.video ? u.video.name : null,
      },
    };
  });

  const given = drafts.flatMap((d) => (d.identifier === null ? [] : [d.identifier]));
  const generated = assignEntryKeys(
    // Like the text format's keys: a video's name, not its "WATCH …" headline.
    drafts.map((d) => (d.identifier === null ? entryKeyBase(d.hhmm, d.entry.videoTitle ?? d.entry.title) : null)),
    given,
  );
  const entries: ImportedEntry[] = drafts.map((d, i) => ({ key: d.identifier ?? generated[i]!, ...d.entry }));

  return {
    slug: doc.identifier,
    title: doc.headline,
    outlet: doc.publisher.name,
    description: doc.description,
    sourceUrl: doc.url ?? null,
    publishedZone: zone,
    eventZone: doc["relive:eventZone"],
    eventDate: doc["relive:eventDate"],
    ...coverageOf(entries),
    entries,
    notes: findOutOfOrderNotes(entries, zone),
    ...momentsOf(doc, { ...coverageOf(entries), entries: replayOrder(entries) }),
  };
}

/** The document's key moments and pause points, checked as the library checks them (moments.ts). */
function momentsOf(doc: LiveBlogJson, feed: Parameters<typeof checkMoments>[1]): Pick<ImportedFeed, "moments"> {
  const keyMoments = doc["relive:keyMoments"];
  const pauseKeys = doc["relive:pauseBefore"];
  if (keyMoments === undefined && pauseKeys === undefined) return {};
  const checked = checkMoments({ keyMoments: keyMoments ?? [], pauseKeys: pauseKeys ?? [] }, feed);
  if (!checked.ok) {
    const { field, message } = checked.issues[0]!;
    const path = field.replace(/^keyMoments/, "relive:keyMoments").replace(/^pauseKeys/, "relive:pauseBefore");
    throw new FeedFormatError(`${path} ${message}`, undefined, path);
  }
  return { moments: checked.moments };
}

/** The JSON feed for an imported feed; `parseLiveBlogJson(JSON.stringify(toLiveBlogJson(x)))` deep-equals x. */
export function toLiveBlogJson(feed: ImportedFeed): LiveBlogJson {
  const entries = [...feed.entries].sort((a, b) => a.pagePosition - b.pagePosition);
  return {
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: feed.slug,
    headline: feed.title,
    description: feed.description,
    publisher: { "@type": "Organization", name: feed.outlet },
    ...(feed.sourceUrl !== null ? { url: feed.sourceUrl } : {}),
    coverageStartTime: feed.coverageStart,
    coverageEndTime: feed.coverageEnd,
    "relive:publishedZone": feed.publishedZone,
    "relive:eventZone": feed.eventZone,
    "relive:eventDate": feed.eventDate,
    ...(feed.moments ? { "relive:keyMoments": feed.moments.keyMoments, "relive:pauseBefore": feed.moments.pauseKeys } : {}),
    liveBlogUpdate: entries.map((e) => ({
      "@type": "BlogPosting" as const,
      identifier: e.key,
      headline: e.title,
      articleBody: e.body,
      datePublished: e.publishedAt,
      position: e.pagePosition,
      ...(e.kind === "photo" || e.photoCaption !== null || e.photoCredit !== null
        ? {
            image: {
              "@type": "ImageObject" as const,
              ...(e.photoCaption !== null ? { caption: e.photoCaption } : {}),
              ...(e.photoCredit !== null ? { creditText: e.photoCredit } : {}),
            },
          }
        : {}),
      ...(e.kind === "video" ? { video: { "@type": "VideoObject" as const, name: e.videoTitle ?? e.title, description: e.body } } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// JSON syntax error location (JSON.parse's messages carry no position on every Node version).

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Scans `s` as RFC 8259 JSON and returns the offset of the first syntax error, or null. Iterative: no recursion limit. */
export function findJsonSyntaxError(s: string): { offset: number; message: string } | null {
  const n = s.length;
  let i = 0;
  const stack: ("}" | "]")[] = [];
  type State = "value" | "firstInArray" | "firstInObject" | "key" | "after";
  let state: State = "value";
  const fail = (message: string) => ({ offset: i, message });
  const describe = (c: string | undefined) => (c === undefined ? "end of input" : `"${c}"`);
  const skipWs = () => {
    while (i < n) {
      const c = s[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
      else break;
    }
  };
  const scanString = (): { offset: number; message: string } | null => {
    i++; // opening quote
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        i++;
        return null;
      }
      if (c === 92) {
        const e = s[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
            i += 2;
            return fail("invalid \\u escape (expected four hex digits)");
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return fail(`invalid escape sequence "\\${e ?? ""}"`);
        }
        continue;
      }
      if (c < 0x20) return fail("unescaped control character in string");
      i++;
    }
    return fail("unterminated string");
  };
  const scanNumber = (): { offset: number; message: string } | null => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === "-") return fail("invalid number");
    i += m[0].length;
    return null;
  };

  for (;;) {
    skipWs();
    const c = s[i];
    switch (state) {
      case "firstInArray":
        if (c === "]") {
          i++;
          stack.pop();
          state = "after";
          continue;
        }
      // falls through
      case "value": {
        if (c === "{") {
          i++;
          stack.push("}");
          state = "firstInObject";
          continue;
        }
        if (c === "[") {
          i++;
          stack.push("]");
          state = "firstInArray";
          continue;
        }
        let err: { offset: number; message: string } | null;
        if (c === '"') err = scanString();
        else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) err = scanNumber();
        else {
          const literal = ["true", "false", "null"].find((w) => s.startsWith(w, i));
          if (!literal) return fail(`unexpected ${describe(c)}, expected a value`);
          i += literal.length;
          err = null;
        }
        if (err) return err;
        state = "after";
        continue;
      }
      case "firstInObject":
        if (c === "}") {
          i++;
          stack.pop();
          state = "after";
          continue;
        }
      // falls through
      case "key": {
        if (c !== '"') return fail(`unexpected ${describe(c)}, expected a property name in double quotes`);
        const err = scanString();
        if (err) return err;
        skipWs();
        if (s[i] !== ":") return fail(`unexpected ${describe(s[i])}, expected ":" after the property name`);
        i++;
        state = "value";
        continue;
      }
      case "after": {
        const close = stack[stack.length - 1];
        if (close === undefined) return i < n ? fail(`unexpected ${describe(c)} after the end of the JSON value`) : null;
        if (c === ",") {
          i++;
          state = close === "}" ? "key" : "value";
          continue;
        }
        if (c === close) {
          i++;
          stack.pop();
          continue;
        }
        return fail(`unexpected ${describe(c)}, expected "," or "${close}"`);
      }
    }
  }
}
