/**
 * The feed API's responses, kept in memory per feed version: the JSON body,
 * its ETag and its gzip and brotli forms are made once per version of a feed
 * and then served as they are.
 *
 * Freshness: every request reads the feed's version from PostgreSQL (one
 * indexed row; server/feeds/feed-repository.ts) in a query that starts after
 * the request arrived, and the cached copy is used only if it was made from
 * that version. An import, in this process or in any other, changes the
 * version in the transaction that changes the feed (server/feeds/importer.ts),
 * so once an import has committed no request sees the old copy. Requests that
 * arrive while a version query is out share the next one: one query per
 * round trip however many requests are waiting, never one that began before
 * a request arrived.
 */
import crypto from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { FeedDetail } from "../../domain/feed";

export interface FeedSource {
  /** The current version of each of these feeds that exists. */
  versions(slugs: readonly string[]): Promise<Map<string, string>>;
  /** The feed and its version, from one snapshot. */
  getWithVersion(slug: string): Promise<{ feed: FeedDetail; version: string } | undefined>;
}

export type Encoding = "br" | "gzip" | "identity";

/** One version of a feed, ready to send. */
export interface FeedRepresentations {
  version: string;
  /** Weak: the same for every encoding of the same JSON. */
  etag: string;
  bodies: Record<Encoding, Buffer>;
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Brotli's best quality costs about 1 s per 500 kB of JSON; above this size a faster one is used. */
const BROTLI_MAX_QUALITY_BYTES = 256 * 1024;

export async function represent(feed: FeedDetail, version: string): Promise<FeedRepresentations> {
  const identity = Buffer.from(JSON.stringify(feed));
  const etag = `W/"${crypto.createHash("sha256").update(identity).digest("base64url").slice(0, 32)}"`;
  // zlib's async calls run on libuv's thread pool: the event loop keeps serving meanwhile.
  const [gzipped, brotlied] = await Promise.all([
    gzip(identity, { level: 9 }),
    brotli(identity, {
      params: {
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_QUALITY]: identity.length <= BROTLI_MAX_QUALITY_BYTES ? 11 : 9,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    }),
  ]);
  return { version, etag, bodies: { identity, gzip: gzipped, br: brotlied } };
}

export class FeedResponseCache {
  private readonly cached = new Map<string, FeedRepresentations & { started: number }>();
  /** Builds under way, by slug and the version that asked for them. */
  private readonly building = new Map<string, Promise<FeedRepresentations | undefined>>();
  private builds = 0;
  private readonly versions: VersionReader;

  constructor(private readonly source: FeedSource) {
    this.versions = new VersionReader((slugs) => source.versions(slugs));
  }

  /** The feed as it is now, or undefined if there is no such feed. */
  async current(slug: string): Promise<FeedRepresentations | undefined> {
    const version = await this.versions.read(slug);
    if (version === undefined) {
      this.cached.delete(slug);
      return undefined;
    }
    const cached = this.cached.get(slug);
    if (cached?.version === version) return cached;
    const key = `${slug}\n${version}`;
    let build = this.building.get(key);
    if (!build) {
      build = this.build(slug).finally(() => this.building.delete(key));
      this.building.set(key, build);
    }
    // The build may find a version newer than `version` (an import committed meanwhile): newer is fine.
    return build;
  }

  private async build(slug: string): Promise<FeedRepresentations | undefined> {
    const started = ++this.builds;
    const read = await this.source.getWithVersion(slug);
    if (!read) {
      this.cached.delete(slug);
      return undefined;
    }
    const made = { ...(await represent(read.feed, read.version)), started };
    // Of two builds that overlapped, the one that started later read the later snapshot.
    const kept = this.cached.get(slug);
    if (!kept || kept.started < started) this.cached.set(slug, made);
    return made;
  }
}

/**
 * Reads versions in batches: at most one query out at a time, and a request
 * waits for the first query that starts after it asked.
 */
class VersionReader {
  private waiting = new Map<string, Array<(outcome: { version?: string; error?: unknown }) => void>>();
  private querying = false;

  constructor(private readonly query: (slugs: readonly string[]) => Promise<Map<string, string>>) {}

  read(slug: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(slug) ?? [];
      waiters.push(({ version, error }) => (error === undefined ? resolve(version) : reject(error)));
      this.waiting.set(slug, waiters);
      if (!this.querying) this.next();
    });
  }

  private next(): void {
    if (this.waiting.size === 0) return;
    const batch = this.waiting;
    this.waiting = new Map();
    this.querying = true;
    const settle = (outcome: (slug: string) => { version?: string; error?: unknown }) => {
      for (const [slug, waiters] of batch) for (const waiter of waiters) waiter(outcome(slug));
    };
    this.query([...batch.keys()])
      .then(
        (versions) => settle((slug) => ({ version: versions.get(slug) })),
        (error: unknown) => settle(() => ({ error: error ?? new Error("the version query failed") })),
      )
      .finally(() => {
        this.querying = false;
        this.next();
      });
  }
}

/** br if the client takes it at least as gladly as gzip, else gzip, else the JSON as it is. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  let br: number | undefined;
  let gz: number | undefined;
  let any: number | undefined;
  for (const part of acceptEncoding.split(",")) {
    const [coding = "", ...params] = part.split(";");
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (match) q = Number.isFinite(Number(match[1])) ? Number(match[1]) : 0;
    }
    const name = coding.trim().toLowerCase();
    if (name === "br") br = Math.max(br ?? 0, q);
    else if (name === "gzip" || name === "x-gzip") gz = Math.max(gz ?? 0, q);
    else if (name === "*") any = q;
  }
  const brQ = br ?? any ?? 0;
  const gzQ = gz ?? any ?? 0;
  if (brQ > 0 && brQ >= gzQ) return "br";
  if (gzQ > 0) return "gzip";
  return "identity";
}

/** If-None-Match against our ETag, by weak comparison (RFC 9110 13.1.2). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = etag.startsWith("W/") ? etag.slice(2) : etag;
  for (const raw of ifNoneMatch.split(",")) {
    const tag = raw.trim();
    if (tag === "*" || (tag.startsWith("W/") ? tag.slice(2) : tag) === opaque) return true;
  }
  return false;
}
