/**
 * The JSON API under /api. It is served by the custom server itself, not by
 * Next, so that it answers fast and works the same whether or not pages are.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { APP_VERSION } from "../../domain/version";
import { describeDbError } from "../db/database";
import type { Services } from "../services";
import { chooseEncoding, etagMatches, FeedResponseCache, type FeedRepresentations } from "./feed-cache";

export interface ApiContext extends Pick<Services, "feeds"> {
  /** Resolves if the database answers; rejects with the reason otherwise. */
  pingDatabase(): Promise<void>;
}

import { feedSlugSchema as slugSchema } from "../../domain/protocol";

export function isApiRequest(url: string | undefined): boolean {
  return url === "/api" || Boolean(url?.startsWith("/api/"));
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, context: ApiContext): Promise<void> {
  const { pathname, searchParams } = new URL(req.url ?? "/", "http://localhost");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return sendJson(res, 405, { error: "method_not_allowed", message: `${req.method} is not supported here` });
  }

  if (pathname === "/api/health") return health(res, context);
  if (pathname === "/api/feeds") return sendJson(res, 200, { feeds: await context.feeds.list() });

  const feedMatch = /^\/api\/feeds\/([^/]+)$/.exec(pathname);
  if (feedMatch) {
    const slug = slugSchema.safeParse(decodeURIComponentSafe(feedMatch[1]!));
    if (!slug.success) return sendJson(res, 400, { error: "bad_slug", message: "Feed slugs are lowercase letters, digits and dashes" });
    // ?version=: the version a class session replays (its pages ask for it), current or kept for it.
    const version = searchParams.get("version");
    if (version !== null && !FEED_VERSION_PATTERN.test(version)) {
      return sendJson(res, 400, { error: "bad_version", message: "A feed version looks like <feed id>:<number>:<number>, as a class session's page names it" });
    }
    const cache = feedCache(context);
    const feed = cache.trusted(slug.data) ?? (await cache.current(slug.data));
    if (!feed) return sendJson(res, 404, { error: "feed_not_found", message: `No feed called "${slug.data}"` });
    if (version === null || version === feed.version) return sendFeed(req, res, feed);
    const kept = await cache.kept(slug.data, version);
    if (!kept) return sendJson(res, 404, { error: "version_not_found", message: `The feed "${slug.data}" has changed since version ${version}, and no class session replays that version any more` });
    return sendFeed(req, res, kept);
  }

  return sendJson(res, 404, { error: "not_found", message: `No API route ${pathname}` });
}

/** A feed version as FeedRepository names it: the row's id, xmin and updatedAt. */
const FEED_VERSION_PATTERN = /^[0-9a-f-]{36}:\d{1,20}:\d{1,20}$/;

/** One cache per repository, that is per server. */
const feedCaches = new WeakMap<ApiContext["feeds"], FeedResponseCache>();

function feedCache(context: ApiContext): FeedResponseCache {
  let cache = feedCaches.get(context.feeds);
  if (!cache) feedCaches.set(context.feeds, (cache = new FeedResponseCache(context.feeds)));
  return cache;
}

/**
 * A feed, from memory: 304 if the client holds this version, else the body in
 * the best encoding it accepts. `no-cache`: a client may keep the feed but
 * asks again each time, since a re-import can change it at any moment.
 */
function sendFeed(req: IncomingMessage, res: ServerResponse, feed: FeedRepresentations): void {
  const headers: Record<string, string | number> = {
    "Cache-Control": "no-cache",
    ETag: feed.etag,
    Vary: "Accept-Encoding",
  };
  if (etagMatches(req.headers["if-none-match"], feed.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const encoding = chooseEncoding(req.headers["accept-encoding"]);
  const body = feed.bodies[encoding];
  headers["Content-Type"] = "application/json; charset=utf-8";
  if (encoding !== "identity") headers["Content-Encoding"] = encoding;
  headers["Content-Length"] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

const HEALTH_TIMEOUT_MS = 2000;

async function health(res: ServerResponse, context: ApiContext): Promise<void> {
  try {
    await withTimeout(context.pingDatabase(), HEALTH_TIMEOUT_MS, "the database did not answer within 2 s");
    sendJson(res, 200, { status: "ok", db: "ok", version: APP_VERSION });
  } catch (error) {
    const reason = describeDbError(error);
    sendJson(res, 503, { status: "error", db: "down", reason, version: APP_VERSION });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    "Cache-Control": "no-store",
  });
  res.end(res.req.method === "HEAD" ? undefined : payload);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
