/**
 * Parser for the plain-text live-blog format: the text of a live-blog page as copied from the
 * browser (see docs/FEED-FORMAT.md and data/feeds/sputnik-helsinki-2018.txt). Pure: no I/O, no clock.
 *
 * Shape of the input (indentation is the page's own and is stripped):
 *
 *   06:52 GMT23 June 2021              page timestamp (dropped)
 *   Listen Live / Get short URL        page chrome (dropped)
 *   <intro paragraphs>                 → description
 *   New messages                       (dropped)
 *     • 18:18                          an entry starts; newest entry first
 *       <photo caption>                optional, directly under the time (no blank line)
 *                                      blank line
 *       <headline>                     kept verbatim; "WATCH <name>" / "WATCH: <name>" makes a
 *                                      video item (videoTitle = <name>)
 *                                      blank line
 *       <paragraph> …                  body paragraphs separated by blank lines
 *       <caption>                      a caption line directly followed by
 *       © AFP 2021 / Someone           a credit line makes a photo entry
 *       Read more                      (dropped)
 *   LIVE UPDATES: <title>              everything from here on is page chrome (title, related
 *   <related links, tags, …>           links, tags, "Community standards…"), dropped
 */
import { DateTime } from "luxon";
import { z } from "zod";
import {
  FEED_LIMITS,
  FeedFormatError,
  assignEntryKeys,
  coverageOf,
  describeControlCharacter,
  entryKeyBase,
  eventDateSchema,
  feedErrorFromZod,
  feedSlugSchema,
  findControlCharacter,
  findOutOfOrderNotes,
  httpUrlSchema,
  zoneSchema,
  type EntryKind,
  type ImportedEntry,
  type ImportedFeed,
} from "../feed-model";
import type { DetectedValue, ParsedFeed } from "./parsed-feed";

export interface LiveBlogTextMeta {
  slug: string;
  /** Defaults to the page's "LIVE UPDATES: …" line, without the prefix. */
  title?: string;
  outlet: string;
  /** Zone of the printed HH:MM times ("GMT", "UTC" or an IANA zone). */
  publishedZone: string;
  eventZone: string;
  /** yyyy-MM-dd: the date of the printed times, in publishedZone. */
  eventDate: string;
  sourceUrl?: string | null;
}

const metaSchema = z.object({
  slug: feedSlugSchema,
  title: z
    .string()
    .trim()
    .min(1, { message: "must not be empty" })
    .max(FEED_LIMITS.maxTitle, { message: `must be at most ${FEED_LIMITS.maxTitle} characters` })
    .refine((s) => findControlCharacter(s) < 0, { message: "must not contain control characters" })
    .optional(),
  outlet: z
    .string()
    .trim()
    .min(1, { message: "must not be empty" })
    .max(FEED_LIMITS.maxOutlet, { message: `must be at most ${FEED_LIMITS.maxOutlet} characters` })
    .refine((s) => findControlCharacter(s) < 0, { message: "must not contain control characters" }),
  publishedZone: zoneSchema,
  eventZone: zoneSchema,
  eventDate: eventDateSchema,
  sourceUrl: httpUrlSchema.nullable().optional(),
});

const PAGE_TITLE_PREFIX = "LIVE UPDATES:";
/** First line of a saved page: "06:52 GMT23 June 2021". */
const PAGE_TIMESTAMP = /^\d{1,2}:\d{2}\s*[A-Z]{2,5}\s*\d{1,2}\s+\p{L}+\s+\d{4}$/u;
/** Chrome lines dropped wherever they appear. */
const CHROME_LINES = new Set(["Listen Live", "Get short URL", "New messages", "Read more"]);
const isChrome = (s: string) => CHROME_LINES.has(s) || /^Community standards(?:\s*Discussion)?$/.test(s);
/** A bullet that should carry a time: "•" followed by a digit. */
const BULLET_START = /^•/;
const BULLET_TIME = /^•\s*(\d{1,2}):(\d{2})$/u;
/** "© AFP 2021 / Yuri KADOBNOV", "© Sputnik / …", "(c) …". */
const CREDIT = /^(?:©|\([cC]\))\s*\S/;
/** "WATCH <name>" / "WATCH: <name>": a video item. The headline stays as printed; <name> is the video's. */
const VIDEO_HEADLINE = /^WATCH(?::\s*|\s+)(\S.*)$/;

interface Line {
  no: number; // 1-based
  indent: number;
  text: string; // indentation and trailing whitespace stripped
}

export function parseLiveBlogText(text: string, meta: LiveBlogTextMeta): ImportedFeed {
  return readLiveBlogText(text, meta).feed;
}

export interface ReadLiveBlogTextOptions {
  /**
   * A "• HH:MM" that does not exist on the event date in publishedZone (clocks went forward):
   * "error" (the default, as `parseLiveBlogText`) refuses the feed naming the line; "shift" reads
   * it as the clock would (moved forward by the gap, luxon's rule) so the preview can show the
   * whole feed and name the entry as an anomaly (anomalies.ts, `nonexistent_time`).
   */
  nonexistentTimes?: "error" | "shift";
}

/** Like `parseLiveBlogText`, with the line of each entry, for the preview (parsed-feed.ts). */
export function readLiveBlogText(text: string, meta: LiveBlogTextMeta, options: ReadLiveBlogTextOptions = {}): ParsedFeed {
  const parsedMeta = metaSchema.safeParse(meta);
  if (!parsedMeta.success) throw feedErrorFromZod(parsedMeta.error, "Invalid feed metadata");
  const m = parsedMeta.data;

  const lines = splitLines(text);
  const firstBullet = lines.find((l) => BULLET_START.test(l.text));
  if (!firstBullet) {
    throw new FeedFormatError(
      `line ${Math.max(lines.length, 1)}: no entries found; expected entry lines like "• 18:18"`,
      Math.max(lines.length, 1),
    );
  }
  const bulletIndent = firstBullet.indent;
  // Entry bullets sit at the bullet column or left of it; a "•" further right is body text (a list).
  const isEntryBullet = (l: Line) => BULLET_START.test(l.text) && l.indent <= bulletIndent;
  let lastBulletIdx = -1;
  lines.forEach((l, i) => {
    if (isEntryBullet(l)) lastBulletIdx = i;
  });

  // --- Preamble: everything before the first bullet.
  let pageTitle: string | null = null;
  const descriptionLines: (Line | null)[] = []; // null = paragraph break
  const firstBulletIdx = lines.indexOf(firstBullet);
  let seenText = false;
  for (let i = 0; i < firstBulletIdx; i++) {
    const l = lines[i]!;
    if (l.text === "") {
      descriptionLines.push(null);
      continue;
    }
    const isFirstText = !seenText;
    seenText = true;
    if (isFirstText && PAGE_TIMESTAMP.test(l.text)) continue;
    if (isChrome(l.text)) continue;
    if (l.text.startsWith(PAGE_TITLE_PREFIX)) {
      pageTitle ??= l.text;
      continue;
    }
    descriptionLines.push(l);
  }
  const description = paragraphs(descriptionLines).join("\n\n");

  // --- Entries and trailer.
  const rawEntries: { bullet: Line; hh: number; mm: number; content: Line[] }[] = [];
  let current: (typeof rawEntries)[number] | null = null;
  for (let i = firstBulletIdx; i < lines.length; i++) {
    const l = lines[i]!;
    if (isEntryBullet(l)) {
      const match = BULLET_TIME.exec(l.text);
      if (!match) {
        throw new FeedFormatError(
          `line ${l.no}: cannot parse the entry line "${l.text}"; expected a bullet and a time only, like "• 18:18"`,
          l.no,
        );
      }
      const hh = Number(match[1]);
      const mm = Number(match[2]);
      if (hh > 23 || mm > 59) {
        throw new FeedFormatError(`line ${l.no}: "${l.text}" is not a valid time (expected 00:00 to 23:59)`, l.no);
      }
      current = { bullet: l, hh, mm, content: [] };
      rawEntries.push(current);
      continue;
    }
    if (l.text === "" || isChrome(l.text)) {
      if (l.text === "") current!.content.push(l);
      continue;
    }
    const trailerStart =
      l.text.startsWith(PAGE_TITLE_PREFIX) && l.indent <= bulletIndent
        ? true
        : bulletIndent > 0 && l.indent <= bulletIndent;
    if (trailerStart) {
      if (i < lastBulletIdx) {
        throw new FeedFormatError(
          `line ${l.no}: cannot parse "${truncate(l.text)}": text at the page's outer indentation between entries ` +
            `(entry text must be indented further than the "•" lines)`,
          l.no,
        );
      }
      // The trailer: title line, related links, tags, "Community standards…". Only the title is kept.
      for (let j = i; j < lines.length; j++) {
        const t = lines[j]!.text;
        if (t.startsWith(PAGE_TITLE_PREFIX)) {
          pageTitle ??= t;
          break;
        }
      }
      break;
    }
    current!.content.push(l);
  }

  if (rawEntries.length > FEED_LIMITS.maxEntries) {
    const over = rawEntries[FEED_LIMITS.maxEntries]!;
    throw new FeedFormatError(
      `line ${over.bullet.no}: too many entries: a feed may hold at most ${FEED_LIMITS.maxEntries} (MAX_ENTRIES), and this is entry ${FEED_LIMITS.maxEntries + 1}`,
      over.bullet.no,
    );
  }

  const eventDate = DateTime.fromFormat(m.eventDate, "yyyy-MM-dd", { zone: m.publishedZone });
  const parsed = rawEntries.map((raw, pagePosition) => {
    const local = DateTime.fromObject(
      { year: eventDate.year, month: eventDate.month, day: eventDate.day, hour: raw.hh, minute: raw.mm },
      { zone: m.publishedZone },
    );
    if (!local.isValid || ((local.hour !== raw.hh || local.minute !== raw.mm) && options.nonexistentTimes !== "shift")) {
      throw new FeedFormatError(
        `line ${raw.bullet.no}: ${raw.bullet.text} does not exist on ${m.eventDate} in ${m.publishedZone} (clock change)`,
        raw.bullet.no,
      );
    }
    const publishedAt = local.toUTC().toISO()!;
    const hhmm = `${String(raw.hh).padStart(2, "0")}${String(raw.mm).padStart(2, "0")}`;
    return { ...parseEntryContent(raw.bullet, raw.content), publishedAt, pagePosition, hhmm };
  });

  // Keys come from the video's name, not its "WATCH" headline: entries keep the keys they had
  // when the prefix was stripped, so sessions that refer to them keep working after a re-import.
  const keys = assignEntryKeys(parsed.map((e) => entryKeyBase(e.hhmm, e.videoTitle ?? e.title)));
  const entries: ImportedEntry[] = parsed.map((e, i) => ({
    key: keys[i]!,
    publishedAt: e.publishedAt,
    pagePosition: e.pagePosition,
    kind: e.kind,
    title: e.title,
    body: e.body,
    photoCaption: e.photoCaption,
    photoCredit: e.photoCredit,
    videoTitle: e.videoTitle,
  }));

  const title = m.title ?? (pageTitle ? pageTitle.slice(PAGE_TITLE_PREFIX.length).trim() : "");
  if (title === "") {
    throw new FeedFormatError(
      `no feed title: pass meta.title or include a "${PAGE_TITLE_PREFIX} …" line after the entries`,
      undefined,
      "title",
    );
  }
  if (title.length > FEED_LIMITS.maxTitle) {
    throw new FeedFormatError(`the feed title is longer than ${FEED_LIMITS.maxTitle} characters`, undefined, "title");
  }
  if (description.length > FEED_LIMITS.maxDescription) {
    throw new FeedFormatError(
      `the introduction is longer than ${FEED_LIMITS.maxDescription} characters`,
      undefined,
      "description",
    );
  }

  const feed: ImportedFeed = {
    slug: m.slug,
    title,
    outlet: m.outlet,
    description,
    sourceUrl: m.sourceUrl ?? null,
    publishedZone: m.publishedZone,
    eventZone: m.eventZone,
    eventDate: m.eventDate,
    ...coverageOf(entries),
    entries,
    notes: findOutOfOrderNotes(entries, m.publishedZone),
  };
  const option = (value: string | null | undefined): DetectedValue => ({ value: value ?? null, from: "option" });
  return {
    format: "text",
    feed,
    sources: rawEntries.map((raw) => ({
      line: raw.bullet.no,
      printedTime: raw.bullet.text,
      wallTime: `${m.eventDate}T${String(raw.hh).padStart(2, "0")}:${String(raw.mm).padStart(2, "0")}`,
      markupRemoved: [],
      headlineMissing: false,
      offsetMissing: false,
    })),
    statedCoverage: { start: null, end: null },
    detected: {
      slug: option(m.slug),
      title: m.title !== undefined ? option(m.title) : { value: title, from: "source", note: `from the "${PAGE_TITLE_PREFIX} …" line` },
      outlet: option(m.outlet),
      publishedZone: option(m.publishedZone),
      eventZone: option(m.eventZone),
      eventDate: option(m.eventDate),
      sourceUrl: option(m.sourceUrl),
    },
    warnings: [],
  };
}

function splitLines(text: string): Line[] {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  return normalized.split("\n").map((raw, i) => {
    const controlAt = findControlCharacter(raw);
    if (controlAt >= 0) {
      throw new FeedFormatError(`line ${i + 1}: ${describeControlCharacter(raw, controlAt)}`, i + 1);
    }
    const indent = /^[ \t]*/.exec(raw)![0].length;
    return { no: i + 1, indent, text: raw.slice(indent).replace(/\s+$/u, "") };
  });
}

/** Groups lines into paragraphs (blank line or null = break); lines inside a paragraph join with "\n". */
function paragraphs(lines: readonly (Line | null)[]): string[] {
  return blocks(lines).map((b) => b.map((l) => l.text).join("\n"));
}

function blocks(lines: readonly (Line | null)[]): Line[][] {
  const out: Line[][] = [];
  let cur: Line[] = [];
  for (const l of lines) {
    if (l === null || l.text === "") {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(l);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** What a bullet's lines give: an entry without its time, key and position. */
type EntryContent = Pick<ImportedEntry, "kind" | "title" | "body" | "photoCaption" | "photoCredit" | "videoTitle">;

function parseEntryContent(bullet: Line, content: readonly Line[]): EntryContent {
  const groups = blocks(content);
  let photoCaption: string | null = null;
  let photoCredit: string | null = null;

  // A caption directly under the time line (no blank line between), optionally with a credit line.
  const first = groups[0];
  if (first && first[0]!.no === bullet.no + 1) {
    groups.shift();
    const [caption, ...rest] = first;
    if (CREDIT.test(caption!.text)) {
      throw new FeedFormatError(
        `line ${caption!.no}: cannot parse "${truncate(caption!.text)}": a photo credit needs a caption line above it`,
        caption!.no,
      );
    }
    photoCaption = caption!.text;
    const [credit, ...extra] = rest;
    if (credit && CREDIT.test(credit.text)) photoCredit = credit.text;
    const unexpected = credit && !CREDIT.test(credit.text) ? credit : extra[0];
    if (unexpected) {
      throw new FeedFormatError(
        `line ${unexpected.no}: cannot parse "${truncate(unexpected.text)}": only a photo caption (and a © credit line) ` +
          `may follow the time line directly; leave a blank line before the headline`,
        unexpected.no,
      );
    }
  }

  const headlineBlock = groups.shift();
  if (!headlineBlock) {
    const what = photoCaption !== null ? "has a photo caption but no headline" : "has no headline";
    throw new FeedFormatError(`line ${bullet.no}: the entry "${bullet.text}" ${what}`, bullet.no);
  }
  const [headlineLine, ...afterHeadline] = headlineBlock;
  const headline = headlineLine!.text;
  if (CREDIT.test(headline)) {
    throw new FeedFormatError(
      `line ${headlineLine!.no}: expected a headline, found a photo credit "${truncate(headline)}"`,
      headlineLine!.no,
    );
  }
  if (afterHeadline.length > 0) groups.unshift(afterHeadline);

  // Body paragraphs; the first "caption + © credit" pair becomes the entry's photo.
  const body: string[] = [];
  for (const group of groups) {
    const lines = [...group];
    if (photoCredit === null) {
      const c = lines.findIndex((l) => CREDIT.test(l.text));
      if (c >= 0) {
        photoCredit = lines[c]!.text;
        if (c > 0 && photoCaption === null) {
          photoCaption = lines[c - 1]!.text;
          lines.splice(c - 1, 2);
        } else lines.splice(c, 1);
      }
    }
    if (lines.length > 0) body.push(lines.map((l) => l.text).join("\n"));
  }

  const video = VIDEO_HEADLINE.exec(headline);
  const title = headline; // as the page printed it: "WATCH" and "WATCH:" both stay
  const videoTitle = video ? video[1]! : null;
  const kind: EntryKind = video ? "video" : photoCaption !== null || photoCredit !== null ? "photo" : "text";
  const bodyText = body.join("\n\n");

  const checks: [string | null, number, string][] = [
    [title, FEED_LIMITS.maxHeadline, "headline"],
    [bodyText, FEED_LIMITS.maxBody, "body"],
    [photoCaption, FEED_LIMITS.maxCaption, "photo caption"],
    [photoCredit, FEED_LIMITS.maxCredit, "photo credit"],
  ];
  for (const [value, max, label] of checks) {
    if (value !== null && value.length > max) {
      throw new FeedFormatError(
        `line ${bullet.no}: the ${label} of the entry "${bullet.text}" is longer than ${max} characters`,
        bullet.no,
      );
    }
  }

  return { kind, title, body: bodyText, photoCaption, photoCredit, videoTitle };
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
