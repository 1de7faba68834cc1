/**
 * The feed API's responses, kept in memory per feed version: the JSON body,
 * its ETag and its gzip and brotli forms are made once per version of a feed
 * and then served as they are.
 *
 * Freshness. A feed's version is one indexed row in PostgreSQL
 * (server/feeds/feed-repository.ts); every import that changes a feed changes
 * it in the same transaction. A copy is served only while its version is
 * known to be current: for FEED_VERSION_LEASE_MS after the sending of a query
 * that found that version (the read that built the copy, a request's own
 * check, or the poll that renews the copies in use every POLL_MS). An import
 * that changed a feed returns only that long after its commit
 * (server/feeds/importer.ts), so from then on no server, in this process or
 * another, serves the copy from before it: a query sent after the commit has
 * seen the new version. A request that finds no copy in lease (the first one,
 * or after the poll stopped or failed) checks the version itself, in a query
 * that starts after it arrived; requests waiting at the same moment share it.
 */
import crypto from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { FeedDetail } from "../../domain/feed";
import { FEED_VERSION_LEASE_MS } from "../feeds/feed-repository";
import { KeptLoads } from "../feeds/kept-loads";

/** Well inside the lease: a copy in use stays in lease while the poll takes up to 150 ms. (A poll costs Prisma about 1 ms of CPU.) */
const POLL_MS = 100;
/** The poll stops when no request has used a copy for this long; the next request checks for itself. */
const POLL_IDLE_MS = 2000;

export interface FeedSource {
  /** The current version of each of these feeds that exists. */
  versions(slugs: readonly string[]): Promise<Map<string, string>>;
  /** The feed and its version, from one snapshot. */
  getWithVersion(slug: string): Promise<{ feed: FeedDetail; version: string } | undefined>;
  /** A version kept for the sessions that replay it (feed_version), if it is. */
  keptVersion(slug: string, version: string): Promise<FeedDetail | undefined>;
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

/** How many kept versions (FeedResponseCache.kept) stay ready to send: a class's console asks for its session's. */
const KEPT_COPIES = 8;

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

interface Cached extends FeedRepresentations {
  /** Build order: of two overlapping builds the later-started one is kept (each is served only within its own lease). */
  started: number;
  /** performance.now() until which this version is known to be current. */
  trustedUntil: number;
}

export class FeedResponseCache {
  private readonly cached = new Map<string, Cached>();
  /** Builds under way, by slug and the version that asked for them. */
  private readonly building = new Map<string, Promise<FeedRepresentations | undefined>>();
  /** Kept versions, the KEPT_COPIES most recently asked for: a version never changes. */
  private readonly keptCopies = new KeptLoads<FeedRepresentations>(KEPT_COPIES);
  private builds = 0;
  private readonly versions: VersionReader;
  private polling = false;
  private lastUse = 0;

  constructor(private readonly source: FeedSource) {
    this.versions = new VersionReader((slugs) => source.versions(slugs));
  }

  /** The copy in memory if it is known to be current now (no waiting, no database), else undefined: ask current(). */
  trusted(slug: string): FeedRepresentations | undefined {
    const now = performance.now();
    this.lastUse = now;
    const cached = this.cached.get(slug);
    return cached && now < cached.trustedUntil ? cached : undefined;
  }

  /** The feed as it is now, or undefined if there is no such feed. */
  async current(slug: string): Promise<FeedRepresentations | undefined> {
    const arrived = performance.now();
    this.lastUse = arrived;
    const trusted = this.cached.get(slug);
    if (trusted && arrived < trusted.trustedUntil) return trusted;

    const version = await this.versions.read(slug); // a query sent after `arrived`
    if (version === undefined) {
      this.cached.delete(slug);
      return undefined;
    }
    const cached = this.cached.get(slug);
    if (cached?.version === version) {
      cached.trustedUntil = Math.max(cached.trustedUntil, arrived + FEED_VERSION_LEASE_MS);
      this.poll();
      return cached;
    }
    const key = `${slug}\n${version}`;
    let build = this.building.get(key);
    if (!build) {
      build = this.build(slug).finally(() => this.building.delete(key));
      this.building.set(key, build);
    }
    // The build may find a version newer than `version` (an import committed meanwhile): newer is fine.
    return build;
  }

  /**
   * A version of the feed other than the current one, as kept for the class
   * sessions that replay it (ask current() first: a deleted feed's kept
   * copies may still be here); undefined if that version was not kept.
   */
  kept(slug: string, version: string): Promise<FeedRepresentations | undefined> {
    return this.keptCopies.get(slug, version, () => this.source.keptVersion(slug, version).then((feed) => feed && represent(feed, version)));
  }

  private async build(slug: string): Promise<FeedRepresentations | undefined> {
    const started = ++this.builds;
    const sent = performance.now();
    const read = await this.source.getWithVersion(slug);
    if (!read) {
      this.cached.delete(slug);
      return undefined;
    }
    const made: Cached = { ...(await represent(read.feed, read.version)), started, trustedUntil: sent + FEED_VERSION_LEASE_MS };
    const kept = this.cached.get(slug);
    if (!kept || kept.started < started) this.cached.set(slug, made);
    this.poll();
    return made;
  }

  /** Renews the lease of the copies in use while requests keep coming; stops on the first failure. */
  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    void (async () => {
      try {
        while (this.cached.size > 0 && performance.now() - this.lastUse < POLL_IDLE_MS) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
          const sent = performance.now();
          const versions = await this.source.versions([...this.cached.keys()]);
          for (const [slug, copy] of this.cached) {
            if (versions.get(slug) === copy.version) copy.trustedUntil = Math.max(copy.trustedUntil, sent + FEED_VERSION_LEASE_MS);
          }
        }
      } catch {
        // The leases run out; each request checks for itself (and reports the database's failure).
      } finally {
        this.polling = false;
      }
    })();
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

/** Clients send a handful of distinct Accept-Encoding values: each is parsed once (while there are few). */
const chosen = new Map<string, Encoding>();

/** br if the client takes it at least as gladly as gzip, else gzip, else the JSON as it is. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  let encoding = chosen.get(acceptEncoding);
  if (encoding === undefined) {
    encoding = parseAcceptEncoding(acceptEncoding);
    if (chosen.size >= 64) chosen.clear();
    chosen.set(acceptEncoding, encoding);
  }
  return encoding;
}

function parseAcceptEncoding(acceptEncoding: string): Encoding {
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
