/**
 * The library API under /api/library: entering the key, previewing and saving an import, card
 * authoring, key moments and pause points, export and deletion. Every route but the key exchange
 * needs the key; every state-changing one is checked for cross-site origin and rate-limited
 * (guard.ts). Uploads are the request body as sent (a file's bytes or a pasted text), with the
 * metadata the user confirmed in the query string, so the server parses exactly what was uploaded
 * and never trusts a parse done elsewhere. Saving parses again and writes in one transaction.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CardFormatError, contextCardSchema, parseContextCards, type ContextCardFile } from "../../domain/cards";
import { FeedFormatError } from "../../domain/feed-model";
import { parseFeedInput, type FeedInputMeta } from "../../domain/import/feed-input";
import { MAX_ENTRIES, MAX_UPLOAD_BYTES } from "../../domain/import/limits";
import { buildPreview } from "../../domain/import/preview";
import { FEED_SLUG_PATTERN } from "../../domain/protocol-constants";
import type { Db } from "../db/database";
import { deleteFeed, liveSessionsOn, saveMoments } from "../feeds/annotations";
import { exportStoredFeed, previewReimport, readStoredFeed } from "../feeds/export";
import { ImportError, importItems } from "../feeds/importer";
import { sendJson } from "../http/api";
import { readBody } from "../http/body";
import { CLEAR_COOKIE, KEY_NEEDED, type LibraryGuard, type Refusal } from "./guard";

/** Forms (cards, moments, the key) are small. */
const FORM_BYTES = 64 * 1024;
const META_FIELDS = ["slug", "title", "outlet", "publishedZone", "eventZone", "eventDate", "sourceUrl"] as const;

export interface LibraryApiContext {
  db: Db;
  guard: LibraryGuard;
  /** Whether the server is reached over https (the cookie is then Secure). */
  secure: boolean;
  /** A feed was deleted: the sessions that replayed it end on every device (ReplayEngine.feedDeleted). */
  feedDeleted(slug: string): void;
}

export function isLibraryApi(url: string | undefined): boolean {
  return url === "/api/library" || Boolean(url?.startsWith("/api/library/") || url?.startsWith("/api/library?"));
}

export async function handleLibraryApi(req: IncomingMessage, res: ServerResponse, ctx: LibraryApiContext): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  const method = req.method ?? "GET";
  const crossSite = ctx.guard.crossSite(req);
  if (crossSite) return refuse(res, crossSite);

  if (path === "/api/library/session") {
    if (method === "DELETE") {
      res.setHeader("Set-Cookie", CLEAR_COOKIE);
      return sendJson(res, 200, { ok: true });
    }
    if (method !== "POST") return notAllowed(res, "POST, DELETE");
    const body = await readJson(req, res, FORM_BYTES);
    if (body === undefined) return;
    const key = typeof (body as { key?: unknown })?.key === "string" ? (body as { key: string }).key.trim() : "";
    const refusal = ctx.guard.tryKey(req, key);
    if (refusal) return refuse(res, refusal);
    res.setHeader("Set-Cookie", ctx.guard.sessionCookie(ctx.secure));
    return sendJson(res, 200, { ok: true });
  }

  const auth = ctx.guard.authorized(req);
  if (auth !== true) return refuse(res, auth === false ? KEY_NEEDED : auth);
  if (method !== "GET" && method !== "HEAD") {
    const limited = ctx.guard.change(req);
    if (limited) return refuse(res, limited);
  }

  if (path === "/api/library/limits") return sendJson(res, 200, { maxUploadBytes: MAX_UPLOAD_BYTES, maxEntries: MAX_ENTRIES });
  if (path === "/api/library/preview" || path === "/api/library/import") {
    if (method !== "POST") return notAllowed(res, "POST");
    const bytes = await readBody(req, res, MAX_UPLOAD_BYTES);
    if (bytes === undefined) return;
    return path.endsWith("preview") ? preview(res, ctx.db, url, bytes) : save(res, ctx.db, url, bytes);
  }

  const feed = /^\/api\/library\/feeds\/([^/]+)(?:\/(export|moments|cards)(?:\/([^/]+))?)?$/.exec(path);
  if (!feed) return sendJson(res, 404, { error: "not_found", message: `No library route ${path}` });
  const slug = decodeURIComponent(feed[1]!);
  if (!FEED_SLUG_PATTERN.test(slug)) return sendJson(res, 400, { error: "bad_slug", field: "slug", message: "Feed slugs are lowercase letters, digits and dashes" });
  const part = feed[2];
  if (part === undefined) {
    if (method === "GET") return sendJson(res, 200, { slug, liveSessions: await liveSessionsOn(ctx.db, slug) });
    if (method !== "DELETE") return notAllowed(res, "GET, DELETE");
    // The confirmation is the slug typed again, so a stray request cannot delete.
    if (url.searchParams.get("confirm") !== slug) {
      return sendJson(res, 400, { error: "confirm", field: "confirm", message: `To delete, confirm by giving the feed's slug "${slug}"` });
    }
    if (!(await deleteFeed(ctx.db, slug))) return feedNotFound(res, slug);
    ctx.feedDeleted(slug);
    return sendJson(res, 200, { deleted: slug });
  }
  if (part === "export") {
    if (method !== "GET") return notAllowed(res, "GET");
    const exported = await exportStoredFeed(ctx.db, slug);
    if (!exported) return feedNotFound(res, slug);
    const which = url.searchParams.get("file") === "cards" ? "cards" : "feed";
    res.setHeader("Content-Disposition", `attachment; filename="${slug}${which === "cards" ? ".cards" : ""}.json"`);
    return sendJson(res, 200, which === "cards" ? exported.cards : exported.feed);
  }
  if (part === "moments") {
    if (method !== "PUT") return notAllowed(res, "PUT");
    const body = await readJson(req, res, FORM_BYTES * 4);
    if (body === undefined) return;
    const result = await saveMoments(ctx.db, slug, body);
    if (result.status === "not_found") return feedNotFound(res, slug);
    if (result.status === "invalid") return sendJson(res, 422, { error: "invalid", field: result.issues[0]!.field, message: `${result.issues[0]!.field}: ${result.issues[0]!.message}`, issues: result.issues });
    return sendJson(res, 200, result.moments);
  }
  // Cards: PUT /cards/<id> adds or replaces one, DELETE removes it; the feed's whole card file is validated and saved.
  const cardId = feed[3] && decodeURIComponent(feed[3]);
  if (!cardId || (method !== "PUT" && method !== "DELETE")) return notAllowed(res, "PUT, DELETE");
  const exported = await exportStoredFeed(ctx.db, slug);
  if (!exported) return feedNotFound(res, slug);
  const cards = exported.cards.cards.filter((c) => c.id !== cardId);
  let index = cards.length;
  if (method === "PUT") {
    const body = await readJson(req, res, FORM_BYTES);
    if (body === undefined) return;
    const at = exported.cards.cards.findIndex((c) => c.id === cardId);
    index = at === -1 ? cards.length : at;
    cards.splice(index, 0, body as ContextCardFile["cards"][number]);
  }
  let file: ContextCardFile;
  try {
    file = parseContextCards(JSON.stringify({ feed: slug, cards }));
  } catch (error) {
    if (!(error instanceof CardFormatError)) throw error;
    // Name the field as the author sees it: "knownFrom", not "cards[3].knownFrom".
    const issues = error.issues.map((i) => ({ field: i.path.replace(/^cards\[\d+\]\.?/, "") || "card", message: i.message }));
    return sendJson(res, 422, { error: "invalid", field: issues[0]!.field, message: `${issues[0]!.field}: ${issues[0]!.message}`, issues });
  }
  if (method === "PUT" && contextCardSchema.parse(file.cards[index]).id !== cardId) {
    return sendJson(res, 422, { error: "invalid", field: "id", message: `id: must be "${cardId}", the card's address` });
  }
  await importItems(ctx.db, [{ kind: "cards", file, origin: "the library" }]);
  return sendJson(res, 200, { cards: file.cards.length });
}

function metaFrom(url: URL): FeedInputMeta {
  const meta: FeedInputMeta = {};
  for (const field of META_FIELDS) {
    const value = url.searchParams.get(field)?.trim();
    if (value) meta[field] = value;
  }
  return meta;
}

function parseUpload(res: ServerResponse, url: URL, bytes: Buffer) {
  const name = url.searchParams.get("name") ?? undefined;
  const format = url.searchParams.get("format");
  try {
    return parseFeedInput(
      { name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { meta: metaFrom(url), ...(format === "text" || format === "json" || format === "html" ? { format } : {}) },
    );
  } catch (error) {
    if (!(error instanceof FeedFormatError)) throw error;
    const where = error.line !== undefined ? `line ${error.line}: ` : "";
    sendJson(res, 422, { error: "invalid_feed", message: `${where}${error.message}`, line: error.line, field: error.field });
    return undefined;
  }
}

async function preview(res: ServerResponse, db: Db, url: URL, bytes: Buffer): Promise<void> {
  const parsed = parseUpload(res, url, bytes);
  if (!parsed) return;
  const diff = await previewReimport(db, parsed.feed);
  sendJson(res, 200, { preview: buildPreview(parsed, diff), liveSessions: diff.created ? { shared: 0, solo: 0 } : await liveSessionsOn(db, parsed.feed.slug) });
}

async function save(res: ServerResponse, db: Db, url: URL, bytes: Buffer): Promise<void> {
  const parsed = parseUpload(res, url, bytes);
  if (!parsed) return;
  try {
    const report = await importItems(db, [{ kind: "feed", feed: parsed.feed, origin: "the library", parsed }]);
    const stored = await readStoredFeed(db, parsed.feed.slug);
    sendJson(res, 200, { slug: parsed.feed.slug, report: report.feeds[0], entries: stored?.entries.length ?? 0 });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    sendJson(res, 422, { error: "import_refused", message: error.message });
  }
}

async function readJson(req: IncomingMessage, res: ServerResponse, max: number): Promise<unknown> {
  const body = await readBody(req, res, max);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch (error) {
    sendJson(res, 400, { error: "bad_json", message: `The request is not JSON: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  if (refusal.retryAfterMs !== undefined) res.setHeader("Retry-After", Math.ceil(refusal.retryAfterMs / 1000));
  sendJson(res, refusal.status, { error: refusal.error, message: refusal.message });
}

function notAllowed(res: ServerResponse, allow: string): void {
  res.setHeader("Allow", allow);
  sendJson(res, 405, { error: "method_not_allowed", message: `Use ${allow} here` });
}

function feedNotFound(res: ServerResponse, slug: string): void {
  sendJson(res, 404, { error: "feed_not_found", message: `No feed called "${slug}"` });
}
