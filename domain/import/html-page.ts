/**
 * The HTML import: a live-blog page as the browser saved it. News sites embed the live blog as a
 * schema.org `LiveBlogPosting` in a `<script type="application/ld+json">` block; this finds the
 * blocks, picks the LiveBlogPosting, turns the shapes real sites use into the JSON feed format
 * (json-feed.ts) and hands it to that importer, so both formats obey the same rules.
 *
 * Accepted: several JSON-LD blocks, a block holding an array or an `@graph`, `@type` as a string
 * or an array (prefixed names such as "schema:LiveBlogPosting" too), nodes given by `@id`
 * reference, `liveBlogUpdate` as one object or a list (newest or oldest first), `articleBody` or
 * `text`, HTML markup and entities inside strings (removed; the preview lists the tags), missing
 * `relive:` fields (taken from the options or guessed, and marked so the preview asks).
 *
 * The page itself is not parsed as a document: a tokenizer only finds script blocks (attributes
 * in any order and quoting, any case, skipping comments and other raw-text elements) and
 * `<meta property="og:site_name">`. Pure: no I/O, no clock.
 */
import { DateTime } from "luxon";
import {
  FEED_LIMITS,
  FeedFormatError,
  findControlCharacter,
  formatIssuePath,
  isValidZone,
} from "../feed-model";
import { FEED_SLUG_PATTERN } from "../protocol-constants";
import { findJsonSyntaxError, fromLiveBlogJson, liveBlogJsonSchema } from "./json-feed";
import { MAX_ENTRIES } from "./limits";
import { findTagEnd, stripMarkup } from "./markup";
import type { DetectedField, DetectedValue, EntrySource, ParsedFeed } from "./parsed-feed";

export interface HtmlImportOptions {
  /** Each given value wins over what the page says; the rest is read from the page or guessed. */
  slug?: string;
  title?: string;
  outlet?: string;
  publishedZone?: string;
  eventZone?: string;
  eventDate?: string;
  sourceUrl?: string | null;
}

/** A `<script type="application/ld+json">` block of a page. */
export interface JsonLdBlock {
  /** 1-based, in page order. */
  index: number;
  /** 1-based line of the page where the block's content starts. */
  line: number;
  /** Offset in the page where `text` starts. */
  offset: number;
  /** The JSON text, without CDATA or comment wrappers. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Finding script blocks

/** Elements whose content is raw text: a "<script" inside them is not a tag. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"]);

interface StartTag {
  name: string;
  attrs: Map<string, string>;
  /** Offset just after the ">". */
  end: number;
}

/** Walks the page's tags, calling `onTag` for each start tag; skips comments and raw-text content. */
function walkTags(html: string, onTag: (tag: StartTag, content: { start: number; end: number } | null) => void): void {
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) return;
    if (html.startsWith("<!--", lt)) {
      const close = html.indexOf("-->", lt + 4);
      if (close < 0) return;
      i = close + 3;
      continue;
    }
    if (html.startsWith("<![CDATA[", lt)) {
      const close = html.indexOf("]]>", lt + 9);
      if (close < 0) return;
      i = close + 3;
      continue;
    }
    const next = html[lt + 1];
    if (next === "!" || next === "?") {
      const close = html.indexOf(">", lt + 2);
      if (close < 0) return;
      i = close + 1;
      continue;
    }
    const isEnd = next === "/";
    const nameAt = lt + (isEnd ? 2 : 1);
    if (!/[A-Za-z]/.test(html[nameAt] ?? "")) {
      i = lt + 1;
      continue;
    }
    const close = findTagEnd(html, nameAt);
    if (close < 0) {
      i = lt + 1;
      continue;
    }
    if (isEnd) {
      i = close + 1;
      continue;
    }
    const raw = html.slice(nameAt, close);
    const name = /^[A-Za-z][A-Za-z0-9:-]*/.exec(raw)![0];
    const tag: StartTag = { name: name.toLowerCase(), attrs: parseAttributes(raw.slice(name.length)), end: close + 1 };
    if (RAW_TEXT.has(tag.name)) {
      // The content runs to the first "</name" followed by whitespace, "/" or ">" (as browsers read it).
      const endTag = new RegExp(`</${tag.name}(?=[\\s/>])`, "ig");
      endTag.lastIndex = tag.end;
      const m = endTag.exec(html);
      const contentEnd = m ? m.index : n;
      onTag(tag, { start: tag.end, end: contentEnd });
      if (!m) return;
      const gt = html.indexOf(">", contentEnd);
      i = gt < 0 ? n : gt + 1;
      continue;
    }
    onTag(tag, null);
    i = close + 1;
  }
}

/** Attributes of a start tag (the text after its name): any order, double, single or no quotes. */
function parseAttributes(s: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of s.matchAll(re)) {
    const name = m[1]!.toLowerCase();
    if (!attrs.has(name)) attrs.set(name, stripMarkup(m[2] ?? m[3] ?? m[4] ?? "").text);
  }
  return attrs;
}

const isJsonLdType = (type: string | undefined) => type !== undefined && type.split(";")[0]!.trim().toLowerCase() === "application/ld+json";

/** The page's JSON-LD blocks, in page order. */
export function findJsonLdBlocks(html: string): JsonLdBlock[] {
  const blocks: JsonLdBlock[] = [];
  walkTags(html, (tag, content) => {
    if (tag.name !== "script" || !content || !isJsonLdType(tag.attrs.get("type"))) return;
    const { text, skipped } = unwrapScript(html.slice(content.start, content.end));
    const offset = content.start + skipped;
    blocks.push({ index: blocks.length + 1, line: lineAt(html, offset), offset, text });
  });
  return blocks;
}

/** Script text without surrounding whitespace, `<!-- -->` or CDATA wrappers; `skipped` = characters dropped at the start. */
function unwrapScript(body: string): { text: string; skipped: number } {
  let start = 0;
  let end = body.length;
  const skipWs = () => {
    while (start < end && /\s/.test(body[start]!)) start++;
    while (end > start && /\s/.test(body[end - 1]!)) end--;
  };
  skipWs();
  for (const [open, close] of [
    ["<!--", "-->"],
    ["//<![CDATA[", "//]]>"],
    ["/*<![CDATA[*/", "/*]]>*/"],
    ["<![CDATA[", "]]>"],
  ] as const) {
    if (body.startsWith(open, start)) {
      start += open.length;
      if (body.slice(start, end).endsWith(close)) end -= close.length;
      skipWs();
    }
  }
  return { text: body.slice(start, end), skipped: start };
}

function lineAt(s: string, offset: number): number {
  let line = 1;
  for (let i = s.indexOf("\n"); i >= 0 && i < offset; i = s.indexOf("\n", i + 1)) line++;
  return line;
}

/** `<meta property="og:site_name" content="…">`, or null. */
function findSiteName(html: string): string | null {
  let found: string | null = null;
  walkTags(html, (tag) => {
    if (found === null && tag.name === "meta" && (tag.attrs.get("property") ?? tag.attrs.get("name")) === "og:site_name") {
      found = tag.attrs.get("content")?.trim() || null;
    }
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// JSON-LD nodes

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface LdNode {
  block: JsonLdBlock;
  /** Path inside the block, e.g. "@graph[1]" ("" for the block's own object). */
  path: string;
  value: JsonObject;
  types: string[];
  /** A top-level node (the block itself, an item of a top-level array or of an @graph). */
  topLevel: boolean;
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** "LiveBlogPosting" for "LiveBlogPosting", "schema:LiveBlogPosting", "https://schema.org/LiveBlogPosting". */
const typeName = (t: string) => t.replace(/^.*[/#:]/, "");

function typesOf(v: JsonObject): string[] {
  const t = v["@type"];
  const list = Array.isArray(t) ? t : t === undefined ? [] : [t];
  return list.filter((x): x is string => typeof x === "string").map(typeName);
}

const join = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;

/** Every object node of a block, depth first, with its path. */
function collectNodes(block: JsonLdBlock, value: Json, out: LdNode[]): void {
  const visit = (v: Json, path: string, topLevel: boolean, depth: number) => {
    if (depth > 12) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, join(path, i), topLevel, depth + 1));
      return;
    }
    if (!isObject(v)) return;
    out.push({ block, path, value: v, types: typesOf(v), topLevel });
    for (const [key, inner] of Object.entries(v)) {
      if (key === "@graph") visit(inner, join(path, key), topLevel, depth + 1);
      else if (typeof inner === "object" && inner !== null && key !== "liveBlogUpdate") visit(inner, join(path, key), false, depth + 1);
    }
  };
  visit(value, "", true, 0);
}

/** A page line and column for an offset inside a block's text. */
function pagePosition(html: string, block: JsonLdBlock, offsetInBlock: number) {
  const inBlock = block.text.slice(0, offsetInBlock);
  const blockLine = inBlock.split("\n").length;
  const column = offsetInBlock - (inBlock.lastIndexOf("\n") + 1) + 1;
  return { blockLine, column, pageLine: lineAt(html, block.offset + offsetInBlock) };
}

interface Found {
  node: LdNode;
  ids: Map<string, JsonObject>;
  warnings: string[];
}

/** Finds the page's LiveBlogPosting, or throws an error that says what the page has instead. */
export function findLiveBlogPosting(html: string): Found {
  const blocks = findJsonLdBlocks(html);
  const nodes: LdNode[] = [];
  const broken: FeedFormatError[] = [];
  const warnings: string[] = [];
  for (const block of blocks) {
    if (block.text === "") {
      warnings.push(`JSON-LD block ${block.index} (line ${block.line}) is empty and was skipped.`);
      continue;
    }
    let value: Json;
    try {
      value = JSON.parse(block.text) as Json;
    } catch (err) {
      const located = findJsonSyntaxError(block.text);
      const at = located ? pagePosition(html, block, located.offset) : null;
      const where = at ? `at line ${at.blockLine}, column ${at.column} of the block (line ${at.pageLine} of the page): ${located!.message}` : (err as Error).message;
      broken.push(
        new FeedFormatError(`JSON-LD block ${block.index} of ${blocks.length} is not valid JSON ${where}`, at?.pageLine ?? block.line, `JSON-LD block ${block.index}`),
      );
      continue;
    }
    collectNodes(block, value, nodes);
  }

  const ids = new Map<string, JsonObject>();
  for (const n of nodes) {
    const id = n.value["@id"];
    // The fullest node with an @id wins over bare references to it.
    if (typeof id === "string" && Object.keys(n.value).length > (ids.get(id) ? Object.keys(ids.get(id)!).length : 0)) ids.set(id, n.value);
  }
  const resolve = (v: JsonObject): JsonObject => {
    const id = v["@id"];
    return typeof id === "string" && Object.keys(v).length === 1 && ids.has(id) ? ids.get(id)! : v;
  };

  const candidates = nodes.filter((n) => n.types.includes("LiveBlogPosting"));
  if (candidates.length === 0) {
    if (broken.length > 0) throw broken[0]!;
    throw new FeedFormatError(describeMissing(html, blocks.length, nodes), undefined, "JSON-LD");
  }
  for (const b of broken) warnings.push(`${b.message}; it was skipped (the LiveBlogPosting is in another block).`);
  // A reference and its full node are one posting; several postings: the one with the most updates.
  const updatesOf = (n: LdNode) => {
    const u = resolve(n.value).liveBlogUpdate;
    return Array.isArray(u) ? u.length : u ? 1 : 0;
  };
  const distinct = new Map<JsonObject, LdNode>();
  for (const c of candidates) if (!distinct.has(resolve(c.value))) distinct.set(resolve(c.value), c);
  const ranked = [...distinct.values()].sort((a, b) => updatesOf(b) - updatesOf(a));
  const node = ranked[0]!;
  if (ranked.length > 1) {
    warnings.push(
      `The page has ${ranked.length} LiveBlogPosting nodes; the one with the most updates (${updatesOf(node)}) in JSON-LD block ${node.block.index} was used.`,
    );
  }
  return { node: { ...node, value: resolve(node.value) }, ids, warnings };
}

function describeMissing(html: string, blockCount: number, nodes: readonly LdNode[]): string {
  let usesMicrodata = false;
  walkTags(html, (tag) => {
    if (/schema\.org\/LiveBlogPosting\b/i.test(tag.attrs.get("itemtype") ?? "")) usesMicrodata = true;
  });
  const microdata = usesMicrodata
    ? ' The page marks up a LiveBlogPosting with microdata (itemtype="…/LiveBlogPosting"), which is not supported; only JSON-LD is.'
    : "";
  if (blockCount === 0) {
    return (
      'No JSON-LD found: the page has no <script type="application/ld+json"> block, so it holds no LiveBlogPosting. ' +
      `Save the live blog's own page (not a print or reader view), or copy its text and import it as plain text.${microdata}`
    );
  }
  const types = nodes.filter((n) => n.topLevel).map((n) => (n.types.length > 0 ? n.types.join("+") : "(no @type)"));
  const list = types.length > 0 ? types.join(", ") : "no typed nodes";
  return `Found ${blockCount} JSON-LD block${blockCount === 1 ? "" : "s"}: ${list}; none is a LiveBlogPosting.${microdata}`;
}

// ---------------------------------------------------------------------------------------------
// From the page's LiveBlogPosting to the JSON feed format

/** Text of a JSON-LD value: markup removed, entities decoded, control characters dropped. */
function textOf(v: Json | undefined, removed: Set<string>): string | undefined {
  if (Array.isArray(v)) return textOf(v.find((x) => typeof x === "string" || typeof x === "number"), removed);
  if (isObject(v) && "@value" in v) return textOf(v["@value"], removed);
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") return undefined;
  const stripped = stripMarkup(v);
  for (const t of stripped.tags) removed.add(t);
  let text = stripped.text;
  while (findControlCharacter(text) >= 0) {
    const i = findControlCharacter(text);
    text = text.slice(0, i) + text.slice(i + 1);
  }
  return text;
}

const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

interface ReadTime {
  dt: DateTime;
  written: string;
  offsetMissing: boolean;
}

function readTime(v: Json | undefined, zone: string): ReadTime | "unreadable" | undefined {
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const s = v.trim();
  const hasOffset = OFFSET.test(s) && /T|\s\d/.test(s);
  const attempts = [
    DateTime.fromISO(s, { setZone: true, zone }),
    DateTime.fromRFC2822(s, { setZone: true, zone }),
    DateTime.fromSQL(s, { setZone: true, zone }),
  ];
  const dt = attempts.find((d) => d.isValid);
  if (!dt) return "unreadable";
  const rfc = attempts[1]!.isValid;
  return { dt, written: s, offsetMissing: !hasOffset && !rfc };
}

/** An ASCII feed slug from a title, for when neither the options nor the page give one. */
function slugFrom(s: string): string {
  const slug = s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? "imported-live-blog" : slug;
}

/** The fragment of an update's `@id` or `url` ("…/live#block-5768f1"), usable as a stable key. */
function fragmentKey(v: JsonObject): string | undefined {
  for (const field of ["@id", "url"]) {
    const s = v[field];
    if (typeof s !== "string") continue;
    const hash = s.indexOf("#");
    const frag = hash >= 0 ? s.slice(hash + 1) : "";
    if (/^[A-Za-z0-9_.:-]{1,200}$/.test(frag)) return frag;
  }
  return undefined;
}

function offsetZone(minutes: number): string {
  if (minutes === 0) return "UTC";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, "0")}` : ""}`;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const isHttpUrl = (s: string) => {
  try {
    return ["http:", "https:"].includes(new URL(s).protocol) && s.length <= FEED_LIMITS.maxUrl;
  } catch {
    return false;
  }
};

/**
 * Reads a saved live-blog page. Throws FeedFormatError: without JSON-LD or a LiveBlogPosting (saying
 * what the page has), for a broken JSON-LD block (its number, line and column), and for updates
 * the JSON feed format refuses (the field path inside the block, e.g. `@graph[1].liveBlogUpdate[3].datePublished`).
 */
export function parseLiveBlogHtml(html: string, options: HtmlImportOptions = {}): ParsedFeed {
  const page = html.replace(/^\uFEFF/, "");
  const { node, ids, warnings } = findLiveBlogPosting(page);
  const post = node.value;
  const block = node.block;
  const at = (field: string | number) => join(node.path, field);
  const fail = (field: string, message: string): never => {
    throw new FeedFormatError(`JSON-LD block ${block.index}: ${field}: ${message}`, block.line, field);
  };
  const resolve = (v: Json | undefined): Json | undefined => {
    if (isObject(v) && typeof v["@id"] === "string" && Object.keys(v).length === 1) return ids.get(v["@id"]) ?? v;
    return v;
  };
  const detected: ParsedFeed["detected"] = {};
  const choose = (field: DetectedField, option: string | null | undefined, fromSource: string | null | undefined, guess: () => DetectedValue): string | null => {
    const chosen: DetectedValue =
      option !== undefined ? { value: option, from: "option" } : fromSource != null && fromSource !== "" ? { value: fromSource, from: "source" } : guess();
    detected[field] = chosen;
    return chosen.value;
  };
  const ignored = new Set<string>();

  // --- The updates, before the zone: their offsets are how the zone is guessed.
  const rawList = resolve(post.liveBlogUpdate);
  const list: { value: JsonObject; path: string }[] = (Array.isArray(rawList) ? rawList : rawList === undefined ? [] : [rawList]).flatMap((u, i) => {
    const value = resolve(u);
    return isObject(value) ? [{ value, path: Array.isArray(rawList) ? at(`liveBlogUpdate[${i}]`) : at("liveBlogUpdate") }] : [];
  });
  if (list.length === 0) fail(at("liveBlogUpdate"), "the LiveBlogPosting has no updates (liveBlogUpdate is missing or empty)");
  if (list.length > MAX_ENTRIES) {
    fail(at("liveBlogUpdate"), `${list.length} updates is over the limit of ${MAX_ENTRIES} entries per feed (MAX_ENTRIES)`);
  }

  const reliveZone = typeof post["relive:publishedZone"] === "string" ? post["relive:publishedZone"] : undefined;
  const zoneForReading = options.publishedZone ?? reliveZone ?? "UTC";
  const times = list.map(({ value, path }) => {
    for (const field of ["datePublished", "dateCreated", "dateModified"]) {
      const t = readTime(value[field], isValidZone(zoneForReading) ? zoneForReading : "UTC");
      if (t === "unreadable") fail(`${path}.${field}`, `"${String(value[field])}" is not a date and time (expected ISO 8601, e.g. "2016-06-24T04:40:00+01:00")`);
      if (t) return t as ReadTime;
    }
    return fail(`${path}.datePublished`, "the update has no datePublished");
  });

  // --- Metadata: options, then the page, then a guess the preview asks to confirm.
  // "Z" / +00:00 stamps are often plain UTC beside local ones; a single other offset is the page's own.
  const allOffsets = [...new Set(times.filter((t) => !t.offsetMissing).map((t) => t.dt.offset))];
  const offsets = allOffsets.filter((o) => o !== 0).length === 1 ? allOffsets.filter((o) => o !== 0) : allOffsets;
  const publishedZone = choose("publishedZone", options.publishedZone, reliveZone, () =>
    offsets.length === 1
      ? { value: offsetZone(offsets[0]!), from: "guessed", note: `the updates' times are written with the offset ${formatOffset(offsets[0]!)}${allOffsets.length > 1 ? " (or as UTC)" : ""}; give the outlet's zone (an IANA name such as "Europe/London") if it observes summer time` }
      : offsets.length === 0
        ? { value: "UTC", from: "guessed", note: "the updates' times have no offset; give the zone they were written in" }
        : {
            value: "UTC",
            from: "guessed",
            note: `the updates' times use ${offsets.length} offsets (${offsets.map(formatOffset).join(", ")}); give the outlet's zone (an IANA name such as "Europe/London")`,
          },
  )!;
  const eventZone = choose("eventZone", options.eventZone, typeof post["relive:eventZone"] === "string" ? post["relive:eventZone"] : undefined, () => ({
    value: publishedZone,
    from: "guessed",
    note: "the zone of the published times; give the zone where the event took place",
  }))!;
  const coverage = (field: "coverageStartTime" | "coverageEndTime") => {
    const t = readTime(post[field], isValidZone(publishedZone) ? publishedZone : "UTC");
    if (t === "unreadable") {
      warnings.push(`${at(field)} "${String(post[field])}" is not a date and time; it was ignored.`);
      return null;
    }
    return t ? t.dt.toUTC().toISO()! : null;
  };
  const statedCoverage = { start: coverage("coverageStartTime"), end: coverage("coverageEndTime") };
  const zoneOk = isValidZone(publishedZone);
  const earliest = times.reduce((a, b) => (b.dt.toMillis() < a.dt.toMillis() ? b : a));
  const eventDate = choose("eventDate", options.eventDate, typeof post["relive:eventDate"] === "string" ? post["relive:eventDate"] : undefined, () => ({
    value: DateTime.fromISO(statedCoverage.start ?? earliest.dt.toUTC().toISO()!, { zone: zoneOk ? publishedZone : "UTC" }).toFormat("yyyy-MM-dd"),
    from: "guessed",
    note: statedCoverage.start ? "the date coverage starts, in the published zone" : "the date of the earliest update, in the published zone",
  }))!;

  const title = choose("title", options.title, textOf(post.headline ?? post.name, ignored), () => ({ value: null, from: "guessed" }));
  if (!title) fail(at("headline"), "the LiveBlogPosting has no headline; give the feed's title");
  const identifier = typeof post.identifier === "string" && FEED_SLUG_PATTERN.test(post.identifier) ? post.identifier : undefined;
  const slug = choose("slug", options.slug, identifier, () => ({ value: slugFrom(title!), from: "guessed", note: "made from the headline" }))!;

  const publisher = resolve(Array.isArray(post.publisher) ? post.publisher[0] : post.publisher);
  const author = resolve(Array.isArray(post.author) ? post.author[0] : post.author);
  const orgName = (v: Json | undefined) => (typeof v === "string" ? v : isObject(v) ? textOf(v.name, ignored) : undefined);
  const fromPage = orgName(publisher) ?? (isObject(author) && typesOf(author).includes("Organization") ? orgName(author) : undefined);
  const siteName = findSiteName(page);
  const outlet = choose("outlet", options.outlet, fromPage, () =>
    siteName ? { value: siteName, from: "guessed", note: 'from the page\'s <meta property="og:site_name">' } : { value: null, from: "guessed" },
  );
  if (!outlet) fail(at("publisher.name"), "the LiveBlogPosting names no publisher; give the outlet's name");

  const mainEntity = resolve(post.mainEntityOfPage);
  const pageUrl = [post.url, isObject(mainEntity) ? mainEntity["@id"] : mainEntity].find((u): u is string => typeof u === "string" && isHttpUrl(u));
  const sourceUrl = choose("sourceUrl", options.sourceUrl, pageUrl, () => ({ value: null, from: "guessed" }));

  // --- Page order: newest first. A list that runs oldest first is read bottom-up.
  let ascending = 0;
  let descending = 0;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]!.dt.toMillis() - times[i - 1]!.dt.toMillis();
    if (d > 0) ascending++;
    else if (d < 0) descending++;
  }
  const order = list.map((_, i) => i);
  if (ascending > descending) {
    order.reverse();
    warnings.push(`${at("liveBlogUpdate")} lists the updates oldest first; it was read bottom-up, since a live blog's page runs newest first.`);
  }

  // --- Updates in the JSON feed format, with where each came from.
  const sources: EntrySource[] = [];
  const usedIds = new Set<string>();
  const updates = order.map((i) => {
    const { value: u, path } = list[i]!;
    const time = times[i]!;
    const removed = new Set<string>();
    const body = textOf(u.articleBody ?? u.text ?? u.description, removed) ?? "";
    let headline = textOf(u.headline ?? u.name ?? u.alternativeHeadline, removed) ?? "";

    const image = resolve(Array.isArray(u.image) ? u.image[0] : u.image ?? u.associatedMedia);
    let imageOut: { "@type": "ImageObject"; caption?: string; creditText?: string } | undefined;
    if (isObject(image) && !typesOf(image).includes("VideoObject")) {
      const caption = textOf(image.caption ?? image.description ?? image.name, removed);
      const holder = resolve(image.copyrightHolder ?? image.author);
      const credit = textOf(image.creditText ?? image.copyrightNotice, removed) ?? (isObject(holder) ? textOf(holder.name, removed) : undefined);
      if (caption || credit) imageOut = { "@type": "ImageObject", ...(caption ? { caption } : {}), ...(credit ? { creditText: credit } : {}) };
    }
    const video = resolve(Array.isArray(u.video) ? u.video[0] : u.video);
    let videoOut: { "@type": "VideoObject"; name: string; description?: string } | undefined;
    if (isObject(video)) {
      const name = textOf(video.name, removed) || headline || "Video";
      const description = textOf(video.description, removed);
      videoOut = { "@type": "VideoObject", name, ...(description ? { description } : {}) };
    }

    const headlineMissing = headline.trim() === "";
    if (headlineMissing) headline = headlineFrom(body) ?? imageOut?.caption ?? videoOut?.name ?? "(untitled update)";

    let id = typeof u.identifier === "string" || typeof u.identifier === "number" ? String(u.identifier) : fragmentKey(u);
    if (id !== undefined && (usedIds.has(id) || id.trim() === "" || id.length > FEED_LIMITS.maxKey)) id = undefined;
    if (id !== undefined) usedIds.add(id);

    const datePublished = time.offsetMissing ? time.dt.toISO()! : time.written;
    sources.push({
      line: block.line,
      block: block.index,
      field: path,
      printedTime: time.written,
      wallTime: time.dt.toFormat("yyyy-MM-dd'T'HH:mm"),
      markupRemoved: [...removed],
      headlineMissing,
      offsetMissing: time.offsetMissing,
    });
    return {
      "@type": "BlogPosting" as const,
      ...(id !== undefined ? { identifier: id } : {}),
      headline,
      articleBody: body,
      datePublished: DateTime.fromISO(datePublished, { setZone: true }).isValid ? datePublished : time.dt.toISO()!,
      ...(imageOut ? { image: imageOut } : {}),
      ...(videoOut ? { video: videoOut } : {}),
    };
  });

  const doc = {
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: slug,
    headline: title,
    description: textOf(post.description, ignored) ?? "",
    publisher: { "@type": "Organization", name: outlet },
    ...(sourceUrl !== null ? { url: sourceUrl } : {}),
    "relive:publishedZone": publishedZone,
    "relive:eventZone": eventZone,
    "relive:eventDate": eventDate,
    liveBlogUpdate: updates,
  };
  const result = liveBlogJsonSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const [top, index, ...rest] = issue.path;
    let field: string;
    if (top === "liveBlogUpdate" && typeof index === "number") field = `${sources[index]!.field}${rest.length ? `.${formatIssuePath(rest)}` : ""}`;
    else {
      const name = formatIssuePath(issue.path);
      const given = { identifier: "slug", headline: "title", "publisher.name": "outlet", url: "sourceUrl", "relive:publishedZone": "publishedZone", "relive:eventZone": "eventZone", "relive:eventDate": "eventDate" }[name];
      const from = given ? detected[given as DetectedField]?.from : undefined;
      field = from === "option" ? given! : at(name);
    }
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem${result.error.issues.length === 2 ? "" : "s"})` : "";
    fail(field, `${issue.message}${more}`);
  }
  const feed = fromLiveBlogJson(result.data!);
  return { format: "html", feed, sources, statedCoverage, detected, warnings };
}

/** A title for an update without a headline: its first sentence, at most 120 characters. */
function headlineFrom(body: string): string | undefined {
  const first = body.split("\n")[0]?.trim();
  if (!first) return undefined;
  const sentence = /^.+?[.!?](?=\s|$)/u.exec(first)?.[0] ?? first;
  if (sentence.length <= 120) return sentence;
  const cut = sentence.slice(0, 119);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), 60)).trimEnd()}…`;
}

/** Whether a text looks like an HTML page (for inputs without a file name). */
export function looksLikeHtml(text: string): boolean {
  const head = text.replace(/^\uFEFF/, "").trimStart().slice(0, 1000).toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<head") || (head.startsWith("<") && /<script[\s>]/.test(text.slice(0, 200_000).toLowerCase()));
}
