/**
 * One entry point for every feed format, as an upload or a pasted text arrives: checks the size
 * limit, decodes UTF-8, recognises the format (by file name, then by content) and parses it into
 * a ParsedFeed for the preview (parsed-feed.ts, anomalies.ts). Saving a preview means importing
 * `parsed.feed` (server/feeds/importer.ts), all in one transaction. Pure: no I/O, no clock.
 */
import { FeedFormatError } from "../feed-model";
import { looksLikeHtml, parseLiveBlogHtml, type HtmlImportOptions } from "./html-page";
import { readLiveBlogJson } from "./json-feed";
import { formatBytes, MAX_UPLOAD_BYTES } from "./limits";
import { readLiveBlogText, type LiveBlogTextMeta } from "./live-blog-text";
import type { FeedFormat, ParsedFeed } from "./parsed-feed";

export interface FeedInput {
  /** The file's name, if it came from a file ("page.html", "feed.json", "blog.txt"). */
  name?: string;
  /** The raw upload; checked against MAX_UPLOAD_BYTES and decoded as UTF-8. */
  bytes?: Uint8Array;
  /** Or a pasted text (its UTF-8 size is checked too). */
  text?: string;
}

/** Metadata the user gave or confirmed. The plain-text format needs slug, outlet, zones and date; the others read them from the input. */
export type FeedInputMeta = Partial<LiveBlogTextMeta> & HtmlImportOptions;

export interface FeedInputOptions {
  meta?: FeedInputMeta;
  /** Skip detection. */
  format?: FeedFormat;
  /**
   * "preview" (the default): a clock-change time in a text feed and a stated coverage that the
   * updates do not match become anomalies rather than errors, so the whole feed can be shown.
   * "strict": both are errors, as for `npm run import`.
   */
  mode?: "preview" | "strict";
}

const TEXT_META_FIELDS = ["slug", "outlet", "publishedZone", "eventZone", "eventDate"] as const;

/** The format of an input: by its file name's extension, else by its content. */
export function detectFeedFormat(text: string, name?: string): FeedFormat {
  const ext = name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === "html" || ext === "htm" || ext === "xhtml") return "html";
  if (ext === "json" || ext === "jsonld") return "json";
  if (ext === "txt" || ext === "text") return "text";
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("{")) return "json";
  if (looksLikeHtml(start)) return "html";
  return "text";
}

/** Decodes an upload after checking MAX_UPLOAD_BYTES; FeedFormatError (field "file") names the limit. */
export function decodeUpload(input: FeedInput): string {
  const size = input.bytes ? input.bytes.byteLength : new TextEncoder().encode(input.text ?? "").byteLength;
  if (size > MAX_UPLOAD_BYTES) {
    throw new FeedFormatError(
      `${input.name ?? "the input"} is ${formatBytes(size)} (${size} bytes); the limit is ${formatBytes(MAX_UPLOAD_BYTES)} (MAX_UPLOAD_BYTES)`,
      undefined,
      "file",
    );
  }
  if (!input.bytes) return (input.text ?? "").replace(/^\uFEFF/, "");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input.bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new FeedFormatError(`${input.name ?? "the input"} is not UTF-8 text`, undefined, "file");
  }
}

/** Parses an upload or pasted text in any feed format. Throws FeedFormatError naming the line, the field or the limit. */
export function parseFeedInput(input: FeedInput, options: FeedInputOptions = {}): ParsedFeed {
  const text = decodeUpload(input);
  if (text.trim() === "") throw new FeedFormatError(`${input.name ?? "the input"} is empty`, undefined, "file");
  const format = options.format ?? detectFeedFormat(text, input.name);
  const meta = options.meta ?? {};
  const preview = (options.mode ?? "preview") === "preview";
  switch (format) {
    case "html":
      return parseLiveBlogHtml(text, meta);
    case "json": {
      if (/^\s*\{\s*"feed"\s*:/.test(text) && /"cards"\s*:/.test(text)) {
        throw new FeedFormatError("this is a context-card file, not a feed; import it with the feed's cards", undefined, "cards");
      }
      return readJsonWithOverrides(text, meta, preview ? "report" : "strict");
    }
    case "text": {
      const missing = TEXT_META_FIELDS.filter((f) => !meta[f]);
      if (missing.length > 0) {
        throw new FeedFormatError(`a plain-text feed needs its ${missing.join(", ")}: the text does not say them`, undefined, missing[0]);
      }
      return readLiveBlogText(text, meta as LiveBlogTextMeta, { nonexistentTimes: preview ? "shift" : "error" });
    }
  }
}

/** A JSON feed states its own metadata; fields the user gave or corrected replace it, then the document is validated as usual. */
function readJsonWithOverrides(text: string, meta: FeedInputMeta, coverage: "report" | "strict"): ParsedFeed {
  const fields = {
    identifier: meta.slug,
    headline: meta.title,
    url: meta.sourceUrl,
    "relive:publishedZone": meta.publishedZone,
    "relive:eventZone": meta.eventZone,
    "relive:eventDate": meta.eventDate,
  };
  const given = Object.entries(fields).filter(([, v]) => v !== undefined);
  let doc: Record<string, unknown> | null = null;
  if (given.length > 0 || meta.outlet !== undefined) {
    try {
      const value = JSON.parse(text) as unknown;
      if (value !== null && typeof value === "object" && !Array.isArray(value)) doc = value as Record<string, unknown>;
    } catch {
      // readLiveBlogJson reports the syntax error with its line and column
    }
  }
  if (doc) {
    for (const [k, v] of given) {
      if (v === null) delete doc[k];
      else doc[k] = v;
    }
    if (meta.outlet !== undefined) doc.publisher = { ...(typeof doc.publisher === "object" ? doc.publisher : {}), name: meta.outlet };
  }
  const parsed = readLiveBlogJson(doc ? JSON.stringify(doc) : text, { coverage });
  const names = { slug: "identifier", title: "headline", outlet: "publisher.name", sourceUrl: "url", publishedZone: "relive:publishedZone", eventZone: "relive:eventZone", eventDate: "relive:eventDate" } as const;
  const detected: ParsedFeed["detected"] = {};
  for (const field of Object.keys(names) as (keyof typeof names)[]) {
    detected[field] = { value: parsed.feed[field], from: meta[field] !== undefined ? "option" : "source" };
  }
  return { ...parsed, detected };
}
